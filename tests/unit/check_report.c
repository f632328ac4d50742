#include "config.h"

/* check_report.c - unit tests for reporters/ and the unwinder of symbols/:
 * unwinding a real stopped child, dedupe, report.json round trips, replay
 * errors, text output. */

#include <check.h>
#include <elfutils/libdwelf.h>
#include <gelf.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/ptrace.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "reporters/report.h"
#include "symbols/symbols.h"

/* check_report_unwind.c: the unwinder on a real stopped child. */
void check_report_unwind_tests(TCase *tc);

char tmpdir[64];	/* check_report_unwind.c's too */

static void setup(void)
{
	snprintf(tmpdir, sizeof(tmpdir), "/tmp/check_report.XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(tmpdir));
}

static void teardown(void)
{
	char cmd[PATH_MAX + 16];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
	if (system(cmd) != 0)
		fprintf(stderr, "cannot remove %s\n", tmpdir);
}

static void write_file(const char *path, const char *text)
{
	FILE *fp = fopen(path, "w");

	ck_assert_ptr_nonnull(fp);
	fputs(text, fp);
	ck_assert_int_eq(fclose(fp), 0);
}

static char *slurp(const char *path)
{
	static char buf[1 << 16];
	FILE *fp = fopen(path, "r");
	size_t n;

	ck_assert_msg(fp != NULL, "cannot open %s", path);
	n = fread(buf, 1, sizeof(buf) - 1, fp);
	buf[n] = '\0';
	fclose(fp);
	return buf;
}

static const char *in_tmp(const char *name)
{
	static char path[PATH_MAX + 64];

	snprintf(path, sizeof(path), "%s/%s", tmpdir, name);
	return path;
}

static struct frame mkframe(const char *fn, const char *file, int line,
			    const char *module, uint64_t pc, bool sys)
{
	struct frame f;

	memset(&f, 0, sizeof(f));
	snprintf(f.function, sizeof(f.function), "%s", fn);
	snprintf(f.file, sizeof(f.file), "%s", file);
	snprintf(f.module, sizeof(f.module), "%s", module);
	snprintf(f.build_id, sizeof(f.build_id), "%s", "0123abcd");
	f.line = line;
	f.pc = pc;
	f.offset = pc & 0xfff;
	f.system = sys;
	return f;
}

#define LIBC "/usr/lib/x86_64-linux-gnu/libc.so.6"

/* A SIGSEGV in parse_line called from main, under libc frames; base
 * shifts every pc, as ASLR does between runs. */
static struct run_finding *mkcrash(const char *fn, int sig, uint64_t base)
{
	struct run_finding *f = calloc(1, sizeof(*f));
	struct thread_stack *s;

	ck_assert_ptr_nonnull(f);
	f->kind = FIND_SIGNAL;
	f->signal = sig;
	f->pid = f->tid = 1234 + (int)(base >> 20);
	f->nthreads = 1;
	s = &f->stacks[0];
	s->tid = f->tid;
	s->nframes = 4;
	s->frames[0] = mkframe("__memcpy_avx_unaligned", "memmove.S", 300, LIBC, base + 0x10, true);
	s->frames[1] = mkframe(fn, "/src/tests/targets/foo.c", 42, "/src/foo", base + 0x1234, false);
	s->frames[2] = mkframe("main", "/src/tests/targets/foo.c", 80, "/src/foo", base + 0x1300, false);
	s->frames[3] = mkframe("__libc_start_call_main", "libc-start.c", 58, LIBC, base + 0x99, true);
	f->nfaults = 1;
	snprintf(f->faults[0].call, sizeof(f->faults[0].call), "malloc");
	snprintf(f->faults[0].fault, sizeof(f->faults[0].fault), "NULL");
	snprintf(f->faults[0].site, sizeof(f->faults[0].site), "0123abcd+0x1220");
	snprintf(f->faults[0].caller, sizeof(f->faults[0].caller), "%s", fn);
	snprintf(f->faults[0].file, sizeof(f->faults[0].file), "/src/tests/targets/foo.c");
	f->faults[0].site_id = 0;
	f->faults[0].line = 41;
	f->faults[0].occurrence = 1;
	return f;
}

static char *const test_argv[] = { "./foo", "--flag", "in put", NULL };
static char *const test_env[] = { "PATH=/bin", "FOO=a=b", NULL };
static char *const test_req[] = { "req1.bin", NULL };

static struct report *mkreport(const char *out)
{
	struct report_meta m = {
		.argv = test_argv, .envp = test_env, .cwd = "/work dir",
		.stdin_path = "/tmp/in.txt", .requests = test_req,
		.inject = "io,alloc", .options = "--threads=2",
		.seed = 0xdeadbeefcafef00dull, .out_dir = out,
		.self = "./fzsandbox",
	};
	struct report *r;

	ck_assert_int_eq(report_new(&m, &r), 0);
	return r;
}

START_TEST(test_system_modules)
{
	ck_assert(unwind_is_system_module(LIBC));
	ck_assert(unwind_is_system_module("/lib64/ld-linux-x86-64.so.2"));
	ck_assert(unwind_is_system_module("[vdso]"));
	ck_assert(unwind_is_system_module("linux-vdso.so.1"));
	ck_assert(unwind_is_system_module("/usr/lib/x86_64-linux-gnu/libasan.so.8"));
	ck_assert(unwind_is_system_module("/usr/lib/x86_64-linux-gnu/libstdc++.so.6"));
	ck_assert(!unwind_is_system_module("/usr/bin/foo"));
	ck_assert(!unwind_is_system_module("/usr/lib/libcrypto.so.3"));
	ck_assert(!unwind_is_system_module("/opt/libc.so.6/prog"));
	ck_assert(!unwind_is_system_module(""));
	ck_assert(!unwind_is_system_module("/usr/lib/libjemalloc.so.2"));
	ck_assert_int_eq(unwind_add_system_module("libjemalloc"), 0);
	ck_assert_int_eq(unwind_add_system_module("libjemalloc"), 0);
	ck_assert(unwind_is_system_module("/usr/lib/libjemalloc.so.2"));
	ck_assert_int_eq(unwind_add_system_module(""), -EINVAL);
	ck_assert_int_eq(unwind_add_system_module("/x/y"), -EINVAL);
}
END_TEST

START_TEST(test_dedupe_same)
{
	struct report *r = mkreport(tmpdir);
	struct run_finding *a = mkcrash("parse_line", SIGSEGV, 0x555500000000);
	struct run_finding *b = mkcrash("parse_line", SIGSEGV, 0x563400000000);
	bool is_new;

	/* Only system frames above the user's differ. */
	snprintf(b->stacks[0].frames[0].function, 128, "__memcpy_evex_unaligned");
	ck_assert_int_eq(report_add_finding(r, a, &is_new), 1);
	ck_assert(is_new);
	ck_assert_int_eq(report_add_finding(r, b, &is_new), 1);
	ck_assert(!is_new);
	ck_assert_int_eq(report_nfindings(r), 1);
	ck_assert_int_eq(report_write_json(r), 0);
	report_free(r);
	ck_assert_ptr_nonnull(strstr(slurp(in_tmp("report.json")), "\"hits\": 2"));
	free(a);
	free(b);
}
END_TEST

START_TEST(test_dedupe_different)
{
	struct report *r = mkreport(tmpdir);
	struct run_finding *a = mkcrash("parse_line", SIGSEGV, 0x555500000000);
	struct run_finding *b = mkcrash("parse_header", SIGSEGV, 0x555500000000);
	struct run_finding *c = mkcrash("parse_line", SIGABRT, 0x555500000000);
	bool is_new;

	ck_assert_int_eq(report_add_finding(r, a, &is_new), 1);
	ck_assert_int_eq(report_add_finding(r, b, &is_new), 2);
	ck_assert(is_new);
	ck_assert_int_eq(report_add_finding(r, c, &is_new), 3);
	ck_assert(is_new);
	c->kind = FIND_HANG;
	ck_assert_int_eq(report_add_finding(r, c, &is_new), 4);
	ck_assert_int_eq(report_add_finding(r, a, &is_new), 1);
	ck_assert(!is_new);
	ck_assert_int_eq(report_nfindings(r), 4);
	report_free(r);
	free(a);
	free(b);
	free(c);
}
END_TEST

/* --resume: a second report over the first one's findings keeps them,
 * answers their keys with their ids (not new), numbers new ones after
 * them, and drops a findings/N its report does not list. */
START_TEST(test_prior)
{
	struct report *r = mkreport(tmpdir);
	struct run_finding *a = mkcrash("parse_line", SIGSEGV, 0x555500000000);
	struct run_finding *b = mkcrash("parse_header", SIGSEGV, 0x555500000000);
	struct run_finding *c = mkcrash("parse_body", SIGSEGV, 0x555500000000);
	char why[256], stale[PATH_MAX];
	bool is_new;

	ck_assert_int_eq(report_add_finding(r, a, &is_new), 1);
	ck_assert_int_eq(report_add_finding(r, b, &is_new), 2);
	ck_assert_int_eq(report_write_json(r), 0);
	report_free(r);
	snprintf(stale, sizeof(stale), "%s/findings/3", tmpdir);
	ck_assert_int_eq(mkdir(in_tmp("findings"), 0755) == 0 || errno == EEXIST, 1);
	ck_assert_int_eq(mkdir(stale, 0755), 0);

	r = mkreport(tmpdir);
	ck_assert_int_eq(report_take_prior(r, in_tmp("report.json"), why, sizeof(why)), 0);
	ck_assert_int_eq(access(stale, F_OK), -1);
	ck_assert_int_eq(report_nfindings(r), 2);
	ck_assert_int_eq(report_add_finding(r, b, &is_new), 2);
	ck_assert(!is_new);
	ck_assert_int_eq(report_add_finding(r, c, &is_new), 3);
	ck_assert(is_new);
	ck_assert_int_eq(report_add_finding(r, c, &is_new), 3);
	ck_assert(!is_new);
	ck_assert_int_eq(report_nfindings(r), 3);
	/* Before its first finding only. */
	ck_assert_int_eq(report_take_prior(r, in_tmp("report.json"), why, sizeof(why)), -EINVAL);
	ck_assert_int_eq(report_write_json(r), 0);
	report_free(r);
	ck_assert_ptr_nonnull(strstr(slurp(in_tmp("report.json")), "\"hits\": 2"));

	/* No report (a campaign killed before writing it): nothing known. */
	ck_assert_int_eq(unlink(in_tmp("report.json")), 0);
	r = mkreport(tmpdir);
	ck_assert_int_eq(report_take_prior(r, in_tmp("report.json"), why, sizeof(why)), 0);
	ck_assert_int_eq(report_add_finding(r, b, &is_new), 1);
	ck_assert(is_new);
	report_free(r);
	free(a);
	free(b);
	free(c);
}
END_TEST

/* Hangs are keyed by where every thread sits, whatever their order. */
START_TEST(test_dedupe_hang)
{
	struct report *r = mkreport(tmpdir);
	struct run_finding *a = mkcrash("worker", 0, 0x555500000000);
	struct run_finding *b;
	bool is_new;

	a->kind = FIND_HANG;
	a->nthreads = 2;
	a->stacks[1] = a->stacks[0];
	snprintf(a->stacks[1].frames[1].function, 128, "waiter");
	b = malloc(sizeof(*b));
	ck_assert_ptr_nonnull(b);
	*b = *a;
	b->stacks[0] = a->stacks[1];
	b->stacks[1] = a->stacks[0];
	ck_assert_int_eq(report_add_finding(r, a, &is_new), 1);
	ck_assert_int_eq(report_add_finding(r, b, &is_new), 1);
	ck_assert(!is_new);
	snprintf(b->stacks[1].frames[1].function, 128, "other");
	ck_assert_int_eq(report_add_finding(r, b, &is_new), 2);
	report_free(r);
	free(a);
	free(b);
}
END_TEST

/* state-corruption: keyed on the checker and the first fault's call and
 * site, not on the stack (where the fault was injected); its check
 * object goes in report.json. */
START_TEST(test_dedupe_state)
{
	struct report *r = mkreport(tmpdir);
	struct run_finding *a = mkcrash("append_record", 0, 0x555500000000);
	struct run_finding *b = mkcrash("append_record", 0, 0x555500000000);
	bool is_new;
	char *json;

	a->kind = b->kind = FIND_STATE;
	a->exit_status = b->exit_status = 1;
	snprintf(a->check, sizeof(a->check), "journal verify journal.log");
	snprintf(b->check, sizeof(b->check), "journal verify journal.log");
	/* Another caller above the same site: still one finding. */
	snprintf(b->stacks[0].frames[2].function, 128, "flush");
	ck_assert_int_eq(report_add_finding(r, a, &is_new), 1);
	ck_assert_int_eq(report_add_finding(r, b, &is_new), 1);
	ck_assert(!is_new);
	snprintf(b->faults[0].site, sizeof(b->faults[0].site), "0123abcd+0x1240");
	ck_assert_int_eq(report_add_finding(r, b, &is_new), 2);
	snprintf(b->faults[0].site, sizeof(b->faults[0].site), "%s", a->faults[0].site);
	snprintf(b->check, sizeof(b->check), "git fsck");
	ck_assert_int_eq(report_add_finding(r, b, &is_new), 3);
	b->kind = FIND_EXIT;
	ck_assert_int_eq(report_add_finding(r, b, &is_new), 4);
	ck_assert_int_eq(report_write_json(r), 0);
	report_free(r);
	json = slurp(in_tmp("report.json"));
	ck_assert_ptr_nonnull(strstr(json, "\"kind\": \"state-corruption\""));
	ck_assert_ptr_nonnull(strstr(json, "\"command\": \"journal verify journal.log\""));
	free(a);
	free(b);
}
END_TEST

START_TEST(test_output_copy)
{
	struct report *r;
	struct run_finding *a = mkcrash("parse_line", SIGSEGV, 0x555500000000);
	char out[PATH_MAX], so[PATH_MAX], se[PATH_MAX], p[PATH_MAX + 32];
	struct stat st;
	bool is_new;

	snprintf(out, sizeof(out), "%s/deep/out dir", tmpdir);
	snprintf(so, sizeof(so), "%s/run.out", tmpdir);
	snprintf(se, sizeof(se), "%s/run.err", tmpdir);
	write_file(so, "hello stdout\n");
	write_file(se, "boom on stderr\n");
	a->stdout_path = so;
	a->stderr_path = se;
	r = mkreport(out);
	ck_assert_int_eq(report_add_finding(r, a, &is_new), 1);
	snprintf(p, sizeof(p), "%s/findings/1/stdout", out);
	ck_assert_str_eq(slurp(p), "hello stdout\n");
	snprintf(p, sizeof(p), "%s/findings/1/stderr", out);
	ck_assert_str_eq(slurp(p), "boom on stderr\n");
	snprintf(p, sizeof(p), "%s/findings/1", out);
	ck_assert_int_eq(stat(p, &st), 0);
	ck_assert_int_eq(st.st_mode & 07777, 0755);
	/* A missing capture is not an error: the finding just has none. */
	a->signal = SIGBUS;
	a->stdout_path = "/nonexistent/run.out";
	ck_assert_int_eq(report_add_finding(r, a, &is_new), 2);
	ck_assert_int_eq(report_write_json(r), 0);
	report_free(r);
	snprintf(p, sizeof(p), "%s/report.json", out);
	ck_assert_ptr_nonnull(strstr(slurp(p), "\"stdout\": \"findings/1/stdout\""));
	ck_assert_ptr_nonnull(strstr(slurp(p), "\"stdout\": null"));
	/* The path has a space: the replay line must quote it. */
	ck_assert_ptr_nonnull(strstr(slurp(p), "--replay='"));
	ck_assert_ptr_nonnull(strstr(slurp(p), "/report.json'#1"));
	free(a);
}
END_TEST

static int count_entries(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	int n = 0;

	ck_assert_ptr_nonnull(d);
	while ((e = readdir(d)))
		if (e->d_name[0] != '.' || strstr(e->d_name, "tmp"))
			n++;
	closedir(d);
	return n;
}

START_TEST(test_json_roundtrip)
{
	struct report *r = mkreport(tmpdir);
	struct run_finding *a = mkcrash("parse_line", SIGSEGV, 0x555500000000);
	struct run_finding *b = mkcrash("parse_header", SIGABRT, 0x555500000000);
	struct replay_spec s;
	struct site site = { .call = "malloc", .key = "0123abcd+0x1220",
			     .function = "parse_line", .line = 41, .occurrences = 3 };
	const char *classes[] = { "alloc", "io" };
	unsigned counts[] = { 1, 2 };
	char arg[PATH_MAX + 32], why[256];
	bool is_new;

	ck_assert_int_eq(report_add_site(r, &site), 0);
	ck_assert_int_eq(report_add_site(r, &site), 1);
	ck_assert_int_eq(report_nsites(r), 2);
	ck_assert_str_eq(report_site(r, 1)->function, "parse_line");
	ck_assert_ptr_null(report_site(r, 2));
	report_count_run(r, 2, classes, counts);
	report_count_run(r, 1, classes, counts);
	report_set_plan(r, 10, 2, true);
	b->nfaults = 2;
	b->faults[1] = b->faults[0];
	snprintf(b->faults[1].call, sizeof(b->faults[1].call), "read");
	snprintf(b->faults[1].fault, sizeof(b->faults[1].fault), "short=7");
	b->faults[1].occurrence = 3;
	b->faults[1].thread = 1;
	ck_assert_int_eq(report_add_finding(r, a, &is_new), 1);
	ck_assert_int_eq(report_add_finding(r, b, &is_new), 2);
	ck_assert_int_eq(report_write_json(r), 0);
	report_free(r);
	/* Only report.json and findings/ may exist: no temporary left. */
	ck_assert_int_eq(count_entries(tmpdir), 1);
	ck_assert_ptr_nonnull(strstr(slurp(in_tmp("report.json")), "\"alloc\": 2"));
	ck_assert_ptr_nonnull(strstr(slurp(in_tmp("report.json")), "\"io\": 2"));
	ck_assert_ptr_nonnull(strstr(slurp(in_tmp("report.json")), "\"signal_name\": \"SIGSEGV\""));
	ck_assert_ptr_nonnull(strstr(slurp(in_tmp("report.json")), "\"plan_capped\": true"));

	snprintf(arg, sizeof(arg), "%s/report.json#2", tmpdir);
	why[0] = '\0';
	ck_assert_int_eq(replay_load(arg, &s, why, sizeof(why)), 0);
	ck_assert_str_eq(s.argv[0], "./foo");
	ck_assert_str_eq(s.argv[2], "in put");
	ck_assert_ptr_null(s.argv[3]);
	ck_assert_str_eq(s.envp[1], "FOO=a=b");
	ck_assert_ptr_null(s.envp[2]);
	ck_assert_str_eq(s.cwd, "/work dir");
	ck_assert_str_eq(s.stdin_path, "/tmp/in.txt");
	ck_assert_str_eq(s.requests[0], "req1.bin");
	ck_assert_str_eq(s.inject, "io,alloc");
	ck_assert_str_eq(s.options, "--threads=2");
	ck_assert(s.seed == 0xdeadbeefcafef00dull);
	ck_assert_str_eq(s.version, PACKAGE_VERSION);
	ck_assert_int_eq(s.kind, FIND_SIGNAL);
	ck_assert_int_eq(s.signal, SIGABRT);
	ck_assert_str_eq(s.top_function, "parse_header");
	ck_assert_str_eq(s.top_file, "/src/tests/targets/foo.c");
	ck_assert_int_eq(s.nfaults, 2);
	ck_assert_str_eq(s.faults[0].call, "malloc");
	ck_assert_str_eq(s.faults[0].fault, "NULL");
	ck_assert_str_eq(s.faults[0].caller, "parse_header");
	ck_assert_int_eq(s.faults[0].line, 41);
	ck_assert_int_eq(s.faults[0].site_id, 0);
	ck_assert_str_eq(s.faults[1].call, "read");
	ck_assert_str_eq(s.faults[1].fault, "short=7");
	ck_assert_int_eq(s.faults[1].occurrence, 3);
	ck_assert_int_eq(s.faults[1].thread, 1);
	replay_spec_free(&s);

	/* No id: the first finding. */
	snprintf(arg, sizeof(arg), "%s/report.json", tmpdir);
	ck_assert_int_eq(replay_load(arg, &s, why, sizeof(why)), 0);
	ck_assert_int_eq(s.signal, SIGSEGV);
	ck_assert_str_eq(s.top_function, "parse_line");
	replay_spec_free(&s);
	replay_spec_free(&s);
	free(a);
	free(b);
}
END_TEST

static void expect_fail(const char *arg, const char *needle)
{
	struct replay_spec s;
	char why[256];

	memset(why, 'x', sizeof(why));
	why[sizeof(why) - 1] = '\0';
	ck_assert_int_lt(replay_load(arg, &s, why, sizeof(why)), 0);
	ck_assert_msg(why[0] && why[0] != 'x', "no reason for %s", arg);
	ck_assert_ptr_null(strchr(why, '\n'));
	ck_assert_msg(strstr(why, needle), "reason \"%s\" lacks \"%s\"", why, needle);
	ck_assert_ptr_null(s.argv);
	replay_spec_free(&s);
}

static void bad_file(const char *name, const char *text, const char *needle)
{
	char path[PATH_MAX];

	snprintf(path, sizeof(path), "%s/%s", tmpdir, name);
	write_file(path, text);
	expect_fail(path, needle);
}

#define GOOD_HEAD "{\"version\":\"0.1.0\",\"argv\":[\"./a\"],\"env\":[],"

START_TEST(test_replay_errors)
{
	char p[PATH_MAX + 64];

	snprintf(p, sizeof(p), "%s/missing.json", tmpdir);
	expect_fail(p, "No such file");
	expect_fail(tmpdir, "directory");
	expect_fail("", "no report");
	bad_file("notjson", "this is not json", "not JSON");
	bad_file("truncated", GOOD_HEAD "\"findings\":[{\"id\":1", "truncated");
	bad_file("trailing", "{} x", "trailing");
	bad_file("empty", "", "not JSON");
	bad_file("array", "[1,2]", "not an object");
	bad_file("noversion", "{\"argv\":[\"a\"],\"env\":[],\"findings\":[]}", "version");
	bad_file("noargv", "{\"version\":\"1\",\"env\":[],\"findings\":[]}", "argv");
	bad_file("argvtype", "{\"version\":\"1\",\"argv\":[1],\"env\":[],\"findings\":[]}", "argv");
	bad_file("emptyargv", "{\"version\":\"1\",\"argv\":[],\"env\":[],\"findings\":[]}", "argv");
	bad_file("cwdtype", GOOD_HEAD "\"cwd\":5,\"findings\":[]}", "cwd");
	bad_file("nofindings", GOOD_HEAD "\"seed\":1}", "findings");
	bad_file("findingsobj", GOOD_HEAD "\"findings\":{}}", "findings");
	bad_file("zerofindings", GOOD_HEAD "\"findings\":[]}", "no findings");
	bad_file("nokind", GOOD_HEAD "\"findings\":[{\"id\":1,\"faults\":[]}]}", "kind");
	bad_file("badkind", GOOD_HEAD "\"findings\":[{\"id\":1,\"kind\":\"oops\",\"faults\":[]}]}",
		 "kind");
	bad_file("nofaults", GOOD_HEAD "\"findings\":[{\"id\":1,\"kind\":\"hang\"}]}", "faults");
	bad_file("badfault", GOOD_HEAD
		 "\"findings\":[{\"id\":1,\"kind\":\"hang\",\"faults\":[{\"call\":3}]}]}", "fault 0");
	bad_file("strayfault", GOOD_HEAD
		 "\"findings\":[{\"id\":1,\"kind\":\"hang\",\"faults\":[7]}]}", "fault 0");
	write_file(in_tmp("good"), GOOD_HEAD
		   "\"findings\":[{\"id\":1,\"kind\":\"hang\",\"faults\":[],\"frames\":[5,{}]}]}");

	snprintf(p, sizeof(p), "%s/good#7", tmpdir);
	expect_fail(p, "no finding #7");
	snprintf(p, sizeof(p), "%s/good#abc", tmpdir);
	expect_fail(p, "bad finding id");
	snprintf(p, sizeof(p), "%s/good#0", tmpdir);
	expect_fail(p, "bad finding id");
	snprintf(p, sizeof(p), "%s/good#", tmpdir);
	expect_fail(p, "bad finding id");
	snprintf(p, sizeof(p), "%s/good#-1", tmpdir);
	expect_fail(p, "bad finding id");
	snprintf(p, sizeof(p), "%s/good#99999999999999", tmpdir);
	expect_fail(p, "bad finding id");
}
END_TEST

/* The tolerant side: odd but harmless frames still load. */
START_TEST(test_replay_lenient)
{
	struct replay_spec s;
	char p[PATH_MAX + 8], why[256];

	snprintf(p, sizeof(p), "%s/ok", tmpdir);
	write_file(p, GOOD_HEAD "\"findings\":[{\"id\":3,\"kind\":\"exit\",\"faults\":[],"
		   "\"frames\":[5,{\"function\":\"a\",\"system\":true},"
		   "{\"function\":\"b\",\"file\":\"b.c\",\"system\":false}]}]}");
	snprintf(p, sizeof(p), "%s/ok#3", tmpdir);
	ck_assert_int_eq(replay_load(p, &s, why, sizeof(why)), 0);
	ck_assert_int_eq(s.kind, FIND_EXIT);
	ck_assert_str_eq(s.top_function, "b");
	ck_assert_str_eq(s.top_file, "b.c");
	ck_assert_ptr_null(s.cwd);
	ck_assert_ptr_nonnull(s.requests);
	ck_assert_ptr_null(s.requests[0]);
	replay_spec_free(&s);
}
END_TEST

START_TEST(test_text)
{
	struct report *r = mkreport(tmpdir);
	struct run_finding *a = mkcrash("parse_line", SIGSEGV, 0x555500000000);
	char *buf = NULL;
	size_t len;
	FILE *fp;
	bool is_new;
	int i;

	ck_assert_int_eq(report_add_finding(r, a, &is_new), 1);
	ck_assert_int_eq(report_add_finding(r, a, &is_new), 1);
	report_set_plan(r, 5, 5, false);
	fp = open_memstream(&buf, &len);
	ck_assert_ptr_nonnull(fp);
	report_print_text(r, fp);
	fclose(fp);
	ck_assert_msg(strncmp(buf, "1 finding (5 runs)\n", 19) == 0, "%s", buf);
	ck_assert_ptr_nonnull(strstr(buf, "finding #1: signal SIGSEGV in thread 0 (tid"));
	ck_assert_ptr_nonnull(strstr(buf, ", 2 runs\n"));
	ck_assert_ptr_nonnull(strstr(buf, "#1 parse_line at /src/tests/targets/foo.c:42 (foo)"));
	ck_assert_ptr_nonnull(strstr(buf, "#0 __memcpy_avx_unaligned at memmove.S:300 (libc.so.6) [system]"));
	ck_assert_ptr_nonnull(strstr(buf, "faults: malloc NULL at parse_line (foo.c:41), occurrence 1, thread 0"));
	ck_assert_ptr_nonnull(strstr(buf, "replay: ./fzsandbox --replay="));
	ck_assert_ptr_nonnull(strstr(buf, "/report.json#1\n"));
	free(buf);
	report_free(r);

	/* A deep system prefix must not hide the user's frame. */
	r = mkreport(tmpdir);
	a->stacks[0].nframes = 14;
	for (i = 0; i < 12; i++)
		a->stacks[0].frames[i] = mkframe("sysfn", "", 0, LIBC, 0x7f0000 + i, true);
	a->stacks[0].frames[12] = mkframe("deep_user", "d.c", 7, "/bin/prog", 0x1000, false);
	a->stacks[0].frames[13] = mkframe("main", "d.c", 9, "/bin/prog", 0x1100, false);
	ck_assert_int_eq(report_add_finding(r, a, &is_new), 1);
	buf = NULL;
	fp = open_memstream(&buf, &len);
	ck_assert_ptr_nonnull(fp);
	report_print_finding(r, 1, fp);
	report_print_finding(r, 2, fp);
	fclose(fp);
	ck_assert_ptr_nonnull(strstr(buf, "#12 deep_user at d.c:7 (prog)"));
	ck_assert_ptr_nonnull(strstr(buf, "sysfn (libc.so.6+0x"));
	ck_assert_ptr_null(strstr(buf, "finding #2"));
	free(buf);
	report_free(r);
	free(a);
}
END_TEST

static Suite *report_suite(void)
{
	Suite *s = suite_create("report");
	TCase *tc = tcase_create("core");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, test_system_modules);
	tcase_add_test(tc, test_dedupe_same);
	tcase_add_test(tc, test_dedupe_different);
	tcase_add_test(tc, test_dedupe_hang);
	tcase_add_test(tc, test_prior);
	tcase_add_test(tc, test_dedupe_state);
	tcase_add_test(tc, test_output_copy);
	tcase_add_test(tc, test_json_roundtrip);
	tcase_add_test(tc, test_replay_errors);
	tcase_add_test(tc, test_replay_lenient);
	tcase_add_test(tc, test_text);
	check_report_unwind_tests(tc);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(report_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
