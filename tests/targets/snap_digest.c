/* snap_digest - test target for snapshot correctness: its output depends
 * on its input bytes only, so exec mode, snapshot mode and a bare run
 * must give the same output for the same input
 * (tests/integration/snapshot_same.sh).
 *
 * snap_digest COUNTFILE LOGFILE [FILE]
 *   The set-up (before any call on the input: the snapshot point) appends
 *   "setup" to COUNTFILE, fills a static table and a heap buffer and seeds
 *   a running checksum. Then the input, FILE (stat() before open(), as
 *   file and sort do) or stdin: its size by fstat(), its offset by lseek(),
 *   its lines by getline() appended to the set-up's buffer (realloc). The
 *   output says all of it (size, offset, lines, a hash of each, a byte
 *   histogram's summary, the checksum): a run that started where an
 *   earlier one left the input, or saw an earlier run's size or state,
 *   prints something a bare run on the same bytes does not. Last, one line
 *   is appended to LOGFILE: the FNV-1a digest of the output and the input
 *   bytes read, in hex. */
#ifndef FZ_OPTIMIZED
#pragma GCC optimize("O0")
#else	/* the -O2 copy: the same program as real software is built */
#pragma GCC optimize("O2")
#endif
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define MAX_LINES_SHOWN 256	/* the output stays well under a pipe's size */

static unsigned table[1024];
static unsigned long running;	/* seeded by the set-up, folded by the run */
static unsigned histogram[256];	/* filled by the run */
static char *acc;		/* the input read, in the set-up's buffer */
static size_t acc_len, acc_cap;
static char *out;
static size_t out_len, out_cap;

static void die(const char *what)
{
	fprintf(stderr, "snap_digest: %s: %s\n", what, strerror(errno));
	exit(3);
}

static void *grow(void *p, size_t *cap, size_t need)
{
	if (need <= *cap)
		return p;
	while (*cap < need)
		*cap = *cap ? *cap * 2 : 64;
	p = realloc(p, *cap);
	if (!p)
		die("realloc");
	return p;
}

static void say(const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	out = grow(out, &out_cap, out_len + n + 1);
	va_start(ap, fmt);
	vsnprintf(out + out_len, n + 1, fmt, ap);
	va_end(ap);
	out_len += n;
}

static unsigned long long fnv1a(const void *p, size_t len)
{
	const unsigned char *b = p;
	unsigned long long h = 0xcbf29ce484222325ull;

	for (size_t i = 0; i < len; i++)
		h = (h ^ b[i]) * 0x100000001b3ull;
	return h;
}

static void append(const char *path, const char *buf, size_t len)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);

	/* One write: the test reads one line per run. */
	if (fd < 0 || write(fd, buf, len) != (ssize_t)len || close(fd) < 0)
		die(path);
}

static void setup(const char *countfile)
{
	for (int round = 0; round < 50; round++)
		for (unsigned i = 0; i < 1024; i++)
			table[i] = table[i] * 2654435761u + i + round;
	acc = grow(NULL, &acc_cap, 4096);
	memset(acc, 0xa5, acc_cap);	/* what a run that reads nothing must not show */
	running = table[1023];
	append(countfile, "setup\n", 6);
}

static void digest_line(const char *line, size_t len, size_t nr)
{
	unsigned long long h = fnv1a(line, len);

	for (size_t i = 0; i < len; i++) {
		histogram[(unsigned char)line[i]]++;
		running = running * 31 + (unsigned char)line[i] + table[(acc_len + i) % 1024] % 7;
	}
	if (nr < MAX_LINES_SHOWN)
		say("line %zu len %zu fnv %016llx\n", nr, len, h);
	acc = grow(acc, &acc_cap, acc_len + len);
	memcpy(acc + acc_len, line, len);
	acc_len += len;
}

static void log_run(const char *logfile)
{
	static const char hex[] = "0123456789abcdef";
	size_t len = 17 + 2 * acc_len + 1;
	char *line = malloc(len);

	if (!line)
		die("malloc");
	snprintf(line, 18, "%016llx ", fnv1a(out, out_len));
	for (size_t i = 0; i < acc_len; i++) {
		line[17 + 2 * i] = hex[(unsigned char)acc[i] >> 4];
		line[18 + 2 * i] = hex[(unsigned char)acc[i] & 15];
	}
	line[len - 1] = '\n';
	append(logfile, line, len);
	free(line);
}

int main(int argc, char **argv)
{
	char *line = NULL;
	size_t cap = 0, nr = 0;
	unsigned distinct = 0, top = 0;
	long long size = -1, off;
	struct stat st;
	ssize_t n;
	FILE *in = stdin;
	int fd = 0;

	if (argc < 3 || argc > 4) {
		fprintf(stderr, "usage: snap_digest COUNTFILE LOGFILE [FILE]\n");
		return 2;
	}
	setup(argv[1]);
	if (argc == 4) {
		if (stat(argv[3], &st) < 0)
			die(argv[3]);
		size = st.st_size;
		if ((fd = open(argv[3], O_RDONLY | O_CLOEXEC)) < 0 || !(in = fdopen(fd, "r")))
			die(argv[3]);
	}
	if (fstat(fd, &st) < 0)
		die("fstat");
	if ((off = lseek(fd, 0, SEEK_CUR)) < 0 && errno != ESPIPE)	/* a pipe: -1 */
		die("lseek");
	say("stat %lld fstat %lld offset %lld\n", size, (long long)st.st_size, off);
	while ((n = getline(&line, &cap, in)) > 0)
		digest_line(line, n, nr++);
	if (ferror(in))
		die("getline");
	free(line);
	for (unsigned c = 0; c < 256; c++) {
		distinct += histogram[c] != 0;
		if (histogram[c] > histogram[top])
			top = c;
	}
	say("read %zu lines %zu distinct %u top %u x%u sum %lu\n", acc_len, nr, distinct, top,
	    histogram[top], running);
	for (size_t done = 0; done < out_len; done += n)
		if ((n = write(1, out + done, out_len - done)) < 0) {
			if (errno != EINTR)
				die("write");
			n = 0;
		}
	log_run(argv[2]);
	return 0;
}
