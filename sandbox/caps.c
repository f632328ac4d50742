/* caps.c - no capabilities and no way to gain any (libcap). */
#include "config.h"

#include <errno.h>
#include <stddef.h>
#include <sys/prctl.h>

#include "sandbox/sandbox_int.h"

/* Bounding set first (it needs CAP_SETPCAP, which the capset below
 * removes), then ambient, then every set. An empty bounding set is what
 * keeps an exec as the jail's uid 0 (the root case) from regaining the
 * full set. Only prctl/capset underneath: safe in the forked child.
 * keep_chown (root case with idmapped binds): CAP_CHOWN stays, in the
 * bounding, permitted and effective sets (with no_new_privs an exec may
 * keep a capability, never gain one); in the jail's user namespace it
 * reaches only the jail's own ids and its binds' owners' groups (user.c). */
int caps_drop(const struct sandbox *sb, struct sandbox_err *e)
{
	cap_value_t n = cap_max_bits();

	for (cap_value_t c = 0; c < n; c++)
		if ((c != CAP_CHOWN || !sb->keep_chown) && cap_drop_bound(c) < 0 && errno != EINVAL)
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
