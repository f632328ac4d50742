/* fault_table.h - the one fault table (internal to inject/).
 *
 * Every fault fzsandbox can inject is a row of fault_rows[] (fault_table.c):
 * which calls (kernel syscall names, or library calls), on which kind of
 * descriptor, in which blocking mode, under which size or argument
 * condition, get which fault, why the real kernel or libc returns it there
 * (when) and the man page that says so. A class (classes.c) is the rows
 * that name it: its calls, its faults, what --fault accepts, the docs
 * (fzsandbox --list-faults, docs/fault-table.sh) are all read from here.
 * What a row's condition means at a stop is checked by the class's code,
 * named by the row's pre (io_table.c for io; alloc and proc keep theirs).
 */
#ifndef FZ_FAULT_TABLE_H
#define FZ_FAULT_TABLE_H

#include <stdbool.h>

#include "inject/inject.h"

/* The descriptor a row applies to (the fd argument of the call). */
enum fd_cond {
	FDC_NONE,	/* the call has no descriptor to look at */
	FDC_REG,	/* regular file or block device */
	FDC_PIPE,	/* pipe or FIFO */
	FDC_STREAM,	/* stream socket, not AF_UNIX (TCP) */
	FDC_USTREAM,	/* AF_UNIX stream socket */
	FDC_DGRAM,	/* datagram socket */
	FDC_TTY,	/* terminal */
	FDC_N
};
const char *fd_cond_name(enum fd_cond c);

enum mode_cond {
	MODE_ANY,
	MODE_NONBLOCK,	/* O_NONBLOCK or MSG_DONTWAIT */
	MODE_BLOCKING,
	MODE_N
};
const char *mode_cond_name(enum mode_cond m);

/* The run-time check that makes a row faithful at one stop; the class's
 * code implements the ones it uses. */
enum fault_pre {
	PRE_NONE,		/* the call and descriptor are enough */
	PRE_SHORT_FILE,		/* a byte count of at least 2 */
	PRE_SHORT_READ,		/* ... and no MSG_WAITALL */
	PRE_SHORT_WRITE,	/* ... less room than the count (pipes: over
				 * PIPE_BUF), non-blocking or a handled signal */
	PRE_EAGAIN,		/* non-blocking, and the call would block */
	PRE_EINTR,		/* blocking, would block, a handler without
				 * SA_RESTART can run */
	PRE_ALLOC,		/* alloc_can_fail (alloc_class.c) */
	PRE_MEM_TAKE,		/* takes memory from the kernel (alloc_kernel.c) */
	PRE_DUPFD,		/* fcntl: cmd F_DUPFD or F_DUPFD_CLOEXEC */
	PRE_NEW_NAME,		/* O_CREAT (creat) of a name that does not
				 * exist yet, in a directory that does
				 * (fs_name.c) */
	PRE_CLOSE_FILE,		/* close of an open regular file (fs_close.c) */
	PRE_CLOSE_INTR,		/* ... and a handled signal can be delivered */
	PRE_FILL,		/* a write of at least one byte to a regular
				 * file: the disk fills (fs_write.c), lasting */
	PRE_FD_FILE,		/* the descriptor is open on a regular file */
	PRE_FALLOC,		/* fallocate allocating blocks past the end
				 * of a regular file (mode 0 or KEEP_SIZE) */
	PRE_NEW_DIR,		/* mkdir of a name that does not exist yet */
	PRE_NEW_TARGET,		/* rename of a name that exists to one that
				 * does not (a new directory entry) */
	PRE_FSYNC_LOST,		/* fsync/fdatasync of a regular file on a disk
				 * file system whose writes since its last
				 * good fsync are known (fs_lost.c): EIO drops
				 * them, lasting */
	PRE_FSIZE,		/* a write of at least one byte to a regular
				 * file ending below RLIMIT_FSIZE (fs_fsize.c) */
	PRE_NOFILE,		/* descriptors 0..N-1 open, none above, N below
				 * RLIMIT_NOFILE (fs_nofile.c) */
	/* net (net_class.c, net_connect.c) */
	PRE_SOCK_DOMAIN,	/* socket: AF_UNIX, AF_INET, AF_INET6, AF_NETLINK */
	PRE_INET_DOMAIN,	/* socket: AF_INET or AF_INET6 */
	PRE_UNIX_PAIR,		/* socketpair: AF_UNIX */
	PRE_SOCKET_FD,		/* the fd argument is an open socket */
	PRE_REFUSABLE,		/* connect: a TCP socket not yet connected, to
				 * a destination the namespace can reach */
	PRE_PEER_RESET,		/* io: a TCP connection ESTABLISHED whose peer
				 * is fzsandbox's own (net_reset.c); reads:
				 * nothing queued */
	PRE_PEER_HALF,		/* io: ... in CLOSE_WAIT (the peer shut down
				 * its side) */
	PRE_GAI_LOOKUP,		/* getaddrinfo: a host name a source beyond
				 * the hosts file is asked for (net_gai.c) */
	PRE_CLOCK_READ,		/* a read of a clock a step moves, not a
				 * CPU-time clock (clock_class.c) */
	/* delay (delay_class.c, delay_wait.c) */
	PRE_WAIT_INTR,		/* poll/select/epoll: a timeout other than 0,
				 * nothing ready, a handled signal deliverable
				 * under the mask it waits with */
	PRE_SLEEP_INTR,		/* nanosleep: a relative time > 0, a handled
				 * signal deliverable */
	PRE_ACCEPT_INTR,	/* accept: blocking, nothing queued, a handler
				 * without SA_RESTART (any with SO_RCVTIMEO) */
	PRE_CHILD_INTR,		/* wait4/waitid: no WNOHANG, children, none
				 * waitable; a handler without SA_RESTART */
	PRE_HOLD,		/* any call of the row: pinned (--fault) only
				 * (delay_hold.c) */
	PRE_WAIT_TIMEOUT,	/* poll/select/epoll: a finite timeout up to
				 * DELAY_MAX_MS, fds all pipes, sockets or
				 * ttys, none ready */
	PRE_N
};

struct fault_row {
	const char *cls;	/* the class it belongs to (fault_classes[]) */
	const char *calls;	/* space-separated; syscalls by the kernel's names */
	bool library;		/* calls are library calls (breakpoints) */
	enum fd_cond fd;
	enum mode_cond mode;
	const char *size;	/* the size or argument condition, "" none */
	const char *fault;	/* a fault name (fault_parse) */
	const char *alias;	/* another name --fault accepts for it, or NULL */
	enum fault_pre pre;
	const char *when;	/* why the real system returns it there */
	const char *man;	/* the man page that says so */
};

extern const struct fault_row fault_rows[];
extern const int n_fault_rows;

/* Does row r name call (a word of its calls)? */
bool fault_row_has_call(const struct fault_row *r, const char *call);
/* Does fault f at call last past it (exhaust, a clock step; a row with PRE_FILL)? */
bool fault_lasts(const char *call, const struct fault *f);
/* Is f (its kind: type and errno) row r's fault or its alias? */
bool fault_row_has_fault(const struct fault_row *r, const struct fault *f);

#endif
