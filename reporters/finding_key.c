#include "config.h"

/* finding_key.c - the dedupe key of a run's finding, and what it is made
 * of: the kind's name and the top frame of a stack.
 *
 * Two runs are one finding when they die the same way at the same place.
 * "Place" is function + module basename of the top non-system frames:
 * raw pcs would split on ASLR, and the libc frames above (abort, raise,
 * memcpy variants) differ with the CPU and say nothing about the bug.
 *
 * A leaf of reporters/: findings.c keys its findings here, and the
 * writers (report_text.c, report_json.c) name kinds and top frames the
 * way the key does.
 */

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "reporters/report_int.h"
#include "util/util.h"

/* Frames of the faulting thread that identify a finding. */
#define KEY_FRAMES 3

static const char *const kind_names[] = {
	[FIND_SIGNAL] = "signal",
	[FIND_HANG] = "hang",
	[FIND_SANITIZER] = "sanitizer",
	[FIND_EXIT] = "exit",
	[FIND_RESOURCE] = "resource",
	[FIND_VIOLATION] = "sandbox-violation",
	[FIND_ABORT] = "abort",
	[FIND_STATE] = "state-corruption",
	[FIND_SLOWDOWN] = "slowdown",
	[FIND_SILENT] = "silent-corruption",
	[FIND_CRASH] = "crash-recovery",
};

bool finding_kind_valid(enum finding_kind k)
{
	return (unsigned)k < ARRAY_SIZE(kind_names) && kind_names[k];
}

const char *finding_kind_name(enum finding_kind k)
{
	if (!finding_kind_valid(k))
		return "unknown";
	return kind_names[k];
}

int frames_top(const struct frame *frames, int n)
{
	int i;

	for (i = 0; i < n; i++)
		if (!frames[i].system)
			return i;
	return -1;
}

static const char *base_name(const char *path)
{
	const char *s = strrchr(path, '/');

	return s ? s + 1 : path;
}

/* Function and module name, not pc: ASLR must not split a finding. */
static void key_frame(FILE *fp, const struct frame *f)
{
	if (strcmp(f->function, "??") != 0 && f->function[0])
		fprintf(fp, "|%s@%s", f->function, base_name(f->module));
	else if (!f->module[0])
		/* In no file (a call through a bad pointer, JIT code): the
		 * address is the pointer's value or ASLR's, not the bug's. */
		fputs("|??", fp);
	else
		fprintf(fp, "|%s+0x%llx", base_name(f->module),
			(unsigned long long)f->offset);
}

static void key_stack(FILE *fp, const struct thread_stack *s)
{
	int i, top = frames_top(s->frames, s->nframes);
	int n = 0;

	/* All-system stacks (loader crashes) are keyed on what there is. */
	for (i = top < 0 ? 0 : top; i < s->nframes && n < KEY_FRAMES; i++) {
		if (top >= 0 && s->frames[i].system)
			continue;
		key_frame(fp, &s->frames[i]);
		n++;
	}
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* A hang is where every thread sits; thread order varies between runs. */
static int key_hang(FILE *fp, const struct run_finding *f)
{
	char *tops[FINDING_MAX_THREADS];
	int i, n = 0, e = 0;

	for (i = 0; i < f->nthreads; i++) {
		const struct thread_stack *s = &f->stacks[i];
		int top = frames_top(s->frames, s->nframes);
		size_t len;
		FILE *m;

		tops[n] = NULL;
		m = open_memstream(&tops[n], &len);
		if (!m) {
			e = -ENOMEM;
			break;
		}
		if (s->nframes > 0)
			key_frame(m, &s->frames[top < 0 ? 0 : top]);
		if (fclose(m) != 0) {
			free(tops[n]);
			e = -ENOMEM;
			break;
		}
		n++;
	}
	qsort(tops, n, sizeof(tops[0]), cmp_str);
	for (i = 0; i < n; i++) {
		fprintf(fp, "/%s", tops[i]);
		free(tops[i]);
	}
	return e;
}

int report_finding_key(const struct run_finding *f, char **key)
{
	size_t len;
	FILE *fp;
	int e = 0;

	*key = NULL;
	fp = open_memstream(key, &len);
	if (!fp)
		return -ENOMEM;
	fprintf(fp, "%s", finding_kind_name(f->kind));
	if (f->kind == FIND_SIGNAL || f->kind == FIND_RESOURCE)
		fprintf(fp, ":%d", f->signal);
	else if (f->kind == FIND_SANITIZER)
		fprintf(fp, ":%s", f->sanitizer);
	else if (f->kind == FIND_EXIT)
		fprintf(fp, ":%d", f->exit_status);
	else if (f->kind == FIND_VIOLATION)	/* the syscall's name */
		fprintf(fp, ":%.*s", (int)strcspn(f->detail, "("), f->detail);
	else if (f->kind == FIND_ABORT)	/* one policy per allocating caller */
		fprintf(fp, ":%d:%d|%s", f->signal, f->exit_status,
			f->nfaults ? f->faults[0].caller : "");
	else if (f->kind == FIND_STATE)	/* which checker, after which call */
		fprintf(fp, ":%s|%s@%s", f->check, f->nfaults ? f->faults[0].call : "",
			f->nfaults ? f->faults[0].site : "");
	else if (f->kind == FIND_SLOWDOWN)	/* after which call */
		fprintf(fp, ":%s@%s", f->nfaults ? f->faults[0].call : "",
			f->nfaults ? f->faults[0].site : "");
	else if (f->kind == FIND_SILENT)	/* which file, after which call */
		fprintf(fp, ":%s|%s@%s", f->out.file, f->nfaults ? f->faults[0].call : "",
			f->nfaults ? f->faults[0].site : "");
	else if (f->kind == FIND_CRASH)	/* what failed, after which call on which file */
		fprintf(fp, ":%s|%s|%s", f->check, f->crash.call, f->crash.file);
	if (f->kind == FIND_HANG)
		e = key_hang(fp, f);
	/* A state-corruption's (a slowdown's) stacks are where its faults
	 * were injected: the site above says that, and build-independently
	 * enough. */
	else if (f->nthreads > 0 && f->kind != FIND_STATE && f->kind != FIND_SLOWDOWN &&
		 f->kind != FIND_SILENT)
		key_stack(fp, &f->stacks[0]);
	if (fclose(fp) != 0 && !e)
		e = -ENOMEM;
	if (e) {
		free(*key);
		*key = NULL;
	}
	return e;
}
