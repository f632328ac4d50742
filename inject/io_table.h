/* io_table.h - which I/O faults the real kernel can produce, per fd type
 * (internal to inject/; the rows are fault_table.c's, listed in
 * fzsandbox.1 and docs/faults.md). */
#ifndef FZ_IO_TABLE_H
#define FZ_IO_TABLE_H

#include <stdbool.h>
#include <sys/types.h>

#include "inject/inject.h"

enum fd_type { FDT_REG, FDT_PIPE, FDT_STREAM, FDT_DGRAM, FDT_TTY, FDT_OTHER, FDT_N };
const char *fd_type_name(enum fd_type t);

struct fd_info {
	enum fd_type type;
	bool nonblock;
	int family;		/* sockets: AF_UNIX, AF_INET...; else 0 */
	/* What the kernel would do now, for pipes, sockets and ttys (-1:
	 * unknown): bytes ready to read, and room left for a write. A call
	 * that would not block cannot be interrupted or get EAGAIN. */
	long avail;
	long space;
	/* poll(2) says a read would not block: data, end of file (a peer or
	 * all writers gone) or an error. -1 unknown. */
	int read_ready;
	/* TCP sockets: TCP_INFO's state (-1 unknown, other sockets); and
	 * whether the peer is one of fzsandbox's own (io_class.c asks
	 * net_reset.c in service mode): only then can the peer really reset
	 * the connection. */
	int tcp_state;
	bool peer_ours;
	/* Sockets: SO_RCVTIMEO / SO_SNDTIMEO set. A call waiting with a
	 * timeout fails with EINTR when a handler runs, SA_RESTART or not
	 * (signal(7); sock_intr_errno in include/net/sock.h). */
	bool rcvtimeo, sndtimeo;
};
/* Look at fd of task t's process from outside: /proc/PID/fd, and the
 * mode, queues and socket type of a duplicate (tracer_grab_fd). */
int fd_info_read(struct tracer_task *t, int fd, struct fd_info *fi);

/* The call being considered. */
struct io_call {
	const char *call;	/* its syscall; NULL: "read" or "write" */
	bool write;
	bool vector;		/* readv/writev/recvmsg/sendmsg */
	long count;		/* bytes asked for (-1 unknown) */
	bool waitall;		/* MSG_WAITALL */
	bool dontwait;		/* MSG_DONTWAIT */
	bool interruptible;	/* a handler without SA_RESTART is installed */
	bool handled;		/* some handler is installed (SA_RESTART or not) */
};

enum io_fault_bit {
	IOF_SHORT = 1 << 0,
	IOF_EIO = 1 << 1,
	/* 1 << 2 was ENOSPC: the full disk is fs's (fs_write.c). */
	IOF_EAGAIN = 1 << 3,
	IOF_EINTR = 1 << 4,
	IOF_ECONNRESET = 1 << 5,
	IOF_EPIPE = 1 << 6,
};

/* Faithful faults for this call on this fd, as a mask of io_fault_bit:
 * the io rows of the fault table for c->call on fi's kind whose
 * conditions hold now. */
unsigned io_faults_allowed(const struct fd_info *fi, const struct io_call *c);
/* Would a handler interrupt this blocked call with EINTR: one without
 * SA_RESTART, or any on a socket with a timeout in the call's direction? */
bool io_interruptible(const struct fd_info *fi, const struct io_call *c);
/* Expand a mask into faults (short = half the count). Returns how many. */
int io_faults_list(unsigned mask, struct fault *out, int max);
/* Is fault f allowed by mask? */
bool io_fault_in(unsigned mask, const struct fault *f);

#endif
