/* options_describe.c - the options that change what a run does, back
 * into CLI words: report.json's "options_argv" and "options", which
 * --replay applies again (options_apply_argv, options.c). A new option
 * that changes a run adds its words here. */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/die.h"
#include "cli/duration.h"
#include "cli/options.h"
#include "sandbox/sandbox.h"

/* One more word for options_describe_argv; dies when out of memory. */
static void describe_add(char ***v, int *n, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static void describe_add(char ***v, int *n, const char *fmt, ...)
{
	char **nv = realloc(*v, (*n + 2) * sizeof(**v));
	va_list ap;
	int r;

	if (!nv)
		die("out of memory");
	*v = nv;
	va_start(ap, fmt);
	r = vasprintf(&nv[*n], fmt, ap);
	va_end(ap);
	if (r < 0)
		die("out of memory");
	nv[++*n] = NULL;
}

char **options_describe_argv(const struct options *o)
{
	char **v = NULL, t[32], g[32], rt[32], ct[32];
	int n = 0;

	describe_add(&v, &n, "--timeout=%s", format_duration(o->timeout_ms, t, sizeof(t)));
	describe_add(&v, &n, "--grace=%s", format_duration(o->grace_ms, g, sizeof(g)));
	describe_add(&v, &n, "--reply-timeout=%s",
		     format_duration(o->reply_timeout_ms, rt, sizeof(rt)));
	describe_add(&v, &n, "--occurrences=%d", o->occurrences);
	if (o->from_exec)
		describe_add(&v, &n, "--from=exec");
	if (o->service && !o->nrequests)
		describe_add(&v, &n, "--service");
	if (o->fail_on_exit)
		describe_add(&v, &n, "--fail-on-exit");
	/* Replay runs in exec mode (cli/replay.c), but says where it came from. */
	if (o->snapshot)
		describe_add(&v, &n, "--snapshot=%s", o->snapshot == SNAPSHOT_AUTO ? "auto" : "on");
	if (o->snapshot && o->snapshot_at)
		describe_add(&v, &n, "--snapshot-at=%s", o->snapshot_at);
	/* Site keys depend on which modules are system modules. */
	for (int i = 0; i < o->nsystem_modules; i++)
		describe_add(&v, &n, "--system-module=%s", o->system_modules[i]);
	if (o->cpu >= 0 && !o->cpu_auto)
		describe_add(&v, &n, "--cpu=%d", o->cpu);
	if (!o->sandbox)
		describe_add(&v, &n, "--no-sandbox");
	if (o->sandbox && o->uid_set)
		describe_add(&v, &n, "--uid=%u", o->uid);
	for (int i = 0; i < o->nallow_syscalls; i++)
		describe_add(&v, &n, "--allow-syscall=%s", o->allow_syscalls[i]);
	if (o->net_set)
		describe_add(&v, &n, "--net=%s", o->net == SANDBOX_NET_NONE ? "none" :
			     o->net == SANDBOX_NET_HOST ? "host" : "loopback");
	for (int i = 0; i < o->nbinds; i++)
		describe_add(&v, &n, "--bind=%s", o->binds[i]);
	for (int i = 0; i < o->nro_binds; i++)
		describe_add(&v, &n, "--ro-bind=%s", o->ro_binds[i]);
	if (o->sandbox && o->no_auto_bind)
		describe_add(&v, &n, "--no-auto-bind");
	/* The original directory and what it held: replay starts from it and
	 * refuses a directory that changed since. */
	if (o->workdir)
		describe_add(&v, &n, "--workdir=%s", o->workdir);
	if (o->workdir && o->workdir_hash)
		describe_add(&v, &n, "--workdir-hash=%s", o->workdir_hash);
	/* A replay reruns the checkers: a state-corruption finding is theirs. */
	for (int i = 0; i < o->nchecks; i++)
		describe_add(&v, &n, "--check=%s", o->checks[i]);
	if (o->nchecks)
		describe_add(&v, &n, "--check-timeout=%s",
			     format_duration(o->check_timeout_ms, ct, sizeof(ct)));
	/* --check=output's verdicts are against the runs without faults
	 * normalised by the same expressions. */
	if (o->check_output)
		describe_add(&v, &n, "--check=%s",
			     o->check_output == OPT_OUTPUT_DIFF ? "output-diff" : "output");
	for (int i = 0; i < o->nignores; i++)
		describe_add(&v, &n, "--ignore=%s", o->ignores[i]);
	/* A crash-recovery finding replays by killing at its point again. */
	if (o->crash_at)
		describe_add(&v, &n, "--crash-at=durability");
	if (o->crash_drop)
		describe_add(&v, &n, "--crash-drop");
	if (o->recover)
		describe_add(&v, &n, "--recover=%s", o->recover);
	/* A replay masks what it writes the same way. */
	for (int i = 0; i < o->nredacts; i++)
		describe_add(&v, &n, "--redact=%s", o->redacts[i]);
	/* The environment (stored too) carries it; the word says why. */
	if (o->malloc_check)
		describe_add(&v, &n, "--malloc-check");
	/* Addresses decide some paths: a replay lays them out the same way. */
	if (o->keep_aslr)
		describe_add(&v, &n, "--keep-aslr");
	/* Which processes' calls may fail: a replay fails the same ones. */
	for (int i = 0; i < o->nonly_exe; i++)
		describe_add(&v, &n, "--only-exe=%s", o->only_exe[i]);
	for (int i = 0; i < o->nonly_path; i++)
		describe_add(&v, &n, "--only-path=%s", o->only_path[i]);
	if (o->only_fd) {
		struct fault_pred p = { .fd = o->only_fd };
		char fd[64];

		describe_add(&v, &n, "--only-fd=%s", fault_pred_format(&p, fd, sizeof(fd)) + 4);
	}
	if (o->slowdown != OPT_SLOWDOWN_DEFAULT)
		describe_add(&v, &n, "--slowdown=%g", o->slowdown);
	for (int i = 0; i < SB_RLIM_N; i++) {
		static const char *const names[SB_RLIM_N] = { "as", "nofile", "nproc", "cpu", "fsize" };
		unsigned long long lim = o->limits.rlim[i];

		if (!lim || !names[i])
			continue;
		if (lim == SANDBOX_UNLIMITED)
			describe_add(&v, &n, "--rlimit-%s=unlimited", names[i]);
		else
			describe_add(&v, &n, "--rlimit-%s=%llu", names[i], lim);
	}
	if (o->limits.memory)
		describe_add(&v, &n, "--memory-limit=%llu", o->limits.memory);
	if (o->limits.pids)
		describe_add(&v, &n, "--pids-limit=%llu", o->limits.pids);
	if (o->tmp_size == SANDBOX_UNLIMITED)
		describe_add(&v, &n, "--tmp-size=unlimited");
	else if (o->tmp_size)
		describe_add(&v, &n, "--tmp-size=%llu", o->tmp_size);
	return v;
}

void options_argv_free(char **v)
{
	for (int i = 0; v && v[i]; i++)
		free(v[i]);
	free(v);
}

char *options_describe(const struct options *o)
{
	char **v = options_describe_argv(o), *buf;
	size_t len = 1, at = 0;

	for (int i = 0; v[i]; i++)
		len += strlen(v[i]) + 1;
	buf = malloc(len);
	if (!buf)
		die("out of memory");
	buf[0] = 0;
	for (int i = 0; v[i]; i++)
		at += (size_t)sprintf(buf + at, "%s%s", i ? " " : "", v[i]);
	options_argv_free(v);
	return buf;
}
