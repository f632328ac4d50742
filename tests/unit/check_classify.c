#include "config.h"

/* check_classify.c - unit tests for reporters/classify.c: which finished
 * runs are findings, of which kind, and which evidence wins. The runs are
 * described as the campaign hands them over (struct run_facts); the
 * sanitizer case scans a real stderr file. */

#include <check.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "reporters/report.h"

static struct run_finding *collected, *out;
static struct run_violation viol;
static char tmpdir[64];

static void set_frame(struct frame *f, const char *fn, bool sys)
{
	memset(f, 0, sizeof(*f));
	snprintf(f->function, sizeof(f->function), "%s", fn);
	snprintf(f->module, sizeof(f->module), "%s", sys ? "/lib/libc.so.6" : "/src/prog");
	f->system = sys;
}

/* The tracer's stacks at the end of the run: two threads, thread 0 in
 * crash() called from main. */
static void setup(void)
{
	struct thread_stack *s;

	collected = calloc(1, sizeof(*collected));
	out = calloc(1, sizeof(*out));
	ck_assert_ptr_nonnull(collected);
	ck_assert_ptr_nonnull(out);
	collected->pid = collected->tid = 100;
	collected->nthreads = 2;
	s = &collected->stacks[0];
	s->tid = 100;
	s->nframes = 2;
	set_frame(&s->frames[0], "crash", false);
	set_frame(&s->frames[1], "main", false);
	s = &collected->stacks[1];
	s->tid = 101;
	s->thread = 1;
	s->nframes = 1;
	set_frame(&s->frames[0], "worker", false);
	memset(&viol, 0, sizeof(viol));
	snprintf(tmpdir, sizeof(tmpdir), "/tmp/check_classify.XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(tmpdir));
}

static void teardown(void)
{
	char path[128];

	snprintf(path, sizeof(path), "%s/stderr", tmpdir);
	unlink(path);
	rmdir(tmpdir);
	free(collected);
	free(out);
}

static struct run_facts facts(enum run_ending ending)
{
	struct run_facts run = {
		.ending = ending,
		.collected = collected,
		.violation = &viol,
		.stdout_path = "/out/stdout",
		.stderr_path = "/out/stderr",
	};

	return run;
}

START_TEST(test_exit)
{
	struct run_facts run = facts(ENDED_EXIT);

	run.exit_status = 3;
	ck_assert_int_eq(report_classify(&run, out), 0);
	/* --fail-on-exit: only a status the clean run did not have. */
	run.check_exit = true;
	run.baseline_exit = 3;
	ck_assert_int_eq(report_classify(&run, out), 0);
	run.baseline_exit = 0;
	ck_assert_int_eq(report_classify(&run, out), 1);
	ck_assert_int_eq(out->kind, FIND_EXIT);
	ck_assert_int_eq(out->exit_status, 3);
	ck_assert_str_eq(out->detail, "exit status 3 (clean run: 0)");
	ck_assert_str_eq(out->stdout_path, "/out/stdout");
	/* A run that never started or was interrupted is never a finding. */
	run = facts(ENDED_OTHER);
	run.check_exit = true;
	run.exit_status = 3;
	ck_assert_int_eq(report_classify(&run, out), 0);
}
END_TEST

START_TEST(test_signal)
{
	struct run_facts run = facts(ENDED_SIGNAL);

	run.signal = SIGSEGV;
	run.si_code = 1;
	run.fault_addr = 0x10;
	run.fault_pid = 100;
	run.fault_tid = 101;
	run.fault_ordinal = 1;
	run.in_loader = true;
	ck_assert_int_eq(report_classify(&run, out), 1);
	ck_assert_int_eq(out->kind, FIND_SIGNAL);
	ck_assert_int_eq(out->signal, SIGSEGV);
	ck_assert_int_eq(out->tid, 101);
	ck_assert_int_eq(out->thread, 1);
	ck_assert(out->loader);
	ck_assert_int_eq(out->nthreads, 2);
	ck_assert_str_eq(out->stacks[0].frames[0].function, "crash");
	ck_assert_ptr_nonnull(strstr(out->detail, "(si_code 1, address 0x10)"));
	/* Sent, not faulted: the siginfo holds the sender. */
	run.signal = SIGKILL;
	run.si_code = 0;
	run.fault_addr = 4242;
	ck_assert_int_eq(report_classify(&run, out), 1);
	ck_assert_int_eq(out->kind, FIND_RESOURCE);
	ck_assert_ptr_nonnull(strstr(out->detail, "(si_code 0, sent by pid 4242)"));
	/* Passthrough: no output paths in the finding. */
	run.stdout_path = run.stderr_path = NULL;
	ck_assert_int_eq(report_classify(&run, out), 1);
	ck_assert_ptr_null(out->stdout_path);
	ck_assert_ptr_null(out->stderr_path);
}
END_TEST

/* glibc's own abort after an injected fault is not the program's bug;
 * the same abort without a fault is. */
START_TEST(test_libc_fatal)
{
	struct run_facts run = facts(ENDED_SIGNAL);

	set_frame(&collected->stacks[0].frames[0], "__libc_fatal", true);
	run.signal = SIGABRT;
	run.nfaults = 1;
	ck_assert_int_eq(report_classify(&run, out), 0);
	run.nfaults = 0;
	ck_assert_int_eq(report_classify(&run, out), 1);
	ck_assert_int_eq(out->kind, FIND_SIGNAL);
	/* Any other abort after a fault is a finding. */
	set_frame(&collected->stacks[0].frames[0], "abort", true);
	run.nfaults = 1;
	ck_assert_int_eq(report_classify(&run, out), 1);
}
END_TEST

START_TEST(test_timeout)
{
	struct run_facts run = facts(ENDED_TIMEOUT);

	ck_assert_int_eq(report_classify(&run, out), 1);
	ck_assert_int_eq(out->kind, FIND_HANG);
	ck_assert_int_eq(out->nthreads, 2);
	ck_assert_str_eq(out->detail, "no progress within --timeout");
}
END_TEST

/* A refused call is a finding of its own when the run then exits, and
 * gives way to a crash or hang. */
START_TEST(test_violation)
{
	struct run_facts run = facts(ENDED_EXIT);

	viol.pid = 100;
	viol.tid = 101;
	viol.thread = 1;
	snprintf(viol.line, sizeof(viol.line), "mount(\"none\", \"/mnt\", ...)");
	viol.stack.nframes = 1;
	set_frame(&viol.stack.frames[0], "attempt", false);
	ck_assert_int_eq(report_classify(&run, out), 0);	/* not seen */
	viol.seen = true;
	run.in_loader = true;
	ck_assert_int_eq(report_classify(&run, out), 1);
	ck_assert_int_eq(out->kind, FIND_VIOLATION);
	ck_assert_str_eq(out->detail, viol.line);
	ck_assert_int_eq(out->tid, 101);
	ck_assert_int_eq(out->thread, 1);
	ck_assert(!out->loader);
	ck_assert_int_eq(out->nthreads, 1);
	ck_assert_str_eq(out->stacks[0].frames[0].function, "attempt");
	run = facts(ENDED_SIGNAL);
	run.signal = SIGSEGV;
	ck_assert_int_eq(report_classify(&run, out), 1);
	ck_assert_int_eq(out->kind, FIND_SIGNAL);
	run = facts(ENDED_TIMEOUT);
	ck_assert_int_eq(report_classify(&run, out), 1);
	ck_assert_int_eq(out->kind, FIND_HANG);
}
END_TEST

/* The frame format fzsandbox asks ASan for ("(%m+%o)" appended): module
 * and offset, a C++ name with spaces, "<null>" source, and inline levels
 * (one pc printed twice) marked. */
START_TEST(test_sanitizer_frames)
{
	struct run_facts run = facts(ENDED_EXIT);
	const struct frame *fr;
	char path[128];
	FILE *fp;

	snprintf(path, sizeof(path), "%s/stderr", tmpdir);
	fp = fopen(path, "w");
	ck_assert_ptr_nonnull(fp);
	fputs("==7==ERROR: AddressSanitizer: heap-buffer-overflow on address 0x6020\n"
	      "    #0 0x55d367 in make_record /src/a.c:40 (/src/a+0x1367)\n"
	      "    #1 0x55d367 in main /src/a.c:49 (/src/a+0x1367)\n"
	      "    #2 0x55d400 in ns::f(int, char) /src/b.cc:7:3 (/src/a+0x1400)\n"
	      "    #3 0x7f4249 in __libc_start_call_main ../x.h:58 (/lib/libc.so.6+0x27249)\n"
	      "    #4 0x55d4a0 in _start <null> (/src/a+0x14a0)\n"
	      "\n", fp);
	ck_assert_int_eq(fclose(fp), 0);
	run.stderr_path = path;
	run.exit_status = 1;
	run.sanitized = true;
	ck_assert_int_eq(report_classify(&run, out), 1);
	ck_assert_int_eq(out->stacks[0].nframes, 5);
	fr = out->stacks[0].frames;
	ck_assert_str_eq(fr[0].function, "make_record");
	ck_assert_str_eq(fr[0].module, "/src/a");
	ck_assert_uint_eq(fr[0].offset, 0x1367);
	ck_assert_int_eq(fr[0].line, 40);
	ck_assert(fr[0].inlined);
	ck_assert(!fr[1].inlined);
	ck_assert_str_eq(fr[2].function, "ns::f(int, char)");
	ck_assert_str_eq(fr[2].file, "/src/b.cc");
	ck_assert_int_eq(fr[2].line, 7);
	ck_assert(fr[3].system);
	ck_assert_str_eq(fr[4].function, "_start");
	ck_assert_str_eq(fr[4].file, "");
	ck_assert_uint_eq(fr[4].offset, 0x14a0);
}
END_TEST

/* A sanitizer report wins over how the run ended, and its own stack goes
 * first; it counts only from a program with a sanitizer runtime. */
/* Issue 11: an abort with the out-of-memory fault's caller still running
 * is the program's choice; through glibc's heap check it is a bug; an
 * exit is deliberate only with the status the engine saw at exit_group. */
START_TEST(test_deliberate_abort)
{
	struct run_facts run = facts(ENDED_SIGNAL);
	struct thread_stack *s = &collected->stacks[0];

	run.signal = SIGABRT;
	run.si_code = -6;
	run.nfaults = 1;
	run.deliberate = true;
	ck_assert_int_eq(report_classify(&run, out), 1);
	ck_assert_int_eq(out->kind, FIND_ABORT);
	ck_assert_str_eq(finding_kind_name(out->kind), "abort");

	run.deliberate = false;
	ck_assert_int_eq(report_classify(&run, out), 1);
	ck_assert_int_eq(out->kind, FIND_SIGNAL);

	/* free() found the heap corrupted: a bug, live frame or not. */
	run.deliberate = true;
	s->nframes = 3;
	s->frames[2] = s->frames[1];
	s->frames[1] = s->frames[0];
	set_frame(&s->frames[0], "malloc_printerr", true);
	ck_assert_int_eq(report_classify(&run, out), 1);
	ck_assert_int_eq(out->kind, FIND_SIGNAL);

	/* A SIGSEGV never is deliberate. */
	run.signal = SIGSEGV;
	run.si_code = 1;
	set_frame(&s->frames[0], "crash", false);
	ck_assert_int_eq(report_classify(&run, out), 1);
	ck_assert_int_eq(out->kind, FIND_SIGNAL);

	run = facts(ENDED_EXIT);
	run.exit_status = 1;
	run.check_exit = true;
	run.deliberate_exit = true;
	run.deliberate_status = 1;
	ck_assert_int_eq(report_classify(&run, out), 1);
	ck_assert_int_eq(out->kind, FIND_ABORT);
	ck_assert_int_eq(out->exit_status, 1);
	run.deliberate_status = 2;
	ck_assert_int_eq(report_classify(&run, out), 1);
	ck_assert_int_eq(out->kind, FIND_EXIT);
}
END_TEST

/* A fault the program's handler caught: the finding is that fault, with
 * its stack; the handler's death is a note. */
START_TEST(test_first_signal)
{
	struct run_facts run = facts(ENDED_SIGNAL);
	struct thread_stack first = { .tid = 100, .nframes = 1 };
	struct thread_stack *later = &collected->stacks[0];

	set_frame(&first.frames[0], "fault_here", false);
	first.frames[0].pc = 0x1234;
	/* The handler (crash) runs on top of the faulting frame. */
	later->frames[1] = first.frames[0];
	later->frames[2] = later->frames[1];
	set_frame(&later->frames[2], "main", false);
	later->nframes = 3;
	run.signal = SIGSEGV;
	run.si_code = -6;
	run.fault_pid = run.fault_tid = 100;
	run.first_signal = SIGSEGV;
	run.first_si_code = 1;
	run.first_addr = 0x5;
	run.first_pid = run.first_tid = 100;
	run.first_stack = &first;
	ck_assert_int_eq(report_classify(&run, out), 1);
	ck_assert_int_eq(out->kind, FIND_SIGNAL);
	ck_assert_int_eq(out->signal, SIGSEGV);
	ck_assert_str_eq(out->stacks[0].frames[0].function, "fault_here");
	ck_assert_ptr_nonnull(strstr(out->detail, "address 0x5"));
	ck_assert_ptr_nonnull(strstr(out->note, "in crash"));

	/* Recovered (siglongjmp), then died elsewhere: the later crash. */
	first.frames[0].pc = 0x4321;
	ck_assert_int_eq(report_classify(&run, out), 1);
	ck_assert_str_eq(out->stacks[0].frames[0].function, "crash");
	ck_assert_str_eq(out->note, "");
	first.frames[0].pc = 0x1234;

	/* A caught SIGABRT, then a crash in the handler: not deliberate. */
	run.first_signal = SIGABRT;
	run.first_deliberate = true;
	run.nfaults = 1;
	ck_assert_int_eq(report_classify(&run, out), 1);
	ck_assert_int_eq(out->kind, FIND_SIGNAL);
	ck_assert_int_eq(out->signal, SIGABRT);
}
END_TEST

START_TEST(test_sanitizer)
{
	struct run_facts run = facts(ENDED_EXIT);
	char path[128];
	FILE *fp;

	snprintf(path, sizeof(path), "%s/stderr", tmpdir);
	fp = fopen(path, "w");
	ck_assert_ptr_nonnull(fp);
	fputs("=================================================================\n"
	      "==7==ERROR: AddressSanitizer: heap-buffer-overflow on address 0x602000000015\n"
	      "WRITE of size 1 at 0x602000000015 thread T0\n"
	      "    #0 0x55d0c1 in copy_name /src/asan.c:12:5\n"
	      "    #1 0x55d0f0 in main /src/asan.c:20:2\n"
	      "\n"
	      "0x602000000015 is located 0 bytes after 5-byte region\n", fp);
	ck_assert_int_eq(fclose(fp), 0);
	run.stderr_path = path;
	run.exit_status = 1;
	ck_assert_int_eq(report_classify(&run, out), 0);	/* not sanitized */
	run.sanitized = true;
	ck_assert_int_eq(report_classify(&run, out), 1);
	ck_assert_int_eq(out->kind, FIND_SANITIZER);
	ck_assert_str_eq(out->sanitizer, "heap-buffer-overflow");
	ck_assert_str_eq(out->detail, "sanitizer report: heap-buffer-overflow");
	ck_assert_int_eq(out->exit_status, 1);
	ck_assert_int_eq(out->nthreads, 3);
	ck_assert_int_eq(out->stacks[0].nframes, 2);
	ck_assert_str_eq(out->stacks[0].frames[0].function, "copy_name");
	ck_assert_int_eq(out->stacks[0].frames[0].line, 12);
	ck_assert_str_eq(out->stacks[1].frames[0].function, "crash");
	ck_assert_str_eq(out->stacks[2].frames[0].function, "worker");
	/* Before a crash too. */
	run.ending = ENDED_SIGNAL;
	run.signal = SIGABRT;
	ck_assert_int_eq(report_classify(&run, out), 1);
	ck_assert_int_eq(out->kind, FIND_SANITIZER);
	/* Not captured (passthrough): nothing to scan. */
	run.ending = ENDED_EXIT;
	run.stderr_path = NULL;
	ck_assert_int_eq(report_classify(&run, out), 0);
}
END_TEST

static Suite *classify_suite(void)
{
	Suite *s = suite_create("classify");
	TCase *tc = tcase_create("core");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_exit);
	tcase_add_test(tc, test_signal);
	tcase_add_test(tc, test_libc_fatal);
	tcase_add_test(tc, test_timeout);
	tcase_add_test(tc, test_violation);
	tcase_add_test(tc, test_sanitizer);
	tcase_add_test(tc, test_sanitizer_frames);
	tcase_add_test(tc, test_deliberate_abort);
	tcase_add_test(tc, test_first_signal);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(classify_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
