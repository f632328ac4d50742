/* tiny.c - a tiny program with 20 write sites, so one fzsandbox
 * invocation makes many short runs (runs per second). It writes to a
 * regular file (in /tmp, the jail's own), not to stdout: stdout is a
 * pipe in a campaign, where no write fault is faithful in the clean run
 * (docs/faults.md#stdio), and the campaign would be one run. */
#include <fcntl.h>
#include <unistd.h>

#define W(i) if (write(fd, "tiny" #i "\n", 6 + (i >= 10)) < 0) return 1;

int main(void)
{
	int fd = open("/tmp/fz-bench-tiny.out", O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);

	if (fd < 0)
		return 1;
	W(0) W(1) W(2) W(3) W(4) W(5) W(6) W(7) W(8) W(9)
	W(10) W(11) W(12) W(13) W(14) W(15) W(16) W(17) W(18) W(19)
	return close(fd) < 0;
}
