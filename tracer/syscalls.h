/* syscalls.h - the syscall table (x86_64): names from the kernel headers,
 * classes and argument roles from tracer/syscalls.c. */
#ifndef FZ_SYSCALLS_H
#define FZ_SYSCALLS_H

#include <stdint.h>

/* Argument decoders, for logs and findings. */
enum arg_kind { A_NONE, A_INT, A_FD, A_PTR, A_SIZE, A_STR, A_FLAGS, A_OFF, A_SIG };

/* Classes of syscalls, used to pick which ones a fault class traces. */
enum {
	SC_READ = 1 << 0,	/* transfers data in */
	SC_WRITE = 1 << 1,	/* transfers data out */
	SC_MEM = 1 << 2,	/* mmap family */
	SC_SIGNAL = 1 << 3,	/* handler bookkeeping */
	SC_NET = 1 << 4,
	SC_VECTOR = 1 << 5,	/* iovec count, not byte count */
};

struct syscall_ent {
	const char *name;
	int nr;
	uint8_t nargs;
	uint8_t args[6];	/* enum arg_kind */
	int8_t fd_arg;		/* index of the fd argument, or -1 */
	int8_t len_arg;		/* index of the length (or iovcnt) argument, or -1 */
	uint32_t flags;		/* SC_* */
};

#define SYSCALL_MAX 512

const struct syscall_ent *syscall_by_nr(int nr);
const struct syscall_ent *syscall_by_name(const char *name);
/* Format "read(3, 0x7ffd..., 4096)" into buf; returns buf. */
char *syscall_format(const struct syscall_ent *e, const uint64_t *args, char *buf, int len);

#endif
