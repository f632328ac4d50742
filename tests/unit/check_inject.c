/* check_inject.c - the fault engine's pure parts: site keys and the
 * systematic plan built from recorded sites. */
#include "config.h"

#include <check.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
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

START_TEST(test_plan_every_site_first)
{
	struct inject *inj = engine(3);
	struct fault null_f = { FT_NULL, 0, 0 };
	struct plan_fault *plan;
	struct plan_meta *meta;
	int n, io = inject_call_class("read"), alloc = inject_call_class("malloc");

	/* Four allocation sites recorded first, then one read site; three
	 * occurrences each. A capped plan must try every site, the classes
	 * taking turns, before any site's second occurrence. */
	for (int i = 0; i < 4; i++) {
		char key[16];

		snprintf(key, sizeof(key), "bid+0x%x", 0x10 * (i + 1));
		reach(inj, site(inj, "malloc", key, "f"), 0, 3, &null_f, 1);
	}
	reach(inj, site(inj, "read", "bid+0x80", "g"), 0, 3, &short_f, 1);
	ck_assert_int_ge(io, 0);
	ck_assert_int_ge(alloc, 0);
	n = inject_plan_build(inj, NULL, &plan, &meta);
	ck_assert_int_eq(n, 15);
	for (int i = 0; i < 5; i++)
		ck_assert_int_eq(plan[i].occurrence, 1);
	for (int i = 5; i < 10; i++)
		ck_assert_int_eq(plan[i].occurrence, 2);
	/* Round robin: the read among the first two, not fifth. */
	ck_assert(strcmp(plan[0].call, "read") == 0 || strcmp(plan[1].call, "read") == 0);
	ck_assert(meta[0].cls != meta[1].cls);
	for (int i = 0; i < n; i++) {
		ck_assert_int_eq(meta[i].cls, strcmp(plan[i].call, "read") == 0 ? io : alloc);
		ck_assert_str_eq(inject_site(inj, meta[i].site)->key, plan[i].site);
	}
	free(plan);
	free(meta);
	inject_free(inj);
}
END_TEST

static struct inject_site *path_site(struct inject *inj, const char *key, int n, ...)
{
	struct inj_path p = { .n = n };
	struct frame f = { 0 };
	struct inject_site *s;
	va_list ap;

	strcpy(f.function, "xmalloc");
	va_start(ap, n);
	for (int i = 0; i < n; i++)
		p.h[i] = va_arg(ap, unsigned);
	va_end(ap);
	s = inj_path_site(inj, "malloc", key, &f, &p);
	ck_assert_ptr_nonnull(s);
	return s;
}

START_TEST(test_path_keys)
{
	struct inject *inj = engine(3);
	struct fault null_f = { FT_NULL, 0, 0 };
	char want[64];
	uint32_t abc[] = { 1, 2, 3 }, abd[] = { 1, 2, 4 }, ae[] = { 1, 5 };

	/* A wrapper at bid+0x10 reached by three paths: two told apart only
	 * at the third frame, one at the second. A caller reached by one
	 * path (bid+0x20) keeps its key. */
	reach(inj, path_site(inj, "bid+0x10", 3, 1u, 2u, 3u), 0, 2, &null_f, 1);
	reach(inj, path_site(inj, "bid+0x10", 3, 1u, 2u, 4u), 0, 1, &null_f, 1);
	reach(inj, path_site(inj, "bid+0x10", 2, 1u, 5u), 0, 1, &null_f, 1);
	reach(inj, path_site(inj, "bid+0x20", 2, 7u, 8u), 0, 4, &null_f, 1);
	reach(inj, path_site(inj, "bid+0x10", 3, 1u, 2u, 3u), 0, 1, &null_f, 1);
	inject_sites_finish(inj);
	ck_assert_int_eq(inject_nsites(inj), 4);
	inj_path_key("bid+0x10", abc, 3, 3, want, sizeof(want));
	ck_assert_str_eq(inject_site(inj, 0)->key, want);
	ck_assert_uint_eq(inject_site(inj, 0)->total, 3);
	inj_path_key("bid+0x10", abd, 3, 3, want, sizeof(want));
	ck_assert_str_eq(inject_site(inj, 1)->key, want);
	inj_path_key("bid+0x10", ae, 2, 2, want, sizeof(want));
	ck_assert_str_eq(inject_site(inj, 2)->key, want);
	ck_assert_int_eq(inj_key_depth(want), 2);
	ck_assert_str_eq(inject_site(inj, 3)->key, "bid+0x20");
	ck_assert_int_eq(inj_key_depth("bid+0x20"), 1);
	ck_assert_uint_eq(inject_site(inj, 3)->total, 4);
	/* A key names its path, whatever frames follow past its depth. */
	ck_assert_str_eq(inj_path_key("k", (uint32_t[]){ 1, 5, 9 }, 3, 2, want, sizeof(want)),
			 inj_path_key("k", ae, 2, 2, (char[64]){ 0 }, 64));
	/* Sites are found again after the table was compacted. */
	ck_assert_ptr_eq(inj_site_find(inj, "malloc", "bid+0x20"), inject_site(inj, 3));
	inject_free(inj);
}
END_TEST

START_TEST(test_path_bound)
{
	struct inject *inj = engine(1);
	struct inject_paths st;

	/* Past INJECT_PATHS_PER_SITE paths through one caller, further
	 * paths are not recorded; their occurrences are counted. */
	for (unsigned i = 0; i < INJECT_PATHS_PER_SITE + 5; i++) {
		struct inj_path p = { .h = { 1, 100 + i }, .n = 2 };
		struct frame f = { 0 };
		struct inject_site *s = inj_path_site(inj, "malloc", "bid+0x10", &f, &p);

		if (i < INJECT_PATHS_PER_SITE)
			ck_assert_int_eq(inj_site_record(inj, s, 0, &(struct fault){ FT_NULL, 0, 0 }, 1), 0);
		else
			ck_assert_ptr_null(s);
	}
	inject_sites_finish(inj);
	inject_path_stats(inj, &st);
	ck_assert_uint_eq(st.paths, INJECT_PATHS_PER_SITE);
	ck_assert_uint_eq(st.wrapped, INJECT_PATHS_PER_SITE);
	ck_assert_uint_eq(st.dropped, 5);
	inject_free(inj);
}
END_TEST

/* --fault's predicates: parsed in any order around the WHERE, formatted
 * back for the report (replay parses that again), and refused where they
 * cannot apply. */
START_TEST(test_fault_predicates)
{
	struct plan_fault pf;
	char bad[256], buf[256];
	int site;

	ck_assert_int_eq(plan_fault_parse("read:EIO@path=/d/*.db@2@fd=file,pipe@exe=prog", &pf,
					  &site, bad, sizeof(bad)), 0);
	ck_assert_str_eq(pf.pred.path, "/d/*.db");
	ck_assert_str_eq(pf.pred.exe, "prog");
	ck_assert_uint_eq(pf.pred.fd, PRED_FD_FILE | PRED_FD_PIPE);
	ck_assert_int_eq(pf.occurrence, 2);
	ck_assert_str_eq(fault_pred_format(&pf.pred, buf, sizeof(buf)),
			 "@exe=prog@path=/d/*.db@fd=file,pipe");
	ck_assert_int_eq(plan_fault_parse("malloc:NULL@exe=*/app@caller=f:3", &pf, &site, bad,
					  sizeof(bad)), 0);
	ck_assert_str_eq(pf.caller, "f");
	ck_assert_int_eq(pf.occurrence, 3);
	ck_assert_int_eq(plan_fault_parse("openat:EACCES@path=rel/x", &pf, &site, bad,
					  sizeof(bad)), 0);
	/* Unknown, malformed, not applicable: -EDOM, a message naming it. */
	ck_assert_int_eq(plan_fault_parse("read:EIO@colour=red", &pf, &site, bad, sizeof(bad)),
			 -EDOM);
	ck_assert_ptr_nonnull(strstr(bad, "@colour"));
	ck_assert_int_eq(plan_fault_parse("read:EIO@path=[ab", &pf, &site, bad, sizeof(bad)),
			 -EDOM);
	ck_assert_int_eq(plan_fault_parse("read:EIO@path=a\\", &pf, &site, bad, sizeof(bad)),
			 -EDOM);
	ck_assert_int_eq(plan_fault_parse("malloc:NULL@fd=file", &pf, &site, bad, sizeof(bad)),
			 -EDOM);
	ck_assert_int_eq(plan_fault_parse("openat:EACCES@fd=file", &pf, &site, bad, sizeof(bad)),
			 -EDOM);
	ck_assert_int_eq(plan_fault_parse("read:EIO@1@2", &pf, &site, bad, sizeof(bad)), -EINVAL);
	ck_assert(fault_glob_ok("[]x]*"));
	ck_assert(fault_glob_ok("[!a]"));
	ck_assert(!fault_glob_ok(""));
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
	tcase_add_test(tc, test_plan_every_site_first);
	tcase_add_test(tc, test_path_keys);
	tcase_add_test(tc, test_path_bound);
	tcase_add_test(tc, test_fault_predicates);
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
