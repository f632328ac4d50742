/* tiny.c - a tiny program with one write site, for runs per second. */
#include <stdio.h>
#include <unistd.h>

int main(void)
{
	static const char msg[] = "tiny\n";
	int fd = dup(1);

	if (fd < 0 || write(fd, msg, sizeof(msg) - 1) < 0)
		return 1;
	return close(fd) < 0;
}
