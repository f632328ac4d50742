/* check_core.c - unit tests for the pure parts of cli/, inject/ and
 * tracer/: durations, fault specs, class lists, the fd-type fault table
 * (the syscall table has check_syscalls). */
#include "config.h"

#include <check.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "cli/duration.h"
#include "inject/inject.h"
#include "inject/io_table.h"

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
	/* No unit: refused, never taken as seconds. */
	ck_assert_int_eq(parse_duration("7", &ms), -EDOM);
	ck_assert_int_eq(parse_duration("90", &ms), -EDOM);
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
	ck_assert_uint_eq(m, inject_default_classes());
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

	/* libc's name for a syscall with another: the syscall's. */
	ck_assert_int_eq(plan_fault_parse("pread:EIO", &pf, &site, bad, sizeof(bad)), 0);
	ck_assert_str_eq(pf.call, "pread64");
	ck_assert_int_eq(plan_fault_parse("write:ENOSPC@3", &pf, &site, bad, sizeof(bad)), 0);
	ck_assert_int_eq(pf.fault.type, FT_ERRNO);
	ck_assert_int_eq(pf.fault.err, ENOSPC);
	ck_assert_int_eq(pf.occurrence, 3);
	ck_assert_int_eq(site, -1);

	ck_assert_int_eq(plan_fault_parse("malloc:NULL@caller=handle_set:2", &pf, &site, bad,
					  sizeof(bad)), 0);
	ck_assert_str_eq(pf.caller, "handle_set");
	ck_assert_int_eq(pf.occurrence, 2);
	ck_assert_int_eq(plan_fault_parse("malloc:NULL@caller=app::Table::build(unsigned long):3",
					  &pf, &site, bad, sizeof(bad)), 0);
	ck_assert_str_eq(pf.caller, "app::Table::build(unsigned long)");
	ck_assert_int_eq(pf.occurrence, 3);
	ck_assert_int_eq(plan_fault_parse("malloc:NULL@caller=ns::f", &pf, &site, bad, sizeof(bad)), 0);
	ck_assert_str_eq(pf.caller, "ns::f");
	ck_assert_int_eq(pf.occurrence, 1);
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
	ck_assert_int_eq(plan_fault_parse("read:EIO@site#0:2", &pf, &site, bad, sizeof(bad)), 0);
	ck_assert_int_eq(site, 0);
	ck_assert_int_eq(pf.occurrence, 2);
	ck_assert_int_eq(plan_fault_parse("read:EIO@site#01x", &pf, &site, bad, sizeof(bad)), -EINVAL);
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

/* Clock steps (inject/clock_step.c): signed durations with a day unit, a
 * clock predicate anywhere among the predicates, never MONOTONIC or
 * BOOTTIME backwards; the shortest exact form back. */
START_TEST(test_spec_steps)
{
	static const char *const ok[][2] = {
		{ "clock_gettime:step=+3600s@5", "step=+1h" },
		{ "clock_gettime:step=-90s", "step=-90s" },
		{ "clock_gettime:step=1.5h@clock=monotonic", "step=+90m@clock=monotonic" },
		{ "clock_gettime:step=+2d@caller=tick:3@clock=boottime", "step=+2d@clock=boottime" },
		{ "gettimeofday:step=-250ms@clock=realtime", "step=-250ms" },
		{ "time:step=+1us@site#4:2", "step=+1us" },
	};
	static const char *const bad_specs[] = {
		"clock_gettime:step", "clock_gettime:step=", "clock_gettime:step=+1",
		"clock_gettime:step=+1x", "clock_gettime:step=-1h@clock=monotonic",
		"clock_gettime:step=-1s@clock=boottime", "clock_gettime:step=+1h@clock=lunar",
		"clock_gettime:step=+0s", "clock_gettime:step=+99999d", "read:step=+1h",
		"clock_gettime:EIO@clock=realtime", "clock_gettime:step=++1h",
	};
	struct plan_fault pf;
	char bad[64], buf[32];
	int site;

	for (size_t i = 0; i < sizeof(ok) / sizeof(*ok); i++) {
		ck_assert_msg(plan_fault_parse(ok[i][0], &pf, &site, bad, sizeof(bad)) == 0,
			      "%s refused at %s", ok[i][0], bad);
		ck_assert_int_eq(pf.fault.type, FT_STEP);
		ck_assert_str_eq(fault_format(&pf.fault, buf, sizeof(buf)), ok[i][1]);
	}
	ck_assert_int_eq(plan_fault_parse("clock_gettime:step=+3600s@5", &pf, &site, bad,
					  sizeof(bad)), 0);
	ck_assert_int_eq(pf.occurrence, 5);
	ck_assert_int_eq(pf.fault.count, 3600000000000L);
	ck_assert_int_eq(plan_fault_parse("clock_gettime:step=+2d@caller=tick:3@clock=boottime",
					  &pf, &site, bad, sizeof(bad)), 0);
	ck_assert_str_eq(pf.caller, "tick");
	ck_assert_int_eq(pf.occurrence, 3);
	for (size_t i = 0; i < sizeof(bad_specs) / sizeof(*bad_specs); i++)
		ck_assert_msg(plan_fault_parse(bad_specs[i], &pf, &site, bad, sizeof(bad)) == -EINVAL,
			      "%s accepted", bad_specs[i]);
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

/* An fd of type t; avail/space describe its queue (-1 unknown). */
static unsigned allowed(enum fd_type t, int family, bool nb, long avail, long space, bool write,
			long count, bool intr, bool handled)
{
	struct fd_info fi = { t, nb, family, avail, space, avail < 0 ? -1 : avail > 0, -1, false };
	struct io_call c = { .write = write, .count = count, .interruptible = intr,
			     .handled = handled };

	return io_faults_allowed(&fi, &c);
}

START_TEST(test_io_files)
{
	/* Regular files: never EAGAIN or EINTR, even non-blocking; a full
	 * disk is the fs class's; a 1-byte read cannot be shorter. */
	ck_assert_uint_eq(allowed(FDT_REG, 0, true, -1, -1, false, 4096, true, true), IOF_SHORT | IOF_EIO);
	ck_assert_uint_eq(allowed(FDT_REG, 0, false, -1, -1, true, 4096, false, false),
			  IOF_SHORT | IOF_EIO);
	ck_assert_uint_eq(allowed(FDT_REG, 0, false, -1, -1, false, 1, false, false), IOF_EIO);
	ck_assert_uint_eq(allowed(FDT_OTHER, 0, true, 0, 0, false, 100, true, true), 0);
}
END_TEST

START_TEST(test_io_blocking_states)
{
	/* EAGAIN: non-blocking and nothing to read. Data there: no EAGAIN,
	 * which edge-triggered loops rely on. */
	ck_assert_uint_ne(allowed(FDT_PIPE, 0, true, 0, 4096, false, 100, false, false) & IOF_EAGAIN, 0);
	ck_assert_uint_eq(allowed(FDT_PIPE, 0, true, 10, 4096, false, 100, false, false) & IOF_EAGAIN, 0);
	ck_assert_uint_eq(allowed(FDT_PIPE, 0, false, 0, 4096, false, 100, false, false) & IOF_EAGAIN, 0);
	/* EINTR: blocking, blocked, and an interrupting handler. */
	ck_assert_uint_ne(allowed(FDT_PIPE, 0, false, 0, 4096, false, 100, true, true) & IOF_EINTR, 0);
	ck_assert_uint_eq(allowed(FDT_PIPE, 0, false, 8, 4096, false, 100, true, true) & IOF_EINTR, 0);
	ck_assert_uint_eq(allowed(FDT_PIPE, 0, false, 0, 4096, false, 100, false, true) & IOF_EINTR, 0);
	ck_assert_uint_eq(allowed(FDT_PIPE, 0, true, 0, 4096, false, 100, true, true) & IOF_EINTR, 0);
	/* Unknown queue state withholds both. */
	ck_assert_uint_eq(allowed(FDT_TTY, 0, true, -1, -1, false, 100, true, true) &
			  (IOF_EAGAIN | IOF_EINTR), 0);
}
END_TEST

START_TEST(test_io_eof)
{
	/* End of file (writers gone, peer shut down): nothing queued, yet a
	 * read returns 0 at once, never EAGAIN or EINTR. */
	struct fd_info fi = { FDT_PIPE, true, 0, 0, 4096, 1, -1, false };
	struct io_call c = { .count = 100, .interruptible = true };

	ck_assert_uint_eq(io_faults_allowed(&fi, &c) & IOF_EAGAIN, 0);
	fi.nonblock = false;
	ck_assert_uint_eq(io_faults_allowed(&fi, &c) & IOF_EINTR, 0);
	fi.read_ready = 0;
	ck_assert_uint_ne(io_faults_allowed(&fi, &c) & IOF_EINTR, 0);
}
END_TEST

START_TEST(test_io_short_reads)
{
	/* Pipes, unix stream sockets and ttys hand over all that is queued:
	 * a whole message is never split. TCP segments data arbitrarily. */
	ck_assert_uint_eq(allowed(FDT_PIPE, 0, false, 8, -1, false, 8, false, false) & IOF_SHORT, 0);
	ck_assert_uint_eq(allowed(FDT_STREAM, AF_UNIX, false, 80, -1, false, 80, false, false) & IOF_SHORT, 0);
	ck_assert_uint_eq(allowed(FDT_TTY, 0, false, 80, -1, false, 80, false, false) & IOF_SHORT, 0);
	ck_assert_uint_ne(allowed(FDT_STREAM, AF_INET, false, 80, -1, false, 80, false, false) & IOF_SHORT, 0);
	/* Datagrams are never split. */
	ck_assert_uint_eq(allowed(FDT_DGRAM, AF_INET, false, 80, -1, false, 80, false, false) & IOF_SHORT, 0);
}
END_TEST

START_TEST(test_io_short_writes)
{
	/* Room for everything: never short. */
	ck_assert_uint_eq(allowed(FDT_STREAM, AF_INET, true, 0, 1 << 20, true, 100, false, true) & IOF_SHORT, 0);
	/* Non-blocking with partial room: takes what fits. */
	ck_assert_uint_ne(allowed(FDT_STREAM, AF_INET, true, 0, 50, true, 100, false, false) & IOF_SHORT, 0);
	/* Blocking with partial room: only when a handled signal runs (even
	 * with SA_RESTART, so "handled", not "interruptible"). */
	ck_assert_uint_eq(allowed(FDT_STREAM, AF_INET, false, 0, 50, true, 100, false, false) & IOF_SHORT, 0);
	ck_assert_uint_ne(allowed(FDT_STREAM, AF_INET, false, 0, 50, true, 100, false, true) & IOF_SHORT, 0);
	/* Pipe writes of at most PIPE_BUF bytes are atomic. */
	ck_assert_uint_eq(allowed(FDT_PIPE, 0, true, 0, 100, true, 4096, false, true) & IOF_SHORT, 0);
	ck_assert_uint_ne(allowed(FDT_PIPE, 0, true, 0, 100, true, 4097, false, true) & IOF_SHORT, 0);
}
END_TEST

START_TEST(test_io_write_eagain)
{
	/* Room for part of it: a non-blocking write takes what fits and
	 * returns the count; EAGAIN only when nothing fits. */
	ck_assert_uint_eq(allowed(FDT_PIPE, 0, true, 0, 65536, true, 100000, false, false) & IOF_EAGAIN, 0);
	ck_assert_uint_ne(allowed(FDT_PIPE, 0, true, 0, 65536, true, 100000, false, false) & IOF_SHORT, 0);
	ck_assert_uint_ne(allowed(FDT_PIPE, 0, true, 0, 0, true, 100000, false, false) & IOF_EAGAIN, 0);
	/* An atomic pipe write that does not fit waits whole. */
	ck_assert_uint_ne(allowed(FDT_PIPE, 0, true, 0, 50, true, 100, false, false) & IOF_EAGAIN, 0);
	ck_assert_uint_eq(allowed(FDT_PIPE, 0, true, 0, 50, true, 100, false, false) & IOF_SHORT, 0);
	ck_assert_uint_eq(allowed(FDT_STREAM, AF_INET, true, 0, 10, true, 100, false, false) & IOF_EAGAIN, 0);
	ck_assert_uint_ne(allowed(FDT_STREAM, AF_INET, true, 0, 0, true, 100, false, false) & IOF_EAGAIN, 0);
}
END_TEST

START_TEST(test_io_resets)
{
	/* A reset is sent for real by the peer's end, so only when fzsandbox
	 * holds it (the service driver's): ECONNRESET while established (a
	 * read only with nothing queued), EPIPE on a write after the peer's
	 * FIN; never on a unix-domain socket (EPIPE or EOF there). */
	struct fd_info fi = { FDT_STREAM, false, AF_INET, 0, 1 << 20, 0, TCP_ESTABLISHED, true };
	struct io_call rd = { .count = 100 }, wr = { .write = true, .count = 100 };

	ck_assert_uint_ne(io_faults_allowed(&fi, &rd) & IOF_ECONNRESET, 0);
	ck_assert_uint_ne(io_faults_allowed(&fi, &wr) & IOF_ECONNRESET, 0);
	ck_assert_uint_eq(io_faults_allowed(&fi, &wr) & IOF_EPIPE, 0);
	fi.avail = 10;	/* queued bytes come before the reset */
	fi.read_ready = 1;
	ck_assert_uint_eq(io_faults_allowed(&fi, &rd) & IOF_ECONNRESET, 0);
	fi.avail = 0;
	fi.read_ready = 0;
	fi.tcp_state = TCP_CLOSE_WAIT;
	ck_assert_uint_eq(io_faults_allowed(&fi, &rd) & (IOF_ECONNRESET | IOF_EPIPE), 0);
	ck_assert_uint_eq(io_faults_allowed(&fi, &wr) & IOF_ECONNRESET, 0);
	ck_assert_uint_ne(io_faults_allowed(&fi, &wr) & IOF_EPIPE, 0);
	/* A peer fzsandbox does not hold: never a one-off errno. */
	fi.peer_ours = false;
	fi.tcp_state = TCP_ESTABLISHED;
	ck_assert_uint_eq(io_faults_allowed(&fi, &rd) & IOF_ECONNRESET, 0);
	ck_assert_uint_eq(allowed(FDT_STREAM, AF_INET6, false, 1, -1, false, 100, false, false) &
			  IOF_ECONNRESET, 0);
	ck_assert_uint_eq(allowed(FDT_STREAM, AF_UNIX, false, 1, 1 << 20, true, 100, false, false) &
			  IOF_ECONNRESET, 0);
	ck_assert_uint_eq(allowed(FDT_STREAM, AF_UNIX, false, 1, -1, false, 100, false, false) &
			  IOF_ECONNRESET, 0);
}
END_TEST

START_TEST(test_io_vector_waitall)
{
	struct fd_info fi = { FDT_STREAM, false, AF_INET, 0, 1 << 20, 0, -1, false };
	struct io_call c = { .count = 100, .vector = true };

	ck_assert_uint_eq(io_faults_allowed(&fi, &c) & IOF_SHORT, 0);
	c.vector = false;
	c.waitall = true;
	ck_assert_uint_eq(io_faults_allowed(&fi, &c) & IOF_SHORT, 0);
	c.waitall = false;
	c.dontwait = true;	/* MSG_DONTWAIT on a blocking fd, queue empty */
	ck_assert_uint_ne(io_faults_allowed(&fi, &c) & IOF_EAGAIN, 0);
	c.interruptible = true;	/* a call that never sleeps is never interrupted */
	ck_assert_uint_eq(io_faults_allowed(&fi, &c) & IOF_EINTR, 0);
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
	tcase_add_test(tc, test_spec_steps);
	tcase_add_test(tc, test_spec_bad);
	tcase_add_test(tc, test_fault_roundtrip);
	suite_add_tcase(s, tc);
	tc = tcase_create("tables");
	tcase_add_test(tc, test_io_files);
	tcase_add_test(tc, test_io_blocking_states);
	tcase_add_test(tc, test_io_eof);
	tcase_add_test(tc, test_io_short_reads);
	tcase_add_test(tc, test_io_short_writes);
	tcase_add_test(tc, test_io_write_eagain);
	tcase_add_test(tc, test_io_resets);
	tcase_add_test(tc, test_io_vector_waitall);
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
