#include "config.h"

/* check_outcomes.c - the outcome table (reporters/outcomes.c): messages
 * normalised so equal ones cluster, the groups, stdout against the clean
 * run's, and the table printed the same from the report and from its
 * report.json (what `fzsandbox outcomes` reads). */

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "reporters/report.h"

static char tmpdir[64];

static void setup(void)
{
	snprintf(tmpdir, sizeof(tmpdir), "/tmp/fz-outcomes-XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(tmpdir));
}

static void teardown(void)
{
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
	ck_assert_int_eq(system(cmd), 0);
}

static const char *norm(const char *in)
{
	static char buf[OUTCOME_MSG_MAX];

	snprintf(buf, sizeof(buf), "%s", in);
	outcome_normalise(buf, sizeof(buf));
	return buf;
}

START_TEST(test_normalise)
{
	ck_assert_str_eq(norm("/usr/bin/sort: read failed: /tmp/a/b: Input/output error"),
			 "sort: read failed: <path>: Input/output error");
	ck_assert_str_eq(norm("cannot open './x.txt' (line 42)"), "cannot open '<path>' (line <n>)");
	ck_assert_str_eq(norm("bad pointer 0x7ffd1234 in thread 3  \r"),
			 "bad pointer <hex> in thread <n>");
	/* Words keep their digits; a/b inside a word is no path. */
	ck_assert_str_eq(norm("sha256sum: 64bit and/or 1.5x"), "sha256sum: 64bit and/or 1.5x");
	ck_assert_str_eq(norm("took 1.25 s, pid=4711"), "took <n> s, pid=<n>");
	/* Equal after normalising: one cluster. */
	ck_assert_str_eq(norm("out of memory allocating 4096 bytes"),
			 "out of memory allocating <n> bytes");
}
END_TEST

static void put_file(const char *name, const char *text, char *path, size_t len)
{
	FILE *fp;

	snprintf(path, len, "%s/%s", tmpdir, name);
	fp = fopen(path, "w");
	ck_assert_ptr_nonnull(fp);
	fputs(text, fp);
	ck_assert_int_eq(fclose(fp), 0);
}

START_TEST(test_read_output)
{
	char err[128], blank[128], clean[128], same[128], prefix[128], other[128];
	struct outcome o = { .ending = ENDED_EXIT };

	put_file("err", "\n  \nprog: cannot read /etc/x: No such file\nmore\n", err, sizeof(err));
	put_file("blank", "\n\n", blank, sizeof(blank));
	put_file("clean", "one\ntwo\nthree\n", clean, sizeof(clean));
	put_file("same", "one\ntwo\nthree\n", same, sizeof(same));
	put_file("prefix", "one\ntw", prefix, sizeof(prefix));
	put_file("other", "one\ntwo\nthree\nfour\n", other, sizeof(other));
	outcome_read_output(&o, err, same, clean);
	ck_assert(o.stderr_any);
	ck_assert_str_eq(o.message, "prog: cannot read <path>: No such file");
	ck_assert_int_eq(o.out, STDOUT_SAME);
	outcome_read_output(&o, blank, prefix, clean);
	ck_assert(o.stderr_any);
	ck_assert_str_eq(o.message, "");
	ck_assert_int_eq(o.out, STDOUT_PREFIX);
	outcome_read_output(&o, NULL, other, clean);
	ck_assert(!o.stderr_any);
	ck_assert_int_eq(o.out, STDOUT_DIFFERS);
	outcome_read_output(&o, NULL, other, NULL);
	ck_assert_int_eq(o.out, STDOUT_UNKNOWN);
}
END_TEST

START_TEST(test_groups)
{
	struct outcome o = { .ending = ENDED_SIGNAL, .signal = 11 };

	ck_assert_int_eq(outcome_group_of(&o), OUTCOME_CRASHED);
	o = (struct outcome){ .ending = ENDED_TIMEOUT };
	ck_assert_int_eq(outcome_group_of(&o), OUTCOME_HUNG);
	o = (struct outcome){ .ending = ENDED_EXIT, .exit_status = 2, .stderr_any = true };
	ck_assert_int_eq(outcome_group_of(&o), OUTCOME_FAIL_MSG);
	o.stderr_any = false;
	ck_assert_int_eq(outcome_group_of(&o), OUTCOME_FAIL_SILENT);
	o.exit_status = 0;
	o.out = STDOUT_PREFIX;
	ck_assert_int_eq(outcome_group_of(&o), OUTCOME_OK_SILENT);
	ck_assert_str_eq(outcome_group_name(outcome_group_of(&o)), "exit-0-silent");
	o.out = STDOUT_SAME;
	ck_assert_int_eq(outcome_group_of(&o), OUTCOME_RECOVERED);
	o.stderr_any = true;
	ck_assert_int_eq(outcome_group_of(&o), OUTCOME_OK_MSG);
}
END_TEST

static char *print_table(const struct site *s, int ns, const struct outcome *v, int n,
			 const struct outcome *clean)
{
	char *text = NULL;
	size_t len;
	FILE *fp = open_memstream(&text, &len);

	ck_assert_ptr_nonnull(fp);
	report_print_outcomes(s, ns, v, n, clean, fp);
	ck_assert_int_eq(fclose(fp), 0);
	return text;
}

START_TEST(test_roundtrip)
{
	char *argv[] = { "/bin/prog", NULL }, *env[] = { NULL }, path[128], why[256];
	struct report_meta m = { .argv = argv, .envp = env, .cwd = "/", .out_dir = tmpdir,
				 .self = "./fzsandbox" };
	struct site site = { .call = "read", .key = "ab+0x10", .function = "load",
			     .file = "/src/load.c", .line = 7 };
	struct outcome clean = { .site_id = -1, .ending = ENDED_EXIT, .wall_us = 900, .cpu_us = 500 };
	struct outcome v[4] = {
		{ .site_id = 0, .run = 1, .call = "read", .fault = "EIO", .occurrence = 1,
		  .nfaults = 1, .ending = ENDED_EXIT, .exit_status = 1, .stderr_any = true,
		  .message = "prog: read: <path>: Input/output error", .out = STDOUT_PREFIX,
		  .wall_us = 1000, .cpu_us = 600 },
		{ .site_id = 1, .run = 2, .call = "malloc", .fault = "NULL", .occurrence = 2,
		  .nfaults = 1, .ending = ENDED_SIGNAL, .signal = 11, .out = STDOUT_PREFIX,
		  .wall_us = 2000, .cpu_us = 700, .finding = 1 },
		{ .site_id = 1, .run = 3, .call = "malloc", .fault = "NULL", .occurrence = 3,
		  .nfaults = 1, .ending = ENDED_EXIT, .out = STDOUT_DIFFERS, .wall_us = -1,
		  .cpu_us = -1 },
		{ .site_id = 0, .run = 4, .call = "read", .fault = "short=3", .occurrence = 1,
		  .nfaults = 2, .ending = ENDED_EXIT, .out = STDOUT_SAME, .wall_us = 800,
		  .cpu_us = 400 },
	};
	struct site *ls;
	struct outcome *lv, lclean;
	struct report *r;
	char *a, *b;
	int nls, nlv;

	ck_assert_int_eq(report_new(&m, &r), 0);
	ck_assert_int_eq(report_add_site(r, &site), 0);
	snprintf(site.call, sizeof(site.call), "malloc");
	site.npath = 1;
	snprintf(site.path[0], sizeof(site.path[0]), "xmalloc");
	ck_assert_int_eq(report_add_site(r, &site), 1);
	report_set_clean_outcome(r, &clean);
	for (int i = 0; i < 4; i++)
		ck_assert_int_eq(report_add_outcome(r, &v[i]), 0);
	ck_assert_int_eq(report_write_json(r), 0);
	a = print_table(report_site(r, 0), report_nsites(r), v, 4, &clean);
	ck_assert_ptr_nonnull(strstr(a, "exited 0 silently, stdout not the clean run's"));
	ck_assert_ptr_nonnull(strstr(a, "site#1 malloc NULL at load (load.c:7) via xmalloc, "
				     "occurrence 2, stdout cut short, finding #1"));
	ck_assert_ptr_nonnull(strstr(a, "1 site, exit 1: 'prog: read: <path>: Input/output error'"));
	ck_assert_ptr_nonnull(strstr(a, "recovered): 1 run\n"));
	snprintf(path, sizeof(path), "%s/report.json", tmpdir);
	ck_assert_int_eq(report_outcomes_load(path, &ls, &nls, &lv, &nlv, &lclean, why,
					      sizeof(why)), 0);
	ck_assert_int_eq(nls, 2);
	ck_assert_int_eq(nlv, 4);
	b = print_table(ls, nls, lv, nlv, &lclean);
	ck_assert_str_eq(a, b);
	free(a);
	free(b);
	free(ls);
	free(lv);
	report_free(r);
	/* Not a campaign's report: one line. */
	put_file("bad.json", "{\"sites\": [{\"id\": 0}]}", path, sizeof(path));
	ck_assert_int_lt(report_outcomes_load(path, &ls, &nls, &lv, &nlv, &lclean, why,
					      sizeof(why)), 0);
	ck_assert_ptr_nonnull(strstr(why, "has no outcomes"));
}
END_TEST

/* One line per site and fault, its occurrences merged; a cluster of
 * thousands of runs shows its first lines. */
START_TEST(test_merge_and_cap)
{
	struct site sites[80];
	struct outcome v[83];
	char *text;

	for (int i = 0; i < 80; i++) {
		sites[i] = (struct site){ .id = i, .call = "malloc", .function = "f" };
		v[i] = (struct outcome){ .site_id = i, .run = i + 1, .call = "malloc",
					 .fault = "NULL", .occurrence = 1, .ending = ENDED_EXIT,
					 .exit_status = 1, .stderr_any = true, .message = "oom" };
	}
	for (int i = 80; i < 83; i++) {
		v[i] = v[0];
		v[i].run = i + 1;
		v[i].occurrence = i - 78;
	}
	text = print_table(sites, 80, v, 83, NULL);
	ck_assert_ptr_nonnull(strstr(text, "  80 sites (83 runs), exit 1: 'oom'\n"));
	ck_assert_ptr_nonnull(strstr(text, "    site#0 malloc NULL at f, occurrences 1,2,3,4\n"));
	ck_assert_ptr_nonnull(strstr(text, "    site#49 malloc NULL at f\n"));
	ck_assert_ptr_null(strstr(text, "site#50 "));
	ck_assert_ptr_nonnull(strstr(text, "    ... 30 more runs (report.json: sites[].outcomes)\n"));
	free(text);
}
END_TEST

static Suite *outcomes_suite(void)
{
	Suite *s = suite_create("outcomes");
	TCase *tc = tcase_create("core");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_normalise);
	tcase_add_test(tc, test_read_output);
	tcase_add_test(tc, test_groups);
	tcase_add_test(tc, test_roundtrip);
	tcase_add_test(tc, test_merge_and_cap);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(outcomes_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? 1 : 0;
}
