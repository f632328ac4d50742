/* pred.c - matching a stop against predicates (--fault's @exe/@path/@fd,
 * the campaign's --only-exe/--only-path/--only-fd), from facts read once
 * per stop: the executable (per address space, read at its first need:
 * it changes only at exec, which makes a new one), the call's path, and
 * the path and type behind its fd (cached per address space until a
 * close, dup2, dup3 or close_range of that fd, which stop whenever a
 * path or fd predicate is in use; an exec or a fork starts a new
 * cache, and entries are per process: a vfork child shares its parent's
 * engine data, not its fd table).
 *
 * Paths are as the jail sees them: the tracer reads /proc/TID/exe, cwd
 * and fd/N, whose links the kernel resolves from the tracee's root. A
 * relative path is joined to its directory (cwd or dirfd) and made
 * canonical by name ("." "..", "//"); symlinks in the name it gives are
 * not followed (the file may not exist yet). */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "inject/inject_int.h"
#include "inject/pred_args.h"

#define FDCACHE_MAX 256

struct pred_fdcache {
	int n;
	struct fd_slot {
		pid_t pid;	/* a vfork child shares its parent's mm data,
				 * not its fd table */
		int fd;
		unsigned type;
		char *path;
	} slot[FDCACHE_MAX];
};

static void fdcache_free(struct pred_fdcache *c)
{
	if (!c)
		return;
	for (int i = 0; i < c->n; i++)
		free(c->slot[i].path);
	free(c);
}

void pred_mm_free(struct inj_mm *m)
{
	free(m->exe);
	fdcache_free(m->fds);
}

/* A fork's child runs the same executable. Its fds start uncached: the
 * cache is keyed by process (below). */
int pred_mm_fork(const struct inj_mm *p, struct inj_mm *m)
{
	if (p->exe && !(m->exe = strdup(p->exe)))
		return -ENOMEM;
	return 0;
}

static void fdcache_drop(struct pred_fdcache *c, pid_t pid, unsigned long lo, unsigned long hi)
{
	for (int i = 0; c && i < c->n;) {
		if ((!pid || c->slot[i].pid == pid) && (unsigned long)c->slot[i].fd >= lo &&
		    (unsigned long)c->slot[i].fd <= hi) {
			free(c->slot[i].path);
			c->slot[i] = c->slot[--c->n];
		} else {
			i++;
		}
	}
}

/* The calls that make an fd number name another file without an open
 * (which only takes a free number): forget what the cache knew. */
void pred_on_syscall(struct tracer_task *t, const struct syscall_stop *s)
{
	struct inj_mm *m = tracer_task_mm_data(t);
	const char *n = s->ent->name;
	pid_t pid = tracer_task_pid(t);

	if (!m || !m->fds)
		return;
	if (strcmp(n, "close") == 0)
		fdcache_drop(m->fds, pid, (unsigned)s->args[0], (unsigned)s->args[0]);
	else if (strcmp(n, "dup2") == 0 || strcmp(n, "dup3") == 0)
		fdcache_drop(m->fds, pid, (unsigned)s->args[1], (unsigned)s->args[1]);
	else if (strcmp(n, "close_range") == 0)
		fdcache_drop(m->fds, pid, (unsigned)s->args[0], (unsigned)s->args[1]);
}

bool pred_fd_wanted(const struct inject *inj)
{
	if (inj->cfg.only_path || inj->cfg.only_fd)
		return true;
	for (int i = 0; i < inj->nplan; i++)
		if (inj->plan[i].pred.path[0] || inj->plan[i].pred.fd)
			return true;
	return false;
}

static bool is_tty_major(unsigned maj)
{
	/* 4: tty/ttyS, 5: /dev/tty and ptmx, 136-143: pts (devices.txt). */
	return maj == 4 || maj == 5 || (maj >= 136 && maj <= 143);
}

static unsigned fd_type_of(const struct stat *st)
{
	if (S_ISREG(st->st_mode) || S_ISBLK(st->st_mode) || S_ISDIR(st->st_mode))
		return PRED_FD_FILE;
	if (S_ISFIFO(st->st_mode))
		return PRED_FD_PIPE;
	if (S_ISSOCK(st->st_mode))
		return PRED_FD_SOCKET;
	if (S_ISCHR(st->st_mode) && is_tty_major(major(st->st_rdev)))
		return PRED_FD_TTY;
	return 0;
}

static int read_link(const char *link, char *buf, size_t len)
{
	ssize_t n = readlink(link, buf, len - 1);

	if (n < 0)
		return -errno;
	buf[n] = 0;
	return 0;
}

/* The path and type behind fd, from the cache or /proc/TID/fd/N. */
static const struct fd_slot *fd_info(struct tracer_task *t, int fd)
{
	struct inj_mm *m = tracer_task_mm_data(t);
	struct pred_fdcache *c;
	char link[64], path[PATH_MAX];
	struct stat st;
	struct fd_slot *s;

	if (!m || fd < 0)
		return NULL;
	if (!m->fds && !(m->fds = calloc(1, sizeof(*m->fds))))
		return NULL;
	c = m->fds;
	for (int i = 0; i < c->n; i++)
		if (c->slot[i].fd == fd && c->slot[i].pid == tracer_task_pid(t))
			return &c->slot[i];
	snprintf(link, sizeof(link), "/proc/%d/fd/%d", (int)tracer_task_tid(t), fd);
	if (read_link(link, path, sizeof(path)) < 0 || stat(link, &st) < 0)
		return NULL;
	if (c->n == FDCACHE_MAX)	/* full: start again */
		fdcache_drop(c, 0, 0, (unsigned long)-1);
	s = &c->slot[c->n];
	if (!(s->path = strdup(path)))
		return NULL;
	s->pid = tracer_task_pid(t);
	s->fd = fd;
	s->type = fd_type_of(&st);
	c->n++;
	return s;
}

const char *pred_exe(struct pred_stop *ps)
{
	struct inj_mm *m;
	char link[64], path[PATH_MAX];

	if (ps->exe_state)
		return ps->exe;
	ps->exe_state = -1;
	m = tracer_task_mm_data(ps->t);
	if (m && !m->exe) {
		snprintf(link, sizeof(link), "/proc/%d/exe", (int)tracer_task_pid(ps->t));
		if (read_link(link, path, sizeof(path)) < 0)
			return NULL;
		m->exe = strdup(path);
	}
	if (!m || !m->exe)
		return NULL;
	ps->exe = m->exe;
	ps->exe_state = 1;
	return ps->exe;
}

/* "/a/./b//../c" -> "/a/c", in place (the path is absolute). */
static void canonical(char *p)
{
	char *out = p, *in = p;

	while (*in) {
		while (*in == '/')
			in++;
		if (!*in)
			break;
		size_t n = strcspn(in, "/");

		if (n == 1 && in[0] == '.') {
			/* nothing */
		} else if (n == 2 && in[0] == '.' && in[1] == '.') {
			while (out > p && *--out != '/')
				;
		} else {
			*out++ = '/';
			memmove(out, in, n);
			out += n;
		}
		in += n;
	}
	if (out == p)
		*out++ = '/';
	*out = 0;
}


static const char *stop_path(struct pred_stop *ps)
{
	char name[PATH_MAX], dir[PATH_MAX], link[64];
	struct pred_args a;

	if (ps->path_state)
		return ps->path_state > 0 ? ps->path : NULL;
	ps->path_state = -1;
	if (!ps->sc || !pred_args_of(ps->sc->ent->name, &a))
		return NULL;
	if (a.path < 0) {
		const struct fd_slot *s = a.fd >= 0 ? fd_info(ps->t, (int)ps->sc->args[a.fd]) : NULL;

		if (!s)
			return NULL;
		snprintf(ps->path, sizeof(ps->path), "%s", s->path);
		ps->path_state = 1;
		return ps->path;
	}
	if (tracer_read_str(ps->t, ps->sc->args[a.path], name, sizeof(name)) < 0 || !name[0])
		return NULL;
	if (name[0] == '/') {
		snprintf(ps->path, sizeof(ps->path), "%s", name);
	} else {
		int dirfd = a.dirfd >= 0 ? (int)(int32_t)ps->sc->args[a.dirfd] : AT_FDCWD;

		if (dirfd == AT_FDCWD) {
			snprintf(link, sizeof(link), "/proc/%d/cwd", (int)tracer_task_tid(ps->t));
			if (read_link(link, dir, sizeof(dir)) < 0)
				return NULL;
		} else {
			const struct fd_slot *s = fd_info(ps->t, dirfd);

			if (!s)
				return NULL;
			snprintf(dir, sizeof(dir), "%s", s->path);
		}
		if (dir[0] != '/' ||
		    snprintf(ps->path, sizeof(ps->path), "%s/%s", dir, name) >= (int)sizeof(ps->path))
			return NULL;
	}
	canonical(ps->path);
	ps->path_state = 1;
	return ps->path;
}

static unsigned stop_fd(struct pred_stop *ps)
{
	struct pred_args a;
	const struct fd_slot *s;

	if (ps->fd_state)
		return ps->fd_state > 0 ? ps->fd : 0;
	ps->fd_state = -1;
	if (!ps->sc || !pred_args_of(ps->sc->ent->name, &a) || a.path >= 0 || a.fd < 0)
		return 0;
	if (!(s = fd_info(ps->t, (int)ps->sc->args[a.fd])))
		return 0;
	ps->fd = s->type;
	ps->fd_state = 1;
	return ps->fd;
}

/* A glob with a '/' is matched against the whole path, one without it
 * against the basename: "--only-exe=prog" means any prog. */
static bool exe_match(const char *glob, const char *exe)
{
	const char *base = strrchr(exe, '/');

	if (strchr(glob, '/'))
		return fnmatch(glob, exe, FNM_PATHNAME) == 0;
	return fnmatch(glob, base ? base + 1 : exe, 0) == 0;
}

bool pred_match(struct pred_stop *ps, const struct fault_pred *p)
{
	const char *s;

	if (p->exe[0] && (!(s = pred_exe(ps)) || !exe_match(p->exe, s)))
		return false;
	if (p->path[0] && (!(s = stop_path(ps)) || fnmatch(p->path, s, FNM_PATHNAME) != 0))
		return false;
	if (p->fd && !(stop_fd(ps) & p->fd))
		return false;
	return true;
}

static bool any_exe(char *const *globs, const char *exe)
{
	for (int i = 0; exe && globs[i]; i++)
		if (exe_match(globs[i], exe))
			return true;
	return false;
}

static bool any_path(char *const *globs, const char *path)
{
	for (int i = 0; path && globs[i]; i++)
		if (fnmatch(globs[i], path, FNM_PATHNAME) == 0)
			return true;
	return false;
}

/* The path a call names (open, stat...); NULL for a call on a
 * descriptor, whose file is not looked up then. */
static const char *named_path(struct pred_stop *ps)
{
	struct pred_args a;

	if (!ps->sc || !pred_args_of(ps->sc->ent->name, &a) || a.path < 0)
		return NULL;
	return stop_path(ps);
}

bool pred_filter_pass(struct inject *inj, struct pred_stop *ps)
{
	const struct inject_config *c = &inj->cfg;

	if (c->only_exe && !any_exe(c->only_exe, pred_exe(ps)))
		return false;
	if (c->skip_path && any_path(c->skip_path, named_path(ps)))
		return false;
	if (c->only_path && !any_path(c->only_path, stop_path(ps)))
		return false;
	return !c->only_fd || (stop_fd(ps) & c->only_fd);
}

void inject_set_skip_path(struct inject *inj, char *const *globs)
{
	inj->cfg.skip_path = globs;
}

void pred_count_exe(struct inject *inj, struct pred_stop *ps)
{
	const char *exe = pred_exe(ps);
	struct exe_count *e = NULL;

	if (!exe)
		exe = "(unknown)";
	for (int i = 0; i < inj->nexes && !e; i++)
		if (strcmp(inj->exes[i].path, exe) == 0)
			e = &inj->exes[i];
	if (!e && inj->nexes < INJECT_MAX_EXES - 1) {
		e = &inj->exes[inj->nexes++];
		snprintf(e->path, sizeof(e->path), "%s", exe);
		e->calls = 0;
		e->faultable = !inj->cfg.only_exe || any_exe(inj->cfg.only_exe, ps->exe);
	} else if (!e) {
		/* The last slot counts the rest. */
		e = &inj->exes[INJECT_MAX_EXES - 1];
		if (inj->nexes < INJECT_MAX_EXES) {
			inj->nexes = INJECT_MAX_EXES;
			snprintf(e->path, sizeof(e->path), "(other)");
			e->calls = 0;
			e->faultable = false;
		}
	}
	e->calls++;
}

int inject_executables(const struct inject *inj, const struct exe_count **out)
{
	*out = inj->exes;
	return inj->nexes;
}
