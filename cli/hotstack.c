/* hotstack.c - --slowdown's hottest stack (hotstack.h). A retry storm or
 * a busy loop is where a slow run's threads are found running, again and
 * again: the stacks are grouped by the first frame in the program's own
 * code (module and function), since the pcs inside a spinning loop
 * differ from sample to sample and its system frames (clock_gettime,
 * read) say nothing of which loop it is. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/hotstack.h"

struct hot_entry {
	char key[sizeof(((struct frame *)0)->module) + sizeof(((struct frame *)0)->function) + 2];
	int hits;
	struct thread_stack stack;	/* the group's first sample */
};

struct hotstack {
	struct inject *inj;
	int total;		/* samples taken */
	int n;
	struct hot_entry e[HOT_KEYS];
};

struct hotstack *hotstack_new(struct inject *inj)
{
	struct hotstack *h = calloc(1, sizeof(*h));

	if (h)
		h->inj = inj;
	return h;
}

void hotstack_free(struct hotstack *h)
{
	free(h);
}

void hotstack_reset(struct hotstack *h)
{
	h->total = 0;
	h->n = 0;
}

/* The group of a stack: its first frame outside the system modules, or
 * its first frame when it has none (a spin inside libc). */
static void stack_key(const struct thread_stack *s, char *key, size_t len)
{
	const struct frame *top = &s->frames[0];

	for (int i = 0; i < s->nframes; i++)
		if (!s->frames[i].system) {
			top = &s->frames[i];
			break;
		}
	snprintf(key, len, "%s|%s", top->module, top->function);
}

void hotstack_on_sample(void *arg, pid_t pid, pid_t tid, int ordinal)
{
	struct hotstack *h = arg;
	static struct thread_stack s;	/* 29 KiB: off the tracer's stack */
	char key[sizeof(h->e[0].key)];
	int n = inject_stack(h->inj, pid, tid, s.frames, FRAME_MAX), i;

	if (n <= 0)
		return;
	s.tid = tid;
	s.thread = ordinal;
	s.nframes = n;
	h->total++;
	stack_key(&s, key, sizeof(key));
	for (i = 0; i < h->n; i++)
		if (strcmp(h->e[i].key, key) == 0)
			break;
	if (i == h->n) {
		if (h->n == HOT_KEYS)
			return;
		h->n++;
		memcpy(h->e[i].key, key, sizeof(key));
		h->e[i].hits = 0;
		h->e[i].stack = s;
	}
	h->e[i].hits++;
}

void hotstack_put(const struct hotstack *h, struct run_finding *f)
{
	int best = -1, idx;

	for (int i = 0; h && i < h->n; i++)
		if (best < 0 || h->e[i].hits > h->e[best].hits)
			best = i;
	if (best < 0)
		return;
	idx = f->nthreads < FINDING_MAX_THREADS ? f->nthreads++ : FINDING_MAX_THREADS - 1;
	f->stacks[idx] = h->e[best].stack;
	f->slow.hot_index = idx;
	f->slow.hot_hits = h->e[best].hits;
	f->slow.hot_samples = h->total;
}
