/* redact.c - the --redact list and the one masking function every writer
 * uses (util/redact.h). */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util/redact.h"
#include "util/util.h"

static regex_t res[REDACT_MAX];
static int nres;

int redact_add(const char *re, char *why, int whylen)
{
	int e;

	if (nres == REDACT_MAX) {
		snprintf(why, whylen, "at most %d expressions", REDACT_MAX);
		return -E2BIG;
	}
	e = regcomp(&res[nres], re, REG_EXTENDED);
	if (e) {
		regerror(e, &res[nres], why, whylen);
		return e == REG_ESPACE ? -ENOMEM : -EINVAL;
	}
	nres++;
	return 0;
}

bool redact_active(void)
{
	return nres > 0;
}

/* The first non-empty match of re in s[from..len): 1 with [*so, *eo). An
 * empty match (a* before a b) says nothing: look again one byte on. */
static int first_match(const regex_t *re, const char *s, size_t from, size_t len,
		       size_t *so, size_t *eo)
{
	regmatch_t m;

	while (from <= len) {
		m.rm_so = (regoff_t)from;
		m.rm_eo = (regoff_t)len;
		/* REG_STARTEND (glibc, BSD): the bounds come from m, so NULs
		 * inside captured output do not end the text. */
		if (regexec(re, s, 1, &m, REG_STARTEND) != 0)
			return 0;
		if (m.rm_eo > m.rm_so) {
			*so = (size_t)m.rm_so;
			*eo = (size_t)m.rm_eo;
			return 1;
		}
		from = (size_t)m.rm_so + 1;
	}
	return 0;
}

struct obuf {
	char *p;
	size_t len, cap;
};

static int put(struct obuf *b, const char *s, size_t n)
{
	if (b->len + n + 1 > b->cap) {
		size_t cap = b->cap ? b->cap : 64;
		char *p;

		while (b->len + n + 1 > cap)
			cap *= 2;
		p = realloc(b->p, cap);
		if (!p)
			return -ENOMEM;
		b->p = p;
		b->cap = cap;
	}
	memcpy(b->p + b->len, s, n);
	b->len += n;
	b->p[b->len] = '\0';
	return 0;
}

int redact_buf(const char *s, size_t len, char **out, size_t *outlen)
{
	struct obuf b = { NULL, 0, 0 };
	size_t at = 0;
	int count = 0;

	*out = NULL;
	if (put(&b, "", 0) < 0)
		return -ENOMEM;
	while (at < len) {
		size_t best_so = len, best_eo = len, so, eo;
		bool found = false;

		for (int i = 0; i < nres; i++) {
			if (!first_match(&res[i], s, at, len, &so, &eo))
				continue;
			if (!found || so < best_so || (so == best_so && eo > best_eo)) {
				best_so = so;
				best_eo = eo;
				found = true;
			}
		}
		if (!found)
			break;
		if (put(&b, s + at, best_so - at) < 0 ||
		    put(&b, REDACT_MASK, sizeof(REDACT_MASK) - 1) < 0)
			goto oom;
		at = best_eo;
		count++;
	}
	if (put(&b, s + at, len - at) < 0)
		goto oom;
	*out = b.p;
	if (outlen)
		*outlen = b.len;
	return count;
oom:
	free(b.p);
	return -ENOMEM;
}

int redact_line(char *buf, size_t size)
{
	char *m;
	int n;

	if (!nres || !size)
		return 0;
	n = redact_buf(buf, strlen(buf), &m, NULL);
	if (n > 0)
		snprintf(buf, size, "%s", m);
	free(m);
	return n;
}

/* Mask one piece and write it. */
static int flush_piece(int out, const char *p, size_t n)
{
	char *m;
	size_t mlen;
	int e = redact_buf(p, n, &m, &mlen);

	if (e < 0)
		return e;
	e = fs_write_all(out, m, mlen, -1);
	free(m);
	return e;
}

#define PIECE (64 * 1024)

int redact_copy_fd(int in, int out)
{
	char *buf = malloc(PIECE);
	size_t have = 0;
	int e = 0;

	if (!buf)
		return -ENOMEM;
	for (;;) {
		ssize_t n = read(in, buf + have, PIECE - have);
		size_t start = 0;
		char *nl;

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			e = -errno;
			break;
		}
		if (n == 0)
			break;
		have += (size_t)n;
		while ((nl = memchr(buf + start, '\n', have - start))) {
			e = flush_piece(out, buf + start, (size_t)(nl - buf) + 1 - start);
			if (e)
				goto out;
			start = (size_t)(nl - buf) + 1;
		}
		if (start == 0 && have == PIECE) {
			e = flush_piece(out, buf, have);	/* a line longer than a piece */
			if (e)
				goto out;
			start = have;
		}
		memmove(buf, buf + start, have - start);
		have -= start;
	}
	if (!e && have)
		e = flush_piece(out, buf, have);
out:
	free(buf);
	return e;
}

/* path masked through a temporary file beside it, then renamed over it. */
static int redact_file_at(int dfd, const char *name)
{
	char tmp[NAME_MAX + 32];
	struct stat st;
	int in, out, e;

	in = openat(dfd, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	if (in < 0)
		return -errno;
	if (fstat(in, &st) < 0 || !S_ISREG(st.st_mode)) {
		e = S_ISREG(st.st_mode) ? -errno : 0;
		close(in);
		return e;
	}
	snprintf(tmp, sizeof(tmp), ".%s.redact.%d", name, (int)getpid());
	out = openat(dfd, tmp, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC,
		     st.st_mode & 0777);
	if (out < 0) {
		e = -errno;
		close(in);
		return e;
	}
	e = redact_copy_fd(in, out);
	close(in);
	if (close(out) < 0 && !e)
		e = -errno;
	if (!e && renameat(dfd, tmp, dfd, name) < 0)
		e = -errno;
	if (e)
		(void)unlinkat(dfd, tmp, 0);
	return e;
}

static bool kept(const char *name, const char *const *keep)
{
	for (int i = 0; keep && keep[i]; i++)
		if (strcmp(name, keep[i]) == 0)
			return true;
	return false;
}

int redact_dir_files(const char *dir, const char *const *keep)
{
	char **names;
	int dfd, n, e;

	if (!nres)
		return 0;
	dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd < 0)
		return errno == ENOENT ? 0 : -errno;
	/* Listed first: the renames below add and remove names. */
	e = dir_names(dfd, 0, &names, &n);
	for (int i = 0; e == 0 && i < n; i++)
		if (!kept(names[i], keep))
			e = redact_file_at(dfd, names[i]);
	if (names)
		dir_names_free(names, n);
	close(dfd);
	return e;
}
