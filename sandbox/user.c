/* user.c - the user namespace: probe, id maps (written by the parent) and
 * the switch to the mapped ids (in the jail's first process). */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "sandbox/sandbox_int.h"

static int exit_at_once(void *arg)
{
	(void)arg;
	return 0;
}

int sandbox_probe(bool all, const char **why)
{
	unsigned long flags[2] = { CLONE_NEWUSER, sandbox_clone_flags(NULL) };

	for (int i = 0; i < (all ? 2 : 1); i++) {
		struct ns_child c;
		int r = ns_child_start(flags[i] | CLONE_VFORK, exit_at_once, NULL, &c);

		if (r < 0) {
			*why = i == 0 ? "sandbox: cannot create a user namespace: unprivileged user "
					"namespaces are disabled here (enable them with "
					"'sysctl -w kernel.unprivileged_userns_clone=1' and "
					"'sysctl -w user.max_user_namespaces=15000'; on Ubuntu also "
					"'sysctl -w kernel.apparmor_restrict_unprivileged_userns=0'), "
					"or run with --no-sandbox"
				      : "sandbox: cannot create the jail's namespaces (user, mount, "
					"pid, uts, ipc, net, cgroup) here, or run with --no-sandbox";
			return r;
		}
		ns_child_wait(&c);
	}
	return 0;
}

int sb_write_proc(pid_t pid, const char *file, const char *text, int step,
		  struct sandbox_err *e)
{
	char path[64];
	size_t len = strlen(text);
	int fd, r = 0;

	snprintf(path, sizeof(path), "/proc/%d/%s", (int)pid, file);
	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return sb_fail(e, step, path, errno);
	if (write(fd, text, len) != (ssize_t)len)
		r = sb_fail(e, step, path, errno ? errno : EIO);
	close(fd);
	return r;
}

/* From the parent, which is in the parent user namespace: only it can map
 * the jail's ids to a host uid other than its own (root case). An
 * unprivileged caller may map only its own ids, and only after denying
 * setgroups (user_namespaces(7)), unless the setuid helpers map its
 * subordinate ranges (idrange.c), which leave setgroups allowed. */
int sandbox_map_ids(const struct sandbox *sb, pid_t pid, struct sandbox_err *e)
{
	/* Root case with one id: also the groups of the idmapped binds'
	 * files, so that they show as groups of their own in the jail and a
	 * chown to them (cp -p, tar) works, through CAP_CHOWN (caps.c): the
	 * jail is no member, so the kernel drops a set-group-ID bit it sets
	 * on their files. Not with a range: CAP_SETGID could then make the
	 * jail a member of such a host group, and a set-group-ID file of it
	 * would be honoured on the host. */
	char gmap[sizeof(sb->gid_map) + 64 * SB_IDMAP_OWNERS];
	int n, r;

	if (sb->range == SB_RANGE_SUBIDS) {
		r = idrange_helper(sb, pid, false, e);
		return r < 0 ? r : idrange_helper(sb, pid, true, e);
	}
	r = sb_write_proc(pid, "uid_map", sb->uid_map, SB_UID_MAP, e);
	if (r < 0)
		return r;
	if (!sb->privileged) {
		r = sb_write_proc(pid, "setgroups", "deny", SB_SETGROUPS_FILE, e);
		if (r < 0)
			return r;
	}
	n = snprintf(gmap, sizeof(gmap), "%s", sb->gid_map);
	for (int i = 0; sb->privileged && sb->range == SB_RANGE_NONE && i < sb->ngrp; i++)
		n += snprintf(gmap + n, sizeof(gmap) - n, "%u %u 1\n",
			      (unsigned)(sb->gid_in + 1 + i), (unsigned)sb->grp[i]);
	return sb_write_proc(pid, "gid_map", gmap, SB_GID_MAP, e);
}

/* Root case: the clone still carries host uid 0 and root's supplementary
 * groups; switching to the jail's own ids makes every credential the
 * unprivileged host ids. Capabilities in the jail's namespace survive
 * (the old ids were not the namespace's root). Raw syscalls: glibc's
 * wrappers broadcast to the parent's threads, which do not exist here. */
int user_become(const struct sandbox *sb, struct sandbox_err *e)
{
	if (!sb->privileged)
		return 0;	/* already the caller's ids; setgroups is denied */
	if (syscall(SYS_setgroups, 0, NULL) < 0)
		return sb_fail(e, SB_SETGROUPS, NULL, errno);
	if (syscall(SYS_setresgid, sb->gid_in, sb->gid_in, sb->gid_in) < 0)
		return sb_fail(e, SB_SETGID, NULL, errno);
	if (syscall(SYS_setresuid, sb->uid_in, sb->uid_in, sb->uid_in) < 0)
		return sb_fail(e, SB_SETUID, NULL, errno);
	return 0;
}
