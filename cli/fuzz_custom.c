/* fuzz_custom.c - --custom-mutator=SO: a shared object with AFL++'s
 * custom mutator ABI (AFL++'s docs/custom_mutators.md), dlopen()ed here,
 * in fzsandbox's own process with its privileges, never in the jail: as
 * afl-fuzz loads AFL_CUSTOM_MUTATOR_LIBRARY into itself. Its hooks become
 * the fuzz scheduler's (inject/sched.h, struct fuzz_custom). */
#include "config.h"

#include <dlfcn.h>
#include <stdlib.h>

#include "cli/die.h"
#include "cli/fuzz.h"

/* AFL++'s hooks fzsandbox calls; the others (trim, describe, queue
 * events, havoc_mutation...) are left alone, as afl-fuzz leaves the ones
 * a mutator lacks. */
typedef void *(*init_fn)(void *afl, unsigned int seed);
typedef void (*deinit_fn)(void *data);

struct fuzz_cm {
	void *so;
	void *data;
	deinit_fn deinit;
};

static void *need(void *so, const char *path, const char *name)
{
	void *sym = dlsym(so, name);

	if (!sym)
		die("--custom-mutator: '%s' has no symbol '%s' (AFL++'s custom mutator ABI)", path,
		    name);
	return sym;
}

struct fuzz_cm *fuzz_custom_load(struct scheduler *s, const char *path, bool only, uint64_t seed)
{
	struct fuzz_cm *cm = calloc(1, sizeof(*cm));
	struct fuzz_custom hooks = { .only = only };
	const char *err;
	init_fn init;

	if (!cm)
		die("out of memory");
	if (!(cm->so = dlopen(path, RTLD_NOW | RTLD_LOCAL))) {
		err = dlerror();
		die("--custom-mutator: cannot load '%s': %s", path, err ? err : "dlopen failed");
	}
	/* afl-fuzz requires these two and takes a mutator without a fuzz
	 * hook (post_process only, say). */
	init = (init_fn)need(cm->so, path, "afl_custom_init");
	cm->deinit = (deinit_fn)need(cm->so, path, "afl_custom_deinit");
	*(void **)&hooks.fuzz = dlsym(cm->so, "afl_custom_fuzz");
	*(void **)&hooks.fuzz_count = dlsym(cm->so, "afl_custom_fuzz_count");
	*(void **)&hooks.post = dlsym(cm->so, "afl_custom_post_process");
	if (!hooks.fuzz && !hooks.post)
		die("--custom-mutator: '%s' has neither 'afl_custom_fuzz' nor "
		    "'afl_custom_post_process': nothing to call", path);
	if (only && !hooks.fuzz)
		die("--custom-mutator-only: '%s' has no 'afl_custom_fuzz'", path);
	/* There is no afl_state_t here: a mutator that reads AFL++'s state
	 * through it cannot work, so it gets NULL rather than garbage. The
	 * seed is --seed's, so the same --seed gives the same runs. */
	if (!(cm->data = init(NULL, (unsigned int)seed)))
		die("--custom-mutator: '%s': afl_custom_init failed (returned NULL)", path);
	hooks.ctx = cm->data;
	sched_fuzz_custom(s, &hooks);
	return cm;
}

void fuzz_custom_unload(struct fuzz_cm *cm)
{
	if (!cm)
		return;
	cm->deinit(cm->data);
	/* Not dlclose()d: a mutator's atexit handlers or threads may still
	 * point into it. */
	free(cm);
}
