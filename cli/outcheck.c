/* outcheck.c - --check=output: a faulted run that exits 0 with less
 * output than the run without faults lost data without a word (issue 13).
 *
 * Output is stdout, the named outputs as the run left them in the jail's
 * upper directories (sandbox/outputs.h) and, with --workdir, every
 * regular file of the run's work copy. Each is read whole (up to
 * OC_MAX_BYTES) and normalised line by line: every match of an --ignore
 * expression becomes OC_TOKEN, so dates, pids and temporary names do not
 * make two equal runs differ. Loss is judged by content, never by time:
 * a file cut short (a byte prefix of the clean one), lines lost (the
 * faulted file's lines are the clean one's with some left out, its last
 * line possibly cut) or a file missing. A changed or added line is what a
 * fault may legitimately do (a fallback, a numeric uid) and counts only
 * under --check=output-diff. */
#include "config.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli/die.h"
#include "cli/options.h"
#include "cli/outcheck.h"
#include "sandbox/outputs.h"

#define OC_MAX_BYTES (64 << 20)	/* read of each file, the rest unseen */
#define OC_MAX_FILES 4096	/* of a work directory */
#define OC_MAX_DEPTH 32
#define OC_TOKEN "<ignored>"

/* One file of a run's output, normalised. rank orders the report:
 * stdout, then the named outputs, then the work directory's files. */
struct ofile {
	int rank;
	char *name;
	char *data;
	size_t len;
	bool present;
};

struct oset {
	struct ofile *v;
	int n;
};

struct outcheck {
	int mode;		/* OPT_OUTPUT_LOSS or OPT_OUTPUT_DIFF */
	regex_t *re;
	int nre;
	struct oset base;	/* the first run without faults */
	bool have_base;
};

struct outcheck *outcheck_new(const struct options *o)
{
	struct outcheck *oc = calloc(1, sizeof(*oc));

	if (!oc || (o->nignores && !(oc->re = calloc(o->nignores, sizeof(*oc->re)))))
		die("out of memory");
	oc->mode = o->check_output;
	for (; oc->nre < o->nignores; oc->nre++)
		if (regcomp(&oc->re[oc->nre], o->ignores[oc->nre], REG_EXTENDED) != 0)
			die("--ignore: bad regular expression '%s'", o->ignores[oc->nre]);
	return oc;
}

static void oset_clear(struct oset *s)
{
	for (int i = 0; i < s->n; i++) {
		free(s->v[i].name);
		free(s->v[i].data);
	}
	free(s->v);
	s->v = NULL;
	s->n = 0;
}

void outcheck_free(struct outcheck *oc)
{
	if (!oc)
		return;
	oset_clear(&oc->base);
	for (int i = 0; i < oc->nre; i++)
		regfree(&oc->re[i]);
	free(oc->re);
	free(oc);
}

/* Every match of re in s becomes OC_TOKEN (an empty match keeps the
 * character after it). NULL when out of memory. */
static char *subst(const regex_t *re, const char *s)
{
	char *out = NULL;
	size_t len;
	regmatch_t m;
	int flags = 0;
	FILE *fp = open_memstream(&out, &len);

	if (!fp)
		return NULL;
	while (*s && regexec(re, s, 1, &m, flags) == 0) {
		fwrite(s, 1, m.rm_so, fp);
		fputs(OC_TOKEN, fp);
		s += m.rm_eo;
		if (m.rm_eo == m.rm_so && *s)
			fputc(*s++, fp);
		flags = REG_NOTBOL;
	}
	fputs(s, fp);
	if (fclose(fp) != 0) {
		free(out);
		return NULL;
	}
	return out;
}

/* raw, line by line through every --ignore; a line holding a NUL byte is
 * kept as it is (regexec reads C strings). Takes raw. */
static int normalise(const struct outcheck *oc, struct ofile *f, char *raw, size_t n)
{
	FILE *fp;
	size_t len;

	f->data = raw;
	f->len = n;
	if (!oc->nre)
		return 0;
	f->data = NULL;
	fp = open_memstream(&f->data, &len);
	if (!fp) {
		free(raw);
		return -ENOMEM;
	}
	for (size_t at = 0; at < n;) {
		char *nl = memchr(raw + at, '\n', n - at), *line, *t;
		size_t ll = (nl ? (size_t)(nl - raw) : n) - at;

		if (memchr(raw + at, 0, ll) || !(line = strndup(raw + at, ll))) {
			fwrite(raw + at, 1, ll, fp);
		} else {
			for (int i = 0; i < oc->nre && line; i++) {
				t = subst(&oc->re[i], line);
				free(line);
				line = t;
			}
			if (line)
				fputs(line, fp);
			free(line);
		}
		if (nl)
			fputc('\n', fp);
		at += ll + (nl != NULL);
	}
	free(raw);
	if (fclose(fp) != 0) {
		free(f->data);
		f->data = NULL;
		return -ENOMEM;
	}
	f->len = len;
	return 0;
}

/* One more file (fd < 0: absent); takes fd. */
static int oset_add(const struct outcheck *oc, struct oset *s, int rank, const char *name, int fd)
{
	struct ofile *v = realloc(s->v, (s->n + 1) * sizeof(*v)), *f;
	size_t cap = 65536, n = 0;
	char *buf = NULL;
	ssize_t r = 0;
	int e = 0;

	if (!v) {
		e = -ENOMEM;
		goto out;
	}
	s->v = v;
	f = memset(&v[s->n], 0, sizeof(*f));
	if (!(f->name = strdup(name))) {
		e = -ENOMEM;
		goto out;
	}
	f->rank = rank;
	s->n++;
	if (fd < 0)
		return 0;
	f->present = true;
	while (n < OC_MAX_BYTES) {
		if (!buf || n == cap) {
			char *nb = realloc(buf, cap = buf ? cap * 2 : cap);

			if (!nb) {
				e = -ENOMEM;
				goto out;
			}
			buf = nb;
		}
		r = read(fd, buf + n, (cap < OC_MAX_BYTES ? cap : OC_MAX_BYTES) - n);
		if (r <= 0)
			break;
		n += r;
	}
	if (r < 0) {
		e = -errno;
		goto out;
	}
	close(fd);
	return normalise(oc, f, buf, n);
out:
	free(buf);
	if (fd >= 0)
		close(fd);
	return e;
}

/* The work copy's regular files, never through a symbolic link (the run
 * that wrote them is over: nothing changes them under the walk). */
static int walk(const struct outcheck *oc, struct oset *s, int dfd, const char *rel, int depth)
{
	DIR *d = fdopendir(dfd);
	struct dirent *de;
	int e = 0;

	if (!d) {
		e = -errno;
		close(dfd);
		return e;
	}
	while (e == 0 && (de = readdir(d))) {
		char path[PATH_MAX];
		struct stat st;
		int fd;

		if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
			continue;
		if (snprintf(path, sizeof(path), "%s/%s", rel, de->d_name) >= (int)sizeof(path))
			continue;
		fd = openat(dirfd(d), de->d_name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
		if (fd < 0)
			continue;	/* a symlink, a socket: no data of its own */
		if (fstat(fd, &st) < 0)
			e = -errno;
		else if (S_ISDIR(st.st_mode) && depth < OC_MAX_DEPTH)
			e = walk(oc, s, fd, path, depth + 1), fd = -1;
		else if (S_ISREG(st.st_mode) && s->n < OC_MAX_FILES)
			e = oset_add(oc, s, 2, path, fd), fd = -1;
		if (fd >= 0)
			close(fd);
	}
	closedir(d);
	return e;
}

static int by_rank(const void *a, const void *b)
{
	const struct ofile *x = a, *y = b;

	return x->rank != y->rank ? x->rank - y->rank : strcmp(x->name, y->name);
}

static int collect(const struct outcheck *oc, const struct outcheck_run *run, struct oset *s,
		   char *why, size_t len)
{
	char name[PATH_MAX + 64];
	int fd, e;

	fd = open(run->stdout_path, O_RDONLY | O_CLOEXEC);
	if (fd < 0 || (e = oset_add(oc, s, 0, "stdout", fd)) < 0) {
		e = fd < 0 ? -errno : e;
		snprintf(why, len, "--check=output: cannot read the run's stdout: %s", strerror(-e));
		return e;
	}
	for (int k = 0; k < sandbox_outputs_count(run->sb); k++) {
		fd = sandbox_outputs_open(run->sb, k, name, sizeof(name));
		/* Not a regular file (a symlink put there): absent as data. */
		if ((fd < 0 && fd != -ENOENT && fd != -EINVAL) ||
		    (e = oset_add(oc, s, 1, name, fd)) < 0) {
			e = fd < 0 ? fd : e;
			snprintf(why, len, "--check=output: cannot read the output '%s': %s", name,
				 strerror(-e));
			return e;
		}
	}
	if (run->workdir) {
		fd = open(run->workdir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		e = fd < 0 ? -errno : walk(oc, s, fd, "workdir", 0);
		if (e < 0) {
			snprintf(why, len, "--check=output: cannot read the work directory: %s",
				 strerror(-e));
			return e;
		}
	}
	qsort(s->v, s->n, sizeof(*s->v), by_rank);
	return 0;
}

static const struct ofile *oset_find(const struct oset *s, const char *name)
{
	for (int i = 0; i < s->n; i++)
		if (strcmp(s->v[i].name, name) == 0)
			return &s->v[i];
	return NULL;
}

static int64_t count_lines(const char *p, size_t n)
{
	int64_t k = 0;

	for (size_t i = 0; i < n; i++)
		k += p[i] == '\n';
	return k + (n && p[n - 1] != '\n');
}

/* Line number (from 1) of byte at, and where that line starts. */
static int64_t line_of(const char *p, size_t at, size_t *start)
{
	int64_t k = 1;

	*start = 0;
	for (size_t i = 0; i < at; i++)
		if (p[i] == '\n') {
			k++;
			*start = i + 1;
		}
	return k;
}

/* The line starting at p[start], quoted for one line of text. */
static void quote(const char *p, size_t n, size_t start, char *buf, size_t len)
{
	size_t k = 0;

	for (size_t i = start; i < n && p[i] != '\n' && k + 4 < len && k < 60; i++)
		buf[k++] = isprint((unsigned char)p[i]) ? p[i] : '?';
	if (k + 4 < len && start + k < n && p[start + k] != '\n')
		buf[k++] = '.', buf[k++] = '.', buf[k++] = '.';
	buf[k] = 0;
}

/* The first byte where a and b part. */
static size_t first_diff(const struct ofile *a, const struct ofile *b)
{
	size_t i = 0, n = a->len < b->len ? a->len : b->len;

	while (i < n && a->data[i] == b->data[i])
		i++;
	return i;
}

/* Are f's lines c's with some left out (f's last, unterminated, may be a
 * prefix of its line)? *lost: the first line of c left out. */
static bool lines_kept(const struct ofile *c, const struct ofile *f, int64_t *lost)
{
	size_t i = 0, j = 0;
	int64_t line = 1;

	*lost = 0;
	while (j < f->len && i < c->len) {
		const char *ce = memchr(c->data + i, '\n', c->len - i);
		const char *fe = memchr(f->data + j, '\n', f->len - j);
		size_t cl = (ce ? (size_t)(ce - c->data) + 1 : c->len) - i;
		size_t fl = (fe ? (size_t)(fe - f->data) + 1 : f->len) - j;

		if ((cl == fl || (!fe && fl < cl)) && memcmp(c->data + i, f->data + j, fl) == 0)
			j += fl;
		else if (!*lost)
			*lost = line;
		i += cl;
		line++;
	}
	if (!*lost && i < c->len)
		*lost = line;
	return j == f->len;
}

/* Severity of f against the clean c: 0 same (or nothing lost and the
 * difference not asked for), 1 differs, 2 lost; out filled. */
static int judge_file(const struct ofile *c, const struct ofile *f, struct finding_output *out)
{
	const char *loss;
	int sev = 2;

	memset(out, 0, sizeof(*out));
	snprintf(out->file, sizeof(out->file), "%s", c ? c->name : f->name);
	out->clean_bytes = c && c->present ? (int64_t)c->len : -1;
	out->bytes = f && f->present ? (int64_t)f->len : -1;
	out->clean_lines = c && c->present ? count_lines(c->data, c->len) : 0;
	out->lines = f && f->present ? count_lines(f->data, f->len) : 0;
	if (!c || !c->present) {
		if (!f || !f->present)
			return 0;
		loss = "differs";	/* a new file */
		sev = 1;
		out->line = 1;
	} else if (!f || !f->present) {
		loss = "missing";
	} else if (c->len == f->len && memcmp(c->data, f->data, c->len) == 0) {
		return 0;
	} else if (f->len < c->len && memcmp(c->data, f->data, f->len) == 0) {
		size_t start;

		loss = "truncated";
		out->line = line_of(c->data, f->len, &start);
	} else if (lines_kept(c, f, &out->line)) {
		loss = "lines";
	} else {
		size_t start;

		loss = "differs";
		sev = 1;
		out->line = line_of(c->data, first_diff(c, f), &start);
	}
	snprintf(out->loss, sizeof(out->loss), "%s", loss);
	return sev;
}

/* The finding's one line. */
static void describe(const struct ofile *c, const struct ofile *f, const struct finding_output *o,
		     char *buf, size_t len)
{
	char q[80] = "", was[80] = "";
	size_t start;

	if (strcmp(o->loss, "missing") == 0) {
		snprintf(buf, len, "exited 0 without writing %s (the run without faults wrote %lld "
			 "bytes)", o->file, (long long)o->clean_bytes);
	} else if (strcmp(o->loss, "truncated") == 0) {
		snprintf(buf, len, "exited 0 with %s cut short: %lld of %lld bytes, lost from line "
			 "%lld on", o->file, (long long)o->bytes, (long long)o->clean_bytes,
			 (long long)o->line);
	} else if (strcmp(o->loss, "lines") == 0) {
		start = 0;
		for (int64_t l = 1; l < o->line && start < c->len; start++)
			l += c->data[start] == '\n';
		quote(c->data, c->len, start, q, sizeof(q));
		snprintf(buf, len, "exited 0 with %s missing %lld of its %lld lines, the first "
			 "line %lld: '%s'", o->file, (long long)(o->clean_lines - o->lines),
			 (long long)o->clean_lines, (long long)o->line, q);
	} else if (!c || !c->present) {
		snprintf(buf, len, "exited 0 and wrote %s, which the run without faults did not",
			 o->file);
	} else {
		size_t at = first_diff(c, f), fs;

		line_of(c->data, at, &start);
		line_of(f->data, at, &fs);
		quote(f->data, f->len, fs, q, sizeof(q));
		quote(c->data, c->len, start, was, sizeof(was));
		snprintf(buf, len, "exited 0 with %s different from line %lld (%lld of %lld bytes, "
			 "%lld of %lld lines): '%s' (the run without faults: '%s')", o->file,
			 (long long)o->line, (long long)o->bytes, (long long)o->clean_bytes,
			 (long long)o->lines, (long long)o->clean_lines, q, was);
	}
}

/* The first file of cur that lost against base (min_sev 2) or differs
 * (1): its severity, out and the two files. */
static int compare(const struct oset *base, const struct oset *cur, int min_sev,
		   struct finding_output *out, const struct ofile **pc, const struct ofile **pf)
{
	struct finding_output o;

	for (int i = 0; i < base->n; i++) {
		const struct ofile *c = &base->v[i], *f = oset_find(cur, c->name);
		int sev = judge_file(c, f, &o);

		if (sev >= min_sev) {
			*out = o, *pc = c, *pf = f;
			return sev;
		}
	}
	for (int i = 0; min_sev <= 1 && i < cur->n; i++) {
		const struct ofile *f = &cur->v[i];

		if (!oset_find(base, f->name) && judge_file(NULL, f, &o)) {
			*out = o, *pc = NULL, *pf = f;
			return 1;
		}
	}
	return 0;
}

int outcheck_clean(struct outcheck *oc, const struct outcheck_run *run, bool first, char *why,
		   size_t len)
{
	struct oset cur = { 0 };
	struct finding_output o;
	const struct ofile *c, *f;
	char a[80] = "", b[80] = "";
	size_t at, sa, sb;
	int e;

	if (first) {
		oset_clear(&oc->base);
		oc->have_base = false;
		e = collect(oc, run, &oc->base, why, len);
		oc->have_base = e == 0;
		return e;
	}
	e = collect(oc, run, &cur, why, len);
	if (e == 0 && oc->have_base && compare(&oc->base, &cur, 1, &o, &c, &f)) {
		e = -EINVAL;
		if (!c || !c->present || !f || !f->present) {
			snprintf(why, len, "--check=output: the two runs without faults differ: %s was "
				 "written by the %s only", o.file, c && c->present ? "first" : "second");
		} else {
			at = first_diff(c, f);
			quote(c->data, c->len, (line_of(c->data, at, &sa), sa), a, sizeof(a));
			quote(f->data, f->len, (line_of(f->data, at, &sb), sb), b, sizeof(b));
			snprintf(why, len, "--check=output: the two runs without faults differ: %s line "
				 "%lld: '%s', then '%s' (--ignore=REGEX normalises such text)", o.file,
				 (long long)o.line, a, b);
		}
	}
	oset_clear(&cur);
	return e;
}

int outcheck_judge(struct outcheck *oc, const struct outcheck_run *run, struct run_finding *f,
		   char *why, size_t len)
{
	struct oset cur = { 0 };
	const struct ofile *c, *g;
	int e;

	if (!oc->have_base)
		return 0;
	e = collect(oc, run, &cur, why, len);
	if (e == 0 && compare(&oc->base, &cur, oc->mode == OPT_OUTPUT_DIFF ? 1 : 2, &f->out, &c, &g)) {
		f->kind = FIND_SILENT;
		describe(c, g, &f->out, f->detail, sizeof(f->detail));
		e = 1;
	}
	oset_clear(&cur);
	return e;
}
