/* runner_setup.c - what a runner is made with, from the options: the
 * --workdir copy, the jail (binds, uid, network), its seccomp policy and
 * the resource limits. An option that cannot work dies here (exit 2),
 * before any run. Split from runner.c, which runs. */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/die.h"
#include "cli/runner.h"
#include "sandbox/policy.h"
#include "sandbox/sandbox.h"
#include "sandbox/workdir.h"
#include "util/util.h"

/* --bind/--ro-bind words ("SRC:DST", SRC resolved by the CLI) as the
 * jail's list; src points at a copy of the word, cut at the colon (free
 * each src, then the list). */
static struct sandbox_bind *jail_binds(const struct options *o, int *n)
{
	struct sandbox_bind *b = calloc(o->nbinds + o->nro_binds + 1, sizeof(*b));

	if (!b)
		die("out of memory");
	*n = 0;
	for (int k = 0; k < 2; k++) {
		char **list = k ? o->ro_binds : o->binds;
		int cnt = k ? o->nro_binds : o->nbinds;

		for (int i = 0; i < cnt; i++) {
			char *w = strdup(list[i]), *colon = w ? strchr(w, ':') : NULL;

			if (!colon)
				die("out of memory");
			*colon = 0;
			b[*n].src = w;
			b[*n].dst = colon + 1;
			b[*n].ro = k;
			(*n)++;
		}
	}
	return b;
}

/* The jail (on unless --no-sandbox): one clear line when it cannot work
 * here, else its plan, built once for every run. */
static void jail_init(struct runner *r, const struct options *o, char **argv, bool again)
{
	struct sandbox_opts so = {
		.exe = argv[0], .cwd = r->cwd, .host_uid = o->uid, .host_gid = o->gid,
		.net = o->net, .envp = r->env, .tmp_size = o->tmp_size,
		.args = o->no_auto_bind ? NULL : argv + 1,
		/* The outputs' upper directories: beside the runs' output. */
		.outputs_dir = r->run_dir[0] ? r->run_dir : NULL,
	};
	struct sandbox_bind *binds;
	const char *why;
	int e, pe;

	if (o->uid_set && !o->sandbox)
		die("--uid needs the jail (drop --no-sandbox)");
	if (o->net_set && o->net != SANDBOX_NET_HOST && !o->sandbox)
		die("--net=%s needs the jail (drop --no-sandbox; without it the network is the host's)",
		    o->net == SANDBOX_NET_NONE ? "none" : "loopback");
	if ((o->nbinds || o->nro_binds) && !o->sandbox)
		die("--bind and --ro-bind need the jail (drop --no-sandbox; without it every path is visible)");
	if (o->tmp_size && !o->sandbox)
		die("--tmp-size needs the jail (drop --no-sandbox; without it /tmp is the host's)");
	if (o->sandbox && o->net == SANDBOX_NET_NONE && o->service)
		die("--net=none: service mode needs the jail's loopback (--net=loopback)");
	if (!o->sandbox)
		return;
	if (o->uid_set && geteuid() != 0)
		die("--uid: only root can map the jail to another host user");
	/* --workdir: the run's copy is bound at the original's path, which is
	 * the target's working directory. */
	if (r->wd) {
		so.cwd = r->wd_dir;
		so.cwd_src = workdir_copy_path(r->wd);
	}
	so.binds = binds = jail_binds(o, &so.nbinds);
	e = sandbox_new(&so, &r->sb);
	for (int i = 0; i < so.nbinds; i++)
		free((char *)binds[i].src);
	free(binds);
	/* No probe before: its user namespace costs a process hand-off per
	 * invocation. Where none can be made, the plan (root's idmapped
	 * binds) or the jail's clone (check_episode) fails; the probe says
	 * why in one line. */
	if (e < 0 && (pe = sandbox_probe(false, &why)) < 0)
		die_errno(pe, "%s", why);
	if (e < 0)
		die_errno(e, "sandbox: cannot prepare the jail for '%s'", argv[0]);
	for (const char *w = again ? NULL : sandbox_warning(r->sb), *nl; w && *w; w = nl ? nl + 1 : NULL) {
		nl = strchr(w, '\n');
		fprintf(stderr, "fzsandbox: warning: %.*s\n", nl ? (int)(nl - w) : (int)strlen(w), w);
	}
	/* What the jailed target could write is parsed only by a confined
	 * helper, as the jail's own user when we are root. */
	unwind_set_untrusted_policy(true, o->uid, o->gid);
}

/* --workdir: check what DIR holds (--workdir-hash, stored for replay),
 * then prepare its copies; the first one now, so the jail's plan can
 * resolve it. */
static void workdir_init(struct runner *r, const struct options *o)
{
	char real[PATH_MAX];
	bool chown_to;
	int e;

	r->wd_dir = o->workdir;
	/* --check judges a work directory: without --workdir each run gets
	 * an empty one, beside the runs' output (not in /tmp, which the jail
	 * replaces). */
	if (!o->workdir && o->nchecks && r->run_dir[0]) {
		if (snprintf(r->wd_auto, sizeof(r->wd_auto), "%s/workdir", r->run_dir) >=
		    (int)sizeof(r->wd_auto))
			die("--out: path too long: '%s'", r->run_dir);
		e = mkdir_p(r->wd_auto, 0755);
		if (e < 0)
			die_errno(e, "--check: cannot create '%s'", r->wd_auto);
		/* Absolute, as --workdir's: the jail binds it at its path. */
		if (!realpath(r->wd_auto, real) || strlen(real) >= sizeof(r->wd_auto))
			die_errno(errno ? errno : ENAMETOOLONG, "--check: cannot resolve '%s'", r->wd_auto);
		strcpy(r->wd_auto, real);
		r->wd_dir = r->wd_auto;
	}
	if (!r->wd_dir)
		return;
	/* fzsandbox's own output may lie inside the work directory (--out
	 * relative to it): it is never part of the program's files, and a
	 * replay's new output must not change the hash. */
	e = workdir_hash(r->wd_dir, o->out_dir, r->wd_hash);
	if (e < 0)
		die_errno(e, "--workdir: cannot read '%s'", r->wd_dir);
	if (o->workdir_hash && strcmp(o->workdir_hash, r->wd_hash) != 0)
		die("--workdir: '%s' changed: its contents hash to %s, not %s (the run would not "
		    "start from the same files)", o->workdir, r->wd_hash, o->workdir_hash);
	/* Root's jail sees the copy through an idmapped bind where the
	 * filesystem allows (sandbox/idmap.c); elsewhere the copy must
	 * belong to the jail's host user. */
	chown_to = o->sandbox && geteuid() == 0 && !sandbox_idmaps(sandbox_tmpdir(), o->uid);
	e = workdir_new(r->wd_dir, chown_to, o->uid, o->gid, &r->wd);
	if (e == 0)
		(void)workdir_leave_out(r->wd, o->out_dir);
	if (e == 0)
		e = workdir_reset(r->wd);
	if (e < 0)
		die_errno(e, "--workdir: cannot copy '%s'", r->wd_dir);
}

/* The cgroup (--memory-limit, --pids-limit) and the rlimits, once per
 * campaign. Without a usable cgroup (unprivileged, no delegation) the
 * limits become rlimits, with one warning: RLIMIT_DATA (unlike RLIMIT_AS it
 * does not count glibc's per-thread arena reservations) and RLIMIT_NPROC. */
static void limits_init(struct runner *r, const struct options *o, bool again)
{
	struct sandbox_limits l = o->limits;
	char why[512];
	int e = sandbox_cgroup_new(l.memory, l.pids, &r->cg, why, sizeof(why));

	if (e < 0) {
		char inst[128] = "";
		int n = 0;

		if (l.memory && !l.rlim[SB_RLIM_DATA]) {
			l.rlim[SB_RLIM_DATA] = l.memory;
			n += snprintf(inst + n, sizeof(inst) - n, "RLIMIT_DATA=%llu", l.memory);
		}
		if (l.pids && (!l.rlim[SB_RLIM_NPROC] || l.rlim[SB_RLIM_NPROC] > l.pids)) {
			l.rlim[SB_RLIM_NPROC] = l.pids;
			snprintf(inst + n, sizeof(inst) - n, "%sRLIMIT_NPROC=%llu", n ? ", " : "", l.pids);
		}
		if (!again)
			fprintf(stderr, "fzsandbox: warning: no cgroup for --memory-limit/--pids-limit "
				"(%s); using %s instead\n", why, inst[0] ? inst : "the --rlimit-* options");
	}
	e = sandbox_rlimits_plan(&l, o->sandbox, &r->rl);
	if (e < 0)
		die_errno(e, "cannot read the resource limits");
}

/* The jail's seccomp deny policy minus --allow-syscall (names checked by
 * the option parser). */
static void policy_init(struct runner *r, const struct options *o)
{
	int e;

	if (!r->sb)
		return;
	e = sandbox_policy_new(o->allow_syscalls, o->nallow_syscalls, &r->policy);
	if (e < 0)
		die_errno(e, "sandbox: cannot build the seccomp policy");
}

void runner_setup_jail(struct runner *r, const struct options *o, char **argv, bool again)
{
	workdir_init(r, o);
	jail_init(r, o, argv, again);
	policy_init(r, o);
	limits_init(r, o, again);
}
