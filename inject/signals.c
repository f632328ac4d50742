/* signals.c - signal handler bookkeeping for faults that need a signal:
 * which handlers are installed (rt_sigaction), which of them fzsandbox may
 * run, and which one to pick. */
#include "config.h"

#include <errno.h>
#include <signal.h>
#include <stdlib.h>

#include "inject/inject_int.h"
#include "inject/signals.h"
#include "util/util.h"

/* rt_sigaction: keep which signals have handlers, and whether they restart
 * interrupted calls, so EINTR is offered only where it can happen. */
void sig_track_sigaction(struct sig_handlers *h, struct tracer_task *t,
			 const struct syscall_stop *s)
{
	uint64_t act[2];	/* handler, flags of struct kernel_sigaction */
	int sig = (int)s->args[0];
	uint64_t bit;

	if (sig < 1 || sig > 64 || !s->args[1])
		return;
	if (!h->owner)
		h->owner = tracer_task_pid(t);
	/* A vfork child (posix_spawn) resetting its own handlers before exec
	 * does not change its parent's. */
	if (h->owner != tracer_task_pid(t))
		return;
	if (tracer_read_mem(t, s->args[1], act, sizeof(act)) < 0)
		return;
	bit = 1ULL << (sig - 1);
	h->handled &= ~bit;
	h->interrupting &= ~bit;
	h->siginfo &= ~bit;
	if (act[0] > 1) {	/* not SIG_DFL/SIG_IGN */
		h->handled |= bit;
		if (!(act[1] & SA_RESTART))
			h->interrupting |= bit;
		if (act[1] & SA_SIGINFO)
			h->siginfo |= bit;
	}
}

/* A signal in mask whose handler fzsandbox may run to interrupt a call:
 * never a synchronous fault signal, whose handler would be fed a fake
 * fault. */
static int pick_signal(uint64_t mask)
{
	/* Signals any process may send (kill(1), a supervisor), preferred;
	 * then the timer signals (the classic EINTR, though no timer may be
	 * armed). Never a synchronous fault signal, whose handler would be
	 * fed a fake fault, nor one that stands for a kernel event the handler
	 * will look for (SIGCHLD: a child changed state; SIGPIPE, SIGIO,
	 * SIGURG, SIGXCPU, SIGXFSZ, SIGWINCH). */
	static const int first[] = { SIGUSR1, SIGUSR2 };
	static const int then[] = { SIGALRM, SIGVTALRM, SIGPROF, SIGHUP, SIGINT, SIGTERM, SIGQUIT };

	/* Termination requests last: their handlers often end the program. */
	for (size_t i = 0; i < ARRAY_SIZE(first); i++)
		if (mask & (1ULL << (first[i] - 1)))
			return first[i];
	for (int sig = SIGRTMIN; sig <= SIGRTMAX && sig <= 64; sig++)
		if (mask & (1ULL << (sig - 1)))
			return sig;
	for (size_t i = 0; i < ARRAY_SIZE(then); i++)
		if (mask & (1ULL << (then[i] - 1)))
			return then[i];
	return 0;
}

/* Handlers fzsandbox can really run in this thread now: not blocked in
 * it, not SA_SIGINFO (a faked siginfo would mislead the handler), and the
 * handlers of this process, not of a vfork parent. */
static uint64_t deliverable(struct tracer_task *t, const struct sig_handlers *h, uint64_t mask)
{
	struct proc_status ps;

	mask &= ~h->siginfo;
	if (!mask || (h->owner && h->owner != tracer_task_pid(t)))
		return 0;
	if (proc_status_read(tracer_task_tid(t), &ps) < 0)
		return 0;
	return mask & ~ps.sig_blk;
}

int sig_pick_deliverable(struct tracer_task *t, const struct sig_handlers *h, uint64_t mask)
{
	return pick_signal(deliverable(t, h, mask));
}

int sig_pick_with_mask(struct tracer_task *t, const struct sig_handlers *h, uint64_t mask,
		       uint64_t blocked)
{
	mask &= ~h->siginfo;
	if (!mask || (h->owner && h->owner != tracer_task_pid(t)))
		return 0;
	return pick_signal(mask & ~blocked);
}

int sig_mm_new(void **state)
{
	*state = calloc(1, sizeof(struct sig_handlers));
	return *state ? 0 : -ENOMEM;
}

int sig_mm_fork(const void *parent, void **child)
{
	struct sig_handlers *c = malloc(sizeof(*c));

	if (!c)
		return -ENOMEM;
	*c = *(const struct sig_handlers *)parent;
	c->owner = 0;	/* the child process, known at its first stop */
	*child = c;
	return 0;
}

void sig_mm_free(void *state)
{
	free(state);
}

int sig_on_watch(struct inject *inj, int cls, struct tracer_task *t, const struct syscall_stop *s)
{
	struct sig_handlers *h = inj_mm_state(t, cls);

	(void)inj;
	if (h)
		sig_track_sigaction(h, t, s);
	return 0;
}
