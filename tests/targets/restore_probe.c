/* restore_probe: one run of state changes after a getppid marker, for
 * tests/unit/check_restore.c. Before the marker it sets up what a
 * program's start-up leaves (a heap string, data, a descriptor); after
 * it, it changes data, bss, heap and stack, grows the break, maps memory
 * (malloc's mmap), opens a descriptor, sets a SIGUSR1 handler and an
 * alternate signal stack (exit 8 when a run's are still there) and uses
 * FP registers, then prints
 * what it found before changing it. Put back in place after each run,
 * every run prints the same line. Mode (argv[1]): 'n' that alone, 'u'
 * also unmaps a page of its data, 'c' also closes the marker's
 * descriptor, 'd' also replaces it with a pipe (dup2), 'r' with another
 * open of /dev/null; 'C', 'D', 'R' do the same after forking a donor. */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <sys/mman.h>
#include <unistd.h>

static int counter = 5;			/* .data */
static char big[1 << 20];		/* .bss, mostly never touched */
static volatile double acc = 1.5;
static char altstack[65536];

static void on_usr1(int sig)
{
	(void)sig;
}

int main(int argc, char **argv)
{
	char mode = argc > 1 ? argv[1][0] : 'n';
	char *heap = malloc(64), line[512], stackbuf[8192];
	int fd0 = open("/dev/null", O_RDONLY), fd, len;
	void *brk0, *more;
	double x;

	if (!heap || fd0 < 0)
		return 2;
	/* Upper case: a donor first, a child that has fd0 too (the tracer
	 * puts fd0 back from it), its pid the first line. */
	if (mode >= 'A' && mode <= 'Z') {
		pid_t d = fork();

		if (d == 0)
			for (;;)
				pause();
		dprintf(1, "donor=%d\n", (int)d);
		mode = (char)(mode - 'A' + 'a');
	}
	strcpy(heap, "before");
	memset(stackbuf, 0, sizeof(stackbuf));
	getppid();	/* the snapshot point */

	x = acc * 3.0;	/* in xmm registers across the calls below */
	{	/* a handler and an alternate stack, checked then set */
		struct sigaction sa, old;
		stack_t ss = { .ss_sp = altstack, .ss_size = sizeof(altstack) }, oss;

		memset(&sa, 0, sizeof(sa));
		sa.sa_handler = on_usr1;
		if (sigaction(SIGUSR1, &sa, &old) != 0 || sigaltstack(&ss, &oss) != 0)
			return 7;
		if (old.sa_handler != SIG_DFL || !(oss.ss_flags & SS_DISABLE))
			return 8;	/* a run's left over */
	}
	brk0 = sbrk(0);
	if (sbrk(3 * 4096) == (void *)-1)
		return 3;
	more = malloc(300000);	/* past the mmap threshold: a mapping */
	fd = open("/dev/null", O_RDONLY);
	if (!more || fd < 0)
		return 4;
	memset(more, 7, 300000);
	len = snprintf(line, sizeof(line),
		       "counter=%d big=%d heap=%s brk=%p more=%p fd=%d stack=%d x=%g fd0=%d\n",
		       counter, big[7 * 4096], heap, brk0, more, fd, stackbuf[100], x,
		       fcntl(fd0, F_GETFD));
	counter++;
	big[7 * 4096] ^= 1;
	stackbuf[100] = 9;
	strcpy(heap, "after");
	acc = x;
	if (write(1, line, (size_t)len) != len)
		return 5;
	if (mode == 'u')
		munmap((void *)(((unsigned long)big + 3 * 4096) & ~4095UL), 4096);
	if (mode == 'c')
		close(fd0);
	if (mode == 'r') {	/* the same file, another description */
		close(fd0);
		if (open("/dev/null", O_RDONLY) != fd0)
			return 6;
	}
	if (mode == 'd') {
		int pfd[2];

		if (pipe(pfd) == 0)
			dup2(pfd[0], fd0);
	}
	_exit(0);
}
