/* refusals.c - the run without faults watches the calls a jail can refuse
 * (write opens, entries made or removed, lookups of host paths, raised
 * limits, switched ids) and asks the jail (sandbox/refusal.h) whether the
 * host would have refused them too. Those it would not have are noted
 * with the option that changes them and the program's own words. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/refusals.h"
#include "cli/svcnote.h"
#include "sandbox/refusal.h"
#include "util/redact.h"
#include "util/util.h"

enum {
	K_OPEN = 100,	/* open family: the flags say write or read */
	K_OPEN2,	/* openat2: the flags are the first word of struct open_how */
	K_GROUPS,	/* setgroups(n, list) */
};

/* The watched syscalls and where their arguments are (-1: none). */
static const struct watched {
	const char *name;
	int kind;		/* enum sandbox_refusal_kind or K_* */
	signed char dirfd, path, flags;
	signed char uid, nuid, gid, ngid;	/* SB_REF_SETID: id arguments */
} watched[] = {
	{ "open", K_OPEN, -1, 0, 1, -1, 0, -1, 0 },
	{ "openat", K_OPEN, 0, 1, 2, -1, 0, -1, 0 },
	{ "openat2", K_OPEN2, 0, 1, 2, -1, 0, -1, 0 },
	{ "creat", SB_REF_WRITE, -1, 0, -1, -1, 0, -1, 0 },
	{ "truncate", SB_REF_WRITE, -1, 0, -1, -1, 0, -1, 0 },
	{ "mkdir", SB_REF_ENTRY, -1, 0, -1, -1, 0, -1, 0 },
	{ "mkdirat", SB_REF_ENTRY, 0, 1, -1, -1, 0, -1, 0 },
	{ "mknod", SB_REF_ENTRY, -1, 0, -1, -1, 0, -1, 0 },
	{ "mknodat", SB_REF_ENTRY, 0, 1, -1, -1, 0, -1, 0 },
	{ "unlink", SB_REF_ENTRY, -1, 0, -1, -1, 0, -1, 0 },
	{ "unlinkat", SB_REF_ENTRY, 0, 1, -1, -1, 0, -1, 0 },
	{ "rmdir", SB_REF_ENTRY, -1, 0, -1, -1, 0, -1, 0 },
	{ "rename", SB_REF_ENTRY, -1, 0, -1, -1, 0, -1, 0 },
	{ "renameat", SB_REF_ENTRY, 0, 1, -1, -1, 0, -1, 0 },
	{ "renameat2", SB_REF_ENTRY, 0, 1, -1, -1, 0, -1, 0 },
	{ "link", SB_REF_ENTRY, -1, 1, -1, -1, 0, -1, 0 },
	{ "linkat", SB_REF_ENTRY, 2, 3, -1, -1, 0, -1, 0 },
	{ "symlink", SB_REF_ENTRY, -1, 1, -1, -1, 0, -1, 0 },
	{ "symlinkat", SB_REF_ENTRY, 1, 2, -1, -1, 0, -1, 0 },
	{ "access", SB_REF_READ, -1, 0, -1, -1, 0, -1, 0 },
	{ "faccessat", SB_REF_READ, 0, 1, -1, -1, 0, -1, 0 },
	{ "faccessat2", SB_REF_READ, 0, 1, -1, -1, 0, -1, 0 },
	{ "stat", SB_REF_READ, -1, 0, -1, -1, 0, -1, 0 },
	{ "lstat", SB_REF_READ, -1, 0, -1, -1, 0, -1, 0 },
	{ "newfstatat", SB_REF_READ, 0, 1, -1, -1, 0, -1, 0 },
	{ "statx", SB_REF_READ, 0, 1, -1, -1, 0, -1, 0 },
	{ "readlink", SB_REF_READ, -1, 0, -1, -1, 0, -1, 0 },
	{ "readlinkat", SB_REF_READ, 0, 1, -1, -1, 0, -1, 0 },
	{ "chdir", SB_REF_READ, -1, 0, -1, -1, 0, -1, 0 },
	{ "execve", SB_REF_READ, -1, 0, -1, -1, 0, -1, 0 },
	{ "execveat", SB_REF_READ, 0, 1, -1, -1, 0, -1, 0 },
	{ "setrlimit", SB_REF_RLIMIT, -1, -1, -1, -1, 0, -1, 0 },
	{ "prlimit64", SB_REF_RLIMIT, -1, -1, -1, -1, 0, -1, 0 },
	{ "setuid", SB_REF_SETID, -1, -1, -1, 0, 1, -1, 0 },
	{ "setreuid", SB_REF_SETID, -1, -1, -1, 0, 2, -1, 0 },
	{ "setresuid", SB_REF_SETID, -1, -1, -1, 0, 3, -1, 0 },
	{ "setgid", SB_REF_SETID, -1, -1, -1, -1, 0, 0, 1 },
	{ "setregid", SB_REF_SETID, -1, -1, -1, -1, 0, 0, 2 },
	{ "setresgid", SB_REF_SETID, -1, -1, -1, -1, 0, 0, 3 },
	{ "setgroups", K_GROUPS, -1, -1, -1, -1, 0, -1, 0 },
	{ "chown", SB_REF_SETID, -1, -1, -1, 1, 1, 2, 1 },
	{ "lchown", SB_REF_SETID, -1, -1, -1, 1, 1, 2, 1 },
	{ "fchown", SB_REF_SETID, -1, -1, -1, 1, 1, 2, 1 },
	{ "fchownat", SB_REF_SETID, -1, -1, -1, 2, 1, 3, 1 },
};

#define MAX_GROUPS 64

static const struct watched *watched_of(const char *name)
{
	for (size_t i = 0; i < ARRAY_SIZE(watched); i++)
		if (strcmp(watched[i].name, name) == 0)
			return &watched[i];
	return NULL;
}

/* Only errors a jail causes are worth reading the call for: a missing
 * path (hidden), a read-only or forbidden one, a refused limit or id. */
static bool errno_of_interest(int kind, int err)
{
	switch (kind) {
	case SB_REF_READ:
		return err == ENOENT;
	case SB_REF_RLIMIT:
		return err == EPERM;
	case SB_REF_SETID:
	case K_GROUPS:
		return err == EPERM || err == EINVAL;
	default:
		return err == ENOENT || err == EROFS || err == EACCES;
	}
}

static int read_string(struct tracer_task *t, uint64_t addr, char *buf, size_t len)
{
	int r = tracer_read_str(t, addr, buf, len);

	return r == -ENAMETOOLONG ? 0 : r;	/* cut: what fits is quoted */
}

/* "a/./b/../c" onto base, lexically (the jail's symlinks are its own). */
static void join_clean(const char *base, const char *rel, char *out, size_t len)
{
	char tmp[PATH_MAX * 2], *save = NULL, *c;
	size_t o = 0;

	snprintf(tmp, sizeof(tmp), "%s/%s", rel[0] == '/' ? "" : base, rel);
	out[0] = 0;
	for (c = strtok_r(tmp, "/", &save); c; c = strtok_r(NULL, "/", &save)) {
		if (strcmp(c, ".") == 0)
			continue;
		if (strcmp(c, "..") == 0) {
			char *s = strrchr(out, '/');

			o = s ? (size_t)(s - out) : 0;
			out[o] = 0;
			continue;
		}
		if (o + strlen(c) + 2 >= len)
			break;
		o += snprintf(out + o, len - o, "/%s", c);
	}
	if (!out[0])
		snprintf(out, len, "/");
}

/* The call's path, absolute as the jail names it: the kernel names a
 * task's cwd and descriptors from the task's own root. */
static int call_path(struct tracer_task *t, const struct watched *w, const struct syscall_stop *s,
		     char *given, size_t glen, char *abs, size_t alen)
{
	char link[64], base[PATH_MAX];
	int dirfd = w->dirfd >= 0 ? (int)s->args[w->dirfd] : AT_FDCWD;
	ssize_t n;

	if (read_string(t, s->args[w->path], given, glen) < 0 || !given[0])
		return -ENOENT;
	if (given[0] != '/') {
		if (dirfd == AT_FDCWD)
			snprintf(link, sizeof(link), "/proc/%d/cwd", (int)tracer_task_tid(t));
		else
			snprintf(link, sizeof(link), "/proc/%d/fd/%d", (int)tracer_task_pid(t), dirfd);
		n = readlink(link, base, sizeof(base) - 1);
		if (n <= 0 || base[0] != '/')
			return -ENOENT;
		base[n] = 0;
	}
	join_clean(given[0] == '/' ? "" : base, given, abs, alen);
	return 0;
}

static void record(struct refusals *rf, const char *call, int err, const char *path,
		   const char *given, const struct sandbox_refusal *j)
{
	struct report_refusal *v;

	for (int i = 0; i < rf->n; i++)
		if (strcmp(rf->v[i].call, call) == 0 && strcmp(rf->v[i].path, path) == 0 &&
		    strcmp(rf->v[i].why, j->why) == 0)
			return;
	if (rf->n == REFUSALS_MAX) {
		rf->dropped++;
		return;
	}
	v = &rf->v[rf->n];
	memset(v, 0, sizeof(*v));
	snprintf(v->call, sizeof(v->call), "%s", call);
	v->err = err;
	snprintf(v->path, sizeof(v->path), "%s", path);
	snprintf(v->host, sizeof(v->host), "%s", j->host);
	snprintf(v->option, sizeof(v->option), "%s", j->option);
	snprintf(v->why, sizeof(v->why), "%s", j->why);
	snprintf(rf->given[rf->n], sizeof(rf->given[0]), "%s", given);
	rf->n++;
}

static void on_exit_cb(void *arg, struct tracer_task *t, const struct syscall_stop *s, int64_t ret)
{
	struct refusals *rf = arg;
	const struct watched *w = s->ent ? watched_of(s->ent->name) : NULL;
	struct sandbox_refusal_q q = { .pid = tracer_task_pid(t) };
	struct sandbox_refusal j;
	uint32_t uids[3], gids[MAX_GROUPS];
	char given[256] = "", path[PATH_MAX] = "";
	uint64_t word;

	if (!w || ret >= 0 || ret < -4095)
		return;
	q.err = (int)-ret;
	q.kind = w->kind;
	if (!errno_of_interest(w->kind, q.err))
		return;
	if (w->kind == K_OPEN || w->kind == K_OPEN2) {
		if (w->kind == K_OPEN2 ? tracer_read_mem(t, s->args[w->flags], &word, sizeof(word)) < 0 :
					 (word = s->args[w->flags], false))
			return;
		q.kind = (word & O_ACCMODE) != O_RDONLY || (word & (O_CREAT | O_TRUNC)) ?
			 SB_REF_WRITE : SB_REF_READ;
		q.creates = word & O_CREAT;
		if (!errno_of_interest(q.kind, q.err))
			return;
	}
	if (w->kind == SB_REF_WRITE && strcmp(w->name, "creat") == 0)
		q.creates = true;
	if (w->path >= 0) {
		if (call_path(t, w, s, given, sizeof(given), path, sizeof(path)) < 0)
			return;
		q.path = path;
	}
	if (w->kind == SB_REF_RLIMIT) {
		/* setrlimit(res, new); prlimit64(pid, res, new, old) */
		bool pr = strcmp(w->name, "prlimit64") == 0;
		uint64_t lim[2];

		if (!s->args[pr ? 2 : 1] ||
		    tracer_read_mem(t, s->args[pr ? 2 : 1], lim, sizeof(lim)) < 0)
			return;
		q.resource = (int)s->args[pr ? 1 : 0];
		q.rlim_max = lim[1];
	}
	for (int i = 0; i < w->nuid; i++)
		uids[i] = (uint32_t)s->args[w->uid + i];
	for (int i = 0; i < w->ngid; i++)
		gids[i] = (uint32_t)s->args[w->gid + i];
	q.uids = uids;
	q.nuids = w->nuid;
	q.gids = gids;
	q.ngids = w->ngid;
	if (w->kind == K_GROUPS) {
		q.kind = SB_REF_SETID;
		q.ngids = s->args[0] < MAX_GROUPS ? (int)s->args[0] : MAX_GROUPS;
		if (q.ngids && tracer_read_mem(t, s->args[1], gids, q.ngids * sizeof(gids[0])) < 0)
			return;
	}
	fz_debug("refusals: %s(%s) = -%d\n", w->name, path, q.err);
	if (sandbox_refusal_judge(rf->sb, rf->rl, &q, &j) == 1)
		record(rf, w->name, q.err, path, given, &j);
}

/* Lookups are common (every stat, every read-only open of the loader):
 * without them only calls with a write's intent, new or removed entries,
 * limits and ids are watched, and open/openat stop only with a write's
 * flags (tracer_episode.conds), so a read-only open costs no stop. */
void refusals_init(struct refusals *rf, const struct sandbox *sb, const struct sandbox_rlimits *rl,
		   bool lookups)
{
	memset(rf, 0, sizeof(*rf));
	rf->sb = sb;
	rf->rl = rl;
	rf->lookups = lookups;
	for (size_t i = 0; i < ARRAY_SIZE(watched); i++) {
		const struct syscall_ent *e = syscall_by_name(watched[i].name);

		if (!lookups && watched[i].kind == SB_REF_READ)
			continue;
		if (!e || e->nr < 0 || e->nr >= SYSCALL_MAX)
			continue;
		rf->exit_set[e->nr / 8] |= 1 << (e->nr % 8);
		/* The loader's and every read-only open cost no stop at all. */
		if (!lookups && watched[i].kind == K_OPEN && rf->nconds < TRACER_MAX_CONDS) {
			rf->conds[rf->nconds++] = (struct tracer_cond){
				e->nr, watched[i].flags, O_WRONLY | O_RDWR | O_CREAT | O_TRUNC };
			continue;
		}
		rf->always[e->nr / 8] |= 1 << (e->nr % 8);
	}
	rf->ob = (struct tracer_observer){ .exit_set = rf->exit_set, .on_exit = on_exit_cb, .arg = rf };
}

const struct tracer_observer *refusals_begin(struct refusals *rf, uint8_t *trace_set,
					     const struct tracer_cond **conds, int *nconds)
{
	rf->n = rf->dropped = 0;
	*conds = NULL;
	*nconds = 0;
	if (!rf->sb)
		return NULL;
	for (size_t i = 0; i < sizeof(rf->always); i++)
		trace_set[i] |= rf->always[i];
	*conds = rf->conds;
	*nconds = rf->nconds;
	return &rf->ob;
}

/* Does line mention refusal i: its path as given or as the jail names it,
 * the file's name, or the error's text? */
static bool mentions(const struct refusals *rf, int i, const char *line)
{
	const struct report_refusal *v = &rf->v[i];
	const char *base = strrchr(v->path, '/');

	if (strstr(line, strerror(v->err)))
		return true;
	if (!v->path[0])
		return false;
	if (strstr(line, v->path) || (rf->given[i][0] && strstr(line, rf->given[i])))
		return true;
	return base && strlen(base + 1) >= 3 && strstr(line, base + 1);
}

void refusals_quote(struct refusals *rf, const char *stderr_path)
{
	char line[1024];
	FILE *f;

	if (!rf->n || !stderr_path || !(f = fopen(stderr_path, "re")))
		return;
	while (fgets(line, sizeof(line), f)) {
		line[strcspn(line, "\n")] = 0;
		if (!line[0])
			continue;
		(void)redact_line(line, sizeof(line));	/* before it is escaped and cut */
		for (int i = 0; i < rf->n; i++) {
			struct report_refusal *v = &rf->v[i];

			if (v->nstderr < REPORT_REFUSAL_LINES && mentions(rf, i, line))
				escape_bytes(line, strlen(line), v->stderr_lines[v->nstderr++],
					     sizeof(v->stderr_lines[0]));
		}
	}
	fclose(f);
}

void refusals_report(const struct refusals *rf, struct report *rep, FILE *fp)
{
	if (!rf->sb)
		return;
	if (rep && report_set_jail_refusals(rep, rf->v, rf->n) < 0)
		fprintf(fp, "fzsandbox: warning: out of memory for report.json's jail_refusals\n");
	for (int i = 0; i < rf->n; i++) {
		const struct report_refusal *v = &rf->v[i];
		const char *en = strerrorname_np(v->err);

		fprintf(fp, "fzsandbox: note: the jail refused %s%s%s%s with %s in the run without "
			"faults, where the host would not: %s; every run tests what the program does "
			"then (%s changes it)\n", v->call, v->path[0] ? " of '" : "", v->path,
			v->path[0] ? "'" : "", en ? en : "?", v->why, v->option);
		for (int k = 0; k < v->nstderr; k++)
			fprintf(fp, "fzsandbox: note:   its stderr: '%s'\n", v->stderr_lines[k]);
	}
	if (rf->dropped)
		fprintf(fp, "fzsandbox: note: and %d more refusals of the jail\n", rf->dropped);
}
