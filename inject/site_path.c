/* site_path.c - allocation sites keyed by call path, only as deep as
 * needed.
 *
 * A site is a call plus its first caller outside the system libraries.
 * Real programs allocate through wrappers (xmalloc, sqlite3Malloc,
 * g_malloc): every allocation of the program is then one site, and the
 * plan's first K occurrences cover only start-up. So the recording run
 * keys every allocation call by its path, up to INJECT_PATH_DEPTH program
 * frames (as mallocfail keys by stack), under a group head for its
 * caller; at its end each path's key keeps only as many frames as tell
 * it apart from the other paths through that caller. A caller reached by
 * one path (no wrapper) keeps its key as it always was; a wrapper's call
 * reached from two callers gets "<wrapper key>/2.<hash>" for each. The
 * occurrences the recording counted per full path are exactly those of
 * the shortened key: no other path shares its prefix.
 *
 * A key says its own depth, so a planned run or a replay computes it from
 * the plan entry alone. */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "inject/inject_int.h"
#include "util/util.h"

/* Program frames asked of the unwinder: the path, and some to spare for
 * one return address that stands for several (inlined) frames. */
#define PATH_FRAMES (INJECT_PATH_DEPTH + 2)
/* A path element past the stack's end: paths of different lengths
 * differ there. */
#define PATH_END 0xffffffffu

static uint32_t fnv(uint32_t h, const void *p, size_t n)
{
	const uint8_t *b = p;

	for (size_t i = 0; i < n; i++)
		h = (h ^ b[i]) * 16777619u;
	return h;
}

int inj_path_of(struct inject *inj, struct tracer_task *t, const char *key, struct inj_path *p)
{
	struct unwinder *u = inj_unwinder(inj, tracer_task_pid(t));
	struct frame *f;
	char k[64];
	uint64_t last = 0;
	int n;

	p->n = 0;
	if (!u)
		return -ESRCH;
	if (!(f = malloc(PATH_FRAMES * sizeof(*f))))
		return -ENOMEM;
	/* Program frames only: system frames are skipped unsymbolized
	 * (symbolizing libc's costs ~40 ms per process). */
	n = unwinder_callers(u, tracer_task_tid(t), f, PATH_FRAMES);
	for (int i = 0; i < n && p->n < INJECT_PATH_DEPTH; i++) {
		/* One return address may stand for several inlined frames:
		 * it is one element of the path. */
		if (!f[i].module[0] || f[i].pc == last)
			continue;
		inj_site_key(&f[i], k, sizeof(k));
		/* The path starts at the site's own caller; a stack that
		 * does not is no path (the caller's key alone). */
		if (p->n == 0 && strcmp(k, key) != 0)
			break;
		last = f[i].pc;
		snprintf(p->fn[p->n], sizeof(p->fn[0]), "%s", f[i].function);
		p->h[p->n++] = fnv(2166136261u, k, strlen(k));
	}
	free(f);
	if (p->n == 0) {
		p->h[0] = fnv(2166136261u, key, strlen(key));
		p->n = 1;
	}
	return 0;
}

static uint32_t elem(const uint32_t *h, int n, int i)
{
	return i < n ? h[i] : PATH_END;
}

char *inj_path_key(const char *key, const uint32_t *h, int n, int d, char *buf, int len)
{
	uint32_t x = 2166136261u;

	for (int i = 1; i < d; i++) {
		uint32_t e = elem(h, n, i);

		x = fnv(x, &e, sizeof(e));
	}
	snprintf(buf, len, "%.50s/%d.%08x", key, d, x);
	return buf;
}

int inj_key_depth(const char *key)
{
	const char *s = strrchr(key, '/');
	int d;

	if (!s || sscanf(s + 1, "%d.", &d) != 1 || d < 1)
		return 1;
	return d;
}

struct inject_site *inj_path_site(struct inject *inj, const char *call, const char *key,
				  const struct frame *caller, const struct inj_path *p)
{
	struct inject_site *head = inj_site_get(inj, call, key, caller), *s;
	char full[64];
	int hi;

	if (!head)
		return NULL;
	head->head = true;
	hi = (int)(head - inj->sites);
	/* The full path, end marker included, while recording. */
	inj_path_key(key, p->h, p->n, INJECT_PATH_DEPTH + 1, full, sizeof(full));
	if ((s = inj_site_find(inj, call, full)))
		return s;
	if (head->members >= INJECT_PATHS_PER_SITE || inj->npath_sites >= INJECT_MAX_PATH_SITES) {
		head->dropped++;
		return NULL;
	}
	if (!(s = inj_site_get(inj, call, full, caller)))	/* may move head */
		return NULL;
	s->group = hi;
	memcpy(s->path, p->h, sizeof(s->path));
	memcpy(s->path_fn, p->fn, sizeof(s->path_fn));
	s->npath = p->n;
	inj->sites[hi].members++;
	inj->npath_sites++;
	return s;
}

static bool prefix_eq(const struct inject_site *a, const struct inject_site *b, int d)
{
	for (int i = 0; i < d; i++)
		if (elem(a->path, a->npath, i) != elem(b->path, b->npath, i))
			return false;
	return true;
}

/* The fewest frames that tell site m apart from every other path of its
 * group: 1 when it is the only one. */
static int depth_needed(const struct inject *inj, int m)
{
	const struct inject_site *s = &inj->sites[m];
	int d = 1;

	if (inj->sites[s->group].members <= 1)
		return 1;
	for (d = 2; d <= INJECT_PATH_DEPTH; d++) {
		bool alone = true;

		for (int i = 0; i < inj->nsites && alone; i++)
			if (i != m && inj->sites[i].group == s->group && prefix_eq(s, &inj->sites[i], d))
				alone = false;
		if (alone)
			break;
	}
	return d > INJECT_PATH_DEPTH ? INJECT_PATH_DEPTH : d;
}

void inject_sites_finish(struct inject *inj)
{
	int n = 0;

	for (int i = 0; i < inj->nsites; i++) {
		struct inject_site *s = &inj->sites[i];
		char key[64];

		if (s->group < 0)
			continue;
		memcpy(key, inj->sites[s->group].key, sizeof(key));
		s->key_depth = depth_needed(inj, i);
		if (s->key_depth == 1)
			snprintf(s->key, sizeof(s->key), "%s", key);
		else
			inj_path_key(key, s->path, s->npath, s->key_depth, s->key, sizeof(s->key));
	}
	/* The heads go: their paths are the sites now. */
	for (int i = 0; i < inj->nsites; i++) {
		struct inject_site *s = &inj->sites[i];

		if (s->head) {
			inj->paths_dropped += s->dropped;
			free(s->tries);
			free(s->occ);
			continue;
		}
		s->group = -1;
		inj->sites[n++] = *s;
	}
	if (n != inj->nsites) {
		inj->nsites = n;
		if (inj_site_reindex(inj) < 0)
			fz_debug("inject: cannot index the sites: out of memory\n");
	}
	inj->npath_sites = 0;
}

void inject_path_stats(const struct inject *inj, struct inject_paths *out)
{
	memset(out, 0, sizeof(*out));
	for (int i = 0; i < inj->nsites; i++) {
		const struct inject_site *s = &inj->sites[i];

		if (s->head || !s->nfaults)
			continue;
		out->paths++;
		out->wrapped += s->key_depth > 1;
	}
	out->dropped = inj->paths_dropped;
}
