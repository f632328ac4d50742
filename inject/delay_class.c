/* delay_class.c - the delay class's hooks: waits that end otherwise than
 * the program hoped. At a blocking call (delay_wait.c says what it waits
 * on), the faults its rows give (fault_table.c) whose condition holds:
 *
 * - EINTR: a handled signal really delivered before the call runs; the
 *   call then runs and the kernel itself returns EINTR (or restarts it),
 *   writes nanosleep's time left, applies ppoll's mask. Offered only where
 *   the call is really blocked then and the kernel returns EINTR: never
 *   restarted for poll, select, epoll and nanosleep (signal(7)); accept
 *   and wait4 only under a handler without SA_RESTART (accept on a
 *   listener with SO_RCVTIMEO: any handler).
 * - timeout: a slow peer. The wait runs on no descriptor at all (poll's
 *   nfds, select's n set to 0; epoll_wait becomes poll(NULL, 0, timeout)
 *   and epoll_pwait ppoll with its mask), so the kernel sleeps the
 *   whole timeout and a handled signal still
 *   ends it early with EINTR; at the exit the revents or sets are cleared
 *   as a real timeout leaves them, and the arguments put back. Nothing
 *   queued is consumed: it stays for the next call.
 * The tracer never sleeps: the target's own thread waits in the kernel
 * while the event loop goes on with the other tasks.
 * Signal handlers are tracked from rt_sigaction (signals.c). */
#include "config.h"

#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>

#include "inject/delay_class.h"
#include "inject/delay_wait.h"
#include "inject/fault_table.h"
#include "inject/inject_int.h"
#include "inject/signals.h"
#include "util/util.h"

/* The kernel's restart codes (include/linux/errno.h): a wait that a
 * signal without a handler interrupted is run again from orig_rax. */
#define ERESTARTSYS 512
#define ERESTARTNOINTR 513
#define ERESTARTNOHAND 514

/* A timeout being waited out, per thread, until its exit stop. */
struct delay_pend {
	pid_t tid;
	enum wait_kind kind;
};

struct delay_run {
	struct delay_pend pend[TRACER_MAX_THREADS];
};

struct delay_stop {
	const struct syscall_stop *s;
	struct sig_handlers *h;
	struct delay_run *run;
	struct delay_wait w;
};

/* A handled signal that interrupts this wait: any handler (restart or not)
 * or, restart, only one without SA_RESTART (SO_RCVTIMEO: any). */
static int wait_signal(struct tracer_task *t, const struct delay_stop *d, bool restart)
{
	uint64_t mask = d->h->handled;

	if (restart && !d->w.rcvtimeo)
		mask = d->h->interrupting;
	if (d->w.own_mask)
		return sig_pick_with_mask(t, d->h, mask, d->w.mask);
	return sig_pick_deliverable(t, d->h, mask);
}

static bool row_holds(const struct fault_row *r, struct tracer_task *t, const struct delay_stop *d)
{
	const struct delay_wait *w = &d->w;

	if (w->ready != 0)
		return false;
	switch (r->pre) {
	case PRE_WAIT_INTR:
		return w->timeout_ms != 0 && w->timeout_ms != -2 && wait_signal(t, d, false);
	case PRE_SLEEP_INTR:
		return w->timeout_ms > 0 && wait_signal(t, d, false);
	case PRE_ACCEPT_INTR:
	case PRE_CHILD_INTR:
		return wait_signal(t, d, true);
	case PRE_WAIT_TIMEOUT:
		return w->slow_peers && w->nfds > 0 && w->timeout_ms > 0 &&
		       w->timeout_ms <= DELAY_MAX_MS;
	default:
		return false;
	}
}

static struct delay_pend *slot(struct delay_run *run, pid_t tid, bool add)
{
	struct delay_pend *free_slot = NULL;

	for (size_t i = 0; run && i < ARRAY_SIZE(run->pend); i++) {
		if (run->pend[i].tid == tid)
			return &run->pend[i];
		if (!run->pend[i].tid && !free_slot)
			free_slot = &run->pend[i];
	}
	return add ? free_slot : NULL;
}

/* epoll_wait(epfd, events, max, ms) becomes poll(NULL, 0, ms), and
 * epoll_pwait with a signal mask ppoll(NULL, 0, &ts, mask, size), its
 * timespec written below the stack's red zone (free while the thread is
 * in the call): the arguments are put back at the exit (tracer_set_arg),
 * the syscall number too when the kernel is to run it again
 * (delay_on_exit). The seccomp filter is run again on the new number, and
 * lets it through (docs/kernel-facts.md#seccomp-nr-change). */
static int epoll_as_poll(struct tracer_task *t, const struct syscall_stop *s, bool mask)
{
	long ms = (int32_t)s->args[3];
	struct timespec ts = { ms / 1000, ms % 1000 * 1000000L };
	struct user_regs_struct regs;
	uint64_t scratch = 0;
	int r = tracer_getregs(t, &regs);

	if (r == 0 && mask) {
		scratch = (regs.rsp - 128 - sizeof(ts)) & ~15ULL;
		r = tracer_write_mem(t, scratch, &ts, sizeof(ts));
	}
	if (r == 0)
		r = tracer_set_arg(t, 0, 0);
	if (r == 0)
		r = tracer_set_arg(t, 1, 0);
	if (r == 0)
		r = tracer_set_arg(t, 2, mask ? scratch : (uint64_t)ms);
	if (r == 0 && mask)
		r = tracer_set_arg(t, 3, s->args[4]);
	if (r == 0 && mask)
		r = tracer_set_arg(t, 4, s->args[5]);
	if (r == 0)
		r = tracer_getregs(t, &regs);
	if (r < 0)
		return r;
	regs.orig_rax = mask ? SYS_ppoll : SYS_poll;
	return tracer_setregs(t, &regs);
}

static int delay_inject(void *arg, struct tracer_task *t, struct fault *f)
{
	struct delay_stop *d = arg;
	struct delay_pend *p;
	int r, sig;

	if (f->type == FT_DELAY)
		return delay_hold(t, f);
	if (f->type == FT_ERRNO && f->err == EINTR) {
		sig = wait_signal(t, d, d->w.kind == WAIT_ACCEPT || d->w.kind == WAIT_CHILD);
		/* Pending before the call runs: the kernel sees it as it
		 * would see one that came while it waited. */
		return sig ? tracer_deliver_signal(t, sig) : -EINVAL;
	}
	if (f->type != FT_TIMEOUT || !(p = slot(d->run, tracer_task_tid(t), true)))
		return -EINVAL;
	switch (d->w.kind) {
	case WAIT_POLL:
		r = tracer_set_arg(t, 1, 0);
		break;
	case WAIT_SELECT:
		r = tracer_set_arg(t, 0, 0);
		break;
	case WAIT_EPOLL:
		r = epoll_as_poll(t, d->s, d->w.own_mask);
		break;
	default:
		return -EINVAL;
	}
	if (r == 0)
		r = tracer_want_exit(t);
	if (r == 0) {
		p->tid = tracer_task_tid(t);
		p->kind = d->w.kind;
	}
	return r;
}

static int delay_on_syscall(struct inject *inj, int cls, struct tracer_task *t,
			    const struct syscall_stop *s)
{
	struct delay_stop d = { .s = s, .h = inj_mm_state(t, cls), .run = inj_run_state(inj, cls) };
	struct inj_call call = { .cls = cls, .name = s->ent->name, .sc = s };
	struct fault opts[8];
	int n = 0;

	bool waits = false;

	if (!d.h || !inj_may_fail(inj, call.name))
		return 0;
	for (int i = 0; i < n_fault_rows; i++)
		waits |= strcmp(fault_rows[i].cls, "delay") == 0 && fault_rows[i].pre != PRE_HOLD &&
			 fault_row_has_call(&fault_rows[i], call.name);
	/* A call only held (delay_hold.c) is pinned only: the recording and
	 * random runs leave it to its other classes. */
	if (!waits && (inj->record || inj->random))
		return 0;
	delay_wait_read(t, s, &d.w);
	for (int i = 0; i < n_fault_rows && n < 8; i++) {
		const struct fault_row *r = &fault_rows[i];

		if (strcmp(r->cls, "delay") != 0 || !fault_row_has_call(r, call.name))
			continue;
		if (r->pre == PRE_HOLD) {
			if (!inj->record && !inj->random && fault_parse(r->fault, &opts[n]) == 0)
				n++;
		} else if (row_holds(r, t, &d) && fault_parse(r->fault, &opts[n]) == 0) {
			n++;
		}
	}
	/* Every occurrence counts, failable or not (decide.c). */
	inj_decide(inj, t, &call, opts, n, delay_inject, &d);
	return 0;
}

/* A timed-out wait leaves poll's revents and select's sets cleared. */
static void clear_results(struct tracer_task *t, const struct syscall_stop *s, enum wait_kind k)
{
	if (k == WAIT_POLL) {
		struct pollfd fds[64];
		uint64_t n = s->args[1];

		if (n == 0 || n > ARRAY_SIZE(fds) ||
		    tracer_read_mem(t, s->args[0], fds, n * sizeof(*fds)) < 0)
			return;
		for (uint64_t i = 0; i < n; i++)
			fds[i].revents = 0;
		if (tracer_write_mem(t, s->args[0], fds, n * sizeof(*fds)) < 0)
			fz_debug("delay: %s: revents not cleared", s->ent->name);
	} else if (k == WAIT_SELECT) {
		static const uint64_t zero[1024 / 64];
		size_t bytes = (size_t)(((int)(int32_t)s->args[0] + 63) / 64 * 8);

		for (int i = 1; i <= 3 && bytes <= sizeof(zero); i++)
			if (s->args[i] && tracer_write_mem(t, s->args[i], zero, bytes) < 0)
				fz_debug("delay: %s: sets not cleared", s->ent->name);
	}
}

static int delay_on_exit(struct inject *inj, int cls, struct tracer_task *t,
			 const struct syscall_stop *s, int64_t ret)
{
	struct delay_pend *p = slot(inj_run_state(inj, cls), tracer_task_tid(t), false);
	struct user_regs_struct regs;
	enum wait_kind k;

	if (!p || !s->ent)
		return 0;
	k = p->kind;
	p->tid = 0;
	if (ret == 0)
		clear_results(t, s, k);
	/* Run again (a signal without a handler, a ptrace stop): as the
	 * call the program made, on its own arguments, restored by now. */
	if (k == WAIT_EPOLL && (ret == -ERESTARTSYS || ret == -ERESTARTNOINTR || ret == -ERESTARTNOHAND) &&
	    tracer_getregs(t, &regs) == 0) {
		regs.orig_rax = (uint64_t)s->nr;
		return tracer_setregs(t, &regs);
	}
	return 0;
}

const struct class_hooks delay_class_hooks = {
	.mm_new = sig_mm_new,
	.mm_fork = sig_mm_fork,
	.mm_free = sig_mm_free,
	.run_size = sizeof(struct delay_run),
	.on_syscall = delay_on_syscall,
	.on_watch = sig_on_watch,
	.on_syscall_exit = delay_on_exit,
};
