/* doctor.c - `fzsandbox doctor`: can fzsandbox work here, and if not, the
 * one line that fixes each thing. Every check is the real operation (a
 * traced child, a loaded filter, the jail's namespaces, a cgroup), never
 * a guess from version numbers; the sysctls are read only to name the
 * fix. Exit 0 when everything a campaign needs is there, 2 otherwise. */
#include "config.h"

#include <errno.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cli/die.h"
#include "cli/doctor.h"
#include "sandbox/sandbox.h"
#include "tracer/tracer.h"

struct verdict {
	char what[512];		/* what was found */
	char fix[256];		/* the line that fixes it, "" none */
};

/* A sysctl's value, -1 when the file does not exist. */
static long sysctl_read(const char *path)
{
	FILE *fp = fopen(path, "re");
	long v = -1;

	if (!fp)
		return -1;
	if (fscanf(fp, "%ld", &v) != 1)
		v = -1;
	fclose(fp);
	return v;
}

static int check_ptrace(struct verdict *v)
{
	const char *why;
	long scope = sysctl_read("/proc/sys/kernel/yama/ptrace_scope");

	if (tracer_probe(&why) == 0) {
		snprintf(v->what, sizeof(v->what), "a child can be traced%s",
			 scope >= 0 ? "" : " (no Yama)");
		return 0;
	}
	snprintf(v->what, sizeof(v->what), "%s", why);
	if (scope == 3)
		snprintf(v->fix, sizeof(v->fix), "kernel.yama.ptrace_scope is 3 until a reboot: "
			 "boot without it (it cannot be lowered)");
	else if (scope == 2)
		snprintf(v->fix, sizeof(v->fix), "sysctl -w kernel.yama.ptrace_scope=1 (or run as root)");
	else
		snprintf(v->fix, sizeof(v->fix), "a container or seccomp policy denies ptrace: "
			 "run with --cap-add=SYS_PTRACE or an unconfined seccomp profile");
	return -EPERM;
}

/* A child installs an allow-everything filter: what every run's first
 * process does with the real policy. */
static int check_seccomp(struct verdict *v)
{
	int status;
	pid_t pid = fork();

	if (pid < 0)
		return -errno;
	if (pid == 0) {
		struct sock_filter allow = BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW);
		struct sock_fprog prog = { 1, &allow };

		if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0 ||
		    prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog, 0, 0) < 0)
			_exit(1);
		_exit(0);
	}
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return -errno;
	if (WIFEXITED(status) && WEXITSTATUS(status) == 0) {
		snprintf(v->what, sizeof(v->what), "filters load (the tracer stops on calls through them)");
		return 0;
	}
	snprintf(v->what, sizeof(v->what), "a seccomp filter cannot be loaded");
	snprintf(v->fix, sizeof(v->fix), "build the kernel with CONFIG_SECCOMP_FILTER, or run the "
		 "container with an unconfined seccomp profile");
	return -ENOSYS;
}

/* The first sysctl that forbids unprivileged user namespaces, as its fix. */
static void userns_fix(struct verdict *v)
{
	static const struct {
		const char *path, *fix;
		long bad;
	} knobs[] = {
		{ "/proc/sys/kernel/unprivileged_userns_clone", "sysctl -w kernel.unprivileged_userns_clone=1", 0 },
		{ "/proc/sys/user/max_user_namespaces", "sysctl -w user.max_user_namespaces=15000", 0 },
		{ "/proc/sys/kernel/apparmor_restrict_unprivileged_userns",
		  "sysctl -w kernel.apparmor_restrict_unprivileged_userns=0 (Ubuntu 23.10 and later)", 1 },
	};

	for (size_t i = 0; i < sizeof(knobs) / sizeof(*knobs); i++)
		if (sysctl_read(knobs[i].path) == knobs[i].bad) {
			snprintf(v->fix, sizeof(v->fix), "%s", knobs[i].fix);
			return;
		}
	snprintf(v->fix, sizeof(v->fix), "a container or seccomp policy denies clone(CLONE_NEWUSER): "
		 "an unconfined seccomp profile (or run with --no-sandbox)");
}

static int check_userns(struct verdict *v)
{
	const char *why;
	int r = sandbox_probe(false, &why);

	if (r == 0) {
		snprintf(v->what, sizeof(v->what), "a user namespace can be made");
		return 0;
	}
	snprintf(v->what, sizeof(v->what), "cannot make a user namespace (%s)", strerror(-r));
	userns_fix(v);
	return r;
}

static int check_jail_ns(struct verdict *v)
{
	const char *why;
	int r = sandbox_probe(true, &why);

	if (r == 0) {
		snprintf(v->what, sizeof(v->what), "user, mount, pid, uts, ipc, net and cgroup namespaces");
		return 0;
	}
	snprintf(v->what, sizeof(v->what), "%s", why);
	userns_fix(v);
	return r;
}

/* Container runtimes mount over parts of /proc (kcore, keys, sys...); the
 * kernel then refuses the jail a fresh proc mount (mount_too_revealing). */
static int check_proc(struct verdict *v)
{
	FILE *fp = fopen("/proc/self/mountinfo", "re");
	char line[4096], first[256] = "";
	int n = 0;

	if (!fp) {
		snprintf(v->what, sizeof(v->what), "cannot read /proc/self/mountinfo: %s", strerror(errno));
		return -errno;
	}
	while (fgets(line, sizeof(line), fp)) {
		char mnt[256];

		/* ID PARENT MAJ:MIN ROOT MOUNTPOINT ... */
		if (sscanf(line, "%*s %*s %*s %*s %255s", mnt) == 1 && strncmp(mnt, "/proc/", 6) == 0 &&
		    strncmp(mnt, "/proc/sys/fs/binfmt_misc", 24) != 0) {
			if (!n++)
				snprintf(first, sizeof(first), "%s", mnt);
		}
	}
	fclose(fp);
	if (!n) {
		snprintf(v->what, sizeof(v->what), "not masked: the jail can mount its own");
		return 0;
	}
	snprintf(v->what, sizeof(v->what), "masked: %d mount%s over it (%s%s)", n, n == 1 ? "" : "s",
		 first, n > 1 ? ", ..." : "");
	snprintf(v->fix, sizeof(v->fix), "Kubernetes: securityContext procMount: Unmasked with "
		 "hostUsers: false; Docker: --security-opt systempaths=unconfined");
	return -EPERM;
}

static int check_cgroup(struct verdict *v)
{
	struct sandbox_cgroup *cg = NULL;
	char why[200];
	int r = sandbox_cgroup_new(64ULL << 20, 64, &cg, why, sizeof(why));

	if (r == 0) {
		snprintf(v->what, sizeof(v->what), "--memory-limit and --pids-limit use cgroups (%s)",
			 sandbox_cgroup_dir(cg, 0) ? sandbox_cgroup_dir(cg, 0) : "?");
		sandbox_cgroup_free(cg);
		return 0;
	}
	snprintf(v->what, sizeof(v->what), "%s: --memory-limit and --pids-limit fall back to rlimits",
		 why[0] ? why : strerror(-r));
	snprintf(v->fix, sizeof(v->fix), "delegate the memory and pids controllers to this user's "
		 "cgroup (systemd: Delegate=yes), or run as root");
	return r;
}

static int check_decoder(struct verdict *v)
{
	const char *why;

	if (tracer_probe_decoder(&why) == 0) {
		snprintf(v->what, sizeof(v->what), "capstone decodes call insns (the allocation gate)");
		return 0;
	}
	snprintf(v->what, sizeof(v->what), "%s: every allocator call stops (planned runs of "
		 "allocation-heavy programs are slower)", why);
	snprintf(v->fix, sizeof(v->fix), "apt-get install libcapstone4");
	return -ENOTSUP;
}

static int check_io_uring(struct verdict *v)
{
	long d = sysctl_read("/proc/sys/kernel/io_uring_disabled");

	snprintf(v->what, sizeof(v->what), "the jail denies io_uring (its I/O bypasses the traced "
		 "calls): a program that uses it is a sandbox-violation finding%s",
		 d > 0 ? "; the kernel disables it too" : "");
	return 0;
}

static const struct {
	const char *name;
	bool needed;	/* a default campaign cannot run without it */
	int (*check)(struct verdict *v);
} checks[] = {
	{ "ptrace", true, check_ptrace },
	{ "seccomp", true, check_seccomp },
	{ "user namespaces", true, check_userns },
	{ "jail namespaces", true, check_jail_ns },
	{ "/proc", true, check_proc },
	{ "cgroups", false, check_cgroup },
	{ "x86 decoder", false, check_decoder },
	{ "io_uring", false, check_io_uring },
};

int doctor_main(int argc, char **argv)
{
	int missing = 0;

	if (argc > 1) {
		if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
			puts("usage: fzsandbox doctor\n"
			     "Check what fzsandbox needs here and print the line that fixes each "
			     "missing part.\nExit 0: a campaign can run; 2: something it needs is "
			     "missing.");
			return EXIT_CLEAN;
		}
		die("doctor: unexpected argument '%s' (usage: fzsandbox doctor)", argv[1]);
	}
	for (size_t i = 0; i < sizeof(checks) / sizeof(*checks); i++) {
		struct verdict v = { "", "" };
		int r = checks[i].check(&v);
		const char *mark = r == 0 ? "ok" : checks[i].needed ? "FAIL" : "note";

		if (r < 0 && checks[i].needed)
			missing++;
		printf("%-5s %-16s %s\n", mark, checks[i].name, v.what);
		if (r < 0 && v.fix[0])
			printf("      %-16s fix: %s\n", "", v.fix);
	}
	if (missing)
		printf("fzsandbox cannot run a default campaign here: %d check%s failed "
		       "(--no-sandbox needs only ptrace and seccomp)\n", missing, missing == 1 ? "" : "s");
	fflush(stdout);
	return missing ? EXIT_USAGE : EXIT_CLEAN;
}
