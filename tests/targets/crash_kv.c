/* crash_kv.c - a target for --crash-at=durability and --recover.
 *
 *   crash_kv inplace     read the counter store "kv" in the working
 *                        directory, add one, save it in place: ftruncate
 *                        to 0, then one write of the new contents
 *   crash_kv rename      the same saved as a new file renamed over kv:
 *                        write kv.tmp, rename it (no fsync)
 *   crash_kv safe        the same saved safely: write kv.tmp, fsync it,
 *                        rename it over kv, fsync the directory
 *   crash_kv verify FILE exit 1 unless FILE is a sound store
 *
 * A store is "count=N\nend\n". Each mode starts by loading kv and exits 1
 * ("corrupt store") when it is not sound: the restart after a crash is
 * the recovery. inplace's bug: killed between the truncate and the
 * write, it leaves an empty file, which no restart can read. rename's:
 * after a power cut (--crash-drop) kv may be the new, empty file. */
#pragma GCC optimize("O0")
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
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

static void save_renamed(const char *text, bool sync)
{
	int fd = open("kv.tmp", O_WRONLY | O_CREAT | O_TRUNC, 0644), dir;

	if (fd < 0 || write(fd, text, strlen(text)) != (ssize_t)strlen(text) ||
	    (sync && fsync(fd) < 0) || close(fd) < 0 || rename("kv.tmp", "kv") < 0) {
		perror("crash_kv: save");
		exit(1);
	}
	if (!sync)
		return;
	dir = open(".", O_RDONLY | O_DIRECTORY);
	if (dir < 0 || fsync(dir) < 0 || close(dir) < 0) {
		perror("crash_kv: fsync .");
		exit(1);
	}
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
	if (argc != 2 || (strcmp(argv[1], "inplace") != 0 && strcmp(argv[1], "safe") != 0 &&
			  strcmp(argv[1], "rename") != 0)) {
		fprintf(stderr, "usage: crash_kv inplace|rename|safe | crash_kv verify FILE\n");
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
	else
		save_renamed(text, strcmp(argv[1], "safe") == 0);
	return 0;
}
