/* signals.h - which signal handlers a process has, so a fault that needs a
 * signal (EINTR, a short blocking write) is offered only where a handler
 * could really have run, and its signal is really delivered (internal to
 * inject/; the io class uses it). */
#ifndef FZ_SIGNALS_H
#define FZ_SIGNALS_H

#include <stdint.h>
#include <sys/types.h>

#include "tracer/tracer.h"

/* Per address space, kept from rt_sigaction. */
struct sig_handlers {
	uint64_t handled;	/* signals with a handler */
	uint64_t interrupting;	/* ... installed without SA_RESTART */
	uint64_t siginfo;	/* ... with SA_SIGINFO: we cannot fake its data */
	/* The process whose handlers these are: a vfork child shares the
	 * address space but not the handlers (0 until first seen). */
	pid_t owner;
};

/* At an rt_sigaction stop: note the handler being installed. */
void sig_track_sigaction(struct sig_handlers *h, struct tracer_task *t,
			 const struct syscall_stop *s);
/* A signal of mask (h->interrupting: one that interrupts a blocked call;
 * h->handled: any handled one) whose handler fzsandbox can really run in t
 * now; 0 if none. */
int sig_pick_deliverable(struct tracer_task *t, const struct sig_handlers *h, uint64_t mask);

/* The same for a call that waits with its own signal mask (ppoll,
 * pselect6, epoll_pwait): blocked is that mask, not the thread's. */
int sig_pick_with_mask(struct tracer_task *t, const struct sig_handlers *h, uint64_t mask,
		       uint64_t blocked);

/* The hooks of a class that keeps sig_handlers as its per address space
 * state (class_hooks.mm_new, mm_fork, mm_free, on_watch of the
 * rt_sigaction calls): io, fs and delay. */
struct inject;
int sig_mm_new(void **state);
int sig_mm_fork(const void *parent, void **child);
void sig_mm_free(void *state);
int sig_on_watch(struct inject *inj, int cls, struct tracer_task *t, const struct syscall_stop *s);

#endif
