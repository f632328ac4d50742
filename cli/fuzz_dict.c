/* fuzz_dict.c - --dict=FILE: a dictionary in AFL++'s -x format, read as
 * afl-fuzz reads it (src/afl-fuzz-extras.c): a file of `name="value"`
 * lines (also a bare `"value"`, `name@N="value"` for level N, `#`
 * comments, `\\`, `\"` and `\xNN` escapes), or a directory whose files
 * are one token each. `FILE@N` takes the tokens of level N and below;
 * without it, level 0 only (a `name@1=` line is left out, as AFL++ does).
 * Bad input: die() with FILE:LINE. */
#include "config.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli/die.h"
#include "cli/fuzz.h"
#include "inject/mutate.h"

static void add(struct scheduler *s, const char *where, const uint8_t *tok, size_t len)
{
	int e;

	if (len > MUTATE_TOKEN_MAX)
		die("--dict: %s: a token of %zu bytes (at most %d, as AFL++)", where, len,
		    MUTATE_TOKEN_MAX);
	if ((e = sched_fuzz_token(s, tok, len)) < 0)
		die_errno(e, "--dict: %s", where);
}

static int hexval(int c)
{
	return isdigit(c) ? c - '0' : tolower(c) - 'a' + 10;
}

/* One line's token into tok (room for the line's length): its length, or
 * -1 to skip the line (blank, comment, a level above max). */
static long parse_line(char *p, int max_level, uint8_t *tok, const char *where)
{
	char *end;
	long n = 0;

	while (isspace((unsigned char)*p))
		p++;
	end = p + strlen(p);
	while (end > p && isspace((unsigned char)end[-1]))
		end--;
	*end = 0;
	if (!*p || *p == '#')
		return -1;
	if (end[-1] != '"')
		die("--dict: %s: malformed name=\"value\" line (it must end with '\"')", where);
	*--end = 0;
	while (isalnum((unsigned char)*p) || *p == '_')
		p++;
	if (*p == '@') {
		if (atoi(++p) > max_level)
			return -1;
		while (isdigit((unsigned char)*p))
			p++;
	}
	if (*p == '[') {	/* AFL++ skips a "[N]" too */
		do
			p++;
		while (isdigit((unsigned char)*p));
		if (*p == ']')
			p++;
	}
	while (isspace((unsigned char)*p) || *p == '=')
		p++;
	if (*p++ != '"' || p > end)
		die("--dict: %s: malformed name=\"value\" line (no opening '\"')", where);
	if (!*p)
		die("--dict: %s: an empty token", where);
	while (*p) {
		unsigned char c = (unsigned char)*p;

		if (c < 32 || c > 126)
			die("--dict: %s: a non-printable character (write it \\xNN)", where);
		if (c != '\\') {
			tok[n++] = c;
			p++;
		} else if (p[1] == '\\' || p[1] == '"') {
			tok[n++] = (uint8_t)p[1];
			p += 2;
		} else if (p[1] == 'x' && isxdigit((unsigned char)p[2]) && isxdigit((unsigned char)p[3])) {
			tok[n++] = (uint8_t)(hexval(p[2]) << 4 | hexval(p[3]));
			p += 4;
		} else {
			die("--dict: %s: a bad escape (\\\\, \\\" or \\xNN)", where);
		}
	}
	return n;
}

static void load_file(struct scheduler *s, const char *path, int max_level)
{
	char *line = NULL, where[PATH_MAX + 32];
	uint8_t *tok = NULL;
	size_t cap = 0;
	ssize_t len;
	long n;
	int lineno = 0;
	FILE *fp = fopen(path, "re");

	if (!fp)
		die_errno(-errno, "--dict: cannot read '%s'", path);
	while ((len = getline(&line, &cap, fp)) >= 0) {
		snprintf(where, sizeof(where), "%s:%d", path, ++lineno);
		if (strlen(line) != (size_t)len)
			die("--dict: %s: a NUL byte (write it \\x00)", where);
		if (!(tok = realloc(tok, (size_t)len + 1)))
			die("out of memory");
		if ((n = parse_line(line, max_level, tok, where)) >= 0)
			add(s, where, tok, (size_t)n);
	}
	if (ferror(fp))
		die_errno(-errno, "--dict: cannot read '%s'", path);
	fclose(fp);
	free(line);
	free(tok);
}

/* A directory: each regular file a token, its whole content (AFL++
 * skips empty ones). */
static void load_dir(struct scheduler *s, const char *dir)
{
	struct dirent **names;
	int n = scandir(dir, &names, NULL, alphasort);

	if (n < 0)
		die_errno(-errno, "--dict: cannot read '%s'", dir);
	for (int i = 0; i < n; i++) {
		char path[PATH_MAX + 256];
		uint8_t tok[MUTATE_TOKEN_MAX];
		struct stat st;
		ssize_t len;
		int fd;

		snprintf(path, sizeof(path), "%s/%s", dir, names[i]->d_name);
		free(names[i]);
		if (stat(path, &st) < 0)
			die_errno(-errno, "--dict: cannot read '%s'", path);
		if (!S_ISREG(st.st_mode) || st.st_size == 0)
			continue;
		if (st.st_size > MUTATE_TOKEN_MAX)
			die("--dict: %s: a token of %lld bytes (at most %d, as AFL++)", path,
			    (long long)st.st_size, MUTATE_TOKEN_MAX);
		if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0 || (len = read(fd, tok, sizeof(tok))) < 0)
			die_errno(-errno, "--dict: cannot read '%s'", path);
		close(fd);
		if (len > 0)
			add(s, path, tok, (size_t)len);
	}
	free(names);
}

void fuzz_dict_load(struct scheduler *s, const char *spec)
{
	char path[PATH_MAX], *at;
	int level = 0, before = sched_fuzz_ntokens(s);
	struct stat st;

	snprintf(path, sizeof(path), "%s", spec);
	/* AFL++'s -x FILE@N: the level, when FILE@N itself is not a file. */
	if (stat(path, &st) < 0 && (at = strrchr(path, '@')) && at[1] &&
	    strspn(at + 1, "0123456789") == strlen(at + 1)) {
		level = atoi(at + 1);
		*at = 0;
	}
	if (stat(path, &st) < 0)
		die_errno(-errno, "--dict: cannot read '%s'", path);
	if (S_ISDIR(st.st_mode))
		load_dir(s, path);
	else
		load_file(s, path, level);
	if (sched_fuzz_ntokens(s) == before)
		die("--dict: no tokens in '%s'", spec);
}
