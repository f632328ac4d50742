/* task.c - the table of traced tasks and their address spaces. */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tracer/tracer_int.h"
#include "util/util.h"

#define NBUCKETS (sizeof(((struct tracer_state *)0)->tasks) / sizeof(void *))

struct tracer_task *task_find(struct tracer_state *st, pid_t tid)
{
	struct tracer_task *t = st->tasks[(unsigned)tid % NBUCKETS];

	while (t && t->tid != tid)
		t = t->next;
	return t;
}

struct tracer_task *task_add(struct tracer_state *st, pid_t tid, pid_t pid, struct tracer_mm *mm)
{
	struct tracer_task *t = calloc(1, sizeof(*t));
	unsigned b = (unsigned)tid % NBUCKETS;

	if (!t)
		return NULL;
	t->tid = tid;
	t->pid = pid;
	t->ordinal = -1;	/* numbered at its creation event */
	t->mm = mm;
	if (mm)
		mm->refs++;
	t->next = st->tasks[b];
	st->tasks[b] = t;
	st->ntasks++;
	return t;
}

void task_remove(struct tracer_state *st, struct tracer_task *t)
{
	struct tracer_task **pp = &st->tasks[(unsigned)t->tid % NBUCKETS];

	while (*pp && *pp != t)
		pp = &(*pp)->next;
	if (*pp)
		*pp = t->next;
	st->ntasks--;
	if (t->mm)
		mm_put(st, t->mm);
	free(t);
}

struct tracer_mm *mm_new_empty(void)
{
	return calloc(1, sizeof(struct tracer_mm));
}

void mm_put(struct tracer_state *st, struct tracer_mm *mm)
{
	if (--mm->refs > 0)
		return;
	if (mm->data && st->opts->hooks && st->opts->hooks->mm_free)
		st->opts->hooks->mm_free(st->opts->hooks->ctx, mm->data);
	free(mm);
}

/* Thread group of a task, from /proc (needed for clone events, whose
 * flags we do not see). Returns the tgid or -errno. */
pid_t task_tgid_of(pid_t tid)
{
	struct proc_status ps;
	int r = proc_status_read(tid, &ps);

	return r < 0 ? r : ps.tgid;
}
