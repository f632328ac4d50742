/* check_redact.c - --redact's masking (util/redact.c) and its JSON walk
 * (reporters/redact_json.c). Each test forks (CK_FORK), so each compiles
 * its own expressions into the process-wide list. */
#include "config.h"

#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <json-c/json.h>

#include "reporters/report_int.h"
#include "util/redact.h"

static void add(const char *re)
{
	char why[128];

	ck_assert_int_eq(redact_add(re, why, sizeof(why)), 0);
}

/* s masked, as a string; *n the count. */
static char *mask(const char *s, int *n)
{
	char *out;
	size_t len;

	*n = redact_buf(s, strlen(s), &out, &len);
	ck_assert_int_ge(*n, 0);
	ck_assert_uint_eq(len, strlen(out));
	return out;
}

START_TEST(inactive_is_identity)
{
	int n;
	char *m = mask("API_TOKEN=abc", &n);

	ck_assert(!redact_active());
	ck_assert_int_eq(n, 0);
	ck_assert_str_eq(m, "API_TOKEN=abc");
	free(m);
}
END_TEST

START_TEST(every_match_masked)
{
	int n;
	char *m;

	add("s3cr3t-[A-Z]+-[0-9]+");
	ck_assert(redact_active());
	m = mask("a s3cr3t-TOKEN-123 b s3cr3t-X-9", &n);
	ck_assert_int_eq(n, 2);
	ck_assert_str_eq(m, "a " REDACT_MASK " b " REDACT_MASK);
	free(m);
}
END_TEST

/* Two expressions: the leftmost match wins, the longer of two starting
 * at the same byte, so no piece of the longer secret is left. */
START_TEST(leftmost_longest_across_expressions)
{
	int n;
	char *m;

	add("abc");
	add("abcdef");
	add("cd");
	m = mask("xxabcdefyy", &n);
	ck_assert_int_eq(n, 1);
	ck_assert_str_eq(m, "xx" REDACT_MASK "yy");
	free(m);
	m = mask("abcd", &n);	/* abc first (leftmost), then d alone */
	ck_assert_str_eq(m, REDACT_MASK "d");
	free(m);
}
END_TEST

/* An expression that matches the empty string masks only what it
 * matches with at least one byte. */
START_TEST(empty_matches_ignored)
{
	int n;
	char *m;

	add("x*");
	m = mask("abxxc", &n);
	ck_assert_int_eq(n, 1);
	ck_assert_str_eq(m, "ab" REDACT_MASK "c");
	free(m);
}
END_TEST

START_TEST(nul_bytes_kept)
{
	const char in[] = "k\0key=TOP\0z";
	char *out;
	size_t len;

	add("TOP");
	ck_assert_int_eq(redact_buf(in, sizeof(in) - 1, &out, &len), 1);
	ck_assert_uint_eq(len, sizeof(in) - 1 - 3 + strlen(REDACT_MASK));
	ck_assert_int_eq(memcmp(out, "k\0key=" REDACT_MASK "\0z", len), 0);
	free(out);
}
END_TEST

START_TEST(bad_expression)
{
	char why[128] = "";

	ck_assert_int_eq(redact_add("(", why, sizeof(why)), -EINVAL);
	ck_assert_int_gt((int)strlen(why), 0);
	ck_assert(!redact_active());
}
END_TEST

/* Masked before it is cut: no prefix of the secret survives the cut. */
START_TEST(line_masked_then_cut)
{
	char buf[16] = "id s3cr3t-LONG";

	add("s3cr3t-[A-Z]+");
	ck_assert_int_eq(redact_line(buf, 10), 1);
	ck_assert_str_eq(buf, "id [REDAC");
}
END_TEST

/* A file masked line by line, a match never across lines. */
START_TEST(copy_fd_by_lines)
{
	char in[] = "/tmp/fzredact.in.XXXXXX", out[] = "/tmp/fzredact.out.XXXXXX", got[256];
	int fi = mkstemp(in), fo = mkstemp(out);
	ssize_t n;

	ck_assert(fi >= 0 && fo >= 0);
	add("ab\nc|tok[0-9]");
	ck_assert_int_eq(write(fi, "ab\ncd tok1\ntok2", 15), 15);
	ck_assert_int_eq(lseek(fi, 0, SEEK_SET), 0);
	ck_assert_int_eq(redact_copy_fd(fi, fo), 0);
	ck_assert_int_eq(lseek(fo, 0, SEEK_SET), 0);
	n = read(fo, got, sizeof(got) - 1);
	ck_assert_int_gt(n, 0);
	got[n] = 0;
	ck_assert_str_eq(got, "ab\ncd " REDACT_MASK "\n" REDACT_MASK);
	unlink(in);
	unlink(out);
	close(fi);
	close(fo);
}
END_TEST

/* Every string of a document, keys left alone; "redacted": true only when
 * something was masked. */
START_TEST(json_tree)
{
	json_object *o = json_tokener_parse(
		"{\"argv\":[\"prog\",\"tok1\"],\"env\":[\"K=tok2\"],\"n\":3,"
		"\"tok3\":{\"detail\":\"said \\\"tok4\\\"\"}}");

	ck_assert_ptr_nonnull(o);
	ck_assert_int_eq(report_redact_top(o), 0);	/* no --redact yet */
	ck_assert(!json_object_object_get_ex(o, "redacted", NULL));
	add("tok[0-9]");
	ck_assert_int_eq(report_redact_top(o), 3);
	ck_assert_str_eq(json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN),
			 "{\"argv\":[\"prog\",\"[REDACTED]\"],\"env\":[\"K=[REDACTED]\"],\"n\":3,"
			 "\"tok3\":{\"detail\":\"said \\\"[REDACTED]\\\"\"},\"redacted\":true}");
	json_object_put(o);
}
END_TEST

/* A report without its .unredacted.json: a masked variable comes back
 * from the environment; a masked argument cannot, and says so. */
START_TEST(replay_from_environment)
{
	struct replay_spec s = { 0 };
	char why[256];

	add("tok[0-9]");
	setenv("FZ_SECRET", "tok7", 1);
	s.argv = calloc(3, sizeof(char *));
	s.envp = calloc(2, sizeof(char *));
	s.options_argv = calloc(3, sizeof(char *));
	s.argv[0] = strdup("prog");
	s.envp[0] = strdup("FZ_SECRET=" REDACT_MASK);
	s.options_argv[0] = strdup("--redact=" REDACT_MASK);
	s.options_argv[1] = strdup("--timeout=1s");
	ck_assert_int_eq(replay_unredact(&s, "r.json", why, sizeof(why)), 0);
	ck_assert_str_eq(s.envp[0], "FZ_SECRET=tok7");
	ck_assert_str_eq(s.options_argv[0], "--timeout=1s");
	ck_assert_ptr_null(s.options_argv[1]);
	s.argv[1] = strdup("x" REDACT_MASK);
	ck_assert_int_eq(replay_unredact(&s, "r.json", why, sizeof(why)), -EPERM);
	ck_assert_ptr_nonnull(strstr(why, "argument 1"));
	unsetenv("FZ_SECRET");
	free(s.envp[0]);
	s.envp[0] = strdup("FZ_SECRET=" REDACT_MASK);
	s.argv[1][0] = 0;
	ck_assert_int_eq(replay_unredact(&s, "r.json", why, sizeof(why)), -EPERM);
	ck_assert_ptr_nonnull(strstr(why, "set FZ_SECRET"));
	replay_spec_free(&s);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("redact");
	TCase *tc = tcase_create("core");
	SRunner *sr;
	int nf;

	tcase_add_test(tc, inactive_is_identity);
	tcase_add_test(tc, every_match_masked);
	tcase_add_test(tc, leftmost_longest_across_expressions);
	tcase_add_test(tc, empty_matches_ignored);
	tcase_add_test(tc, nul_bytes_kept);
	tcase_add_test(tc, bad_expression);
	tcase_add_test(tc, line_masked_then_cut);
	tcase_add_test(tc, copy_fd_by_lines);
	tcase_add_test(tc, json_tree);
	tcase_add_test(tc, replay_from_environment);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	nf = srunner_ntests_failed(sr);
	srunner_free(sr);
	return nf ? 1 : 0;
}
