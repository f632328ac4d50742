/* stopcost.c - what one ptrace stop costs, without fzsandbox: a throwaway
 * tracer whose child stops at each of N getppid calls (seccomp
 * SECCOMP_RET_TRACE, PTRACE_O_TRACESECCOMP), for bench/fuzzloop.
 *
 *   stopcost N [pin]   (pin: tracer and child on CPU 0)
 *
 * Prints three numbers: a getppid natively (ns), and what a stop adds to
 * it (us), first a stop passed at once (waitpid + PTRACE_CONT), then one
 * where the tracer also reads the call (PTRACE_GET_SYSCALL_INFO), the
 * least a tracer that looks at the call does. The child times its own
 * loops with the vDSO clock (no syscall, no stop) and sends the times
 * on a pipe (write is not traced). */
#define _GNU_SOURCE
#include <errno.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <sched.h>
#include <signal.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/ptrace.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static double now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e9 + ts.tv_nsec;
}

static double loop_ns(long n)
{
	double t0 = now_ns();

	for (long i = 0; i < n; i++)
		syscall(SYS_getppid);
	return (now_ns() - t0) / n;
}

/* The child: stop for the tracer, take the filter, two timed loops. */
static void child(long n, int wfd)
{
	struct sock_filter f[] = {
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, SYS_getppid, 0, 1),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_TRACE),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
	};
	struct sock_fprog prog = { sizeof(f) / sizeof(f[0]), f };
	double t[2];

	if (raise(SIGSTOP) != 0 || prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0 ||
	    syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, &prog) != 0)
		_exit(1);
	t[0] = loop_ns(n);
	t[1] = loop_ns(n);
	_exit(write(wfd, t, sizeof(t)) == (ssize_t)sizeof(t) ? 0 : 1);
}

int main(int argc, char **argv)
{
	long n = argc > 1 ? atol(argv[1]) : 0, stops = 0;
	int pin = argc > 2 && strcmp(argv[2], "pin") == 0, p[2], st;
	struct __ptrace_syscall_info info;
	double native, t[2];
	pid_t pid;

	if (n <= 0) {
		fprintf(stderr, "usage: stopcost N [pin]\n");
		return 2;
	}
	if (pin) {
		cpu_set_t set;

		CPU_ZERO(&set);
		CPU_SET(0, &set);
		if (sched_setaffinity(0, sizeof(set), &set) != 0) {
			perror("stopcost: sched_setaffinity");
			return 1;
		}
	}
	native = loop_ns(n);
	if (pipe(p) != 0 || (pid = fork()) < 0) {
		perror("stopcost");
		return 1;
	}
	if (pid == 0) {
		close(p[0]);
		child(n, p[1]);
	}
	close(p[1]);
	if (waitpid(pid, &st, WUNTRACED) != pid || !WIFSTOPPED(st) ||
	    ptrace(PTRACE_SEIZE, pid, 0, PTRACE_O_TRACESECCOMP | PTRACE_O_EXITKILL) != 0 ||
	    kill(pid, SIGCONT) != 0) {
		perror("stopcost: attach");
		return 1;
	}
	/* The first N stops are passed at once, the next N read first. */
	for (;;) {
		int sig = 0;

		if (waitpid(pid, &st, __WALL) != pid) {
			perror("stopcost: waitpid");
			return 1;
		}
		if (WIFEXITED(st) || WIFSIGNALED(st))
			break;
		if (st >> 8 == (SIGTRAP | PTRACE_EVENT_SECCOMP << 8)) {
			if (++stops > n &&
			    ptrace(PTRACE_GET_SYSCALL_INFO, pid, sizeof(info), &info) <= 0) {
				perror("stopcost: PTRACE_GET_SYSCALL_INFO");
				return 1;
			}
		} else if (st >> 16 == 0 && WSTOPSIG(st) != SIGSTOP && WSTOPSIG(st) != SIGCONT) {
			sig = WSTOPSIG(st);	/* a signal for the child */
		}
		if (ptrace(PTRACE_CONT, pid, 0, sig) != 0 && errno != ESRCH) {
			perror("stopcost: PTRACE_CONT");
			return 1;
		}
	}
	if (!WIFEXITED(st) || WEXITSTATUS(st) != 0 || stops != 2 * n ||
	    read(p[0], t, sizeof(t)) != (ssize_t)sizeof(t)) {
		fprintf(stderr, "stopcost: the child failed (%ld stops of %ld)\n", stops, 2 * n);
		return 1;
	}
	printf("%.1f %.2f %.2f\n", native, (t[0] - native) / 1e3, (t[1] - native) / 1e3);
	return 0;
}
