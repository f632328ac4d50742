/* crash_kv.c - a target for --crash-at=durability and --recover.
 *
 *   crash_kv inplace     read the counter store "kv" in the working
 *                        directory, add one, save it in place: ftruncate
 *                        to 0, then one write of the new contents
 *   crash_kv rename      the same saved as a new file renamed over kv:
 *                        write kv.tmp, rename it (no fsync)
 *   crash_kv safe        the same saved safely: write kv.tmp, fsync it,
 *                        rename it over kv, fsync the directory
 *   crash_kv nodirsync   write kv.tmp, fsync it, rename it over kv, no
 *                        fsync of the directory
 *   crash_kv syncfs      write kv.tmp, syncfs(2), rename it over kv,
 *                        syncfs again (no fsync)
 *   crash_kv msync       write kv.tmp, map it shared and msync(MS_SYNC) it
 *                        (no fsync), rename it, fsync the directory
 *   crash_kv MODE ack    then acknowledge the count saved: append
 *                        "count=N" to the file "acked" and fsync it (a
 *                        reply to a client: the save is claimed durable)
 *   crash_kv verify FILE exit 1 unless FILE is a sound store
 *   crash_kv verify-acked KV ACKED  also exit 1 when KV's count is below
 *                        the last one ACKED says was saved
 *
 * A store is "count=N\nend\n". Each mode starts by loading kv and exits 1
 * ("corrupt store") when it is not sound: the restart after a crash is
 * the recovery. inplace's bug: killed between the truncate and the
 * write, it leaves an empty file, which no restart can read. rename's:
 * after a power cut (--crash-drop) kv may be the new, empty file.
 * nodirsync's: after a power cut the rename may be undone, and kv is
 * older than what was acknowledged. syncfs is right: it makes the file's
 * data and the directory durable, and so is msync: MS_SYNC writes the
 * mapped range of the file back, what write() put there too. */
#define _GNU_SOURCE
#pragma GCC optimize("O0")
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

/* The store's counter, -1 when it is not sound. */
static long load(const char *path)
{
	char buf[256];
	long n = -1;
	int fd = open(path, O_RDONLY), len;
	char end[8];

	if (fd < 0)
		return -1;
	len = (int)read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (len <= 0)
		return -1;
	buf[len] = 0;
	if (sscanf(buf, "count=%ld\n%7s", &n, end) != 2 || strcmp(end, "end") != 0 ||
	    buf[len - 1] != '\n')
		return -1;
	return n;
}

static void save_inplace(const char *text)
{
	int fd = open("kv", O_WRONLY | O_CREAT, 0644);

	if (fd < 0 || ftruncate(fd, 0) < 0 || write(fd, text, strlen(text)) != (ssize_t)strlen(text) ||
	    close(fd) < 0) {
		perror("crash_kv: save");
		exit(1);
	}
}

/* sync_file: fsync kv.tmp; sync_dir: fsync the directory after the
 * rename; fs: syncfs before it and after it. */
static void save_renamed(const char *text, bool sync_file, bool sync_dir, bool fs)
{
	int fd = open("kv.tmp", O_WRONLY | O_CREAT | O_TRUNC, 0644), dir;

	if (fd < 0 || write(fd, text, strlen(text)) != (ssize_t)strlen(text) ||
	    (sync_file && fsync(fd) < 0) || (fs && syncfs(fd) < 0) || close(fd) < 0 ||
	    rename("kv.tmp", "kv") < 0) {
		perror("crash_kv: save");
		exit(1);
	}
	if (!sync_dir && !fs)
		return;
	dir = open(".", O_RDONLY | O_DIRECTORY);
	if (dir < 0 || (sync_dir && fsync(dir) < 0) || (fs && syncfs(dir) < 0) || close(dir) < 0) {
		perror("crash_kv: sync .");
		exit(1);
	}
}

/* write kv.tmp, msync a shared mapping of it, rename, fsync ".". */
static void save_msync(const char *text)
{
	int fd = open("kv.tmp", O_RDWR | O_CREAT | O_TRUNC, 0644), dir;
	size_t len = strlen(text);
	void *p;

	if (fd < 0 || write(fd, text, len) != (ssize_t)len ||
	    (p = mmap(NULL, len, PROT_READ, MAP_SHARED, fd, 0)) == MAP_FAILED ||
	    msync(p, len, MS_SYNC) < 0 || munmap(p, len) < 0 || close(fd) < 0 ||
	    rename("kv.tmp", "kv") < 0) {
		perror("crash_kv: save");
		exit(1);
	}
	dir = open(".", O_RDONLY | O_DIRECTORY);
	if (dir < 0 || fsync(dir) < 0 || close(dir) < 0) {
		perror("crash_kv: fsync .");
		exit(1);
	}
}

/* The save is claimed: appended to "acked", fsynced. */
static void ack(long n)
{
	int fd = open("acked", O_WRONLY | O_APPEND | O_CREAT, 0644);
	char line[64];

	snprintf(line, sizeof(line), "count=%ld\n", n);
	if (fd < 0 || write(fd, line, strlen(line)) != (ssize_t)strlen(line) || fsync(fd) < 0 ||
	    close(fd) < 0) {
		perror("crash_kv: ack");
		exit(1);
	}
}

/* The last count ACKED says was saved, 0 none. */
static long last_acked(const char *path)
{
	FILE *f = fopen(path, "r");
	char line[64];
	long n = 0, v;

	if (!f)
		return 0;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "count=%ld", &v) == 1)
			n = v;
	fclose(f);
	return n;
}

int main(int argc, char **argv)
{
	char text[64];
	long n;

	if (argc == 3 && strcmp(argv[1], "verify") == 0) {
		if (load(argv[2]) < 0) {
			fprintf(stderr, "crash_kv: %s: corrupt store\n", argv[2]);
			return 1;
		}
		return 0;
	}
	if (argc == 4 && strcmp(argv[1], "verify-acked") == 0) {
		n = load(argv[2]);
		if (n < 0) {
			fprintf(stderr, "crash_kv: %s: corrupt store\n", argv[2]);
			return 1;
		}
		if (n < last_acked(argv[3])) {
			fprintf(stderr, "crash_kv: %s: count=%ld, but count=%ld was acknowledged\n",
				argv[2], n, last_acked(argv[3]));
			return 1;
		}
		return 0;
	}
	if (argc < 2 || argc > 3 || (argc == 3 && strcmp(argv[2], "ack") != 0) ||
	    (strcmp(argv[1], "inplace") != 0 && strcmp(argv[1], "safe") != 0 &&
	     strcmp(argv[1], "rename") != 0 && strcmp(argv[1], "nodirsync") != 0 &&
	     strcmp(argv[1], "syncfs") != 0 && strcmp(argv[1], "msync") != 0)) {
		fprintf(stderr, "usage: crash_kv inplace|rename|safe|nodirsync|syncfs|msync [ack] | "
				"crash_kv verify FILE | crash_kv verify-acked KV ACKED\n");
		return 2;
	}
	n = load("kv");
	if (n < 0) {
		fprintf(stderr, "crash_kv: kv: corrupt store\n");
		return 1;
	}
	snprintf(text, sizeof(text), "count=%ld\nend\n", n + 1);
	if (strcmp(argv[1], "inplace") == 0)
		save_inplace(text);
	else if (strcmp(argv[1], "msync") == 0)
		save_msync(text);
	else
		save_renamed(text, strcmp(argv[1], "safe") == 0 || strcmp(argv[1], "nodirsync") == 0,
			     strcmp(argv[1], "safe") == 0, strcmp(argv[1], "syncfs") == 0);
	if (argc == 3)
		ack(n + 1);
	return 0;
}
