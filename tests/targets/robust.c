/* robust - test target that handles every failure fault injection can cause.
 *
 * robust IN OUT: reads IN in a loop, counts words in a chained hash table,
 * sends a summary through a non-blocking pipe to itself, then writes the
 * table to OUT and the summary to stdout. Every allocation is checked, short
 * reads and writes are continued, EINTR is retried, EAGAIN waits in poll(),
 * and any other error prints one line and exits 1. No stdio on the data
 * path (stdio may drop short-write remainders silently), so under any single
 * injected fault the outcome is exit 0 or exit 1, never a signal: a finding
 * on this program is a bug in fzsandbox.
 */

/* -O0 whatever CFLAGS say (configure's default is -g -O2, and it comes after
 * the per-target -O0 on the command line): the stacks the tests assert on
 * must not lose frames to inlining or tail calls. */
#pragma GCC optimize("O0")
#define _GNU_SOURCE	/* pipe2 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define NBUCKETS 64

struct word {
	char *text;
	unsigned count;
	struct word *next;
};

static struct word **table;

/* Best effort: if reporting the error fails too there is nothing left. */
static void die(const char *fmt, ...)
{
	char msg[256];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(msg, sizeof msg - 1, fmt, ap);
	va_end(ap);
	if (n < 0)
		n = 0;
	if (n > (int)sizeof msg - 2)
		n = sizeof msg - 2;
	msg[n++] = '\n';
	if (write(2, "robust: ", 8) >= 0 && write(2, msg, n) >= 0) {
		/* nothing */
	}
	_exit(1);
}

static void wait_fd(int fd, short events)
{
	struct pollfd p = { .fd = fd, .events = events };

	while (poll(&p, 1, -1) < 0)
		if (errno != EINTR)
			die("poll: %s", strerror(errno));
}

static void write_all(int fd, const char *buf, size_t len, const char *what)
{
	while (len > 0) {
		ssize_t n = write(fd, buf, len);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			if (errno == EAGAIN || errno == EWOULDBLOCK) {
				wait_fd(fd, POLLOUT);
				continue;
			}
			die("write %s: %s", what, strerror(errno));
		}
		buf += n;
		len -= (size_t)n;
	}
}

/* Reads up to len bytes, fewer only at end of file. */
static size_t read_full(int fd, char *buf, size_t len, const char *what)
{
	size_t got = 0;

	while (got < len) {
		ssize_t n = read(fd, buf + got, len - got);

		if (n == 0)
			break;
		if (n < 0) {
			if (errno == EINTR)
				continue;
			if (errno == EAGAIN || errno == EWOULDBLOCK) {
				wait_fd(fd, POLLIN);
				continue;
			}
			die("read %s: %s", what, strerror(errno));
		}
		got += (size_t)n;
	}
	return got;
}

static char *read_file(const char *path, size_t *lenp)
{
	size_t cap = 256, len = 0;
	char *buf = malloc(cap);
	int fd;

	if (!buf)
		die("out of memory");
	fd = open(path, O_RDONLY);
	if (fd < 0)
		die("%s: %s", path, strerror(errno));
	for (;;) {
		size_t n;

		if (len == cap) {
			char *nb = realloc(buf, cap * 2);

			if (!nb)
				die("out of memory");
			buf = nb;
			cap *= 2;
		}
		/* Small chunks on purpose: many read sites' occurrences. */
		n = read_full(fd, buf + len, cap - len < 128 ? cap - len : 128, path);
		if (n == 0)
			break;
		len += n;
	}
	if (close(fd) != 0)
		die("close %s: %s", path, strerror(errno));
	*lenp = len;
	return buf;
}

static unsigned hash(const char *s, size_t n)
{
	unsigned h = 5381;

	while (n--)
		h = h * 33 + (unsigned char)*s++;
	return h % NBUCKETS;
}

static void add_word(const char *s, size_t n)
{
	struct word **pp = &table[hash(s, n)], *w;

	for (w = *pp; w; w = w->next)
		if (strlen(w->text) == n && memcmp(w->text, s, n) == 0) {
			w->count++;
			return;
		}
	w = malloc(sizeof *w);
	if (!w)
		die("out of memory");
	w->text = malloc(n + 1);
	if (!w->text)
		die("out of memory");
	memcpy(w->text, s, n);
	w->text[n] = '\0';
	w->count = 1;
	w->next = *pp;
	*pp = w;
}

static unsigned count_words(const char *buf, size_t len)
{
	unsigned total = 0;
	size_t i = 0;

	while (i < len) {
		size_t start;

		while (i < len && (buf[i] == ' ' || buf[i] == '\n' || buf[i] == '\t'))
			i++;
		start = i;
		while (i < len && buf[i] != ' ' && buf[i] != '\n' && buf[i] != '\t')
			i++;
		if (i > start) {
			add_word(buf + start, i - start);
			total++;
		}
	}
	return total;
}

static void write_table(const char *path)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);

	if (fd < 0)
		die("%s: %s", path, strerror(errno));
	for (int b = 0; b < NBUCKETS; b++)
		for (struct word *w = table[b]; w; w = w->next) {
			char line[160];
			int n = snprintf(line, sizeof line, "%u %.120s\n", w->count, w->text);

			write_all(fd, line, (size_t)n, path);
		}
	if (close(fd) != 0)
		die("close %s: %s", path, strerror(errno));
}

/* Round-trip the summary through a non-blocking pipe (fits in PIPE_BUF, so
 * the write cannot block us against ourselves). */
static size_t via_pipe(const char *in, size_t len, char *out, size_t cap)
{
	int p[2];
	size_t got;

	if (pipe2(p, O_NONBLOCK | O_CLOEXEC) != 0)
		die("pipe: %s", strerror(errno));
	write_all(p[1], in, len, "pipe");
	if (close(p[1]) != 0)
		die("close pipe: %s", strerror(errno));
	got = read_full(p[0], out, cap, "pipe");
	if (close(p[0]) != 0)
		die("close pipe: %s", strerror(errno));
	return got;
}

static void free_table(void)
{
	for (int b = 0; b < NBUCKETS; b++)
		while (table[b]) {
			struct word *next = table[b]->next;

			free(table[b]->text);
			free(table[b]);
			table[b] = next;
		}
	free(table);
}

int main(int argc, char **argv)
{
	char summary[128], echoed[128];
	size_t len, n;
	unsigned total, distinct = 0;
	char *buf;

	if (argc != 3)
		die("usage: robust IN OUT");
	table = calloc(NBUCKETS, sizeof *table);
	if (!table)
		die("out of memory");
	buf = read_file(argv[1], &len);
	total = count_words(buf, len);
	free(buf);
	for (int b = 0; b < NBUCKETS; b++)
		for (struct word *w = table[b]; w; w = w->next)
			distinct++;
	write_table(argv[2]);
	n = (size_t)snprintf(summary, sizeof summary, "%u words, %u distinct\n", total, distinct);
	n = via_pipe(summary, n, echoed, sizeof echoed);
	write_all(1, echoed, n, "stdout");
	free_table();
	return 0;
}
