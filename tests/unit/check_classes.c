/* check_classes.c - the fault class table (inject/classes.c) is complete
 * and consistent, and what is made from it (names, sets, the faults
 * --fault accepts, the trace set) says what the rows say. */
#include "config.h"

#include <check.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "inject/alloc_call.h"
#include "inject/classes.h"
#include "inject/inject_int.h"
#include "inject/io_table.h"

static int class_index(const char *name)
{
	for (int i = 0; i < n_fault_classes; i++)
		if (strcmp(fault_classes[i].name, name) == 0)
			return i;
	ck_abort_msg("no class %s", name);
	return -1;
}

static bool fails_some_syscall(const struct fault_class *c)
{
	return c->sc_flags || (c->sc_names && c->sc_names[0]);
}

/* Every word of a fault list is a fault --fault can name. */
static void check_fault_list(const char *cls, const char *faults)
{
	char buf[256], *save = NULL;
	int n = 0;

	ck_assert_ptr_nonnull(faults);
	ck_assert_uint_lt(strlen(faults), sizeof(buf));
	strcpy(buf, faults);
	for (char *w = strtok_r(buf, " ", &save); w; w = strtok_r(NULL, " ", &save), n++) {
		struct fault f;

		ck_assert_msg(fault_parse(w, &f) == 0, "%s: fault '%s' does not parse", cls, w);
		ck_assert_msg(fault_list_has(faults, &f), "%s: '%s' not found in its list", cls, w);
	}
	ck_assert_msg(n > 0, "%s: empty fault list", cls);
}

START_TEST(test_every_class_is_described)
{
	ck_assert_int_ge(n_fault_classes, 1);
	ck_assert_int_le(n_fault_classes, INJECT_MAX_CLASSES);
	ck_assert_int_eq(inject_nclasses(), n_fault_classes);
	for (int i = 0; i < n_fault_classes; i++) {
		const struct fault_class *c = &fault_classes[i];

		ck_assert_ptr_nonnull(c->name);
		/* A word of --inject's comma list, and never its "none". */
		ck_assert_msg(c->name[0] && !strpbrk(c->name, ", \t") && strcmp(c->name, "none") != 0,
			      "class %d: bad name '%s'", i, c->name);
		for (int j = 0; j < i; j++)
			ck_assert_str_ne(fault_classes[j].name, c->name);
		ck_assert_ptr_nonnull(c->summary);
		ck_assert_msg(c->summary[0] && strlen(c->summary) <= 49 && !strchr(c->summary, '\n'),
			      "%s: the summary must be one --help line (<= 49 characters)", c->name);
		ck_assert_msg(c->preconditions && c->preconditions[0],
			      "%s: say where its faults' preconditions live", c->name);
		ck_assert_str_eq(inject_class_name(i), c->name);
		ck_assert_str_eq(inject_class_names()[i], c->name);
	}
	ck_assert_ptr_null(inject_class_name(n_fault_classes));
	ck_assert_ptr_null(inject_class_names()[n_fault_classes]);
}
END_TEST

/* Each kind of call a class fails has its faults and the hook that sees
 * it; each hook has something to see. */
START_TEST(test_hooks_consistent)
{
	for (int i = 0; i < n_fault_classes; i++) {
		const struct fault_class *c = &fault_classes[i];
		const struct class_hooks *h = c->hooks;
		bool sc = fails_some_syscall(c), lib = c->lib_calls && c->lib_calls[0];

		ck_assert_ptr_nonnull(h);
		ck_assert_msg(sc || lib, "%s fails nothing", c->name);
		ck_assert_msg(!sc == !h->on_syscall, "%s: syscalls and on_syscall go together", c->name);
		ck_assert_msg(!sc == !c->sc_faults, "%s: syscalls and sc_faults go together", c->name);
		ck_assert_msg(!lib == !h->on_trap, "%s: library calls and on_trap go together", c->name);
		ck_assert_msg(!lib == !c->lib_faults, "%s: library calls and lib_faults go together",
			      c->name);
		ck_assert_msg(!c->watch_flags == !h->on_watch, "%s: watch_flags and on_watch", c->name);
		ck_assert_msg(!h->mm_new == !h->mm_free && !h->mm_new == !h->mm_fork,
			      "%s: mm_new, mm_fork and mm_free go together", c->name);
		ck_assert_msg(!h->on_syscall_exit || sc || c->watch_flags,
			      "%s: an exit hook without syscalls", c->name);
		if (sc)
			check_fault_list(c->name, c->sc_faults);
		if (lib)
			check_fault_list(c->name, c->lib_faults);
	}
}
END_TEST

/* Every syscall a row names exists, every flag selects some syscall, and
 * no syscall or library call belongs to two classes (a call's faults and
 * its site have one owner). */
START_TEST(test_calls_resolve)
{
	const char *owner[SYSCALL_MAX] = { 0 };

	for (int i = 0; i < n_fault_classes; i++) {
		const struct fault_class *c = &fault_classes[i];
		bool flag_hit = false, watch_hit = false;

		for (int k = 0; c->sc_names && c->sc_names[k]; k++)
			ck_assert_msg(syscall_by_name(c->sc_names[k]), "%s: no syscall '%s'", c->name,
				      c->sc_names[k]);
		for (int nr = 0; nr < SYSCALL_MAX; nr++) {
			const struct syscall_ent *e = syscall_by_nr(nr);

			if (!e)
				continue;
			flag_hit |= (e->flags & c->sc_flags) != 0;
			watch_hit |= (e->flags & c->watch_flags) != 0;
			if (!class_fails_syscall(c, e))
				continue;
			ck_assert_msg(!owner[nr], "%s is failed by %s and %s", e->name, owner[nr], c->name);
			owner[nr] = c->name;
		}
		ck_assert_msg(!c->sc_flags || flag_hit, "%s: sc_flags select no syscall", c->name);
		ck_assert_msg(!c->watch_flags || watch_hit, "%s: watch_flags select no syscall", c->name);
		for (int k = 0; c->lib_calls && c->lib_calls[k]; k++) {
			const char *faults;
			bool library;

			ck_assert_msg(!syscall_by_name(c->lib_calls[k]), "%s: %s is a syscall name",
				      c->name, c->lib_calls[k]);
			ck_assert_ptr_eq(class_of_call(c->lib_calls[k], &faults, &library), c);
			ck_assert(library);
		}
	}
}
END_TEST

/* alloc's library calls are exactly the breakpoints alloc_call.c plants. */
START_TEST(test_alloc_calls_are_breakpoints)
{
	const struct fault_class *c = &fault_classes[class_index("alloc")];
	int n = 0;

	for (; c->lib_calls[n]; n++)
		ck_assert_int_ge(alloc_call_by_name(c->lib_calls[n]), 0);
	ck_assert_int_eq(n, AC_NCALLS);
	for (int k = 0; k < AC_NCALLS; k++) {
		const char *faults;
		bool library;

		ck_assert_ptr_eq(class_of_call(alloc_call_name(k), &faults, &library), c);
	}
}
END_TEST

/* Every fault io_table.c can offer is in io's list, and io's syscalls have
 * the fd its decider looks at. */
START_TEST(test_io_row_matches_io_table)
{
	const struct fault_class *c = &fault_classes[class_index("io")];
	struct fault all[16];
	int n = io_faults_list(~0u, all, 16);

	ck_assert_int_ge(n, 6);
	for (int i = 0; i < n; i++)
		ck_assert(fault_list_has(c->sc_faults, &all[i]));
	for (int nr = 0; nr < SYSCALL_MAX; nr++) {
		const struct syscall_ent *e = syscall_by_nr(nr);

		if (e && class_fails_syscall(c, e))
			ck_assert_msg(e->fd_arg >= 0, "io: %s has no fd argument", e->name);
	}
}
END_TEST

START_TEST(test_call_owner)
{
	const char *faults;
	bool library;
	struct fault f;

	ck_assert_ptr_eq(class_of_call("read", &faults, &library), &fault_classes[class_index("io")]);
	ck_assert(!library);
	ck_assert_int_eq(fault_parse("short=7", &f), 0);
	ck_assert(fault_list_has(faults, &f));
	ck_assert_int_eq(fault_parse("NULL", &f), 0);
	ck_assert(!fault_list_has(faults, &f));
	ck_assert_ptr_eq(class_of_call("brk", &faults, &library),
			 &fault_classes[class_index("alloc")]);
	ck_assert_int_eq(fault_parse("exhaust", &f), 0);
	ck_assert(fault_list_has(faults, &f));
	/* Watched, or traced for other reasons, is not failed. */
	ck_assert_ptr_null(class_of_call("rt_sigaction", &faults, &library));
	ck_assert_ptr_null(class_of_call("listen", &faults, &library));
	ck_assert_ptr_null(class_of_call("nosuchcall", &faults, &library));
}
END_TEST

START_TEST(test_sets)
{
	unsigned m, def = 0;
	char buf[128], bad[64];

	for (int i = 0; i < n_fault_classes; i++) {
		ck_assert_int_eq(inject_parse_classes(fault_classes[i].name, &m, bad, sizeof(bad)), 0);
		ck_assert_uint_eq(m, 1u << i);
		ck_assert_str_eq(inject_format_classes(m, buf, sizeof(buf)), fault_classes[i].name);
		ck_assert_int_eq(inject_class_default(i), fault_classes[i].by_default);
		if (fault_classes[i].by_default)
			def |= 1u << i;
	}
	ck_assert_uint_eq(inject_default_classes(), def);
	inject_format_classes(def, buf, sizeof(buf));
	ck_assert_int_eq(inject_parse_classes(buf, &m, bad, sizeof(bad)), 0);
	ck_assert_uint_eq(m, def);
	ck_assert_str_eq(inject_format_classes(0, buf, sizeof(buf)), "none");
	ck_assert_str_eq(inject_class_faults(class_index("alloc"), buf, sizeof(buf)),
			 "NULL ENOMEM exhaust");
}
END_TEST

/* One class at a time: the filter stops on exactly the syscalls it fails
 * or watches (and listen only in service mode; exit_group for an
 * out-of-memory class, whose deliberate exits are told there). */
START_TEST(test_trace_set_from_table)
{
	for (int i = 0; i < n_fault_classes; i++)
		for (int service = 0; service < 2; service++) {
			const struct fault_class *c = &fault_classes[i];
			struct inject_config cfg = { .classes = 1u << i, .occurrences = 1,
						     .service = service };
			uint8_t set[SYSCALL_MAX / 8];
			struct inject *inj;

			ck_assert_int_eq(inject_new(&cfg, &inj), 0);
			inject_trace_set(inj, set);
			for (int nr = 0; nr < SYSCALL_MAX; nr++) {
				const struct syscall_ent *e = syscall_by_nr(nr);
				bool want = e && (class_fails_syscall(c, e) ||
						  class_watches_syscall(c, e) ||
						  (service && strcmp(e->name, "listen") == 0) ||
						  (c->oom && strcmp(e->name, "exit_group") == 0));

				ck_assert_msg(((set[nr / 8] >> (nr % 8)) & 1) == want,
					      "%s: syscall %d traced %d", c->name, nr, !want);
			}
			inject_free(inj);
		}
}
END_TEST

static Suite *classes_suite(void)
{
	Suite *s = suite_create("classes");
	TCase *tc = tcase_create("table");

	tcase_add_test(tc, test_every_class_is_described);
	tcase_add_test(tc, test_hooks_consistent);
	tcase_add_test(tc, test_calls_resolve);
	tcase_add_test(tc, test_alloc_calls_are_breakpoints);
	tcase_add_test(tc, test_io_row_matches_io_table);
	tcase_add_test(tc, test_call_owner);
	tcase_add_test(tc, test_sets);
	tcase_add_test(tc, test_trace_set_from_table);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(classes_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
