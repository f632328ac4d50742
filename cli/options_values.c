/* options_values.c - the values options take: counts, limits, ids,
 * binds, request files, shards; each bad one a die() line naming it. */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <pwd.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli/die.h"
#include "cli/duration.h"
#include "cli/options.h"
#include "cli/usage.h"
#include "reporters/report.h"
#include "sandbox/policy.h"
#include "sandbox/sandbox.h"
#include "snapshot/snapshot.h"

/* --shard=K/N, K counted from 0 as GitHub's job-index and Kubernetes'
 * JOB_COMPLETION_INDEX are. */
void options_parse_shard(struct options *o, const char *v)
{
	unsigned k, n;
	int end = -1;

	if (strspn(v, "0123456789/") != strlen(v) ||
	    sscanf(v, "%u/%u%n", &k, &n, &end) != 2 || end < 0 || v[end] || n == 0 ||
	    n > 65536 || k >= n)
		die("--shard=%s: want K/N, 0 <= K < N <= 65536 (K counts from 0)", v);
	o->shard_k = k;
	o->shard_n = n;
}

long options_parse_count(const char *opt, const char *v, long min, long max)
{
	char *end;
	long n;

	errno = 0;
	n = strtol(v, &end, 10);
	if (errno || end == v || *end || n < min || n > max)
		die("%s: bad number '%s'", opt, v);
	return n;
}

double options_parse_probability(const char *v)
{
	char *end;
	double p;

	errno = 0;
	p = strtod(v, &end);
	if (errno || end == v || *end || !(p > 0.0 && p <= 1.0))
		die("--probability: bad probability '%s' (a number in (0, 1])", v);
	return p;
}

uint64_t options_parse_seed(const char *v)
{
	char *end;
	unsigned long long n;

	errno = 0;
	n = strtoull(v, &end, 0);
	if (errno || end == v || *end || *v == '-')
		die("--seed: bad seed '%s'", v);
	return n;
}

void options_push(char ***list, int *n, const char *s)
{
	char **l = realloc(*list, (*n + 2) * sizeof(char *));

	if (!l)
		die("out of memory");
	l[(*n)++] = strdup(s);
	l[*n] = NULL;
	if (!l[*n - 1])
		die("out of memory");
	*list = l;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* A directory of requests: its regular files, in name order, so runs are
 * the same on every machine. */
void options_add_requests(struct options *o, const char *path)
{
	struct stat st;
	struct dirent *de;
	DIR *d;
	int first = o->nrequests;

	if (stat(path, &st) < 0)
		die_errno(errno, "--request: cannot read '%s'", path);
	if (!S_ISDIR(st.st_mode)) {
		options_push(&o->requests, &o->nrequests, path);
		return;
	}
	d = opendir(path);
	if (!d)
		die_errno(errno, "--request: cannot read directory '%s'", path);
	while ((de = readdir(d))) {
		char full[PATH_MAX];

		if (de->d_name[0] == '.')
			continue;
		snprintf(full, sizeof(full), "%s/%s", path, de->d_name);
		if (stat(full, &st) == 0 && S_ISREG(st.st_mode))
			options_push(&o->requests, &o->nrequests, full);
	}
	closedir(d);
	if (o->nrequests == first)
		die("--request: directory '%s' has no request files", path);
	qsort(o->requests + first, o->nrequests - first, sizeof(char *), cmp_str);
}

/* A user name or a number; the group is the user's own, else the same
 * number. Root itself is refused: mapping the jail to host uid 0 is what
 * --uid exists to avoid. */
void options_parse_uid(struct options *o, const char *arg)
{
	struct passwd *pw = getpwnam(arg);

	if (pw) {
		o->uid = pw->pw_uid;
		o->gid = pw->pw_gid;
	} else {
		o->uid = (unsigned)options_parse_count("--uid", arg, 0, 0xfffffffeL);
		pw = getpwuid(o->uid);
		o->gid = pw ? pw->pw_gid : o->uid;
	}
	if (o->uid == 0)
		die("--uid: '%s' is root; the jail must map to an unprivileged host user", arg);
	o->uid_set = true;
}

/* SRC[:DST]: SRC must exist (resolved here, so the jail binds what the
 * caller meant even if a link moves); DST defaults to SRC and must be
 * absolute. Stored as "SRC:DST". */
void options_parse_bind(const char *opt, char ***list, int *n, const char *arg)
{
	const char *colon = strchr(arg, ':');
	char *src = strndup(arg, colon ? (size_t)(colon - arg) : strlen(arg)), *real, *kv;
	const char *dst = colon ? colon + 1 : NULL;

	if (!src)
		die("out of memory");
	if (!*src)
		die("%s: no source in '%s'", opt, arg);
	real = realpath(src, NULL);
	if (!real)
		die_errno(errno, "%s: cannot use '%s'", opt, src);
	if (dst && *dst != '/')
		die("%s: the destination in '%s' must be an absolute path", opt, arg);
	if (asprintf(&kv, "%s:%s", real, dst && *dst ? dst : real) < 0)
		die("out of memory");
	options_push(list, n, kv);
	free(kv);
	free(real);
	free(src);
}

/* SIZE: bytes, or with a K, M, G or T suffix (powers of 1024); N: a count.
 * 'unlimited' (rlimits only) lifts the jail's default. Never 0. */
unsigned long long options_parse_limit(const char *opt, const char *v, bool size, bool unlimited)
{
	static const char units[] = "kmgt";
	unsigned long long n, mul = 1;
	const char *u;
	char *end;

	if (unlimited && strcmp(v, "unlimited") == 0)
		return SANDBOX_UNLIMITED;
	errno = 0;
	n = strtoull(v, &end, 10);
	if (size && *end && end[1] == 0 && (u = strchr(units, *end | 0x20)) != NULL) {
		mul = 1ULL << (10 * (u - units + 1));
		end++;
	}
	if (errno || end == v || *end || *v == '-' || *v == '+' || n == 0 || n > ~0ULL / 2 / mul)
		die("%s: bad %s '%s' (%s)", opt, size ? "size" : "number", v,
		    size ? "bytes or e.g. 64M, 1G" : "a positive whole number");
	return n * mul;
}

/* A name the jail's seccomp policy denies (sandbox/policy.h). */
void options_parse_allow_syscall(struct options *o, const char *arg)
{
	int e = sandbox_policy_allowable(arg);

	if (e == -ENOENT)
		die("--allow-syscall: unknown syscall or group '%s'", arg);
	if (e < 0)
		die("--allow-syscall: '%s' is not denied by the sandbox policy (see fzsandbox(1))", arg);
	options_push(&o->allow_syscalls, &o->nallow_syscalls, arg);
}

/* An errno's name (EXDEV) fzsandbox never injects anywhere. */
static bool errno_word(const char *s)
{
	return s[0] == 'E' && s[1] && strspn(s + 1, "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789") ==
						 strlen(s + 1);
}

/* A --fault that names a fault its call never gets (or an errno no call
 * gets) says which it can (the fault table's rows); anything else points
 * at the bad token. */
void options_bad_fault(const char *arg, const char *call, const char *bad)
{
	const char *colon = strchr(arg, ':');
	size_t n = colon ? strcspn(colon + 1, "@") : 0;
	char takes[256];
	struct fault f;

	if (colon && call[0] && strlen(bad) == n && strncmp(colon + 1, bad, n) == 0 &&
	    (fault_parse(bad, &f) == 0 ? !inject_call_takes(call, bad) : errno_word(bad))) {
		inject_call_faults(call, takes, sizeof(takes));
		die("--fault: %s never fails with %s; faults %s can take: %s", call, bad, call,
		    takes[0] ? takes : "none");
	}
	die("--fault: bad specification '%s' at '%s'", arg, bad);
}
