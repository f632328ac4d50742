/* check_syscalls.c - unit tests for the syscall table (tracer/syscalls.c,
 * tracer/syscall_roles.c): every generated name has roles and every table
 * that names syscalls (the roles, the jail's deny table) names real ones;
 * the roles agree with themselves; syscall_format prints by them, with the
 * calls findings already showed printing exactly as before. */
#include "config.h"

#include <check.h>
#include <errno.h>
#include <linux/audit.h>
#include <stdio.h>
#include <string.h>

#include "sandbox/policy.h"
#include "tracer/syscall_roles.h"
#include "tracer/syscalls.h"

static const struct syscall_role *role_of(const char *name)
{
	for (size_t i = 0; i < syscall_nroles; i++)
		if (strcmp(syscall_roles[i].name, name) == 0)
			return &syscall_roles[i];
	return NULL;
}

START_TEST(test_roles_name_real_syscalls)
{
	for (size_t i = 0; i < syscall_nroles; i++) {
		const char *name = syscall_roles[i].name;

		ck_assert_msg(syscall_by_name(name), "roles name \"%s\", no such syscall", name);
		ck_assert_msg(role_of(name) == &syscall_roles[i], "two role rows for %s", name);
	}
}
END_TEST

START_TEST(test_every_syscall_has_roles)
{
	int n = 0;

	for (int nr = 0; nr < SYSCALL_MAX; nr++) {
		const struct syscall_ent *e = syscall_by_nr(nr);

		if (!e)
			continue;
		n++;
		ck_assert_msg(role_of(e->name), "%s (%d) has no row in syscall_roles.c", e->name, nr);
	}
	/* x86_64 has 0-335 and 424 on, a few never implemented. */
	ck_assert_int_ge(n, 380);
	ck_assert_uint_eq(syscall_nroles, (size_t)n);
}
END_TEST

/* Each row describes nargs arguments and nothing past them; the length
 * index points at a count; the I/O classes have a descriptor. */
START_TEST(test_roles_consistent)
{
	for (size_t i = 0; i < syscall_nroles; i++) {
		const struct syscall_role *r = &syscall_roles[i];
		const struct syscall_ent *e = syscall_by_name(r->name);

		ck_assert_msg(r->nargs <= 6, "%s: %d args", r->name, r->nargs);
		for (int a = 0; a < 6; a++)
			ck_assert_msg((a < r->nargs) == (r->args[a] != A_NONE) && r->args[a] <= A_UID,
				      "%s: argument %d's role does not fit nargs %d", r->name, a,
				      r->nargs);
		ck_assert_msg(r->len_arg >= -1 && r->len_arg < r->nargs, "%s: len_arg %d", r->name,
			      r->len_arg);
		if (r->len_arg >= 0)
			ck_assert_msg(r->args[r->len_arg] == A_SIZE || r->args[r->len_arg] == A_INT,
				      "%s: len_arg is no count", r->name);
		if (r->flags & (SC_READ | SC_WRITE))
			ck_assert_msg(e->fd_arg >= 0, "%s: I/O call without a descriptor", r->name);
		if (r->flags & SC_VECTOR)
			ck_assert(r->flags & (SC_READ | SC_WRITE));
		/* The entry is the row, with fd_arg its first descriptor. */
		ck_assert_int_eq(e->nargs, r->nargs);
		ck_assert_mem_eq(e->args, r->args, sizeof(e->args));
		ck_assert_int_eq(e->len_arg, r->len_arg);
		ck_assert_uint_eq(e->flags, r->flags);
		ck_assert(e->fd_arg == -1 || (e->args[e->fd_arg] == A_FD &&
					      memchr(e->args, A_FD, (size_t)e->fd_arg) == NULL));
	}
}
END_TEST

START_TEST(test_lookups)
{
	const struct syscall_ent *e = syscall_by_name("read");

	ck_assert_ptr_nonnull(e);
	ck_assert_int_eq(e->nr, 0);
	ck_assert_int_eq(e->fd_arg, 0);
	ck_assert_int_eq(e->len_arg, 2);
	ck_assert_uint_eq(e->flags, SC_READ);
	ck_assert_int_eq(syscall_by_name("mmap")->fd_arg, 4);
	ck_assert_int_eq(syscall_by_name("getpid")->fd_arg, -1);
	ck_assert_int_eq(syscall_by_name("getpid")->nargs, 0);
	ck_assert_int_eq(syscall_by_name("execve")->args[0], A_STR);
	/* Numbers the Debian 12 headers lack come from the generator's list. */
	ck_assert_int_eq(syscall_by_name("uretprobe")->nr, 335);
	ck_assert_int_eq(syscall_by_name("fchmodat2")->nr, 452);
	ck_assert_uint_eq(syscall_by_name("sendmsg")->flags, SC_WRITE | SC_NET | SC_VECTOR);
	ck_assert_str_eq(syscall_by_nr(1)->name, "write");
	ck_assert_ptr_null(syscall_by_nr(-1));
	ck_assert_ptr_null(syscall_by_nr(336));	/* reserved, 336-423 */
	ck_assert_ptr_null(syscall_by_nr(SYSCALL_MAX));
	ck_assert_ptr_null(syscall_by_name("nosuchsyscall"));
}
END_TEST

/* The jail's deny table (sandbox/policy.c): every name is a syscall, and
 * its detail line shows the syscall's own argument count. */
START_TEST(test_policy_names)
{
	uint64_t args[6] = { 1, 2, 3, 4, 5, 6 };
	char buf[256];
	size_t i;

	for (i = 0; sandbox_policy_deny_name(i); i++) {
		const char *name = sandbox_policy_deny_name(i);
		const struct syscall_ent *e = syscall_by_name(name);
		int commas = 0;

		ck_assert_msg(e, "the deny table names \"%s\", no such syscall", name);
		sandbox_policy_format(AUDIT_ARCH_X86_64, e->nr, args, buf, sizeof(buf));
		for (char *p = buf; *p; p++)
			commas += *p == ',';
		ck_assert_msg(commas + 1 == e->nargs, "%s: the deny table shows %s, the syscall has %d",
			      name, buf, e->nargs);
	}
	ck_assert_uint_gt(i, 30);
}
END_TEST

/* The calls findings have shown (the I/O and memory classes'), printed
 * exactly as before the table had every syscall. */
START_TEST(test_format_unchanged)
{
	static const char *const want[] = {
		"read(3, 0x7ffd1000, 4096)",
		"pread64(3, 0x7ffd1000, 4096, 64)",
		"readv(3, 0x7ffd1000, 4096)",
		"recvfrom(3, 0x7ffd1000, 4096, 0x40, 0x7ffd2000, 0x10)",
		"recvmsg(3, 0x7ffd1000, 0x1000)",
		"write(3, 0x7ffd1000, 4096)",
		"pwrite64(3, 0x7ffd1000, 4096, 64)",
		"writev(3, 0x7ffd1000, 4096)",
		"sendto(3, 0x7ffd1000, 4096, 0x40, 0x7ffd2000, 16)",
		"sendmsg(3, 0x7ffd1000, 0x1000)",
		"mmap(0x3, 2147291136, 0x1000, 0x40, 2147295232, 16)",
		"mremap(0x3, 2147291136, 4096, 0x40, 0x7ffd2000)",
		"mprotect(0x3, 2147291136, 0x1000)",
		"brk(0x3)",
		"rt_sigaction(3, 0x7ffd1000, 0x1000, 64)",
		"listen(3, 2147291136)",
		"close(3)",
	};
	uint64_t args[6] = { 3, 0x7ffd1000, 4096, 0x40, 0x7ffd2000, 16 };
	uint64_t anon[6] = { 0, 8192, 3, 0x22, (uint64_t)-1, 0 };
	char buf[256];

	for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
		char name[32];

		snprintf(name, sizeof(name), "%.*s", (int)strcspn(want[i], "("), want[i]);
		ck_assert_str_eq(syscall_format(syscall_by_name(name), args, buf, sizeof(buf)),
				 want[i]);
	}
	ck_assert_str_eq(syscall_format(syscall_by_name("mmap"), anon, buf, sizeof(buf)),
			 "mmap(0, 8192, 0x3, 0x22, -1, 0)");
}
END_TEST

START_TEST(test_format_roles)
{
	uint64_t open_args[6] = { (uint64_t)-100, 0x7ffd1000, 0x241, 0644 };
	uint64_t chown_args[6] = { 0x7ffd1000, 0xffffffff, 100 };
	uint64_t kill_args[6] = { 42, 9 };
	char buf[256];

	/* AT_FDCWD as the kernel's int; the path's address; flags hex; mode octal. */
	ck_assert_str_eq(syscall_format(syscall_by_name("openat"), open_args, buf, sizeof(buf)),
			 "openat(-100, 0x7ffd1000, 0x241, 0644)");
	/* uid -1 ("unchanged") from a 32-bit register. */
	ck_assert_str_eq(syscall_format(syscall_by_name("chown"), chown_args, buf, sizeof(buf)),
			 "chown(0x7ffd1000, -1, 100)");
	ck_assert_str_eq(syscall_format(syscall_by_name("kill"), kill_args, buf, sizeof(buf)),
			 "kill(42, 9)");
	ck_assert_str_eq(syscall_format(syscall_by_name("getpid"), kill_args, buf, sizeof(buf)),
			 "getpid()");
	/* Cut, never overrun. */
	ck_assert_str_eq(syscall_format(syscall_by_name("openat"), open_args, buf, 12),
			 "openat(-100");
}
END_TEST

/* A fake tracee: addresses are indexes into strs; 0x666 is unreadable. */
static const char *const strs[] = {
	"/etc/passwd",
	"a \"quoted\"\tname\n\x01",
	"/a/path/that/is/longer/than/thirty-two/bytes",
};

static int fake_read(void *ctx, uint64_t addr, char *dst, size_t len)
{
	size_t n;

	if (addr >= sizeof(strs) / sizeof(strs[0]))
		return -EFAULT;
	n = strlen(strs[addr]) + 1;
	if (n > len)
		n = len;
	memcpy(dst, strs[addr], n);
	return (int)n;
}

START_TEST(test_format_strings)
{
	uint64_t args[6] = { (uint64_t)-100, 0, 0, 0 };
	char buf[256];
	const struct syscall_ent *e = syscall_by_name("openat");

	ck_assert_str_eq(syscall_format_str(e, args, fake_read, NULL, buf, sizeof(buf)),
			 "openat(-100, \"/etc/passwd\", 0, 0)");
	args[1] = 1;
	ck_assert_str_eq(syscall_format_str(e, args, fake_read, NULL, buf, sizeof(buf)),
			 "openat(-100, \"a \\\"quoted\\\"\\tname\\n\\x01\", 0, 0)");
	args[1] = 2;
	ck_assert_str_eq(syscall_format_str(e, args, fake_read, NULL, buf, sizeof(buf)),
			 "openat(-100, \"/a/path/that/is/longer/than/thir\"..., 0, 0)");
	args[1] = 0x666;
	ck_assert_str_eq(syscall_format_str(e, args, fake_read, NULL, buf, sizeof(buf)),
			 "openat(-100, 0x666, 0, 0)");
	/* Only strings are read: a buffer stays an address. */
	args[1] = 0;
	ck_assert_str_eq(syscall_format_str(syscall_by_name("read"), args, fake_read, NULL, buf,
					    sizeof(buf)), "read(-100, 0, 0)");
}
END_TEST

static Suite *syscalls_suite(void)
{
	Suite *s = suite_create("syscalls");
	TCase *tc = tcase_create("tables");

	tcase_add_test(tc, test_roles_name_real_syscalls);
	tcase_add_test(tc, test_every_syscall_has_roles);
	tcase_add_test(tc, test_roles_consistent);
	tcase_add_test(tc, test_lookups);
	tcase_add_test(tc, test_policy_names);
	suite_add_tcase(s, tc);
	tc = tcase_create("format");
	tcase_add_test(tc, test_format_unchanged);
	tcase_add_test(tc, test_format_roles);
	tcase_add_test(tc, test_format_strings);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(syscalls_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? 1 : 0;
}
