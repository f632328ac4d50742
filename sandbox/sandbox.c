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

const char *sandbox_exec_path(const struct sandbox *sb)
{
	return sb->exe;
}

void *sandbox_target_stack(const struct sandbox *sb)
{
	return sb->target_stack + SB_TARGET_STACK;	/* grows down; malloc aligns */
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
	sb->ovl_parent = o->outputs_dir ? strdup(o->outputs_dir) : NULL;
	sb->nocaps = cap_init();
	sb->target_stack = malloc(SB_TARGET_STACK);
	r = !sb->exe ? -errno : !sb->nocaps || !sb->target_stack ? -ENOMEM : 0;
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
		r = idrange_plan(sb);
	if (r == 0)
		r = idmap_plan(sb, sb->first_user_op);
	if (r == 0)
		r = caps_plan(sb);
	if (r == 0)
		r = sandbox_usage_map(sb);
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
	outputs_free(sb);
	leftovers_free(sb);
	if (sb->nocaps)
		cap_free(sb->nocaps);
	free(sb->exe);
	free(sb->target_stack);
	sandbox_usage_unmap(sb);
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
	static const char host[] = SB_JAIL_HOSTNAME;
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
