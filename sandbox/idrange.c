/* idrange.c - the jail's other ids: a range of host ids behind the jail's
 * own, as rootless containers map them, so that a daemon started as root
 * can drop to its own user (memcached -u memcache, a web server chowning
 * its directories to nobody) as it does on a host.
 *
 * Root: jail id J (0 <= J < SB_RANGE_N, J not the jail's own) is host
 * SB_RANGE_BASE + J, a block no host user, group or subordinate range
 * uses (the first free of a few blocks from SB_RANGE_BASE up). The jail's
 * own id stays --uid's (nobody). Unprivileged: the caller's range in
 * /etc/subuid and /etc/subgid, written by newuidmap/newgidmap (setuid
 * root, the only way an unprivileged caller maps more than its own id),
 * its own id kept in place. Neither: the single id of before.
 *
 * The maps are formatted here, once per campaign in the parent; the run
 * only writes them (user.c). */
#include "config.h"

#include <errno.h>
#include <grp.h>
#include <pwd.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "sandbox/sandbox_int.h"

/* 0x70000000: above systemd-nspawn's --private-users=pick block
 * (0x80000-0x6fffffff), below 2^31 (tools that hold ids in an int). */
#define SB_RANGE_BASE 1879048192UL
#define SB_RANGE_TRIES 16

static const char newuidmap[] = "/usr/bin/newuidmap";
static const char newgidmap[] = "/usr/bin/newgidmap";

static bool overlap(unsigned long a, unsigned long an, unsigned long b, unsigned long bn)
{
	return a < b + bn && b < a + an;
}

/* /etc/subuid-style lines, NAME:START:COUNT. With want: the first range
 * of the user named name or numbered id (*start, *count; true if found).
 * Without: does any range meet [b, b + n)? */
static bool sub_scan(const char *file, const char *name, unsigned long id, bool want,
		     unsigned long b, unsigned long n, unsigned long *start, unsigned long *count)
{
	FILE *f = fopen(file, "re");
	char line[512];
	bool hit = false;

	if (!f)
		return false;
	while (!hit && fgets(line, sizeof(line), f)) {
		char who[256], idtxt[32];
		unsigned long s, c;

		if (sscanf(line, "%255[^:]:%lu:%lu", who, &s, &c) != 3)
			continue;
		snprintf(idtxt, sizeof(idtxt), "%lu", id);
		if (!want)
			hit = overlap(s, c, b, n);
		else if ((name && strcmp(who, name) == 0) || strcmp(who, idtxt) == 0) {
			*start = s;
			*count = c;
			hit = c > 0;
		}
	}
	fclose(f);
	return hit;
}

/* Does any line of an /etc/passwd- or /etc/group-style file have an id
 * (its third field, and with two the fourth too) in [b, b + n)? */
static bool db_scan(const char *file, int nids, unsigned long b, unsigned long n)
{
	FILE *f = fopen(file, "re");
	char line[1024];
	bool hit = false;

	if (!f)
		return false;
	while (!hit && fgets(line, sizeof(line), f)) {
		unsigned long id[2];
		int got = sscanf(line, "%*[^:]:%*[^:]:%lu:%lu", &id[0], &id[1]);

		for (int i = 0; i < got && i < nids; i++)
			hit = hit || overlap(id[i], 1, b, n);
	}
	fclose(f);
	return hit;
}

/* Is any host user or group, or any subordinate range, in [b, b + n)?
 * The files, not NSS: enumerating through NSS loads every module
 * nsswitch.conf names (libnss_systemd: 0.3-0.6 ms, a tenth of a jailed
 * one-shot run), and no directory service hands out ids in the block
 * (systemd's dynamic users end at 65519). */
static bool block_used(unsigned long b, unsigned long n)
{
	return db_scan("/etc/passwd", 2, b, n) || db_scan("/etc/group", 1, b, n) ||
	       sub_scan("/etc/subuid", NULL, 0, false, b, n, NULL, NULL) ||
	       sub_scan("/etc/subgid", NULL, 0, false, b, n, NULL, NULL);
}

/* The map of ids around own_in -> own_out. Root (gap): J goes to base + J
 * for J < n, and base + own_in stays unused. A subordinate range (no gap)
 * of n ids: the jail's ids from 0 up, own_in skipped, in its order. */
static void format_map(char *buf, size_t len, unsigned long own_in, unsigned long own_out,
		       unsigned long base, unsigned long n, bool gap)
{
	unsigned long below = own_in < n ? own_in : n;
	unsigned long above = gap ? (own_in + 1 < n ? n - own_in - 1 : 0) : n - below;
	int k = 0;

	if (below > 0)
		k += snprintf(buf + k, len - k, "0 %lu %lu\n", base, below);
	k += snprintf(buf + k, len - k, "%lu %lu 1\n", own_in, own_out);
	if (above > 0)
		snprintf(buf + k, len - k, "%lu %lu %lu\n", own_in + 1,
			 gap ? base + own_in + 1 : base + below, above);
}

int idrange_plan(struct sandbox *sb)
{
	sb->range = SB_RANGE_NONE;
	if (sb->privileged) {
		for (int i = 0; i < SB_RANGE_TRIES; i++) {
			unsigned long b = SB_RANGE_BASE + (unsigned long)i * SB_RANGE_N;

			if (overlap(sb->uid_out, 1, b, SB_RANGE_N) ||
			    overlap(sb->gid_out, 1, b, SB_RANGE_N) || block_used(b, SB_RANGE_N))
				continue;
			sb->range = SB_RANGE_HOST;
			sb->range_base = b;
			format_map(sb->uid_map, sizeof(sb->uid_map), sb->uid_in, sb->uid_out, b,
				   SB_RANGE_N, true);
			format_map(sb->gid_map, sizeof(sb->gid_map), sb->gid_in, sb->gid_out, b,
				   SB_RANGE_N, true);
			return 0;
		}
		sb_warn(sb, "no free block of %lu host ids from %lu: the jail maps one id, so a "
			"daemon cannot drop to its own user", SB_RANGE_N, SB_RANGE_BASE);
	} else {
		struct passwd *pw = getpwuid(sb->uid_in);
		unsigned long us, uc, gs, gc;

		if (access(newuidmap, X_OK) == 0 && access(newgidmap, X_OK) == 0 &&
		    sub_scan("/etc/subuid", pw ? pw->pw_name : NULL, sb->uid_in, true, 0, 0, &us, &uc) &&
		    sub_scan("/etc/subgid", pw ? pw->pw_name : NULL, sb->uid_in, true, 0, 0, &gs, &gc)) {
			/* newgidmap finds the caller's ranges by user name, as here. */
			uc = uc < SB_RANGE_N - 1 ? uc : SB_RANGE_N - 1;
			gc = gc < SB_RANGE_N - 1 ? gc : SB_RANGE_N - 1;
			sb->range = SB_RANGE_SUBIDS;
			format_map(sb->uid_map, sizeof(sb->uid_map), sb->uid_in, sb->uid_out, us,
				   uc, false);
			format_map(sb->gid_map, sizeof(sb->gid_map), sb->gid_in, sb->gid_out, gs,
				   gc, false);
			return 0;
		}
	}
	snprintf(sb->uid_map, sizeof(sb->uid_map), "%u %u 1\n", (unsigned)sb->uid_in,
		 (unsigned)sb->uid_out);
	snprintf(sb->gid_map, sizeof(sb->gid_map), "%u %u 1\n", (unsigned)sb->gid_in,
		 (unsigned)sb->gid_out);
	return 0;
}

/* newuidmap/newgidmap PID IN OUT COUNT...: the map's numbers as
 * arguments; an empty environment (the helpers are setuid root). */
int idrange_helper(const struct sandbox *sb, pid_t pid, bool gids, struct sandbox_err *e)
{
	const char *prog = gids ? newgidmap : newuidmap;
	char text[sizeof(sb->uid_map)], pidtxt[16];
	char *argv[2 + 3 * 3 + 1], *save = NULL, *env[] = { NULL };
	int n = 0, status;
	pid_t child;

	snprintf(pidtxt, sizeof(pidtxt), "%d", (int)pid);
	snprintf(text, sizeof(text), "%s", gids ? sb->gid_map : sb->uid_map);
	argv[n++] = (char *)prog;
	argv[n++] = pidtxt;
	for (char *t = strtok_r(text, " \n", &save); t && n < (int)(sizeof(argv) / sizeof(*argv)) - 1;
	     t = strtok_r(NULL, " \n", &save))
		argv[n++] = t;
	argv[n] = NULL;
	status = posix_spawn(&child, prog, NULL, NULL, argv, env);
	if (status != 0)
		return sb_fail(e, gids ? SB_GID_MAP : SB_UID_MAP, prog, status);
	while (waitpid(child, &status, 0) < 0)
		if (errno != EINTR)
			return sb_fail(e, gids ? SB_GID_MAP : SB_UID_MAP, prog, errno);
	/* It prints its own reason on stderr; the step names the helper. */
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
		return sb_fail(e, gids ? SB_GID_MAP : SB_UID_MAP, prog, EPERM);
	return 0;
}
