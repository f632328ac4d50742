/* check_core.c - unit tests for the pure parts of cli/, inject/ and
 * tracer/: durations, fault specs, class lists, the fd-type fault table,
 * the syscall table. */
#include "config.h"

#include <check.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "cli/duration.h"
#include "inject/inject.h"
#include "inject/io_table.h"
#include "tracer/syscalls.h"

START_TEST(test_duration_ok)
{
	long ms;

	ck_assert_int_eq(parse_duration("250ms", &ms), 0);
	ck_assert_int_eq(ms, 250);
	ck_assert_int_eq(parse_duration("2s", &ms), 0);
	ck_assert_int_eq(ms, 2000);
	ck_assert_int_eq(parse_duration("1.5s", &ms), 0);
	ck_assert_int_eq(ms, 1500);
	ck_assert_int_eq(parse_duration("3m", &ms), 0);
	ck_assert_int_eq(ms, 180000);
	ck_assert_int_eq(parse_duration("1h", &ms), 0);
	ck_assert_int_eq(ms, 3600000);
	ck_assert_int_eq(parse_duration("7", &ms), 0);
	ck_assert_int_eq(ms, 7000);
}
END_TEST

START_TEST(test_duration_bad)
{
	long ms = 42;

	ck_assert_int_eq(parse_duration("abc", &ms), -EINVAL);
	ck_assert_int_eq(parse_duration("", &ms), -EINVAL);
	ck_assert_int_eq(parse_duration("-1s", &ms), -EINVAL);
	ck_assert_int_eq(parse_duration("5x", &ms), -EINVAL);
	ck_assert_int_eq(parse_duration("1e40s", &ms), -EINVAL);
	ck_assert_int_eq(ms, 42);
}
END_TEST

START_TEST(test_duration_format)
{
	char buf[32];

	ck_assert_str_eq(format_duration(2000, buf, sizeof(buf)), "2s");
	ck_assert_str_eq(format_duration(250, buf, sizeof(buf)), "250ms");
}
END_TEST

START_TEST(test_classes)
{
	unsigned m;
	char bad[64];

	ck_assert_int_eq(inject_parse_classes("io,alloc", &m, bad, sizeof(bad)), 0);
	ck_assert_uint_eq(m, IC_IO | IC_ALLOC);
	ck_assert_int_eq(inject_parse_classes("none", &m, bad, sizeof(bad)), 0);
	ck_assert_uint_eq(m, 0);
	ck_assert_int_eq(inject_parse_classes("io,bogus", &m, bad, sizeof(bad)), -EINVAL);
	ck_assert_str_eq(bad, "bogus");
}
END_TEST

START_TEST(test_spec_forms)
{
	struct plan_fault pf;
	char bad[64];
	int site;

	ck_assert_int_eq(plan_fault_parse("read:short=7@site#2", &pf, &site, bad, sizeof(bad)), 0);
	ck_assert_str_eq(pf.call, "read");
	ck_assert_int_eq(pf.fault.type, FT_SHORT);
	ck_assert_int_eq(pf.fault.count, 7);
	ck_assert_int_eq(site, 2);
	ck_assert_int_eq(pf.occurrence, 1);

	ck_assert_int_eq(plan_fault_parse("write:ENOSPC@3", &pf, &site, bad, sizeof(bad)), 0);
	ck_assert_int_eq(pf.fault.type, FT_ERRNO);
	ck_assert_int_eq(pf.fault.err, ENOSPC);
	ck_assert_int_eq(pf.occurrence, 3);
	ck_assert_int_eq(site, -1);

	ck_assert_int_eq(plan_fault_parse("malloc:NULL@caller=handle_set:2", &pf, &site, bad,
					  sizeof(bad)), 0);
	ck_assert_str_eq(pf.caller, "handle_set");
	ck_assert_int_eq(pf.occurrence, 2);
	ck_assert_int_eq(pf.thread, -1);

	/* The kernel level of alloc: ENOMEM (one-shot) and exhaust. */
	ck_assert_int_eq(plan_fault_parse("mmap:ENOMEM@2", &pf, &site, bad, sizeof(bad)), 0);
	ck_assert_str_eq(pf.call, "mmap");
	ck_assert_int_eq(pf.fault.type, FT_ERRNO);
	ck_assert_int_eq(pf.fault.err, ENOMEM);
	ck_assert_int_eq(pf.occurrence, 2);
	ck_assert_int_eq(plan_fault_parse("brk:ENOMEM@caller=grow", &pf, &site, bad, sizeof(bad)), 0);
	ck_assert_str_eq(pf.caller, "grow");
	ck_assert_int_eq(pf.fault.type, FT_ERRNO);
	ck_assert_int_eq(plan_fault_parse("mprotect:exhaust@3", &pf, &site, bad, sizeof(bad)), 0);
	ck_assert_int_eq(pf.fault.type, FT_EXHAUST);
	ck_assert_int_eq(pf.occurrence, 3);
	ck_assert_int_eq(plan_fault_parse("mremap:exhaust@site#4:2", &pf, &site, bad, sizeof(bad)), 0);
	ck_assert_int_eq(pf.fault.type, FT_EXHAUST);
	ck_assert_int_eq(site, 4);
	ck_assert_int_eq(pf.occurrence, 2);
}
END_TEST

START_TEST(test_spec_bad)
{
	struct plan_fault pf;
	char bad[64];
	int site;

	ck_assert_int_eq(plan_fault_parse("read:short=x", &pf, &site, bad, sizeof(bad)), -EINVAL);
	ck_assert_str_eq(bad, "short=x");
	ck_assert_int_eq(plan_fault_parse("nosuchcall:EIO", &pf, &site, bad, sizeof(bad)), -EINVAL);
	ck_assert_str_eq(bad, "nosuchcall");
	ck_assert_int_eq(plan_fault_parse("read:NULL", &pf, &site, bad, sizeof(bad)), -EINVAL);
	ck_assert_int_eq(plan_fault_parse("malloc:EIO", &pf, &site, bad, sizeof(bad)), -EINVAL);
	ck_assert_int_eq(plan_fault_parse("read:EIO@0", &pf, &site, bad, sizeof(bad)), -EINVAL);
	ck_assert_str_eq(bad, "0");
	ck_assert_int_eq(plan_fault_parse("read:EIO@site#", &pf, &site, bad, sizeof(bad)), -EINVAL);
	ck_assert_int_eq(plan_fault_parse("readEIO", &pf, &site, bad, sizeof(bad)), -EINVAL);
	/* exhaust is for the memory syscalls only; they take nothing else. */
	ck_assert_int_eq(plan_fault_parse("read:exhaust", &pf, &site, bad, sizeof(bad)), -EINVAL);
	ck_assert_str_eq(bad, "exhaust");
	ck_assert_int_eq(plan_fault_parse("malloc:exhaust", &pf, &site, bad, sizeof(bad)), -EINVAL);
	ck_assert_int_eq(plan_fault_parse("mmap:EIO", &pf, &site, bad, sizeof(bad)), -EINVAL);
	ck_assert_int_eq(plan_fault_parse("brk:NULL", &pf, &site, bad, sizeof(bad)), -EINVAL);
	ck_assert_int_eq(plan_fault_parse("mprotect:short", &pf, &site, bad, sizeof(bad)), -EINVAL);
}
END_TEST

START_TEST(test_fault_roundtrip)
{
	static const char *const names[] = { "NULL", "EIO", "ENOSPC", "EAGAIN", "EINTR",
					      "ECONNRESET", "short", "short=7", "ENOMEM", "exhaust" };
	struct fault f;
	char buf[32];

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		ck_assert_int_eq(fault_parse(names[i], &f), 0);
		ck_assert_str_eq(fault_format(&f, buf, sizeof(buf)), names[i]);
	}
	ck_assert_int_eq(fault_parse("EPERM", &f), -EINVAL);
	ck_assert_int_eq(fault_parse("short=0", &f), -EINVAL);
}
END_TEST

static unsigned allowed(enum fd_type t, bool nb, bool write, long count, bool intr)
{
	struct fd_info fi = { t, nb, 0 };
	struct io_call c = { .write = write, .count = count, .interruptible = intr };

	return io_faults_allowed(&fi, &c);
}

START_TEST(test_io_table)
{
	/* Regular files: never EAGAIN or EINTR, even non-blocking. */
	ck_assert_uint_eq(allowed(FDT_REG, true, false, 4096, true), IOF_SHORT | IOF_EIO);
	ck_assert_uint_eq(allowed(FDT_REG, false, true, 4096, false), IOF_SHORT | IOF_EIO | IOF_ENOSPC);
	/* A 1-byte read cannot be shorter. */
	ck_assert_uint_eq(allowed(FDT_REG, false, false, 1, false), IOF_EIO);
	/* Pipe writes up to PIPE_BUF are atomic; a larger blocking one is
	 * only cut short by a handled signal, a non-blocking one by a full
	 * pipe. */
	ck_assert_uint_eq(allowed(FDT_PIPE, false, true, 4096, true) & IOF_SHORT, 0);
	ck_assert_uint_eq(allowed(FDT_PIPE, false, true, 4097, false) & IOF_SHORT, 0);
	ck_assert_uint_ne(allowed(FDT_PIPE, true, true, 4097, false) & IOF_SHORT, 0);
	/* EAGAIN only when non-blocking; EINTR only with an interrupting
	 * handler on a blocking fd. */
	ck_assert_uint_eq(allowed(FDT_PIPE, false, false, 100, false) & (IOF_EAGAIN | IOF_EINTR), 0);
	ck_assert_uint_eq(allowed(FDT_PIPE, true, false, 100, true) & (IOF_EAGAIN | IOF_EINTR), IOF_EAGAIN);
	ck_assert_uint_eq(allowed(FDT_PIPE, false, false, 100, true) & (IOF_EAGAIN | IOF_EINTR), IOF_EINTR);
	/* Datagrams are never split; sockets reset. */
	ck_assert_uint_eq(allowed(FDT_DGRAM, false, false, 100, false), 0);
	ck_assert_uint_ne(allowed(FDT_STREAM, false, false, 100, false) & IOF_ECONNRESET, 0);
	ck_assert_uint_eq(allowed(FDT_OTHER, true, false, 100, true), 0);
}
END_TEST

START_TEST(test_io_blocking_writes)
{
	struct fd_info fi = { FDT_STREAM, false, AF_INET };
	struct io_call c = { .write = true, .count = 100 };

	/* No handler: a blocking socket write completes or fails whole. */
	ck_assert_uint_eq(io_faults_allowed(&fi, &c) & IOF_SHORT, 0);
	c.handled = true;	/* even with SA_RESTART, partial counts return */
	ck_assert_uint_ne(io_faults_allowed(&fi, &c) & IOF_SHORT, 0);
	ck_assert_uint_ne(io_faults_allowed(&fi, &c) & IOF_ECONNRESET, 0);
	/* Unix stream peers give EPIPE on send, never ECONNRESET. */
	fi.family = AF_UNIX;
	ck_assert_uint_eq(io_faults_allowed(&fi, &c) & IOF_ECONNRESET, 0);
	c.write = false;
	ck_assert_uint_ne(io_faults_allowed(&fi, &c) & IOF_ECONNRESET, 0);
	/* Regular files: a full disk cuts any write short. */
	fi.type = FDT_REG;
	c.write = true;
	c.handled = false;
	ck_assert_uint_ne(io_faults_allowed(&fi, &c) & IOF_SHORT, 0);
}
END_TEST

START_TEST(test_io_vector_waitall)
{
	struct fd_info fi = { FDT_STREAM, false, AF_INET };
	struct io_call c = { .count = 100, .vector = true };

	ck_assert_uint_eq(io_faults_allowed(&fi, &c) & IOF_SHORT, 0);
	c.vector = false;
	c.waitall = true;
	ck_assert_uint_eq(io_faults_allowed(&fi, &c) & IOF_SHORT, 0);
	c.waitall = false;
	c.dontwait = true;
	ck_assert_uint_ne(io_faults_allowed(&fi, &c) & IOF_EAGAIN, 0);
}
END_TEST

START_TEST(test_syscall_table)
{
	const struct syscall_ent *e = syscall_by_name("read");
	uint64_t args[6] = { 3, 0x1000, 4096 };
	char buf[128];

	ck_assert_ptr_nonnull(e);
	ck_assert_int_eq(e->nr, 0);
	ck_assert_int_eq(e->fd_arg, 0);
	ck_assert_int_eq(e->len_arg, 2);
	ck_assert(e->flags & SC_READ);
	ck_assert_str_eq(syscall_format(e, args, buf, sizeof(buf)), "read(3, 0x1000, 4096)");
	e = syscall_by_name("sendmsg");
	ck_assert(e && (e->flags & SC_WRITE) && (e->flags & SC_VECTOR));
	ck_assert_ptr_null(syscall_by_name("nosuchsyscall"));
	ck_assert_ptr_null(syscall_by_nr(-1));
	ck_assert_str_eq(syscall_by_nr(1)->name, "write");
}
END_TEST

static Suite *core_suite(void)
{
	Suite *s = suite_create("core");
	TCase *tc = tcase_create("parsing");

	tcase_add_test(tc, test_duration_ok);
	tcase_add_test(tc, test_duration_bad);
	tcase_add_test(tc, test_duration_format);
	tcase_add_test(tc, test_classes);
	tcase_add_test(tc, test_spec_forms);
	tcase_add_test(tc, test_spec_bad);
	tcase_add_test(tc, test_fault_roundtrip);
	suite_add_tcase(s, tc);
	tc = tcase_create("tables");
	tcase_add_test(tc, test_io_table);
	tcase_add_test(tc, test_io_vector_waitall);
	tcase_add_test(tc, test_io_blocking_writes);
	tcase_add_test(tc, test_syscall_table);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(core_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
