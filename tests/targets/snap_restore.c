/* snap_restore: a program that checks, at each run, that it starts as
 * the snapshot left it, for tests/integration/snapshot_restore.sh. Its
 * set-up (before it reads stdin) fills a heap buffer and opens a file;
 * each run then checks that its counter, the buffer, its working
 * directory, its SIGUSR1 handler, its descriptors and its break are the
 * set-up's (exit 3 naming what is stale if not), then changes them all
 * as its input says: the first byte 'S' sets a handler, 'D' changes
 * directory, 'F' closes stdout at the end, 'M' maps and leaks memory,
 * 'B' grows the break, 'G' grows its stack by 1 MiB (which a fork finds
 * zero again), 'X' marks stdout close-on-exec, 'P' writes a read-only
 * page of its set-up's after mprotect (and protects it again), 'Q' maps
 * over a mapping of its set-up's with MAP_FIXED and writes there; every
 * run writes its globals and heap. A process put back in place must look
 * like a fresh fork to it. */
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

static int counter;
static char global[65536];

static void on_usr1(int sig)
{
	(void)sig;
}

static char *ro_page, *rw_pages;

/* Deep below the set-up's stack: zero in a fresh process. */
__attribute__((noinline)) static int deep_stack(int check)
{
	volatile char buf[1 << 20];

	if (check)
		return buf[4096] == 0 && buf[1 << 19] == 0;
	for (size_t i = 0; i < sizeof(buf); i += 4096)
		buf[i] = 'x';
	return 1;
}

static int stale(const char *what)
{
	dprintf(2, "stale: %s\n", what);
	return 3;
}

int main(void)
{
	char *heap = malloc(100000), in[256], cwd[256];
	int fd = open("/dev/null", O_RDONLY);
	struct sigaction sa;
	void *brk0;
	ssize_t n;

	if (!heap || fd < 0 || !getcwd(cwd, sizeof(cwd)))
		return 2;
	memset(heap, 'h', 100000);
	ro_page = mmap(NULL, 4096, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	rw_pages = mmap(NULL, 4 * 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (ro_page == MAP_FAILED || rw_pages == MAP_FAILED)
		return 2;
	memset(rw_pages, 'r', 4 * 4096);
	brk0 = sbrk(0);
	n = read(0, in, sizeof(in));	/* the snapshot point */
	if (n <= 0)
		return 1;
	{
		char now[256];

		if (counter != 0)
			return stale("counter");
		if (heap[99999] != 'h' || heap[0] != 'h' || global[4096] != 0)
			return stale("memory");
		if (!getcwd(now, sizeof(now)) || strcmp(now, cwd) != 0)
			return stale("directory");
		if (sigaction(SIGUSR1, NULL, &sa) != 0 || sa.sa_handler != SIG_DFL)
			return stale("handler");
		if (fcntl(fd, F_GETFD) < 0 || fcntl(1, F_GETFD) < 0)
			return stale("descriptor");
		if (sbrk(0) != brk0)
			return stale("break");
		if (!deep_stack(1))
			return stale("stack below the set-up's");
		if (fcntl(1, F_GETFD) != 0)
			return stale("stdout's close-on-exec flag");
		if (ro_page[0] != 0)
			return stale("read-only page");
		if (rw_pages[4096] != 'r')
			return stale("mapping mapped over");
	}
	counter++;
	memset(global, in[0], sizeof(global));
	memset(heap, in[n - 1], 100000);
	if (open("/dev/null", O_RDONLY) < 0)
		return 2;
	switch (in[0]) {
	case 'S':
		memset(&sa, 0, sizeof(sa));
		sa.sa_handler = on_usr1;
		sigaction(SIGUSR1, &sa, NULL);
		break;
	case 'D':
		if (chdir("/") != 0)
			return 2;
		break;
	case 'M':
		if (mmap(NULL, 1 << 20, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0) ==
		    MAP_FAILED)
			return 2;
		break;
	case 'B':
		if (sbrk(1 << 16) == (void *)-1)
			return 2;
		break;
	case 'G':
		deep_stack(0);
		break;
	case 'X':
		if (fcntl(1, F_SETFD, FD_CLOEXEC) != 0)
			return 2;
		break;
	case 'P':
		if (mprotect(ro_page, 4096, PROT_READ | PROT_WRITE) != 0)
			return 2;
		ro_page[0] = 'w';
		if (mprotect(ro_page, 4096, PROT_READ) != 0)
			return 2;
		break;
	case 'Q':
		if (mmap(rw_pages, 4 * 4096, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0) != rw_pages)
			return 2;
		memset(rw_pages, 'q', 4 * 4096);
		break;
	}
	printf("%c %zd\n", in[0], n);
	if (fflush(stdout) != 0)
		return 2;
	if (in[0] == 'F')
		close(1);
	return 0;
}
