/* short_read - test target: a read whose short count is ignored.
 *
 * load_header() reads a 64-byte header from argv[1] with one read() and
 * checks only for -1. The struct is pre-filled with 0xff bytes, so after any
 * short read the last field, `kind`, is 0xffffffff; load_header indexes
 * kinds[] with it before validating anything and the load from
 * kinds[0xffffffff] (64 GiB past the array) faults: SIGSEGV in load_header,
 * deterministically. A full read gives kind 1 and a clean run. All other
 * I/O is checked.
 *
 * The test creates the input file with: printf 'FZHDR001' then bytes so the
 * header is 64 bytes; `short_read --make FILE` writes a valid one.
 */

/* -O0 whatever CFLAGS say (configure's default is -g -O2, and it comes after
 * the per-target -O0 on the command line): the stacks the tests assert on
 * must not lose frames to inlining or tail calls. */
#ifndef FZ_OPTIMIZED
#pragma GCC optimize("O0")
#else	/* the -O2 copy (issue 11): the same names, now inlined frames */
#pragma GCC optimize("O2")
#endif
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

struct header {
	char magic[8];		/* "FZHDR001" */
	uint32_t nrec;
	uint32_t flags;
	char name[40];
	uint32_t reserved;
	uint32_t kind;		/* last: the first field a short read leaves unset */
};
_Static_assert(sizeof(struct header) == 64, "header is 64 bytes on disk");

struct kind_info {
	const char *name;
	unsigned recsize;
};

static const struct kind_info kinds[] = {
	{ "raw", 1 },
	{ "table", 16 },
	{ "index", 8 },
};

static int make_file(const char *path)
{
	struct header h;
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);

	memset(&h, 0, sizeof h);
	memcpy(h.magic, "FZHDR001", 8);
	h.nrec = 3;
	strcpy(h.name, "fzsandbox test header");
	h.kind = 1;
	if (fd < 0 || write(fd, &h, sizeof h) != (ssize_t)sizeof h || close(fd) != 0) {
		perror(path);
		return 1;
	}
	return 0;
}

/* The bug: a short count is treated as a full header. */
static int load_header(int fd, struct header *h)
{
	const struct kind_info *ki;

	memset(h, 0xff, sizeof *h);
	if (read(fd, h, sizeof *h) < 0) {
		fprintf(stderr, "short_read: read: %s\n", strerror(errno));
		return -1;
	}
	ki = &kinds[h->kind];	/* trusted before validation */
	printf("kind %s, record size %u\n", ki->name, ki->recsize);
	if (memcmp(h->magic, "FZHDR001", 8) != 0 || h->kind >= sizeof kinds / sizeof kinds[0]) {
		fprintf(stderr, "short_read: bad header\n");
		return -1;
	}
	return 0;
}

int main(int argc, char **argv)
{
	struct header h;
	int fd, rc;

	if (argc == 3 && strcmp(argv[1], "--make") == 0)
		return make_file(argv[2]);
	if (argc != 2) {
		fprintf(stderr, "usage: short_read FILE | short_read --make FILE\n");
		return 2;
	}
	fd = open(argv[1], O_RDONLY);
	if (fd < 0) {
		fprintf(stderr, "short_read: %s: %s\n", argv[1], strerror(errno));
		return 1;
	}
	rc = load_header(fd, &h);
	if (close(fd) != 0)
		rc = -1;
	if (rc == 0)
		printf("%.40s: %u records\n", h.name, h.nrec);
	return rc ? 1 : 0;
}
