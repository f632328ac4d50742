/* deliberate.c - did the program die of an out-of-memory fault on purpose?
 *
 * Dying when memory runs out is a policy many programs choose: xmalloc,
 * g_malloc, assert(p) right after malloc, an uncaught std::bad_alloc. Such
 * a program dies (abort, exit(1)) while the function that got the NULL is
 * still running; one with a real bug returns and crashes later, elsewhere.
 * So at each out-of-memory fault the caller frame of its site is named
 * (CFA and function, symbols/frame_id.c), with the two frames out from it
 * (a small wrapper or constructor returns the NULL to a caller that
 * aborts: memcached's logger_create, lighttpd's configparserAlloc), and
 * at the death the stack is searched for them. No further: the outer
 * frames (main, a thread's start) live for the whole run, and the further
 * out, the more any later death would match. Any other fault in the run (a short read is never a
 * reason to die) makes no death deliberate.
 */
#include "config.h"

#include "inject/inject_int.h"

void inj_oom_note(struct inject *inj, struct tracer_task *t, uint64_t pc)
{
	struct unwinder *u = inj_unwinder(inj, tracer_task_pid(t));
	struct inj_oom_frame *o;

	if (!u || inj->noom >= INJ_MAX_LOG)
		return;
	o = &inj->oom[inj->noom];
	o->nid = unwinder_frame_ids(u, tracer_task_tid(t), pc, o->id, INJ_OOM_FRAMES);
	if (o->nid <= 0 || !o->id[0].cfa)
		return;
	o->pid = tracer_task_pid(t);
	o->tid = tracer_task_tid(t);
	inj->noom++;
}

int inject_deliberate(struct inject *inj, pid_t pid, pid_t tid)
{
	struct unwinder *u = NULL;

	if (inj->other_fault)
		return 0;
	/* Only the thread that got the fault: no unwinder is made for the
	 * other processes that exit (a fork's child, a helper). */
	for (int i = 0; i < inj->noom; i++) {
		if (inj->oom[i].pid != pid || inj->oom[i].tid != tid)
			continue;
		if (!u && !(u = inj_unwinder(inj, pid)))
			return 0;
		if (unwinder_frames_live(u, tid, inj->oom[i].id, inj->oom[i].nid) == 1)
			return 1;
	}
	return 0;
}

void inj_exit_check(struct inject *inj, struct tracer_task *t, const struct syscall_stop *s)
{
	int status = (int)(s->args[0] & 0xff);

	if (status == 0 || inj->exit_deliberate)
		return;
	if (inject_deliberate(inj, tracer_task_pid(t), tracer_task_tid(t)) == 1)
		inj->exit_deliberate = status + 1;
}

int inject_deliberate_exit(const struct inject *inj, int *status)
{
	if (!inj->exit_deliberate)
		return 0;
	*status = inj->exit_deliberate - 1;
	return 1;
}
