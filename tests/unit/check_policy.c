/* check_policy.c - unit tests for the jail's seccomp deny policy
 * (sandbox/policy.c): the table's decisions without a kernel, then a live
 * tier that loads the compiled rules in a forked child with no tracer
 * attached, where a TRACE rule answers ENOSYS
 * (docs/kernel-facts.md#trace-without-tracer): no root and
 * no ptrace needed. */
#include "config.h"

#include <check.h>
#include <errno.h>
#include <linux/audit.h>
#include <sched.h>
#include <signal.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "sandbox/policy.h"

static int check(const struct sandbox_policy *p, uint32_t arch, int nr, uint64_t a0, uint64_t a1,
		 bool *report)
{
	uint64_t args[6] = { a0, a1 };

	return sandbox_policy_check(p, arch, nr, args, report);
}

START_TEST(test_allowable)
{
	ck_assert_int_eq(sandbox_policy_allowable("keyctl"), 0);
	ck_assert_int_eq(sandbox_policy_allowable("@mount"), 0);
	ck_assert_int_eq(sandbox_policy_allowable("read"), -EINVAL);
	ck_assert_int_eq(sandbox_policy_allowable("nosuchcall"), -ENOENT);
	ck_assert_int_eq(sandbox_policy_allowable("@nosuchgroup"), -ENOENT);
}
END_TEST

START_TEST(test_decisions)
{
	struct sandbox_policy *p;
	bool rep;

	ck_assert_int_eq(sandbox_policy_new(NULL, 0, &p), 0);
	ck_assert_int_eq(check(p, AUDIT_ARCH_X86_64, SYS_ptrace, 16, 1, &rep), EPERM);
	ck_assert(rep);
	ck_assert_int_eq(check(p, AUDIT_ARCH_X86_64, SYS_read, 0, 0, &rep), 0);
	/* clone: only with a namespace flag; a thread's flags pass. */
	ck_assert_int_eq(check(p, AUDIT_ARCH_X86_64, SYS_clone, CLONE_VM | CLONE_THREAD | SIGCHLD, 0, &rep), 0);
	ck_assert_int_eq(check(p, AUDIT_ARCH_X86_64, SYS_clone, CLONE_NEWUSER | SIGCHLD, 0, &rep), EPERM);
	ck_assert_int_eq(check(p, AUDIT_ARCH_X86_64, SYS_unshare, CLONE_FILES, 0, &rep), 0);
	ck_assert_int_eq(check(p, AUDIT_ARCH_X86_64, SYS_unshare, CLONE_NEWNET, 0, &rep), EPERM);
	/* ioctl: the command as the kernel reads it (32 bits). */
	ck_assert_int_eq(check(p, AUDIT_ARCH_X86_64, SYS_ioctl, 0, TCGETS, &rep), 0);
	ck_assert_int_eq(check(p, AUDIT_ARCH_X86_64, SYS_ioctl, 0, TIOCSTI | (1ULL << 32), &rep), EPERM);
	/* clone3: ENOSYS, not a violation. */
	ck_assert_int_eq(check(p, AUDIT_ARCH_X86_64, SYS_clone3, 0, 0, &rep), ENOSYS);
	ck_assert(!rep);
	/* io_uring_setup too (a probe with a fallback); entering a ring is
	 * a violation. */
	ck_assert_int_eq(check(p, AUDIT_ARCH_X86_64, SYS_io_uring_setup, 4, 0, &rep), ENOSYS);
	ck_assert(!rep);
	ck_assert_int_eq(check(p, AUDIT_ARCH_X86_64, SYS_io_uring_enter, 0, 0, &rep), EPERM);
	ck_assert(rep);
	/* openat2: its mode is out of seccomp's reach, so not at all. */
	ck_assert_int_eq(check(p, AUDIT_ARCH_X86_64, SYS_openat2, 0, 0, &rep), ENOSYS);
	ck_assert(!rep);
	/* Other ABIs, whatever the number; syscall(-1) is harmless. */
	ck_assert_int_eq(check(p, AUDIT_ARCH_I386, 20, 0, 0, &rep), EPERM);
	ck_assert_int_eq(check(p, AUDIT_ARCH_X86_64, SYS_getpid | 0x40000000, 0, 0, &rep), EPERM);
	ck_assert_int_eq(check(p, AUDIT_ARCH_X86_64, -1, 0, 0, &rep), 0);
	sandbox_policy_free(p);
}
END_TEST

START_TEST(test_allow)
{
	char *allow[] = { "keyctl", "@mount" };
	struct sandbox_policy *p;
	bool rep;

	ck_assert_int_eq(sandbox_policy_new(allow, 2, &p), 0);
	ck_assert_int_eq(check(p, AUDIT_ARCH_X86_64, SYS_keyctl, 0, 0, &rep), 0);
	ck_assert_int_eq(check(p, AUDIT_ARCH_X86_64, SYS_fsopen, 0, 0, &rep), 0);
	ck_assert_int_eq(check(p, AUDIT_ARCH_X86_64, SYS_add_key, 0, 0, &rep), EPERM);
	sandbox_policy_free(p);
}
END_TEST

START_TEST(test_format)
{
	uint64_t args[6] = { 0, TIOCSTI, 0x7ffd1000 };
	char buf[128];

	ck_assert_str_eq(sandbox_policy_format(AUDIT_ARCH_X86_64, SYS_ioctl, args, buf, sizeof(buf)),
			 "ioctl(0, 0x5412, 0x7ffd1000)");
	ck_assert_str_eq(sandbox_policy_format(AUDIT_ARCH_I386, 20, args, buf, sizeof(buf)),
			 "i386:getpid(...)");
}
END_TEST

/* The compiled rules, live: with no tracer a TRACE action is ENOSYS. */
static int child(void)
{
	struct sandbox_policy *p;
	scmp_filter_ctx ctx = seccomp_init(SCMP_ACT_ALLOW);
	char c = 0;

	if (!ctx || sandbox_policy_new(NULL, 0, &p) < 0 || sandbox_policy_add_rules(p, ctx, NULL) < 0 ||
	    seccomp_load(ctx) < 0)
		return 10;
	if (syscall(SYS_keyctl, 0, -4, 0) != -1 || errno != ENOSYS)
		return 11;
	if (ioctl(0, TIOCSTI | (1UL << 32), &c) != -1 || errno != ENOSYS)
		return 12;
	if (syscall(SYS_clone3, NULL, 0) != -1 || errno != ENOSYS)
		return 13;
	if (unshare(CLONE_NEWUSER) != -1 || errno != ENOSYS)
		return 14;
	if (unshare(CLONE_FILES) != 0)	/* no namespace flag: allowed */
		return 15;
	if (syscall(SYS_getpid | 0x40000000) != -1 || errno != ENOSYS)
		return 16;
	if (getppid() <= 0)
		return 17;
	return 0;
}

START_TEST(test_live)
{
	int status;
	pid_t pid = fork();

	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0);
		_exit(child());
	}
	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	ck_assert(WIFEXITED(status));
	ck_assert_int_eq(WEXITSTATUS(status), 0);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("policy");
	TCase *tc = tcase_create("policy");
	SRunner *sr;
	int failed;

	tcase_add_test(tc, test_allowable);
	tcase_add_test(tc, test_decisions);
	tcase_add_test(tc, test_allow);
	tcase_add_test(tc, test_format);
	tcase_add_test(tc, test_live);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
