/* aflmap.c - AFL++'s edge map as the fuzz loop's feedback (aflmap.h).
 * AFL++ 4.04c's runtime (afl-compiler-rt, __afl_map_shm) shmats the
 * segment named by __AFL_SHM_ID at start-up, before main; with a
 * program past 64 KiB of edges it wants AFL_MAP_SIZE at least that. It
 * tries the forkserver handshake only when fd 199 takes its write: fuzz
 * runs never have it open (the launcher closes every fd above 2). */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/shm.h>
#include <sys/uio.h>
#include <unistd.h>

#include "cli/aflmap.h"
#include "cli/die.h"
#include "cli/pool.h"
#include "inject/feedback.h"
#include "symbols/symbols.h"
#include "tracer/tracer.h"
#include "util/util.h"

#define SHM_VAR "__AFL_SHM_ID="
#define AFL_MAP_SIZE_DEFAULT 65536u

struct aflmap {
	uint32_t size;
	bool jail;
	char **env;		/* the traced runs' (strings: env's, and ours) */
	char shm_var[sizeof(SHM_VAR) + SANDBOX_SHM_ID_LEN];
	char size_var[32];
	uint8_t *shm;		/* without the jail: our attachment */
	uint8_t *map;		/* a read copy (the jail) */
	const uint8_t *src;	/* the last run's map; NULL: none read */
	uint8_t *zero;		/* size zeros, to clear a template's */
	uint32_t *cells;
	pid_t tmpl;		/* the template whose map is at tmpl_addr */
	uint64_t tmpl_addr;
	bool at_exit;		/* this run: read at each exit_group */
	bool quiet, warned;
};

/* Our own segment, in our IPC namespace (no jail): attached here, then
 * marked for removal, so it goes when we do; Linux still lets the
 * target shmat it by id (kernel-facts.md#shm-rmid-attach). */
static void own_segment(struct aflmap *a)
{
	void *p;
	int id;

	if (a->shm)
		shmdt(a->shm);
	a->shm = NULL;
	if ((id = shmget(IPC_PRIVATE, a->size, IPC_CREAT | 0600)) < 0)
		die_errno(errno, "--fuzz: cannot make AFL++'s coverage map (shmget, %u bytes)", a->size);
	p = shmat(id, NULL, 0);
	if (p == (void *)-1) {
		int e = errno;

		shmctl(id, IPC_RMID, NULL);
		die_errno(e, "--fuzz: cannot attach AFL++'s coverage map (shmat)");
	}
	if (shmctl(id, IPC_RMID, NULL) < 0)
		die_errno(errno, "--fuzz: cannot mark AFL++'s coverage map for removal");
	a->shm = p;
	snprintf(a->shm_var, sizeof(a->shm_var), SHM_VAR "%d", id);
}

static bool env_is(const char *kv, const char *name)
{
	size_t n = strlen(name);

	return strncmp(kv, name, n) == 0 && kv[n] == '=';
}

struct aflmap *aflmap_new(const struct options *o, const char *path, char **env, bool jail)
{
	struct aflmap *a;
	uint32_t size = 0;
	int r, n = 0, k = 0;

	if (!o->fuzz || o->feedback == FEEDBACK_SHAPE)
		return NULL;
	r = sym_afl_map_size(path, &size);
	if (r <= 0 && o->feedback == FEEDBACK_AFL) {
		if (r < 0)
			die_errno(r, "--feedback=afl: cannot read '%s'", path);
		die("--feedback=afl: '%s' was not built with afl-cc (AFL++'s runtime, "
		    "__AFL_SHM_ID, is not in it)", path);
	}
	if (r <= 0)
		return NULL;
	/* AFL_MAP_SIZE given: at least that (instrumented libraries' edges
	 * are not counted in the file's guards), as afl-fuzz honours it. */
	for (int i = 0; env && env[i]; i++)
		if (env_is(env[i], "AFL_MAP_SIZE")) {
			long v = strtol(env[i] + 13, NULL, 10);

			if (v > (long)size && v <= (long)FB_MAX_CELLS)
				size = (uint32_t)v;
		}
	if (!(a = calloc(1, sizeof(*a))))
		die("out of memory");
	a->size = size;
	a->jail = jail;
	a->quiet = o->quiet;
	while (env && env[n])
		n++;
	if (!(a->env = calloc(n + 3, sizeof(char *))) || !(a->map = malloc(size)) ||
	    !(a->zero = calloc(size, 1)) || !(a->cells = malloc(size * sizeof(*a->cells))))
		die("out of memory");
	for (int i = 0; i < n; i++)
		if (!env_is(env[i], "__AFL_SHM_ID") && !env_is(env[i], "AFL_MAP_SIZE"))
			a->env[k++] = env[i];
	/* The target writes the id's digits here in the jail. */
	snprintf(a->shm_var, sizeof(a->shm_var), SHM_VAR "0");
	a->env[k++] = a->shm_var;
	if (size > AFL_MAP_SIZE_DEFAULT) {
		snprintf(a->size_var, sizeof(a->size_var), "AFL_MAP_SIZE=%u", size);
		a->env[k++] = a->size_var;
	}
	if (!jail)
		own_segment(a);
	return a;
}

void aflmap_free(struct aflmap *a)
{
	if (!a)
		return;
	if (a->shm)
		shmdt(a->shm);
	free(a->env);
	free(a->map);
	free(a->zero);
	free(a->cells);
	free(a);
}

char **aflmap_env(struct aflmap *a, char **env)
{
	return a ? a->env : env;
}

void aflmap_launch(struct aflmap *a, struct sandbox_launch *l)
{
	if (!a || !a->jail)
		return;
	l->shm_size = a->size;
	l->shm_id = a->shm_var + strlen(SHM_VAR);
}

static void on_exit_group(void *arg, struct tracer_task *t);

void aflmap_inject(struct aflmap *a, struct inject_config *cfg)
{
	if (!a || !a->jail)
		return;
	cfg->on_exit_group = on_exit_group;
	cfg->exit_arg = a;
}

void aflmap_rehome(struct aflmap *a)
{
	if (a && !a->jail)
		own_segment(a);
}

struct find {
	uint64_t len, addr;
};

/* The runtime's attachment: a shared mapping of a SysV segment
 * ("/SYSV" and the key, IPC_PRIVATE's 0) of our size in pages. */
static int sysv_map(const struct proc_map *m, void *arg)
{
	struct find *f = arg;

	if (strncmp(m->path, "/SYSV", 5) != 0 || m->perms[3] != 's' || m->hi - m->lo != f->len)
		return 0;
	f->addr = m->lo;
	return 1;
}

static uint64_t map_addr(const struct aflmap *a, pid_t pid)
{
	long page = sysconf(_SC_PAGESIZE);
	struct find f = { ((uint64_t)a->size + page - 1) / page * page, 0 };

	return proc_maps_each(pid, sysv_map, &f) == 1 ? f.addr : 0;
}

static int read_map(struct aflmap *a, pid_t pid, uint64_t addr)
{
	struct iovec l = { a->map, a->size }, r = { (void *)(uintptr_t)addr, a->size };

	if (process_vm_readv(pid, &l, 1, &r, 1, 0) != (ssize_t)a->size)
		return -1;
	a->src = a->map;
	return 0;
}

void aflmap_read_from(struct aflmap *a, pid_t pid)
{
	uint64_t addr;

	if (a && a->at_exit && (addr = map_addr(a, pid)))
		read_map(a, pid, addr);
}

/* An exec'd run in the jail: its segment is the run's own, so each
 * process leaving reads what the tree did so far; the last is all. */
static void on_exit_group(void *arg, struct tracer_task *t)
{
	aflmap_read_from(arg, tracer_task_pid(t));
}

void aflmap_begin(struct aflmap *a, pid_t tmpl)
{
	if (!a)
		return;
	a->src = NULL;
	a->at_exit = a->jail && !tmpl;
	if (!a->jail) {
		memset(a->shm, 0, a->size);
		return;
	}
	if (!tmpl)
		return;
	/* A new template: where its runtime attached the map. It ran up to
	 * its point, which every child would show: cleared before each. */
	if (tmpl != a->tmpl) {
		a->tmpl = tmpl;
		a->tmpl_addr = map_addr(a, tmpl);
		if (!a->tmpl_addr && !a->quiet && !a->warned)
			fprintf(stderr, "fzsandbox: warning: --fuzz: AFL++'s coverage map is not attached "
				"in the snapshot's template (its runtime did not shmat it): the "
				"feedback is the syscall shape alone\n");
		a->warned = a->warned || !a->tmpl_addr;
	}
	if (a->tmpl_addr) {
		struct iovec l = { a->zero, a->size }, r = { (void *)(uintptr_t)a->tmpl_addr, a->size };

		if (process_vm_writev(tmpl, &l, 1, &r, 1, 0) != (ssize_t)a->size)
			a->tmpl_addr = 0;
	}
}

void aflmap_end(struct aflmap *a, pid_t tmpl)
{
	if (!a)
		return;
	a->at_exit = false;
	if (!a->jail)
		a->src = a->shm;
	else if (tmpl && tmpl == a->tmpl && a->tmpl_addr)
		read_map(a, tmpl, a->tmpl_addr);
}

uint32_t aflmap_cells(struct aflmap *a, const uint32_t **cells, uint32_t *size)
{
	*cells = NULL;
	*size = a ? a->size : 0;
	if (!a || !a->src)
		return 0;
	*cells = a->cells;
	return feedback_sparse(a->src, a->size, a->cells, a->size);
}

int aflmap_maps(const struct options *o, const struct run_exec *x, struct fb_map *maps)
{
	int n = 0;

	if (x->has_shape && o->feedback != FEEDBACK_AFL)
		maps[n++] = (struct fb_map){ .name = "shape", .size = INJECT_SHAPE_SIZE,
					     .dense = x->shape };
	if (x->afl_size)
		maps[n++] = (struct fb_map){ .name = "afl", .size = x->afl_size, .sparse = x->afl,
					     .nsparse = x->afl_n };
	return n;
}

int options_feedback(const char *arg)
{
	static const char *const names[] = { [FEEDBACK_AUTO] = "auto", [FEEDBACK_SHAPE] = "shape",
					     [FEEDBACK_AFL] = "afl" };

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (strcmp(arg, names[i]) == 0)
			return (int)i;
	die("--feedback: unknown value '%s' (auto, shape, afl)", arg);
}
