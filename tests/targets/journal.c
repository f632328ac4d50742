/* journal.c - a target for --check (state oracles).
 *
 *   journal [--robust] [N]   append N records (default 3) to journal.log
 *                            in the working directory
 *   journal verify FILE      exit 1 on a torn record, 0 otherwise
 *
 * A record is a 4-byte little-endian length, then that many bytes, each
 * written with its own write(). The plain mode's bug: a failed or short
 * write is only noted; the torn record stays in the file and the program
 * exits 0, so nothing but the file's state shows it. --robust truncates
 * the file back to the record's start and exits 1: the file stays sound. */
/* The level whatever CFLAGS say (they come after the per-target flags):
 * built at -O0 and at -O2 -g (append_record is then inlined). */
#if defined(FZ_O2)
#pragma GCC optimize("O2")
#else
#pragma GCC optimize("O0")
#endif
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define LOG_NAME "journal.log"

static int write_all(int fd, const void *buf, size_t len)
{
	ssize_t n = write(fd, buf, len);

	if (n < 0)
		return -errno;
	return (size_t)n == len ? 0 : -EIO;	/* short: the rest is lost */
}

/* One record: its length, then its bytes. 0 or -errno. */
static int append_record(int fd, const char *text)
{
	uint32_t len = (uint32_t)strlen(text);
	unsigned char hdr[4] = { len & 0xff, (len >> 8) & 0xff, (len >> 16) & 0xff, len >> 24 };
	int e = write_all(fd, hdr, sizeof(hdr));

	return e ? e : write_all(fd, text, len);
}

static int append(int n, int robust)
{
	int fd = open(LOG_NAME, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
	char text[64];
	int status = 0;

	if (fd < 0) {
		fprintf(stderr, "journal: cannot open %s: %s\n", LOG_NAME, strerror(errno));
		return 1;
	}
	for (int i = 0; i < n; i++) {
		off_t start = lseek(fd, 0, SEEK_END);
		int e;

		snprintf(text, sizeof(text), "record %d: the quick brown fox", i + 1);
		e = append_record(fd, text);
		if (!e)
			continue;
		fprintf(stderr, "journal: record %d not written: %s\n", i + 1, strerror(-e));
		if (!robust)
			continue;	/* the bug: the torn record stays */
		if (start < 0 || ftruncate(fd, start) < 0)
			fprintf(stderr, "journal: cannot undo record %d: %s\n", i + 1, strerror(errno));
		status = 1;
		break;
	}
	if (close(fd) < 0 && !status) {
		fprintf(stderr, "journal: close: %s\n", strerror(errno));
		status = 1;
	}
	return status;
}

/* Walk the records: a header that runs past the end, or a length that
 * does, is a torn record. */
static int verify(const char *path)
{
	FILE *fp = fopen(path, "rb");
	long off = 0;
	int nrec = 0;

	if (!fp && errno == ENOENT)
		return 0;	/* nothing appended yet */
	if (!fp) {
		fprintf(stderr, "journal: cannot read %s: %s\n", path, strerror(errno));
		return 2;
	}
	for (;;) {
		unsigned char hdr[4];
		size_t got = fread(hdr, 1, sizeof(hdr), fp);
		uint32_t len;
		char buf[4096];

		if (got == 0)
			break;
		if (got < sizeof(hdr)) {
			fprintf(stderr, "journal: torn record at offset %ld: %zu of 4 header bytes\n",
				off, got);
			fclose(fp);
			return 1;
		}
		len = hdr[0] | hdr[1] << 8 | hdr[2] << 16 | (uint32_t)hdr[3] << 24;
		if (len > sizeof(buf) || fread(buf, 1, len, fp) != len) {
			fprintf(stderr, "journal: torn record at offset %ld: its %u bytes are not all there\n",
				off, len);
			fclose(fp);
			return 1;
		}
		off += 4 + len;
		nrec++;
	}
	fclose(fp);
	printf("journal: %d records, %ld bytes, sound\n", nrec, off);
	return 0;
}

int main(int argc, char **argv)
{
	int robust = 0, i = 1;

	if (argc == 3 && strcmp(argv[1], "verify") == 0)
		return verify(argv[2]);
	if (i < argc && strcmp(argv[i], "--robust") == 0) {
		robust = 1;
		i++;
	}
	return append(i < argc ? atoi(argv[i]) : 3, robust);
}
