/* pred_spec.c - --fault's predicates as words: "@exe=GLOB", "@path=GLOB",
 * "@fd=TYPE[,TYPE]" (fzsandbox.1, FAULT SPECIFICATIONS). One table: a
 * predicate's name, how its value is read, and which calls it can say
 * anything about (one that cannot, e.g. @path on malloc, is bad input:
 * it would silently match nothing). Matching is pred.c's. */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "inject/inject.h"
#include "inject/pred_args.h"
#include "tracer/syscalls.h"

bool fault_glob_ok(const char *g)
{
	size_t n = strlen(g);

	if (!n)
		return false;
	for (size_t i = 0; i < n; i++) {
		if (g[i] == '\\') {
			if (++i == n)
				return false;	/* escapes nothing */
		} else if (g[i] == '[') {
			/* A ']' right after '[' or '[!' is a member. */
			size_t j = i + 1;

			if (g[j] == '!' || g[j] == '^')
				j++;
			if (g[j] == ']')
				j++;
			while (j < n && g[j] != ']')
				j++;
			if (j == n)
				return false;	/* fnmatch would take '[' literally */
			i = j;
		}
	}
	return true;
}

static const struct {
	const char *name;
	unsigned bit;
} fd_types[] = {
	{ "file", PRED_FD_FILE },
	{ "pipe", PRED_FD_PIPE },
	{ "socket", PRED_FD_SOCKET },
	{ "tty", PRED_FD_TTY },
};

int fault_fd_types(const char *s, unsigned *mask)
{
	char buf[64], *w, *save = NULL;

	if (strlen(s) >= sizeof(buf) || !*s)
		return -EINVAL;
	strcpy(buf, s);
	*mask = 0;
	for (w = strtok_r(buf, ",", &save); w; w = strtok_r(NULL, ",", &save)) {
		size_t i;

		for (i = 0; i < sizeof(fd_types) / sizeof(*fd_types); i++)
			if (strcmp(w, fd_types[i].name) == 0)
				break;
		if (i == sizeof(fd_types) / sizeof(*fd_types))
			return -EINVAL;
		*mask |= fd_types[i].bit;
	}
	return *mask ? 0 : -EINVAL;
}

/* A string argument that is no path, or a path other than the first
 * string: by the kernel's SYSCALL_DEFINEs. */
static const struct {
	const char *call;
	int path, dirfd;
} path_exceptions[] = {
	{ "symlink", 1, -1 },		/* (target, linkpath): target is text */
	{ "symlinkat", 2, 1 },
	{ "inotify_add_watch", 1, -1 },	/* the fd is the inotify instance */
	{ "mount", 1, -1 },		/* the source may be "proc", "none" */
	{ "memfd_create", -1, -1 },
	{ "init_module", -1, -1 },
	{ "finit_module", -1, -1 },
	{ "delete_module", -1, -1 },
	{ "add_key", -1, -1 },
	{ "request_key", -1, -1 },
	{ "fsetxattr", -1, -1 },	/* (fd, name, ...): the fd's path */
	{ "fgetxattr", -1, -1 },
	{ "fremovexattr", -1, -1 },
};

bool pred_args_of(const char *call, struct pred_args *a)
{
	const struct syscall_ent *e = syscall_by_name(call);

	if (!e)
		return false;
	a->path = a->dirfd = -1;
	a->fd = e->fd_arg;
	for (int i = 0; i < e->nargs; i++)
		if (e->args[i] == A_STR) {
			a->path = i;
			if (i > 0 && e->args[i - 1] == A_FD)
				a->dirfd = i - 1;
			break;
		}
	for (size_t i = 0; i < sizeof(path_exceptions) / sizeof(*path_exceptions); i++)
		if (strcmp(call, path_exceptions[i].call) == 0) {
			a->path = path_exceptions[i].path;
			a->dirfd = path_exceptions[i].dirfd;
		}
	if (strcmp(call, "inotify_add_watch") == 0 || strcmp(call, "mount") == 0)
		a->fd = -1;
	return true;
}

static int set_glob(char *dst, size_t len, const char *v)
{
	if (!fault_glob_ok(v) || strlen(v) >= len)
		return -EINVAL;
	strcpy(dst, v);
	return 0;
}

static int parse_exe(const char *v, struct fault_pred *p)
{
	return set_glob(p->exe, sizeof(p->exe), v);
}

static int parse_path(const char *v, struct fault_pred *p)
{
	return set_glob(p->path, sizeof(p->path), v);
}

static int parse_fd(const char *v, struct fault_pred *p)
{
	return fault_fd_types(v, &p->fd);
}

static bool any_call(const char *call)
{
	(void)call;
	return true;
}

static bool path_call(const char *call)
{
	struct pred_args a;

	return pred_args_of(call, &a) && (a.path >= 0 || a.fd >= 0);
}

static bool fd_call(const char *call)
{
	struct pred_args a;

	return pred_args_of(call, &a) && a.path < 0 && a.fd >= 0;
}

static const struct pred_kind {
	const char *name;
	int (*parse)(const char *value, struct fault_pred *p);
	bool (*applies)(const char *call);
	const char *what;	/* for errors: what the value must be */
	const char *calls;	/* for errors: the calls it applies to */
} pred_kinds[] = {
	{ "exe", parse_exe, any_call, "a glob", "any call" },
	{ "path", parse_path, path_call, "a glob",
	  "syscalls that take a path or an fd" },
	{ "fd", parse_fd, fd_call, "file, pipe, socket or tty (comma-separated)",
	  "syscalls that act on an fd" },
};
#define NKINDS (sizeof(pred_kinds) / sizeof(*pred_kinds))

int fault_pred_parse(const char *call, const char *word, struct fault_pred *p, char *bad,
		     int badlen)
{
	const char *eq = strchr(word, '=');
	size_t n = eq ? (size_t)(eq - word) : strlen(word);
	const struct pred_kind *k = NULL;

	for (size_t i = 0; i < NKINDS; i++)
		if (strlen(pred_kinds[i].name) == n && strncmp(word, pred_kinds[i].name, n) == 0)
			k = &pred_kinds[i];
	if (!k) {
		snprintf(bad, badlen, "unknown predicate '@%.*s' (predicates: @exe=, @path=, @fd=)",
			 (int)n, word);
		return -EDOM;
	}
	if (!eq || k->parse(eq + 1, p) < 0) {
		snprintf(bad, badlen, "bad @%s value '%s' (%s)", k->name, eq ? eq + 1 : "",
			 k->what);
		return -EDOM;
	}
	if (call && !k->applies(call)) {
		snprintf(bad, badlen, "@%s does not apply to %s (only to %s)", k->name, call,
			 k->calls);
		return -EDOM;
	}
	return 0;
}

/* Is word a predicate (NAME=... with a predicate's name, or any NAME= that
 * is not a WHERE form): spec.c asks before reading a WHERE. */
bool fault_pred_word(const char *word)
{
	const char *eq = strchr(word, '=');

	return eq && eq > word && strncmp(word, "caller=", 7) != 0 &&
	       strspn(word, "abcdefghijklmnopqrstuvwxyz_") == (size_t)(eq - word);
}

char *fault_pred_format(const struct fault_pred *p, char *buf, int len)
{
	int at = 0;

	buf[0] = 0;
	if (p->exe[0])
		at += snprintf(buf + at, len - at, "@exe=%s", p->exe);
	if (p->path[0] && at < len)
		at += snprintf(buf + at, len - at, "@path=%s", p->path);
	if (p->fd && at < len) {
		at += snprintf(buf + at, len - at, "@fd=");
		for (size_t i = 0; i < sizeof(fd_types) / sizeof(*fd_types) && at < len; i++)
			if (p->fd & fd_types[i].bit)
				at += snprintf(buf + at, len - at, "%s%s",
					       buf[at - 1] == '=' ? "" : ",", fd_types[i].name);
	}
	return buf;
}
