/* target.c - resolve the program and build its environment. */
#include "config.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli/die.h"
#include "cli/malloc_check.h"
#include "cli/target.h"

static int check_exec(const char *path)
{
	struct stat st;

	if (stat(path, &st) < 0)
		return -errno;
	if (S_ISDIR(st.st_mode))
		return -EISDIR;
	if (access(path, X_OK) < 0)
		return -errno;
	return 0;
}

char *target_resolve(const char *prog)
{
	const char *path = getenv("PATH");
	char buf[PATH_MAX];
	char *copy, *save = NULL, *dir;
	int r;

	if (!*prog)
		die("empty program name");
	if (strchr(prog, '/')) {
		r = check_exec(prog);
		if (r == -ENOENT)
			die_program(-r, "program '%s' not found", prog);
		if (r < 0)
			die_program(-r, "program '%s' cannot be executed: %s", prog, strerror(-r));
		return strdup(prog);
	}
	copy = strdup(path ? path : "/usr/local/bin:/usr/bin:/bin");
	if (!copy)
		die("out of memory");
	for (dir = strtok_r(copy, ":", &save); dir; dir = strtok_r(NULL, ":", &save)) {
		snprintf(buf, sizeof(buf), "%s/%s", *dir ? dir : ".", prog);
		if (check_exec(buf) == 0) {
			free(copy);
			return strdup(buf);
		}
	}
	free(copy);
	die_program(ENOENT, "program '%s' not found in PATH", prog);
}

static void env_del(char **env, int *n, const char *name, size_t len)
{
	for (int i = 0; i < *n; i++)
		if (strncmp(env[i], name, len) == 0 && env[i][len] == '=') {
			free(env[i]);
			env[i] = env[--*n];
			env[*n] = NULL;
			i--;
		}
}

static void env_set(char ***env, int *n, const char *kv)
{
	const char *eq = strchr(kv, '=');
	char **e;

	env_del(*env, n, kv, eq - kv);
	e = realloc(*env, (*n + 2) * sizeof(char *));
	if (!e)
		die("out of memory");
	e[*n] = strdup(kv);
	if (!e[*n])
		die("out of memory");
	e[++*n] = NULL;
	*env = e;
}

/* LeakSanitizer refuses to run under ptrace (it would exit 1 at every
 * exit), and ASan's allocator must return NULL like malloc does when the
 * kernel-level alloc class fails its mmap. Its stack frames name their
 * module and offset too, as fzsandbox's own frames do (reporters/
 * sanitizer.c reads them). */
static void add_asan_options(char ***env, int *n)
{
	static const char extra[] = "detect_leaks=0:allocator_may_return_null=1:"
				    "stack_trace_format=\"    #%n %p in %f %S (%m+%o)\"";
	const char *old = NULL;
	char *kv;

	for (int i = 0; i < *n; i++)
		if (strncmp((*env)[i], "ASAN_OPTIONS=", 13) == 0)
			old = (*env)[i] + 13;
	if (old && *old) {
		if (asprintf(&kv, "ASAN_OPTIONS=%s:%s", old, extra) < 0)
			die("out of memory");
	} else if (asprintf(&kv, "ASAN_OPTIONS=%s", extra) < 0) {
		die("out of memory");
	}
	env_set(env, n, kv);
	free(kv);
}

/* --malloc-check: glibc's debugging malloc first in LD_PRELOAD (the
 * first definer of malloc is what the program, and the alloc class,
 * call), its checks at level 3 (report and abort). */
static void add_malloc_check(char ***env, int *n)
{
	char lib[4096], *kv;
	const char *old = NULL;

	malloc_check_library(lib, sizeof(lib));
	for (int i = 0; i < *n; i++)
		if (strncmp((*env)[i], "LD_PRELOAD=", 11) == 0)
			old = (*env)[i] + 11;
	if (asprintf(&kv, "LD_PRELOAD=%s%s%s", lib, old && *old ? ":" : "", old ? old : "") < 0)
		die("out of memory");
	env_set(env, n, kv);
	free(kv);
	env_set(env, n, "MALLOC_CHECK_=" MALLOC_CHECK_VALUE);
}

char **target_environment(const struct options *o, char **base)
{
	char **env = calloc(1, sizeof(char *));
	int n = 0;

	if (!env)
		die("out of memory");
	for (int i = 0; !o->clear_env && base && base[i]; i++)
		if (strchr(base[i], '='))
			env_set(&env, &n, base[i]);
	for (int i = 0; i < o->nunsetenv; i++)
		env_del(env, &n, o->unsetenv_list[i], strlen(o->unsetenv_list[i]));
	for (int i = 0; i < o->nsetenv; i++)
		env_set(&env, &n, o->setenv_list[i]);
	add_asan_options(&env, &n);
	if (o->malloc_check)
		add_malloc_check(&env, &n);
	return env;
}

const char *target_self_path(void)
{
	static char buf[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", buf, sizeof(buf) - 1);

	if (n <= 0)
		return "fzsandbox";
	buf[n] = 0;
	return buf;
}
