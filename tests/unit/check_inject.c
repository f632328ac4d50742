/* check_inject.c - the fault engine's pure parts: site keys and the
 * systematic plan built from recorded sites. */
#include "config.h"

#include <check.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "inject/inject_int.h"

START_TEST(test_site_key)
{
	struct frame f = { .offset = 0x11d0 };
	char key[64];

	strcpy(f.build_id, "1deef332070a85f3d6a3291eda4a497e91c1c079");
	strcpy(f.module, "/usr/bin/prog");
	ck_assert_str_eq(inj_site_key(&f, key, sizeof(key)),
			 "1deef332070a85f3d6a3291eda4a497e91c1c079+0x11d0");
	/* No build-id: the module's file name, still independent of ASLR. */
	f.build_id[0] = 0;
	ck_assert_str_eq(inj_site_key(&f, key, sizeof(key)), "prog+0x11d0");
}
END_TEST

static struct inject *engine(int k)
{
	struct inject_config cfg = { .classes = inject_default_classes(), .occurrences = k };
	struct inject *inj;

	ck_assert_int_eq(inject_new(&cfg, &inj), 0);
	return inj;
}

static const struct fault short_f = { FT_SHORT, 0, 0 }, eio_f = { FT_ERRNO, EIO, 0 };

static struct inject_site *site(struct inject *inj, const char *call, const char *key,
				const char *fn)
{
	struct frame f = { 0 };
	struct inject_site *s;

	strcpy(f.function, fn);
	s = inj_site_get(inj, call, key, &f);
	ck_assert_ptr_nonnull(s);
	return s;
}

/* n occurrences in thread th, each with these faithful faults. */
static void reach(struct inject *inj, struct inject_site *s, int th, int n,
		  const struct fault *opts, int nopts)
{
	for (int i = 0; i < n; i++)
		ck_assert_int_eq(inj_site_record(inj, s, th, opts, nopts), 0);
}

START_TEST(test_site_table_dedupes)
{
	struct inject *inj = engine(3);
	struct inject_site *a = site(inj, "read", "bid+0x10", "f");

	/* Same call and key: the same site; another call at the key: new. */
	ck_assert_ptr_eq(site(inj, "read", "bid+0x10", "f"), a);
	site(inj, "write", "bid+0x10", "f");
	ck_assert_int_eq(inject_nsites(inj), 2);
	inject_free(inj);
}
END_TEST

START_TEST(test_plan_counts)
{
	struct inject *inj = engine(3);
	struct fault both[] = { short_f, eio_f };
	struct plan_fault *plan;
	struct inject_site *s;
	int n;

	/* 5 occurrences in thread 0 (the first K = 3 are tried), 1 in thread
	 * 2; two faults each: (3 + 1) x 2 runs. */
	s = site(inj, "read", "bid+0x10", "load");
	reach(inj, s, 0, 5, both, 2);
	reach(inj, s, 2, 1, both, 2);
	ck_assert_uint_eq(s->total, 6);
	n = inject_plan_explore(inj, NULL, &plan);
	ck_assert_int_eq(n, 8);
	for (int i = 0; i < n; i++) {
		ck_assert_str_eq(plan[i].call, "read");
		ck_assert_str_eq(plan[i].site, "bid+0x10");
		ck_assert(plan[i].thread == 0 || plan[i].thread == 2);
		ck_assert(plan[i].occurrence >= 1 && plan[i].occurrence <= 3);
		if (plan[i].thread == 2)
			ck_assert_int_eq(plan[i].occurrence, 1);
	}
	free(plan);
	inject_free(inj);
}
END_TEST

START_TEST(test_plan_faithful_occurrences)
{
	struct inject *inj = engine(2);
	struct plan_fault *plan;
	struct inject_site *s;
	int n;

	/* EAGAIN was only faithful at occurrences 4 and 6 (the pipe was empty
	 * then): the plan tries exactly those, not 1 and 2. */
	s = site(inj, "read", "bid+0x10", "drain");
	reach(inj, s, 0, 3, NULL, 0);
	reach(inj, s, 0, 1, &(struct fault){ FT_ERRNO, EAGAIN, 0 }, 1);
	reach(inj, s, 0, 1, NULL, 0);
	reach(inj, s, 0, 1, &(struct fault){ FT_ERRNO, EAGAIN, 0 }, 1);
	reach(inj, s, 0, 1, &(struct fault){ FT_ERRNO, EAGAIN, 0 }, 1);
	n = inject_plan_explore(inj, NULL, &plan);
	ck_assert_int_eq(n, 2);
	ck_assert_int_eq(plan[0].occurrence, 4);
	ck_assert_int_eq(plan[1].occurrence, 6);
	ck_assert_int_eq(plan[0].fault.err, EAGAIN);
	free(plan);
	inject_free(inj);
}
END_TEST

START_TEST(test_plan_exclude)
{
	struct inject *inj = engine(1);
	char *exclude[] = { "skipme", "bid+0x30", NULL };
	struct plan_fault *plan;
	int n;

	reach(inj, site(inj, "malloc", "bid+0x10", "keep"), 0, 1, &(struct fault){ FT_NULL, 0, 0 }, 1);
	reach(inj, site(inj, "malloc", "bid+0x20", "skipme"), 0, 1, &(struct fault){ FT_NULL, 0, 0 }, 1);
	reach(inj, site(inj, "malloc", "bid+0x30", "other"), 0, 1, &(struct fault){ FT_NULL, 0, 0 }, 1);
	n = inject_plan_explore(inj, exclude, &plan);
	ck_assert_int_eq(n, 1);
	ck_assert_str_eq(plan[0].site, "bid+0x10");
	free(plan);
	inject_free(inj);
}
END_TEST

START_TEST(test_plan_exhaust_last)
{
	struct inject *inj = engine(1);
	struct fault mem[] = { { FT_EXHAUST, 0, 0 }, { FT_ERRNO, ENOMEM, 0 } };
	struct plan_fault *plan;
	int n;

	/* exhaust runs come after every other run, so a capped plan keeps
	 * the one-shot faults (inject/plan.c). */
	reach(inj, site(inj, "mmap", "bid+0x10", "f"), 0, 1, mem, 2);
	reach(inj, site(inj, "read", "bid+0x20", "g"), 0, 1, &short_f, 1);
	n = inject_plan_explore(inj, NULL, &plan);
	ck_assert_int_eq(n, 3);
	ck_assert_int_eq(plan[2].fault.type, FT_EXHAUST);
	ck_assert_int_ne(plan[0].fault.type, FT_EXHAUST);
	free(plan);
	inject_free(inj);
}
END_TEST

static Suite *inject_suite(void)
{
	Suite *s = suite_create("inject");
	TCase *tc = tcase_create("sites-and-plans");

	tcase_add_test(tc, test_site_key);
	tcase_add_test(tc, test_site_table_dedupes);
	tcase_add_test(tc, test_plan_counts);
	tcase_add_test(tc, test_plan_faithful_occurrences);
	tcase_add_test(tc, test_plan_exclude);
	tcase_add_test(tc, test_plan_exhaust_last);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(inject_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
