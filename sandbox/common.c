/* common.c - what every step file of the jail shares: the steps' names,
 * how a step reports a failure (one struct sandbox_err, no allocation: the
 * jail's first process calls it after clone) or a warning, the namespaces
 * the jail is cloned with, and $TMPDIR. Kept apart from sandbox.c, which
 * sequences the steps, so no step file calls back into its sequencer. */
#include "config.h"

#include <sched.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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
	[SB_OVERLAY] = "cannot mount the overlay that lets only the named outputs out of "
		       "their directory (--bind=DIR lets the program write all of DIR instead)",
	[SB_SHM] = "create AFL++'s coverage map (shmget)",
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
