/* syscalls.h - the syscall table (x86_64): names and numbers generated from
 * the kernel headers (syscallent.h), argument roles and classes written by
 * hand (syscall_roles.c), one entry for every syscall. */
#ifndef FZ_SYSCALLS_H
#define FZ_SYSCALLS_H

#include <stddef.h>
#include <stdint.h>

/* What an argument is: how logs and findings print it, and what a reader
 * of the table may do with it (an A_FD is a descriptor of the caller). */
enum arg_kind {
	A_NONE,		/* past nargs */
	A_INT,		/* a number, command or element count */
	A_FD,		/* a file descriptor (also dirfd, pidfd, epoll fd) */
	A_PTR,		/* an address in the caller */
	A_SIZE,		/* a byte count */
	A_STR,		/* the address of a NUL-terminated string */
	A_FLAGS,	/* a bit mask */
	A_OFF,		/* a file offset */
	A_SIG,		/* a signal number */
	A_MODE,		/* file permission bits */
	A_PID,		/* a process or thread id */
	A_UID,		/* a user or group id */
};

/* Classes of syscalls, used to pick which ones a fault class traces. */
enum {
	SC_READ = 1 << 0,	/* transfers data in */
	SC_WRITE = 1 << 1,	/* transfers data out */
	SC_MEM = 1 << 2,	/* mmap family */
	SC_SIGNAL = 1 << 3,	/* handler bookkeeping */
	SC_NET = 1 << 4,	/* socket calls */
	SC_VECTOR = 1 << 5,	/* iovec count, not byte count */
};

struct syscall_ent {
	const char *name;
	int nr;
	uint8_t nargs;
	uint8_t args[6];	/* enum arg_kind */
	int8_t fd_arg;		/* index of the first A_FD argument, or -1 */
	int8_t len_arg;		/* index of the byte count (or iovcnt) bounding
				 * the transfer or memory range, or -1 */
	uint32_t flags;		/* SC_* */
};

#define SYSCALL_MAX 512

const struct syscall_ent *syscall_by_nr(int nr);
const struct syscall_ent *syscall_by_name(const char *name);
/* Format "read(3, 0x7ffd..., 4096)" into buf by the arguments' roles;
 * returns buf. Strings print as their address. */
char *syscall_format(const struct syscall_ent *e, const uint64_t *args, char *buf, int len);

/* Copies up to len bytes of the traced program's memory at addr into dst
 * (it may stop after a NUL); returns how many, or -errno. */
typedef int (*syscall_str_reader)(void *ctx, uint64_t addr, char *dst, size_t len);
/* syscall_format, with A_STR arguments read through rd and quoted (the
 * first 32 bytes, then "..."); one rd cannot read prints as its address. */
char *syscall_format_str(const struct syscall_ent *e, const uint64_t *args,
			 syscall_str_reader rd, void *ctx, char *buf, int len);

#endif
