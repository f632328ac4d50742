/* mem_tracer - escape attempt: write the memory of a process outside the
 * jail through /proc/PID/mem (in the words, the tracer's; the
 * tests name a sacrificial host process instead, never fzsandbox itself).
 * PID comes from $FZ_TRACER_PID. Opens /proc/PID/mem for writing, finds a
 * writable mapping in /proc/PID/maps, reads one byte there and writes the
 * same byte back (harmless to the process). Prints "escaped mem PID"
 * (exit 42) or "contained mem PID: error" (exit 0). */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int main(void)
{
	const char *pid = getenv("FZ_TRACER_PID");
	char path[64], line[512];
	unsigned long start = 0;
	unsigned char c;
	FILE *maps;
	int fd;

	if (!pid || !*pid) {
		fprintf(stderr, "mem_tracer: FZ_TRACER_PID is not set\n");
		return 2;
	}
	snprintf(path, sizeof(path), "/proc/%s/mem", pid);
	fd = open(path, O_RDWR);
	if (fd < 0) {
		printf("contained mem %s: open: %s\n", pid, strerror(errno));
		return 0;
	}
	snprintf(path, sizeof(path), "/proc/%s/maps", pid);
	maps = fopen(path, "r");
	if (!maps) {
		printf("contained mem %s: maps: %s\n", pid, strerror(errno));
		return 0;
	}
	while (!start && fgets(line, sizeof(line), maps)) {
		unsigned long lo, hi;
		char perms[8];

		if (sscanf(line, "%lx-%lx %7s", &lo, &hi, perms) == 3 && perms[0] == 'r' && perms[1] == 'w')
			start = lo;
	}
	fclose(maps);
	if (!start) {
		printf("contained mem %s: no writable mapping\n", pid);
		return 0;
	}
	if (pread(fd, &c, 1, (off_t)start) != 1 || pwrite(fd, &c, 1, (off_t)start) != 1) {
		printf("contained mem %s: %s\n", pid, strerror(errno));
		return 0;
	}
	printf("escaped mem %s\n", pid);
	return 42;
}
