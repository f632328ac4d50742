/* sandbox.c - the jail as a flat, ordered list of steps; each concern
 * (ids, filesystem, network, capabilities, limits) lives in its own file
 * and this one only sequences them (nsjail's contain.cc is the model). */
#include "config.h"

#include <errno.h>
#include <sched.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "sandbox/sandbox_int.h"

static const char *const step_names[SB_NSTEPS] = {
	[SB_NONE] = "start",
	[SB_CLONE] = "create namespaces",
	[SB_UID_MAP] = "write uid_map",
	[SB_SETGROUPS_FILE] = "write setgroups",
	[SB_GID_MAP] = "write gid_map",
	[SB_SETGROUPS] = "setgroups",
	[SB_SETGID] = "setresgid",
	[SB_SETUID] = "setresuid",
	[SB_MAKE_PRIVATE] = "make mounts private",
	[SB_TMPFS] = "mount tmpfs",
	[SB_MKDIR] = "mkdir",
	[SB_PIVOT_ROOT] = "pivot_root",
	[SB_BIND] = "bind mount",
	[SB_READ_ONLY] = "mount_setattr",
	[SB_SYMLINK] = "symlink",
	[SB_MOUNT_POINT] = "create mount point",
	[SB_PROC] = "mount proc",
	[SB_DEVPTS] = "mount devpts",
	[SB_UMOUNT] = "detach the old root",
	[SB_CHDIR] = "chdir",
	[SB_LOOPBACK] = "bring up loopback",
	[SB_HOSTNAME] = "sethostname",
	[SB_FORK] = "fork the target",
	[SB_RLIMIT] = "setrlimit",
	[SB_SETSID] = "setsid",
	[SB_CAPS] = "drop capabilities",
	[SB_NO_NEW_PRIVS] = "set no_new_privs",
	[SB_CGROUP] = "join the cgroup",
	[SB_IDMAP] = "idmap a bind",
	[SB_PROGRAM] = "the program file was replaced since the campaign began",
};

const char *sandbox_step_name(int step)
{
	if (step < 0 || step >= SB_NSTEPS || !step_names[step])
		return "unknown step";
	return step_names[step];
}

int sb_fail(struct sandbox_err *e, int step, const char *path, int err)
{
	size_t i = 0;

	e->step = step;
	e->err = err;
	for (; path && path[i] && i < sizeof(e->path) - 1; i++)
		e->path[i] = path[i];
	e->path[i] = 0;
	return -err;
}

unsigned long sandbox_clone_flags(const struct sandbox *sb)
{
	return CLONE_NEWUSER | CLONE_NEWNS | CLONE_NEWPID | CLONE_NEWUTS | CLONE_NEWIPC |
	       (sb && sb->net == SANDBOX_NET_HOST ? 0 : CLONE_NEWNET) | CLONE_NEWCGROUP;
}

void sb_warn(struct sandbox *sb, const char *fmt, ...)
{
	size_t n = strlen(sb->warning);
	va_list ap;

	if (n >= sizeof(sb->warning) - 2)
		return;
	if (n)
		sb->warning[n++] = '\n';
	va_start(ap, fmt);
	vsnprintf(sb->warning + n, sizeof(sb->warning) - n, fmt, ap);
	va_end(ap);
}

const char *sandbox_tmpdir(void)
{
	const char *tmp = getenv("TMPDIR");

	return tmp && *tmp ? tmp : "/tmp";
}

const char *sandbox_warning(const struct sandbox *sb)
{
	return sb->warning[0] ? sb->warning : NULL;
}

const char *sandbox_exec_path(const struct sandbox *sb)
{
	return sb->exe;
}

int sandbox_new(const struct sandbox_opts *o, struct sandbox **out)
{
	struct sandbox *sb = calloc(1, sizeof(*sb));
	int r;

	*out = NULL;
	if (!sb)
		return -ENOMEM;
	/* Inside, the target sees the caller's ids (as bwrap does). */
	sb->uid_in = getuid();
	sb->gid_in = getgid();
	sb->privileged = geteuid() == 0;
	sb->net = o->net;
	sb->uid_out = sb->privileged ? o->host_uid : geteuid();
	sb->gid_out = sb->privileged ? o->host_gid : getegid();
	sb->exe = realpath(o->exe, NULL);
	sb->nocaps = cap_init();
	r = !sb->exe ? -errno : !sb->nocaps ? -ENOMEM : 0;
	if (r == 0) {
		struct stat st;

		r = stat(sb->exe, &st) < 0 ? -errno : 0;
		sb->exe_dev = st.st_dev;
		sb->exe_ino = st.st_ino;
		sb->exe_size = st.st_size;
		sb->exe_ctime = st.st_ctim;
	}
	if (r == 0)
		r = mount_plan(sb, o);
	if (r == 0)
		r = idmap_plan(sb, sb->first_user_op);
	if (r == 0 && sb->ngrp > 0) {
		cap_value_t chown_cap = CAP_CHOWN;

		sb->keep_chown = true;
		if (cap_set_flag(sb->nocaps, CAP_PERMITTED, 1, &chown_cap, CAP_SET) < 0 ||
		    cap_set_flag(sb->nocaps, CAP_EFFECTIVE, 1, &chown_cap, CAP_SET) < 0)
			r = -errno;
	}
	if (r < 0) {
		sandbox_free(sb);
		return r;
	}
	*out = sb;
	return 0;
}

void sandbox_free(struct sandbox *sb)
{
	if (!sb)
		return;
	idmap_free(sb);
	mount_plan_free(sb);
	if (sb->nocaps)
		cap_free(sb->nocaps);
	free(sb->exe);
	free(sb);
}

/* The binds name paths: a run whose program sits in a writable directory
 * could rename that directory and put another file at the program's path
 * for the next run (which the tracer, seeing a read-only mount, would
 * trust). The file the jail will execute must be the one planned. */
static int check_program(const struct sandbox *sb, struct sandbox_err *e)
{
	struct stat st;

	/* Not there or not reachable for the jail's user: execve says so
	 * in its own words (126, 127). */
	if (sb->exe_in_copy || stat(sb->exe, &st) < 0)
		return 0;
	/* Identity and content: a second writable route to the same file
	 * (an aliasing --bind) could rewrite it in place. */
	if (st.st_dev != sb->exe_dev || st.st_ino != sb->exe_ino || st.st_size != sb->exe_size ||
	    st.st_ctim.tv_sec != sb->exe_ctime.tv_sec || st.st_ctim.tv_nsec != sb->exe_ctime.tv_nsec)
		return sb_fail(e, SB_PROGRAM, sb->exe, ESTALE);
	return 0;
}

/* The jail's first process, still holding every capability of its new
 * user namespace. Order matters: ids first (nothing below runs as host
 * root), the filesystem before the network (both need CAP_SYS_ADMIN /
 * CAP_NET_ADMIN, dropped only in the target). */
int sandbox_enter(const struct sandbox *sb, struct sandbox_err *e)
{
	static const char host[] = "fzsandbox";
	int r;

	r = user_become(sb, e);
	if (r < 0)
		return r;
	r = mount_jail(sb, e);
	sandbox_run_end(sb);	/* the idmapped trees are in place */
	if (r < 0)
		return r;
	r = check_program(sb, e);
	if (r < 0)
		return r;
	/* --net=none: the namespace's lo stays down, so not even 127.0.0.1
	 * works; --net=host: the host's interfaces, nothing to do. */
	r = sb->net == SANDBOX_NET_LOOPBACK ? net_loopback_up(e) : 0;
	if (r < 0)
		return r;
	if (sethostname(host, sizeof(host) - 1) < 0)
		return sb_fail(e, SB_HOSTNAME, host, errno);
	return 0;
}

/* The target, between fork and exec. setsid() first: no controlling
 * terminal, so no TIOCSTI into the caller's. Capabilities last, because
 * dropping the bounding set needs CAP_SETPCAP. */
int sandbox_drop(const struct sandbox *sb, struct sandbox_err *e)
{
	int r;

	if (setsid() < 0)
		return sb_fail(e, SB_SETSID, NULL, errno);
	r = rlimits_apply(sb, e);
	if (r < 0)
		return r;
	return caps_drop(sb, e);
}
