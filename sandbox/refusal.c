/* refusal.c - would the host have refused it too? The jail's side of the
 * clean run's notes (refusal.h): a call the jail refused and the host
 * would have allowed means the campaign tests a path the jail made, so
 * the note names the option that changes it. Each rule asks the host, as
 * fzsandbox's caller (the user the program runs as with --no-sandbox). */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include "sandbox/refusal.h"
#include "sandbox/sandbox_int.h"
#include "util/util.h"

/* Where a missing file means the jail hid it: the host's configuration,
 * state and homes. Not every ENOENT: libraries probe many paths that do
 * not exist anywhere (hwcaps directories, locale files, optional
 * configs), and the system directories are the host's anyway. */
static const char *const hidden_scope[] = {
	"/etc", "/var", "/run", "/home", "/srv", "/opt", "/root", "/mnt", "/media",
};

/* The jail's own trees: nothing there is the host's to compare with,
 * but for what is bound in them. */
static const char *const own_trees[] = { "/proc", "/sys", "/dev", "/tmp" };

static bool under_any(const char *p, const char *const *dirs, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (sb_path_under(p, dirs[i]))
			return true;
	return false;
}

/* The plan's deepest op at or above path (NULL: none, the jail's bare
 * read-only root), with its jail path's length. */
static const struct mop *cover_of(const struct sandbox *sb, const char *path, size_t *dlen)
{
	const struct mop *best = NULL;
	size_t nl = strlen(SB_NEWROOT), bl = 0;

	for (int i = 0; i < sb->nops; i++) {
		const struct mop *m = &sb->ops[i];
		const char *d = m->dst + nl;
		size_t l = strlen(d);

		if (m->kind == MOP_UPPER || !l || !sb_path_under(path, d) || (best && l < bl))
			continue;
		best = m;	/* the later op at one path wins: it is mounted over */
		bl = l;
	}
	*dlen = bl;
	return best;
}

static bool is_bind(const struct mop *m)
{
	return m && (m->kind == MOP_BIND_RO || m->kind == MOP_BIND_RW || m->kind == MOP_OVERLAY ||
		     m->kind == MOP_BIND_DEV);
}

/* The host path the jail path stands for: a bind's source and the rest;
 * elsewhere the same path (what --no-sandbox would open). */
static void host_path(const struct mop *m, size_t dlen, const char *path, char *out, size_t len)
{
	if (m && (m->kind == MOP_BIND_RO || m->kind == MOP_BIND_RW) && m->src)
		snprintf(out, len, "%s%s", m->src + strlen(SB_OLDROOT), path + dlen);
	else
		snprintf(out, len, "%s", path);
}

static void parent_of(const char *p, char *out, size_t len)
{
	const char *s = strrchr(p, '/');

	snprintf(out, len, "%.*s", s && s != p ? (int)(s - p) : 1, p);
}

/* Could the caller make or remove an entry in dir on the host? */
static bool host_dir_writable(const char *dir)
{
	struct stat st;

	return stat(dir, &st) == 0 && S_ISDIR(st.st_mode) &&
	       faccessat(AT_FDCWD, dir, W_OK | X_OK, AT_EACCESS) == 0;
}

static int judge_path(const struct sandbox *sb, const struct sandbox_refusal_q *q,
		      struct sandbox_refusal *out)
{
	char host[SB_REF_PATH], dir[SB_REF_PATH];
	size_t dlen;
	const struct mop *m;
	struct stat st;
	bool exists;

	if (!q->path || q->path[0] != '/')
		return 0;
	m = cover_of(sb, q->path, &dlen);
	/* A host path bound under /tmp is the host's; the rest is the jail's. */
	if (!is_bind(m) && under_any(q->path, own_trees, ARRAY_SIZE(own_trees)))
		return 0;
	host_path(m, dlen, q->path, host, sizeof(host));
	parent_of(host, dir, sizeof(dir));
	exists = lstat(host, &st) == 0;
	snprintf(out->host, sizeof(out->host), "%s", host);
	if (q->err == ENOENT) {
		/* A bind shows the host's files: its ENOENT is the host's. */
		if (is_bind(m) || !under_any(q->path, hidden_scope, ARRAY_SIZE(hidden_scope)))
			return 0;
		if (exists && q->kind != SB_REF_ENTRY) {
			snprintf(out->option, sizeof(out->option), "--%s=%s",
				 q->kind == SB_REF_READ ? "ro-bind" : "bind", host);
			snprintf(out->why, sizeof(out->why), "it exists on the host, but the jail "
				 "does not show it");
			return 1;
		}
		if ((q->kind == SB_REF_ENTRY || q->creates) && host_dir_writable(dir)) {
			snprintf(out->option, sizeof(out->option), "--bind=%s", dir);
			snprintf(out->why, sizeof(out->why), "its directory %s exists on the host, "
				 "but the jail does not show it", dir);
			return 1;
		}
		return 0;
	}
	if ((q->err != EROFS && q->err != EACCES) || q->kind == SB_REF_READ)
		return 0;
	/* Writable on the host for the caller: the file itself, or for a
	 * new file and an entry made or removed, its directory. */
	if ((q->kind == SB_REF_WRITE && exists) ? faccessat(AT_FDCWD, host, W_OK, AT_EACCESS) < 0 :
						!host_dir_writable(dir))
		return 0;
	snprintf(out->option, sizeof(out->option), "--bind=%s",
		 q->kind == SB_REF_WRITE && exists ? host : dir);
	if (q->err == EACCES)
		snprintf(out->why, sizeof(out->why), "the jail's user may not write it (the "
			 "caller may; --no-sandbox runs it as the caller)");
	else if (!m || m->kind == MOP_SYMLINK || m->kind == MOP_TMPFS)
		snprintf(out->why, sizeof(out->why), "not bound: the jail's root is read-only");
	else
		snprintf(out->why, sizeof(out->why), "bound read-only in the jail");
	return 1;
}

/* The options that set a resource's limit (as rlimits.c names them). */
static const struct {
	int resource;
	const char *name, *option;
} rlimit_options[] = {
	{ RLIMIT_AS, "RLIMIT_AS", "--rlimit-as" },
	{ RLIMIT_NOFILE, "RLIMIT_NOFILE", "--rlimit-nofile" },
	{ RLIMIT_NPROC, "RLIMIT_NPROC", "--rlimit-nproc" },
	{ RLIMIT_CPU, "RLIMIT_CPU", "--rlimit-cpu" },
	{ RLIMIT_FSIZE, "RLIMIT_FSIZE", "--rlimit-fsize" },
	{ RLIMIT_DATA, "RLIMIT_DATA", "--memory-limit" },
};

static long long read_long(const char *path)
{
	char buf[32] = "";
	FILE *f = fopen(path, "re");
	long long v = -1;

	if (f) {
		if (fgets(buf, sizeof(buf), f))
			v = strtoll(buf, NULL, 10);
		fclose(f);
	}
	return v;
}

static int judge_rlimit(const struct sandbox_rlimits *rl, const struct sandbox_refusal_q *q,
			struct sandbox_refusal *out)
{
	struct rlimit own;
	uint64_t jail = RLIM_INFINITY;
	const char *opt = NULL, *name = "a resource";
	bool root = geteuid() == 0;

	if (q->err != EPERM || getrlimit(q->resource, &own) < 0)
		return 0;
	jail = own.rlim_max;
	for (int i = 0; rl && i < rl->n; i++)
		if (rl->r[i].resource == q->resource)
			jail = rl->r[i].lim.rlim_max;
	if (q->rlim_max <= jail)
		return 0;	/* not above the jail's: refused for another reason */
	/* The host: up to the caller's hard limit, and above it with root's
	 * CAP_SYS_RESOURCE (which the jail never has in the host's user
	 * namespace), but open files never above fs.nr_open. */
	if (!root && q->rlim_max > own.rlim_max)
		return 0;
	if (q->resource == RLIMIT_NOFILE && q->rlim_max != RLIM_INFINITY &&
	    (long long)q->rlim_max > read_long("/proc/sys/fs/nr_open"))
		return 0;
	for (size_t i = 0; i < ARRAY_SIZE(rlimit_options); i++)
		if (rlimit_options[i].resource == q->resource) {
			name = rlimit_options[i].name;
			opt = jail < own.rlim_max ? rlimit_options[i].option : NULL;
		}
	if (opt) {
		snprintf(out->option, sizeof(out->option), "%s=%llu", opt,
			 (unsigned long long)q->rlim_max);
		snprintf(out->why, sizeof(out->why), "%s %llu asked, the jail's hard limit is %llu",
			 name, (unsigned long long)q->rlim_max, (unsigned long long)jail);
	} else {
		snprintf(out->option, sizeof(out->option), "--no-sandbox");
		snprintf(out->why, sizeof(out->why), "%s %llu asked, above fzsandbox's own hard "
			 "limit %llu, which the caller%s may raise and the jail may not (no "
			 "CAP_SYS_RESOURCE)", name, (unsigned long long)q->rlim_max,
			 (unsigned long long)own.rlim_max, root ? " (root)" : "");
	}
	return 1;
}

/* Is id mapped in the task's user namespace (/proc/PID/{u,g}id_map)? */
static bool id_mapped(pid_t pid, bool gid, uint32_t id)
{
	char path[64], line[128];
	unsigned long in, outside, count;
	bool found = false;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/%s_map", (int)pid, gid ? "gid" : "uid");
	f = fopen(path, "re");
	if (!f)
		return true;	/* unknown: say nothing */
	while (!found && fgets(line, sizeof(line), f))
		if (sscanf(line, "%lu %lu %lu", &in, &outside, &count) == 3 && id >= in &&
		    id - in < count)
			found = true;
	fclose(f);
	return found;
}

static int judge_setid(const struct sandbox *sb, const struct sandbox_refusal_q *q,
		       struct sandbox_refusal *out)
{
	/* An unprivileged caller could not switch ids on the host either
	 * (its own are always mapped). */
	if ((q->err != EINVAL && q->err != EPERM) || geteuid() != 0)
		return 0;
	for (int g = 0; g < 2; g++) {
		const uint32_t *ids = g ? q->gids : q->uids;
		int n = g ? q->ngids : q->nuids;

		for (int i = 0; i < n; i++)
			if (ids[i] != (uint32_t)-1 && !id_mapped(q->pid, g, ids[i])) {
				snprintf(out->option, sizeof(out->option), "--no-sandbox");
				snprintf(out->why, sizeof(out->why), "%s %u is not mapped in the jail "
					 "(%s)", g ? "gid" : "uid", ids[i],
					 sb->range == SB_RANGE_NONE ? "only its own id is" :
					 "its ids 0-65535 are");
				return 1;
			}
	}
	/* All mapped, yet refused: with a single id the jail's root has no
	 * CAP_SETUID/CAP_SETGID, which root on the host has. */
	if (sb->range != SB_RANGE_NONE || q->err != EPERM)
		return 0;
	snprintf(out->option, sizeof(out->option), "--no-sandbox");
	snprintf(out->why, sizeof(out->why), "the jail maps only its own id and its root "
		 "cannot switch ids");
	return 1;
}

int sandbox_refusal_judge(const struct sandbox *sb, const struct sandbox_rlimits *rl,
			  const struct sandbox_refusal_q *q, struct sandbox_refusal *out)
{
	memset(out, 0, sizeof(*out));
	if (!sb)
		return 0;
	switch (q->kind) {
	case SB_REF_RLIMIT:
		return judge_rlimit(rl, q, out);
	case SB_REF_SETID:
		return judge_setid(sb, q, out);
	default:
		return judge_path(sb, q, out);
	}
}
