#include "config.h"

/* check_restore.c - tracer/restore.h on a real process: the test is the
 * tracer of tests/targets/restore_probe, stops it at its getppid marker,
 * arms a restore there, and puts it back at each exit_group: every run
 * then prints the same line (its data, bss, heap, stack, break, mapping,
 * descriptor, signal handler, alternate stack and FP state are the
 * marker's again). A run that unmaps a page of the snapshot, closes or
 * replaces its descriptor (with another file, or another open of the
 * same one) is refused with a reason, or, with a donor that has the
 * descriptor, put back. Skipped where the kernel lacks WP_ASYNC or
 * PAGEMAP_SCAN (Linux 6.7). */

#include <check.h>
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ptrace.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <sys/user.h>
#include <sys/wait.h>
#include <unistd.h>

#include "tracer/restore.h"

#define RUNS 50

struct probe {
	pid_t pid, donor;
	uint8_t fx[416];	/* FXSAVE's x87 and xmm0-15 part at the marker */
	int out;		/* read end of its stdout */
	struct tracer_restore *r;
	char why[256];
	int arm_rc;
};

/* The next syscall stop (entry or exit); false when it is gone. */
static bool next_stop(pid_t pid, struct __ptrace_syscall_info *info)
{
	int status;

	for (;;) {
		ck_assert_int_eq(waitpid(pid, &status, __WALL), pid);
		if (!WIFSTOPPED(status))
			return false;
		if (WSTOPSIG(status) == (SIGTRAP | 0x80)) {
			memset(info, 0, sizeof(*info));
			ck_assert_int_gt(ptrace(PTRACE_GET_SYSCALL_INFO, pid, sizeof(*info), info), 0);
			return true;
		}
		/* exec's SIGTRAP, the first SIGSTOP: not the program's. */
		ck_assert_int_eq(ptrace(PTRACE_SYSCALL, pid, 0, 0), 0);
	}
}

/* To the entry of syscall nr; handlers, the alternate stack and calls
 * on mappings on the way noted for r (as snapshot mode's loop notes
 * them). */
static void run_to(pid_t pid, long nr, struct tracer_restore *r)
{
	struct __ptrace_syscall_info info;

	for (;;) {
		ck_assert_int_eq(ptrace(PTRACE_SYSCALL, pid, 0, 0), 0);
		ck_assert(next_stop(pid, &info));
		if (info.op != PTRACE_SYSCALL_INFO_ENTRY)
			continue;
		if ((long)info.entry.nr == nr)
			return;
		switch (r ? (long)info.entry.nr : -1L) {
		case SYS_rt_sigaction:
		case SYS_sigaltstack:
		case SYS_mmap:
		case SYS_munmap:
		case SYS_mremap:
		case SYS_mprotect:
		case SYS_brk:
			(void)tracer_restore_note(r, (long)info.entry.nr,
						  (const uint64_t *)info.entry.args);
			break;
		}
	}
}

static void fx_read(pid_t pid, uint8_t *fx)
{
	uint8_t xs[16384];
	struct iovec iov = { xs, sizeof(xs) };

	ck_assert_int_eq(ptrace(PTRACE_GETREGSET, pid, NT_X86_XSTATE, &iov), 0);
	memcpy(fx, xs, 416);
}

/* Started, stopped at its marker's entry, armed there. */
static void probe_start(struct probe *p, const char *mode)
{
	struct user_regs_struct start;
	struct tracer_restore_from from = { 0 };
	struct __ptrace_syscall_info info;
	const char *b = getenv("top_builddir");
	char prog[4096];
	int pipefd[2];

	snprintf(prog, sizeof(prog), "%s/tests/targets/restore_probe", b ? b : ".");
	memset(p, 0, sizeof(*p));
	ck_assert_int_eq(pipe2(pipefd, O_CLOEXEC), 0);
	p->pid = fork();
	ck_assert_int_ge(p->pid, 0);
	if (p->pid == 0) {
		dup2(pipefd[1], 1);
		ptrace(PTRACE_TRACEME, 0, 0, 0);
		raise(SIGSTOP);
		execl(prog, "restore_probe", mode, (char *)NULL);
		_exit(127);
	}
	close(pipefd[1]);
	p->out = pipefd[0];
	ck_assert_int_eq(waitpid(p->pid, NULL, __WALL), p->pid);
	ck_assert_int_eq(ptrace(PTRACE_SETOPTIONS, p->pid, 0,
				PTRACE_O_TRACESYSGOOD | PTRACE_O_EXITKILL), 0);
	run_to(p->pid, SYS_getppid, NULL);
	if (mode[0] >= 'A' && mode[0] <= 'Z') {
		char line[64];
		ssize_t n = read(p->out, line, sizeof(line) - 1);

		ck_assert_int_gt(n, 0);
		line[n] = 0;
		ck_assert_int_eq(sscanf(line, "donor=%d", &p->donor), 1);
	}
	/* Each run starts by making the marker's call again. */
	ck_assert_int_eq(ptrace(PTRACE_GETREGS, p->pid, 0, &start), 0);
	start.rip -= 2;
	start.rax = start.orig_rax;
	start.orig_rax = (unsigned long long)-1;
	/* Skipped now, to its exit stop, where the arming's calls start. */
	ck_assert_int_eq(ptrace(PTRACE_POKEUSER, p->pid, offsetof(struct user_regs_struct, orig_rax),
				-1L), 0);
	ck_assert_int_eq(ptrace(PTRACE_SYSCALL, p->pid, 0, 0), 0);
	ck_assert(next_stop(p->pid, &info));
	ck_assert_int_eq(info.op, PTRACE_SYSCALL_INFO_EXIT);
	fx_read(p->pid, p->fx);
	from.fds = p->donor;
	p->arm_rc = tracer_restore_arm(p->pid, &start, start.rip, &from, &p->r, p->why,
				       sizeof(p->why));
}

static void probe_end(struct probe *p)
{
	tracer_restore_free(p->r);
	if (p->donor > 0)
		kill(p->donor, SIGKILL);
	kill(p->pid, SIGKILL);
	waitpid(p->pid, NULL, __WALL);
	close(p->out);
}

/* One run to its exit_group, parked there; its line in buf. */
static void one_run(struct probe *p, char *buf, size_t len)
{
	ssize_t n;

	run_to(p->pid, SYS_exit_group, p->r);
	n = read(p->out, buf, len - 1);
	ck_assert_int_gt(n, 0);
	buf[n] = 0;
	ck_assert_int_eq(tracer_restore_park(p->r), 0);
}

static bool skipped(const struct probe *p)
{
	if (p->arm_rc == -ENOTSUP) {
		fprintf(stderr, "SKIP-CHECK: check_restore: %s\n", p->why);
		return true;
	}
	ck_assert_msg(p->arm_rc == 0, "arm: %s (%s)", strerror(-p->arm_rc), p->why);
	return false;
}

/* RUNS runs of mode, each put back (flags: tracer_restore_apply's):
 * every one prints the same line. */
static void same_runs(const char *mode, long min_reinstalled, unsigned flags)
{
	char first[512], line[512];
	struct tracer_restore_stats st;
	uint8_t fx[416];
	struct probe p;

	probe_start(&p, mode);
	if (skipped(&p)) {
		probe_end(&p);
		return;
	}
	for (int i = 0; i < RUNS; i++) {
		one_run(&p, i ? line : first, sizeof(line));
		if (i)
			ck_assert_msg(!strcmp(line, first), "%s run %d: '%s', run 0: '%s'", mode, i, line,
				      first);
		ck_assert_msg(tracer_restore_apply(p.r, flags, p.why, sizeof(p.why)) == 0,
			      "%s run %d: %s", mode, i, p.why);
		/* The run's xmm registers (x) are the marker's again. */
		fx_read(p.pid, fx);
		ck_assert_msg(!memcmp(fx, p.fx, sizeof(fx)), "run %d: FP state not put back", i);
	}
	ck_assert_msg(strstr(first, "counter=5 big=0 heap=before") &&
			      strstr(first, "stack=0 x=4.5 fd0=0"), "%s", first);
	tracer_restore_stats(p.r, &st);
	ck_assert_int_eq(st.restores, RUNS);
	ck_assert_int_ge(st.unmapped, RUNS);	/* the 300000-byte mapping */
	ck_assert_int_ge(st.closed, RUNS);	/* its descriptor */
	ck_assert_int_ge(st.pages, 4 * RUNS);	/* data, bss, heap, stack at least */
	ck_assert_int_gt(st.regions, 3);
	ck_assert_int_ge(st.reinstalled, min_reinstalled);
	ck_assert_int_ge(st.handlers, 2 * RUNS);	/* SIGUSR1's, the alternate stack */
	probe_end(&p);
}

START_TEST(every_run_the_same)
{
	same_runs("n", 0, TRACER_RESTORE_BRK);
	/* The mappings read only when a noted call changed them (mmap of
	 * malloc's 300000 bytes, each run) or the stack grew. */
	same_runs("n", 0, TRACER_RESTORE_BRK | TRACER_RESTORE_NOTED);
}
END_TEST

/* Closed, replaced by a pipe or by another open of the same file: put
 * back from the donor, every run the same again. */
START_TEST(fd_put_back_from_donor)
{
	same_runs("C", RUNS, TRACER_RESTORE_BRK | TRACER_RESTORE_NOTED);
	same_runs("D", RUNS, TRACER_RESTORE_BRK);
	same_runs("R", RUNS, TRACER_RESTORE_BRK | TRACER_RESTORE_NOTED);
}
END_TEST

static void refused(const char *mode, const char *want)
{
	char line[512];
	struct probe p;

	probe_start(&p, mode);
	if (skipped(&p)) {
		probe_end(&p);
		return;
	}
	one_run(&p, line, sizeof(line));
	ck_assert_int_eq(tracer_restore_apply(p.r, TRACER_RESTORE_BRK | TRACER_RESTORE_NOTED, p.why,
					      sizeof(p.why)), -EAGAIN);
	ck_assert_msg(strstr(p.why, want), "mode %s: '%s', not '%s'", mode, p.why, want);
	probe_end(&p);
}

START_TEST(unmapped_page_refused)
{
	refused("u", "changed");
}
END_TEST

START_TEST(closed_fd_refused)
{
	refused("c", "closed");
}
END_TEST

START_TEST(replaced_fd_refused)
{
	refused("d", "replaced");
	refused("r", "replaced");
}
END_TEST

int main(void)
{
	Suite *s = suite_create("restore");
	TCase *tc = tcase_create("core");
	SRunner *sr;
	int failed;

	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, every_run_the_same);
	tcase_add_test(tc, fd_put_back_from_donor);
	tcase_add_test(tc, unmapped_page_refused);
	tcase_add_test(tc, closed_fd_refused);
	tcase_add_test(tc, replaced_fd_refused);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? 1 : 0;
}
