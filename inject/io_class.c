/* io_class.c - the io class's hooks: at a read/write family stop, describe
 * the call and its file, ask io_table.c which faults the kernel could give
 * it now, and inject the chosen one faithfully (a short transfer really
 * moves fewer bytes; EINTR really delivers the signal that interrupted it;
 * a reset is really sent by the peer's end, net_reset.c).
 * Signal handlers are tracked from rt_sigaction (signals.c). */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/uio.h>

#include "inject/inject_int.h"
#include "inject/io_class.h"
#include "inject/io_table.h"
#include "inject/net_reset.h"
#include "inject/signals.h"

/* readv/writev: the iovec array, read from the tracee. Returns the number
 * of entries (its byte total in *total), or -1 when it cannot be used. */
#define IOV_CAP 64
static int read_iov(struct tracer_task *t, const struct syscall_stop *s, struct iovec *iov,
		    long *total)
{
	if (strcmp(s->ent->name, "readv") != 0 && strcmp(s->ent->name, "writev") != 0)
		return -1;
	return inj_iov_read(t, s->args[1], s->args[2], iov, IOV_CAP, total);
}

static void io_describe(struct tracer_task *t, const struct syscall_stop *s,
			const struct sig_handlers *h, struct io_call *c)
{
	const struct syscall_ent *e = s->ent;
	struct iovec iov[IOV_CAP];
	uint64_t flags = 0;

	memset(c, 0, sizeof(*c));
	c->call = e->name;
	c->write = (e->flags & SC_WRITE) != 0;
	c->vector = (e->flags & SC_VECTOR) != 0;
	c->count = e->len_arg >= 0 ? (long)s->args[e->len_arg] : -1;
	/* readv/writev transfer bytes like read/write: with the array in
	 * hand, their byte count can be shortened too (io_inject). */
	if (c->vector && read_iov(t, s, iov, &c->count) > 0)
		c->vector = false;
	if (strcmp(e->name, "recvfrom") == 0 || strcmp(e->name, "sendto") == 0 ||
	    strcmp(e->name, "recvmsg") == 0 || strcmp(e->name, "sendmsg") == 0)
		flags = s->args[strcmp(e->name, "recvfrom") == 0 || strcmp(e->name, "sendto") == 0 ? 3 : 2];
	c->waitall = (flags & MSG_WAITALL) != 0;
	c->dontwait = (flags & MSG_DONTWAIT) != 0;
	c->interruptible = sig_pick_deliverable(t, h, h->interrupting) != 0;
	c->handled = sig_pick_deliverable(t, h, h->handled) != 0;
}

/* One io call being decided: what io_inject needs to fail it. */
struct io_stop {
	const struct syscall_stop *s;
	struct sig_handlers *h;
	struct fd_info fi;
	struct io_call c;
};

/* A short readv/writev: a copy of the iovec array cut at n bytes, written
 * below the red zone of the stopped thread's stack (free scratch while it
 * is in the syscall; the kernel reads it before returning), and the array
 * and count arguments pointed at it; both are restored at the exit stop. */
static int vector_short(struct io_stop *io, struct tracer_task *t, struct fault *f)
{
	struct iovec iov[IOV_CAP];
	long total, n;
	int cnt = read_iov(t, io->s, iov, &total), r, sig = 0;

	if (cnt <= 0 || total < 2)
		return -EINVAL;
	n = f->count ? f->count : total / 2;
	if (n >= total)
		n = total - 1;
	if (n < 1)
		return -EINVAL;
	if ((r = inj_iov_cut(t, iov, cnt, n)) < 0)
		return r;
	f->count = n;
	if (io->c.write && io->fi.type != FDT_REG && !io->fi.nonblock && !io->c.dontwait)
		sig = sig_pick_deliverable(t, io->h, io->h->handled);
	if (sig)
		tracer_deliver_signal(t, sig);
	return 0;
}

/* Inject *f (inj_fail_fn); *f becomes the fault as it happened (a short
 * transfer names the bytes really asked for, so the log replays exactly). */
static int io_inject(void *arg, struct tracer_task *t, struct fault *f)
{
	struct io_stop *io = arg;
	const struct syscall_ent *e = io->s->ent;

	if (f->type == FT_SHORT) {
		long count = (long)io->s->args[e->len_arg];
		long n;

		if (e->flags & SC_VECTOR)
			return vector_short(io, t, f);
		n = f->count ? f->count : count / 2;
		int r, sig = 0;

		if (n >= count)
			n = count - 1;
		if (n < 1)
			return -EINVAL;
		f->count = n;
		/* A blocking non-file write is only cut short by a handled
		 * signal (io_table.c): deliver one, as the kernel would have. */
		if (io->c.write && io->fi.type != FDT_REG && !io->fi.nonblock && !io->c.dontwait)
			sig = sig_pick_deliverable(t, io->h, io->h->handled);
		r = tracer_set_arg(t, e->len_arg, (uint64_t)n);
		if (r == 0 && sig)
			tracer_deliver_signal(t, sig);
		return r;
	}
	if (f->err == EINTR) {
		int sig = sig_pick_deliverable(t, io->h, io->h->interrupting);

		/* A socket with a timeout: any handler's signal does (io_table.c). */
		if (!sig && io_interruptible(&io->fi, &io->c))
			sig = sig_pick_deliverable(t, io->h, io->h->handled);
		int r = tracer_fail_syscall(t, EINTR);

		/* Really deliver the signal that interrupted the call, so its
		 * handler runs as it would. */
		if (r == 0 && sig)
			tracer_deliver_signal(t, sig);
		return r;
	}
	/* The peer resets the connection for real; the call runs and the
	 * kernel gives the error (net_reset.c). */
	if (f->err == ECONNRESET || f->err == EPIPE)
		return net_peer_reset(t, (int)io->s->args[e->fd_arg]);
	return tracer_fail_syscall(t, f->err);
}

static int io_on_syscall(struct inject *inj, int cls, struct tracer_task *t,
			 const struct syscall_stop *s)
{
	struct io_stop io = { .s = s, .h = inj_mm_state(t, cls) };
	struct inj_call call = { .cls = cls, .name = s->ent->name, .sc = s };
	struct fault opts[8];
	int nopts;

	if (!io.h || s->ent->fd_arg < 0 || !inj_may_fail(inj, call.name))
		return 0;
	if (fd_info_read(t, (int)s->args[s->ent->fd_arg], &io.fi) < 0)
		return 0;
	/* Only the service driver's connections can be reset for real: no
	 * look through our descriptors otherwise (net_reset.c). */
	if (inj->cfg.service)
		io.fi.peer_ours = net_peer_owned(t, (int)s->args[s->ent->fd_arg], io.fi.tcp_state);
	io_describe(t, s, io.h, &io.c);
	nopts = io_faults_list(io_faults_allowed(&io.fi, &io.c), opts, 8);
	inj_decide(inj, t, &call, opts, nopts, io_inject, &io);
	return 0;
}

const struct class_hooks io_class_hooks = {
	.mm_new = sig_mm_new,
	.mm_fork = sig_mm_fork,
	.mm_free = sig_mm_free,
	.on_syscall = io_on_syscall,
	.on_watch = sig_on_watch,
};
