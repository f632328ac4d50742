/* vm_write_parent - escape attempt: write into the parent's memory with
 * process_vm_writev (outside a jail the parent is the tracer itself). The
 * byte written is the first of its argv[0], where /proc/PPID/stat says it
 * is, and it is written back unchanged. Where that address cannot be read
 * (the jail's init is not dumpable) the call is still made, at a dummy
 * address: the call itself is what the jail must stop. Prints "escaped
 * process_vm_writev PID" or "contained process_vm_writev PID: error". */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/uio.h>
#include <unistd.h>

/* Field 48 of /proc/PID/stat (0 when we may not see it). */
static unsigned long arg_start(pid_t pid)
{
	char path[64], buf[4096], *p;
	unsigned long v = 0;
	int fd, n, field = 2;

	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	fd = open(path, O_RDONLY);
	if (fd < 0)
		return 0;
	n = (int)read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return 0;
	buf[n] = 0;
	p = strrchr(buf, ')');
	while (p && field < 48) {
		p = strchr(p + 1, ' ');
		field++;
	}
	if (p)
		sscanf(p + 1, "%lu", &v);
	return v;
}

/* Global, never inlined or cloned, and no tail call inside: the
 * violation's stack must show it (targets build with -O2 after -O0). */
__attribute__((noipa, optimize("no-optimize-sibling-calls"))) ssize_t attempt(pid_t pid, char *byte, unsigned long addr)
{
	struct iovec l = { byte, 1 }, r = { (void *)addr, 1 };

	return process_vm_writev(pid, &l, 1, &r, 1, 0);
}

int main(void)
{
	pid_t pid = getppid();
	unsigned long addr = arg_start(pid);
	char path[64], byte = 0;
	int fd;

	snprintf(path, sizeof(path), "/proc/%d/cmdline", (int)pid);
	fd = open(path, O_RDONLY);
	if (addr == 0 || fd < 0 || read(fd, &byte, 1) != 1) {
		printf("note: the parent's argv is not visible; writing at a dummy address\n");
		addr = 4096;
	}
	if (fd >= 0)
		close(fd);
	if (attempt(pid, &byte, addr) == 1)
		printf("escaped process_vm_writev %d\n", (int)pid);
	else
		printf("contained process_vm_writev %d: %s\n", (int)pid, strerror(errno));
	return 0;
}
