#include "config.h"

/* check_alloc_call.c - the pure parts of inject/alloc_call*: call names,
 * and the dormant/armed classification of hits in static programs. (The
 * decoder of the displaced instruction is tracer's: check_insn_x86.c.) */

#include <check.h>
#include <stdlib.h>

#include "inject/alloc_call.h"

START_TEST(names)
{
	for (int c = 0; c < AC_NCALLS; c++)
		ck_assert_int_eq(alloc_call_by_name(alloc_call_name(c)), c);
	ck_assert_str_eq(alloc_call_name(AC_MALLOC), "malloc");
	ck_assert_str_eq(alloc_call_name(AC_POSIX_MEMALIGN), "posix_memalign");
	ck_assert_int_eq(alloc_call_by_name("free"), -1);
	ck_assert_int_eq(alloc_call_by_name(""), -1);
	ck_assert_int_eq(alloc_call_by_name(NULL), -1);
	ck_assert_str_eq(alloc_call_name(AC_NCALLS), "?");
}
END_TEST

/* A static program: dormant until main, then every allocator hit is a call;
 * main's own breakpoint is never a call, nor is main called again. */
START_TEST(hit_kind)
{
	bool dormant = true;

	/* glibc start-up mallocs before main: passed unseen, still dormant */
	ck_assert_int_eq(bp_hit_kind(dormant, false), 2);
	ck_assert_int_eq(bp_hit_kind(dormant, false), 2);
	/* first entry into main: consumed; bp_hit then arms */
	ck_assert_int_eq(bp_hit_kind(dormant, true), 2);
	dormant = false;
	ck_assert_int_eq(bp_hit_kind(dormant, false), 1);
	/* main calling main: consumed, still armed */
	ck_assert_int_eq(bp_hit_kind(dormant, true), 2);
	ck_assert_int_eq(bp_hit_kind(dormant, false), 1);
}
END_TEST

static Suite *alloc_call_suite(void)
{
	Suite *s = suite_create("alloc_call");
	TCase *tc = tcase_create("pure");

	tcase_add_test(tc, names);
	tcase_add_test(tc, hit_kind);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(alloc_call_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
