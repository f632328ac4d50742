/* io_table.c - the io class's side of the fault table (fault_table.c):
 * what kind of file a descriptor is, and the rows' conditions checked at
 * a stop. A fault is offered only where the kernel can really return it
 * for that call on that kind of file, in its state now (rule 1: a false
 * positive costs more than a missed bug). */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <linux/sockios.h>
#include <poll.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "inject/fault_table.h"
#include "inject/io_table.h"
#include "tracer/services.h"

static const char *const type_names[FDT_N] = {
	[FDT_REG] = "regular file", [FDT_PIPE] = "pipe", [FDT_STREAM] = "stream socket",
	[FDT_DGRAM] = "datagram socket", [FDT_TTY] = "tty", [FDT_OTHER] = "other",
};

const char *fd_type_name(enum fd_type t)
{
	return t < FDT_N ? type_names[t] : "?";
}

/* Would the call block right now? Unknown counts as "no": every fault
 * that needs a blocking call is then withheld. */
static bool would_block(const struct fd_info *fi, const struct io_call *c)
{
	/* A write blocks (or gets EAGAIN) only when nothing can go out: no
	 * room at all, or an atomic pipe write (<= PIPE_BUF) that does not
	 * fit. With some room it transfers part and returns that count. */
	if (c->write) {
		if (fi->space < 0)
			return false;
		if (fi->type == FDT_PIPE && c->count <= PIPE_BUF)
			return fi->space < c->count;
		return fi->space == 0;
	}
	/* Not just "nothing queued": at end of file (no writers left, peer
	 * shut down) a read returns 0 at once, never EAGAIN or EINTR. */
	return fi->read_ready == 0;
}

/* The row conditions io checks at a stop (fault_table.h, enum fault_pre).
 * Which faults each fd type can take at all is the table's rows. */
static bool nonblocking(const struct fd_info *fi, const struct io_call *c)
{
	return fi->nonblock || c->dontwait;
}

bool io_interruptible(const struct fd_info *fi, const struct io_call *c)
{
	bool timeo = c->write ? fi->sndtimeo : fi->rcvtimeo;

	return c->interruptible || (c->handled && timeo);
}

static bool pre_none(const struct fd_info *fi, const struct io_call *c)
{
	(void)fi, (void)c;
	return true;
}

/* Shrinking an iovec array is not a byte count; a 1-byte transfer cannot
 * be shorter without becoming EOF. */
static bool pre_short_file(const struct fd_info *fi, const struct io_call *c)
{
	(void)fi;
	return !c->vector && c->count >= 2;
}

static bool pre_short_read(const struct fd_info *fi, const struct io_call *c)
{
	return pre_short_file(fi, c) && !c->waitall;
}

/* A write is cut short only when the buffer has less room than the count:
 * non-blocking, it takes what fits; blocking, a handled signal must arrive
 * after part of it went out (even SA_RESTART does not restart a partial
 * transfer). Pipe writes of at most PIPE_BUF bytes are atomic. */
static bool pre_short_write(const struct fd_info *fi, const struct io_call *c)
{
	bool partial = fi->space > 0 && fi->space < c->count;

	return pre_short_read(fi, c) && partial && (nonblocking(fi, c) || c->handled) &&
	       !(fi->type == FDT_PIPE && c->count <= PIPE_BUF);
}

/* EAGAIN: a non-blocking call that would have blocked. EINTR: a blocking
 * call that is blocked when a handler without SA_RESTART runs (epoll
 * edge-triggered loops and atomic-message readers rely on both being
 * impossible when data is there). */
static bool pre_eagain(const struct fd_info *fi, const struct io_call *c)
{
	return nonblocking(fi, c) && would_block(fi, c);
}

static bool pre_eintr(const struct fd_info *fi, const struct io_call *c)
{
	return !nonblocking(fi, c) && io_interruptible(fi, c) && would_block(fi, c);
}

/* A reset the peer really sends (net_reset.c): a TCP connection whose
 * other end fzsandbox holds. Established: ECONNRESET, for a read only
 * with nothing queued (queued bytes come first). After the peer's FIN
 * (CLOSE_WAIT) the kernel says EPIPE instead (a write's; a read gets the
 * EOF it gets anyway). */
static bool pre_peer_reset(const struct fd_info *fi, const struct io_call *c)
{
	return fi->peer_ours && fi->tcp_state == TCP_ESTABLISHED && (c->write || fi->avail == 0);
}

static bool pre_peer_half(const struct fd_info *fi, const struct io_call *c)
{
	return fi->peer_ours && fi->tcp_state == TCP_CLOSE_WAIT && c->write;
}

static bool (*const pre_check[PRE_N])(const struct fd_info *, const struct io_call *) = {
	[PRE_NONE] = pre_none,
	[PRE_SHORT_FILE] = pre_short_file,
	[PRE_SHORT_READ] = pre_short_read,
	[PRE_SHORT_WRITE] = pre_short_write,
	[PRE_EAGAIN] = pre_eagain,
	[PRE_EINTR] = pre_eintr,
	[PRE_PEER_RESET] = pre_peer_reset,
	[PRE_PEER_HALF] = pre_peer_half,
};

/* The table's descriptor kind for this fd: stream sockets split by
 * family (only AF_UNIX peers are told apart). */
static enum fd_cond fd_kind(const struct fd_info *fi)
{
	static const enum fd_cond kind[FDT_N] = {
		[FDT_REG] = FDC_REG, [FDT_PIPE] = FDC_PIPE, [FDT_STREAM] = FDC_STREAM,
		[FDT_DGRAM] = FDC_DGRAM, [FDT_TTY] = FDC_TTY, [FDT_OTHER] = FDC_NONE,
	};

	if (fi->type == FDT_STREAM && fi->family == AF_UNIX)
		return FDC_USTREAM;
	return fi->type < FDT_N ? kind[fi->type] : FDC_NONE;
}

static unsigned fault_bit(const char *name);

unsigned io_faults_allowed(const struct fd_info *fi, const struct io_call *c)
{
	const char *call = c->call ? c->call : c->write ? "write" : "read";
	enum fd_cond kind = fd_kind(fi);
	bool nb = nonblocking(fi, c);
	unsigned m = 0;

	if (kind == FDC_NONE)
		return 0;
	for (int i = 0; i < n_fault_rows; i++) {
		const struct fault_row *r = &fault_rows[i];

		if (r->fd != kind || strcmp(r->cls, "io") != 0 || !fault_row_has_call(r, call))
			continue;
		if ((r->mode == MODE_NONBLOCK && !nb) || (r->mode == MODE_BLOCKING && nb))
			continue;
		if (r->pre < PRE_N && pre_check[r->pre] && pre_check[r->pre](fi, c))
			m |= fault_bit(r->fault);
	}
	return m;
}

static const struct {
	unsigned bit;
	struct fault f;
} expand[] = {
	{ IOF_SHORT, { FT_SHORT, 0, 0 } },
	{ IOF_EIO, { FT_ERRNO, EIO, 0 } },
	{ IOF_EAGAIN, { FT_ERRNO, EAGAIN, 0 } },
	{ IOF_EINTR, { FT_ERRNO, EINTR, 0 } },
	{ IOF_ECONNRESET, { FT_ERRNO, ECONNRESET, 0 } },
	{ IOF_EPIPE, { FT_ERRNO, EPIPE, 0 } },
};

/* A row's fault name as a mask bit (0: not an io fault). */
static unsigned fault_bit(const char *name)
{
	struct fault f;

	if (fault_parse(name, &f) < 0)
		return 0;
	for (size_t i = 0; i < sizeof(expand) / sizeof(expand[0]); i++)
		if (expand[i].f.type == f.type && (f.type != FT_ERRNO || expand[i].f.err == f.err))
			return expand[i].bit;
	return 0;
}

int io_faults_list(unsigned mask, struct fault *out, int max)
{
	int n = 0;

	for (size_t i = 0; i < sizeof(expand) / sizeof(expand[0]) && n < max; i++)
		if (mask & expand[i].bit)
			out[n++] = expand[i].f;
	return n;
}

bool io_fault_in(unsigned mask, const struct fault *f)
{
	for (size_t i = 0; i < sizeof(expand) / sizeof(expand[0]); i++)
		if ((mask & expand[i].bit) && expand[i].f.type == f->type &&
		    (f->type != FT_ERRNO || expand[i].f.err == f->err))
			return true;
	return false;
}

/* Queue state: bytes to read, and room to write (pipes: capacity minus
 * what is queued; sockets: the send buffer minus the unsent queue). */
static void queue_state(int dup, struct fd_info *fi)
{
	int n = 0, size = 0;
	socklen_t len = sizeof(size);

	struct pollfd p = { dup, POLLIN | POLLRDHUP, 0 };

	fi->avail = ioctl(dup, FIONREAD, &n) == 0 ? n : -1;
	fi->space = -1;
	fi->read_ready = -1;
	if (poll(&p, 1, 0) >= 0)
		fi->read_ready = (p.revents & (POLLIN | POLLRDHUP | POLLHUP | POLLERR)) != 0;
	if (fi->type == FDT_PIPE) {
		size = fcntl(dup, F_GETPIPE_SZ);
		if (size > 0 && fi->avail >= 0)
			fi->space = size - fi->avail;
	} else if (fi->type == FDT_STREAM || fi->type == FDT_DGRAM) {
		if (getsockopt(dup, SOL_SOCKET, SO_SNDBUF, &size, &len) == 0 &&
		    ioctl(dup, SIOCOUTQ, &n) == 0)
			fi->space = size > n ? size - n : 0;
	}
}

/* The connection's state (whether its peer is ours is the caller's to
 * ask: net_peer_owned, only in service mode). */
static void tcp_peer(int dup, struct fd_info *fi)
{
	struct tcp_info ti;
	socklen_t len = sizeof(ti);

	if (getsockopt(dup, IPPROTO_TCP, TCP_INFO, &ti, &len) == 0)
		fi->tcp_state = ti.tcpi_state;
}

/* A receive or send timeout (not zero: zero means none). */
static void socket_timeouts(int dup, struct fd_info *fi)
{
	struct timeval tv;
	socklen_t len = sizeof(tv);

	if (getsockopt(dup, SOL_SOCKET, SO_RCVTIMEO, &tv, &len) == 0)
		fi->rcvtimeo = tv.tv_sec || tv.tv_usec;
	len = sizeof(tv);
	if (getsockopt(dup, SOL_SOCKET, SO_SNDTIMEO, &tv, &len) == 0)
		fi->sndtimeo = tv.tv_sec || tv.tv_usec;
}

static bool is_tty_major(unsigned maj)
{
	/* 4: tty/ttyS, 5: /dev/tty and ptmx, 136-143: pts. */
	return maj == 4 || maj == 5 || (maj >= 136 && maj <= 143);
}

int fd_info_read(struct tracer_task *t, int fd, struct fd_info *fi)
{
	pid_t pid = tracer_task_pid(t);
	char path[64];
	struct stat st;
	int dup, fl;

	fi->family = 0;
	fi->avail = fi->space = -1;
	fi->read_ready = -1;
	fi->nonblock = false;
	fi->tcp_state = -1;
	fi->peer_ours = false;
	fi->rcvtimeo = fi->sndtimeo = false;
	snprintf(path, sizeof(path), "/proc/%d/fd/%d", pid, fd);
	if (stat(path, &st) < 0)
		return -errno;
	/* Files: the type is all the table needs (no blocking states). */
	if (S_ISREG(st.st_mode) || S_ISBLK(st.st_mode)) {
		fi->type = FDT_REG;
		return 0;
	}
	if (S_ISFIFO(st.st_mode))
		fi->type = FDT_PIPE;
	else if (S_ISCHR(st.st_mode) && is_tty_major(major(st.st_rdev)))
		fi->type = FDT_TTY;
	else if (S_ISSOCK(st.st_mode))
		fi->type = FDT_STREAM;	/* refined below */
	else {
		fi->type = FDT_OTHER;
		return 0;
	}
	/* The target's own open file description: its flags, queue sizes
	 * and socket options. */
	dup = tracer_grab_fd(t, fd);
	if (dup < 0)
		return dup;
	fl = fcntl(dup, F_GETFL);
	fi->nonblock = fl >= 0 && (fl & O_NONBLOCK);
	if (fi->type == FDT_STREAM) {
		int type = -1;
		socklen_t len = sizeof(type);

		if (getsockopt(dup, SOL_SOCKET, SO_TYPE, &type, &len) < 0)
			type = -1;
		len = sizeof(fi->family);
		if (getsockopt(dup, SOL_SOCKET, SO_DOMAIN, &fi->family, &len) < 0)
			fi->family = 0;
		fi->type = type == SOCK_STREAM ? FDT_STREAM : type == SOCK_DGRAM ? FDT_DGRAM : FDT_OTHER;
		socket_timeouts(dup, fi);
	}
	queue_state(dup, fi);
	if (fi->type == FDT_STREAM && (fi->family == AF_INET || fi->family == AF_INET6))
		tcp_peer(dup, fi);
	close(dup);
	return 0;
}
