/* autobind.c - the host paths a program's arguments name, bound into the
 * jail (an input read-only, an output's nearest existing directory as an
 * overlay whose named paths alone reach the host, outputs.c), and what the jail hides even when named: shadow files and
 * every home's keys, never a whole home or /root. Part of the mount plan
 * (mount.c), made in the parent. */
#include "config.h"

#include <errno.h>
#include <limits.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "sandbox/sandbox_int.h"


/* The jail's own mounts, never replaced by the host's: these paths
 * exactly, and everything under the trees. */
static const char *const jail_own[] = { "/", "/tmp", "/dev/shm" };
static const char *const jail_trees[] = { "/proc", "/sys", "/dev" };
/* What the jail deliberately hides, even when an argument names it (or a
 * directory holding it); an explicit --bind still shows it. Root's own
 * files elsewhere in /root may be named and bound one by one (as root the
 * binds are idmapped: the jail reads them as root could), /root itself
 * never, nor its keys; the same for the caller's home. Each as written
 * and with its symlinks resolved (a home reached through a symlink, as
 * /home -> /var/home), since the paths compared with it are resolved. */
static const char *const hidden_fixed[] = {
	"/etc/shadow", "/etc/gshadow", "/etc/shadow-", "/etc/gshadow-",
	"/root/.ssh", "/root/.gnupg",
};
static const char *const home_keys[] = { ".ssh", ".gnupg" };
/* Every local user's home (/etc/passwd): their keys are hidden too (as
 * root the binds are idmapped to their owners), and an output's directory
 * is never widened up to a home (it would hand the user's dotfiles, read
 * at their next login, to the program). */
#define NHOMES 256
static char *homes[NHOMES];
static int nhomes;
static char **hidden;
static int nhidden, hidden_cap;

static void hide_one(const char *path)
{
	char **h;

	for (int i = 0; i < nhidden; i++)
		if (strcmp(hidden[i], path) == 0)
			return;
	if (nhidden == hidden_cap) {
		h = realloc(hidden, (hidden_cap * 2 + 16) * sizeof(*h));
		if (!h)
			return;
		hidden = h;
		hidden_cap = hidden_cap * 2 + 16;
	}
	hidden[nhidden] = strdup(path);
	if (hidden[nhidden])
		nhidden++;
}

/* As written, resolved (the whole path when it exists: ~/.ssh may be a
 * symlink itself), and with its parent resolved. */
static void hide(const char *path)
{
	char parent[PATH_MAX], full[PATH_MAX], *real, *slash;

	hide_one(path);
	real = realpath(path, NULL);
	if (real) {
		hide_one(real);
		free(real);
	}
	snprintf(parent, sizeof(parent), "%s", path);
	slash = strrchr(parent, '/');
	if (!slash || slash == parent)
		return;
	*slash = 0;
	real = realpath(parent, NULL);
	if (!real)
		return;
	if (snprintf(full, sizeof(full), "%s/%s", real, slash + 1) < (int)sizeof(full))
		hide_one(full);
	free(real);
}

/* hide() of each key, with the home resolved once by the caller (real:
 * realpath(home), NULL when it does not resolve): a key's own realpath
 * only when it exists (rarely). A realpath walks every component with a
 * readlink, and /etc/passwd has a home per system user. */
static void hide_keys(const char *home, const char *real)
{
	char key[PATH_MAX], full[PATH_MAX], *rk;
	struct stat st;

	for (size_t i = 0; i < sizeof(home_keys) / sizeof(*home_keys); i++) {
		snprintf(key, sizeof(key), "%s/%s", home, home_keys[i]);
		hide_one(key);
		if (!real)
			continue;	/* nor would the key or its parent resolve */
		if (snprintf(full, sizeof(full), "%s/%s", real, home_keys[i]) < (int)sizeof(full))
			hide_one(full);
		if (lstat(key, &st) < 0 || !(rk = realpath(key, NULL)))
			continue;
		hide_one(rk);
		free(rk);
	}
}

void autobind_init(void)
{
	struct passwd pw, *res = NULL;
	char buf[4096];
	FILE *f;

	for (int i = 0; i < nhidden; i++)
		free(hidden[i]);
	nhidden = 0;
	for (size_t i = 0; i < sizeof(hidden_fixed) / sizeof(*hidden_fixed); i++)
		hide(hidden_fixed[i]);
	if (getpwuid_r(getuid(), &pw, buf, sizeof(buf), &res) == 0 && res && res->pw_dir &&
	    res->pw_dir[0] == '/' && strcmp(res->pw_dir, "/") != 0) {
		char *real = realpath(res->pw_dir, NULL);

		hide_keys(res->pw_dir, real);
		free(real);
	}
	for (int i = 0; i < nhomes; i++)
		free(homes[i]);
	nhomes = 0;
	f = fopen("/etc/passwd", "re");
	while (f && nhomes < NHOMES) {
		struct passwd *p = fgetpwent(f);
		char *real;

		if (!p)
			break;
		if (!p->pw_dir || p->pw_dir[0] != '/' || strcmp(p->pw_dir, "/") == 0)
			continue;
		real = realpath(p->pw_dir, NULL);
		if (!real)
			continue;
		homes[nhomes++] = real;
		hide_keys(p->pw_dir, real);
	}
	if (f)
		fclose(f);
}

/* p is a local user's home or holds one (/home). */
static bool home_or_above(const char *p)
{
	for (int i = 0; i < nhomes; i++)
		if (sb_path_under(homes[i], p))
			return true;
	return false;
}

/* A directory that holds what the jail hides, or the root: never bound
 * whole, even as the program's or the working directory. */
/* p is hidden, or under a hidden path. */
static bool is_hidden(const char *p)
{
	for (int i = 0; i < nhidden; i++)
		if (sb_path_under(p, hidden[i]))
			return true;
	return false;
}

bool autobind_holds_hidden(const char *p)
{
	if (strcmp(p, "/") == 0)
		return true;
	for (int i = 0; i < nhidden; i++)
		if (sb_path_under(hidden[i], p))
			return true;
	return false;
}



static bool refused(const char *p)
{
	for (size_t i = 0; i < sizeof(jail_own) / sizeof(*jail_own); i++)
		if (strcmp(p, jail_own[i]) == 0)
			return true;
	for (size_t i = 0; i < sizeof(jail_trees) / sizeof(*jail_trees); i++)
		if (sb_path_under(p, jail_trees[i]))
			return true;
	for (int i = 0; i < nhidden; i++)
		if (sb_path_under(p, hidden[i]) || sb_path_under(hidden[i], p))
			return true;
	return false;
}

/* The deepest bind showing p (NULL: none). */
static const struct mop *deepest_bind(const struct sandbox *sb, const char *p)
{
	const struct mop *deepest = NULL;

	for (int i = 0; i < sb->nops; i++) {
		const struct mop *m = &sb->ops[i];

		if ((m->kind == MOP_BIND_RO || m->kind == MOP_BIND_RW || m->kind == MOP_BIND_DEV) &&
		    sb_path_under(p, m->dst + sizeof(SB_NEWROOT) - 1) &&
		    (!deepest || strlen(m->dst) >= strlen(deepest->dst)))
			deepest = m;
	}
	return deepest;
}

/* Already shown by a bind at its own path (system directories, /etc
 * files, devices, the program's directory, the working directory, --bind,
 * earlier arguments), and writable when rw is asked? An output next to
 * the program (in its read-only directory) gets an overlay on its
 * directory over the read-only bind: the user named it as an output. */
static bool bound(const struct sandbox *sb, const char *p, bool rw)
{
	const struct mop *deepest = deepest_bind(sb, p);

	if (!deepest)
		return false;
	return !rw || deepest->kind == MOP_BIND_RW || (size_t)(deepest - sb->ops) < (size_t)sb->first_user_op;
}

/* A "." or ".." in what follows the existing directory: the copy back
 * walks the names as given, so the output must be plain. */
static bool plain(const char *rel)
{
	for (const char *p = rel; p; p = strchr(p, '/') ? strchr(p, '/') + 1 : NULL) {
		size_t n = strcspn(p, "/");

		if ((n == 1 && p[0] == '.') || (n == 2 && p[0] == '.' && p[1] == '.'))
			return false;
	}
	return true;
}

/* An output in a directory already overlaid for another one (or below
 * it): one more name to copy back. */
static int plan_more(struct sandbox *sb, const struct mop *d, const char *real, const char *rel)
{
	const char *dir = sb->ovl[d->ovl - 1].dir, *below = real + strlen(dir);
	char name[PATH_MAX];

	below += *below == '/';
	if (snprintf(name, sizeof(name), "%s%s%s", below, *below ? "/" : "", rel) >= (int)sizeof(name))
		return 0;
	return outputs_plan(sb, d->ovl, dir, name);
}

/* May dir be bound read-write for the output path? Not what the jail
 * keeps its own or hides, nor a directory as wide as / or a top-level
 * one (/var, /opt, /home) or a system directory: those get a warning
 * instead, since the program's output would not reach the host. */
static bool output_dir_ok(struct sandbox *sb, const char *dir, const char *path, bool widened)
{
	const char *second = strchr(dir + 1, '/');

	/* Up from a missing directory to a home (or /home): the output's
	 * own directory would do, the whole home would not. */
	if (widened && (home_or_above(dir) || strstr(dir, "/."))) {
		sb_warn(sb, "'%s' is not bound read-write for the output '%s' (a home or "
			"dot-directory, and the output's own directory does not exist yet): make "
			"that directory first, or --bind it", dir, path);
		return false;
	}
	if (strcmp(dir, "/tmp") == 0 || strcmp(dir, "/dev/shm") == 0) {
		sb_warn(sb, "'%s' is in the jail's own %s, a tmpfs thrown away after each run: "
			"it does not reach the host (write it elsewhere, or --bind a directory "
			"under %s)", path, dir, dir);
		return false;
	}
	if (refused(dir)) {
		if (autobind_holds_hidden(dir) && strcmp(dir, "/") != 0)
			sb_warn(sb, "'%s' is not bound into the jail (it holds secrets): outputs "
				"there do not reach the host (--bind it to allow)", dir);
		return false;
	}
	if (!second || sb_under_system(dir) || sb_path_under(dir, "/etc") || sb_path_under(dir, "/boot")) {
		sb_warn(sb, "'%s' is not bound read-write for the output '%s' (too wide a "
			"directory): --bind the directory the program should write to", dir, path);
		return false;
	}
	return true;
}

/* NAME=VALUE with a name of letters, digits, '_', '.', '-' (dd's if=/in,
 * make's VAR=dir/file) and a value naming a path ('/' in it): the value
 * is the path. Without a '/' it stays a word of its own (count=10). */
static bool assignment(const char *arg)
{
	size_t n = strspn(arg, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.-");

	return n > 0 && arg[n] == '=' && strchr(arg + n + 1, '/') != NULL;
}

static int plan_arg(struct sandbox *sb, const char *cwd, const char *arg)
{
	char abs[PATH_MAX], parent[PATH_MAX], rel[PATH_MAX] = "", *real, *slash;
	const struct mop *d;
	const char *v = arg;
	struct stat st;
	bool rw = false, widened = false;
	int n, r = 0;

	if (arg[0] == '-') {	/* --opt=VALUE: the value */
		v = strchr(arg, '=');
		if (!v)
			return 0;
		v++;
	} else if (assignment(arg)) {	/* dd's if=PATH, make's VAR=PATH */
		v = strchr(arg, '=') + 1;
	}
	if (!*v)
		return 0;
	n = v[0] == '/' ? snprintf(abs, sizeof(abs), "%s", v) :
		snprintf(abs, sizeof(abs), "%s/%s", cwd, v);
	if (n < 0 || (size_t)n >= sizeof(abs))
		return 0;
	real = realpath(abs, NULL);
	if (!real) {
		/* An output: the nearest existing directory above it,
		 * read-write (the program may make the directories in
		 * between, as mkdir -p does). "dir/" or a name ending in
		 * "." or ".." is no file name. */
		slash = strrchr(abs, '/');
		if (errno != ENOENT || !slash || !slash[1] || strcmp(slash + 1, ".") == 0 ||
		    strcmp(slash + 1, "..") == 0)
			return 0;
		memcpy(parent, abs, (size_t)n + 1);
		for (int up = 0;; up++) {
			slash = strrchr(parent, '/');
			slash[slash == parent] = 0;	/* "/x" -> "/" */
			real = realpath(parent, NULL);
			widened = up > 0;
			if (real || errno != ENOENT || strcmp(parent, "/") == 0)
				break;
		}
		rw = true;
		/* What the output will add to the directory that exists:
		 * expected, not a leftover (leftovers.c). */
		if (real) {
			char name[PATH_MAX];
			size_t k = strcmp(parent, "/") == 0 ? 1 : strlen(parent) + 1;
			const char *tail = abs + k;
			size_t m = strcspn(tail, "/");

			snprintf(name, sizeof(name), "%.*s", (int)m, tail);
			snprintf(rel, sizeof(rel), "%s", tail);
			r = leftovers_expect(sb, real, name);
			if (r < 0) {
				free(real);
				return r;
			}
		}
		/* Not even its top-level directory exists: a value with
		 * slashes that names no path (dnsmasq's
		 * --address=/test.local/10.0.0.1, a URL path), not an
		 * output a program could create. */
		if (real && widened && strcmp(real, "/") == 0) {
			free(real);
			return 0;
		}
	}
	if (real && rw && !plain(rel)) {
		sb_warn(sb, "the output '%s' is not bound: write it without '.' or '..' after "
			"its existing directory '%s'", abs, real);
		free(real);
		return 0;
	}
	/* Its directory is already an output's overlay, or below one. */
	if (real && rw && (d = deepest_bind(sb, real)) && d->ovl) {
		r = plan_more(sb, d, real, rel);
		free(real);
		return r;
	}
	if (real && rw && !bound(sb, real, true) && !output_dir_ok(sb, real, abs, widened)) {
		free(real);
		return 0;
	}
	if (real && !rw && is_hidden(real))
		sb_warn(sb, "'%s' is hidden from the jail (keys and password hashes stay out, "
			"even when named; --ro-bind it to show it)", real);
	if (!real || stat(real, &st) < 0 || !(S_ISREG(st.st_mode) || S_ISDIR(st.st_mode)) ||
	    (rw && !S_ISDIR(st.st_mode)) || refused(real) || bound(sb, real, rw)) {
		free(real);
		return 0;
	}
	/* An output's directory: an overlay, only the named path leaves
	 * (outputs.c). */
	r = rw ? outputs_plan(sb, 0, real, rel) : mount_add(sb, MOP_BIND_RO, !S_ISDIR(st.st_mode), real, real);
	free(real);
	return r;
}

int autobind_plan_args(struct sandbox *sb, const struct sandbox_opts *o, const char *cwd)
{
	int r = 0;

	for (int i = 0; o->args && o->args[i] && r == 0; i++)
		r = plan_arg(sb, cwd, o->args[i]);
	return r;
}

