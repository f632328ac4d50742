/* runner.h - one run of the target and what it amounted to (cli/ only). */
#ifndef FZ_RUNNER_H
#define FZ_RUNNER_H

#include <limits.h>
#include <stdbool.h>

#include "cli/options.h"
#include "inject/inject.h"
#include "reporters/report.h"

struct runner {
	const struct options *o;
	char **argv, **env;
	char cwd[PATH_MAX];
	const char *stdin_path;
	struct inject *inj;
	struct sandbox *sb;	/* --sandbox, else NULL */
	uint8_t trace_set[SYSCALL_MAX / 8];
	char out_stdout[PATH_MAX], out_stderr[PATH_MAX];
	struct run_finding cur;	/* filled by the stack callback */
	int baseline_exit;
	bool have_baseline;
	/* The next run is a random one (inject_set_random). */
	bool random;
	uint64_t random_seed;
};

/* Prepare run files under dir and the engine. die()s on bad environment. */
void runner_init(struct runner *r, const struct options *o, char **argv, char **env,
		 const char *run_dir);
void runner_fini(struct runner *r);
/* One run. Returns 1 and fills *f when it is a finding, 0 when not; *res
 * gets the tracer's view. die()s when the tracer itself cannot work. */
int runner_run(struct runner *r, bool record, const struct plan_fault *plan, int nplan,
	       struct run_result *res, struct run_finding *f);

/* Set by the SIGINT/SIGTERM handler. */
extern volatile int runner_interrupted;
void runner_install_signals(void);

#endif
