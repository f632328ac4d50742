/* caps.c - no capabilities and no way to gain any (libcap), but for what
 * the jail's root needs in its own user namespace (caps_plan). */
#include "config.h"

#include <errno.h>
#include <stddef.h>
#include <sys/prctl.h>

#include "sandbox/sandbox_int.h"

/* Root case: what the jail's root keeps: CAP_CHOWN for its
 * binds' groups or its range; with a range CAP_SETUID/CAP_SETGID to move
 * in it (a daemon dropping to its own user) and CAP_KILL, so that root
 * can still stop the daemon it started. In the jail's user namespace each
 * reaches only the jail's ids and processes (its own pid namespace). */
int caps_plan(struct sandbox *sb)
{
	static const cap_value_t with_range[] = { CAP_CHOWN, CAP_SETUID, CAP_SETGID, CAP_KILL };
	int n = sb->range == SB_RANGE_HOST ? 4 : sb->ngrp > 0 ? 1 : 0;

	for (int i = 0; i < n; i++)
		sb->keep_caps |= 1ULL << with_range[i];
	if (n > 0 && (cap_set_flag(sb->nocaps, CAP_PERMITTED, n, with_range, CAP_SET) < 0 ||
		      cap_set_flag(sb->nocaps, CAP_EFFECTIVE, n, with_range, CAP_SET) < 0))
		return -errno;
	return 0;
}

/* Bounding set first (it needs CAP_SETPCAP, which the capset below
 * removes), then ambient, then every set. An empty bounding set is what
 * keeps an exec as the jail's uid 0 (the root case) from regaining the
 * full set. Only prctl/capset underneath: safe in the forked child.
 * keep_caps (root case): those stay, in the bounding, permitted and
 * effective sets (with no_new_privs an exec may keep a capability, never
 * gain one); in the jail's user namespace they reach only its mapped ids:
 * CAP_CHOWN with idmapped binds (their owners' groups, user.c) or a
 * range, CAP_SETUID/CAP_SETGID with a range (idrange.c). A daemon that
 * drops to its own user loses them, as on a host. */
int caps_drop(const struct sandbox *sb, struct sandbox_err *e)
{
	cap_value_t n = cap_max_bits();

	for (cap_value_t c = 0; c < n; c++)
		if (!(sb->keep_caps >> c & 1) && cap_drop_bound(c) < 0 && errno != EINVAL)
			return sb_fail(e, SB_CAPS, "bounding set", errno);
	/* One prctl: libcap's cap_reset_ambient first asks about every
	 * capability in turn (41 calls between fork and exec). EINVAL: a
	 * kernel without ambient capabilities. */
	if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) < 0 && errno != EINVAL)
		return sb_fail(e, SB_CAPS, "ambient set", errno);
	if (cap_set_proc(sb->nocaps) < 0)
		return sb_fail(e, SB_CAPS, NULL, errno);
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
		return sb_fail(e, SB_NO_NEW_PRIVS, NULL, errno);
	return 0;
}

/* The jail's init: it never executes anything, so its bounding set is
 * moot (dropping it costs one prctl per capability); only what it holds
 * now goes, as in the target. */
int caps_clear(const struct sandbox *sb, struct sandbox_err *e)
{
	if (cap_set_proc(sb->nocaps) < 0)
		return sb_fail(e, SB_CAPS, NULL, errno);
	return 0;
}
