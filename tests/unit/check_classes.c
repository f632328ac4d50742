/* check_classes.c - the fault class table (inject/classes.c) is complete
 * and consistent, and what is made from it (names, sets, the faults
 * --fault accepts, the trace set) says what the rows say. */
#include "config.h"

#include <check.h>
#include <errno.h>
#include <netdb.h>
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

/* Does class c have rows for syscalls (library: for library calls)? */
static bool has_rows(const struct fault_class *c, bool library)
{
	for (int k = 0; k < n_fault_rows; k++)
		if (fault_rows[k].library == library && class_has_row(c, &fault_rows[k]))
			return true;
	return false;
}

/* Calls one word of a row's call list at a time. */
static void each_call(const struct fault_row *r, void (*fn)(const struct fault_row *, const char *))
{
	char buf[256], *save = NULL;

	ck_assert_uint_lt(strlen(r->calls), sizeof(buf));
	strcpy(buf, r->calls);
	for (char *w = strtok_r(buf, " ", &save); w; w = strtok_r(NULL, " ", &save))
		fn(r, w);
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
		ck_assert_msg(c->name[0] && !strpbrk(c->name, ", \t") && strcmp(c->name, "none") != 0 &&
				      strcmp(c->name, "all") != 0,
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

/* Each kind of call a class fails has the hook that sees it; each hook
 * has something to see. */
START_TEST(test_hooks_consistent)
{
	for (int i = 0; i < n_fault_classes; i++) {
		const struct fault_class *c = &fault_classes[i];
		const struct class_hooks *h = c->hooks;
		bool sc = has_rows(c, false), lib = has_rows(c, true);
		char faults[256];

		ck_assert_ptr_nonnull(h);
		ck_assert_msg(sc || lib, "%s fails nothing", c->name);
		ck_assert_msg(!sc == !h->on_syscall, "%s: syscalls and on_syscall go together", c->name);
		ck_assert_msg(!lib == !h->on_trap, "%s: library calls and on_trap go together", c->name);
		ck_assert_msg(!(c->watch_flags || c->watch_lasting) == !h->on_watch,
			      "%s: watch_flags (or watch_lasting) and on_watch", c->name);
		ck_assert_msg(!h->mm_new == !h->mm_free && !h->mm_new == !h->mm_fork,
			      "%s: mm_new, mm_fork and mm_free go together", c->name);
		ck_assert_msg(!h->on_syscall_exit || sc || c->watch_flags,
			      "%s: an exit hook without syscalls", c->name);
		check_fault_list(c->name, inject_class_faults(i, faults, sizeof(faults)));
	}
}
END_TEST

static void check_call(const struct fault_row *r, const char *call)
{
	bool library;

	if (r->library)
		ck_assert_msg(!syscall_by_name(call), "%s: %s is a syscall name", r->cls, call);
	else
		ck_assert_msg(syscall_by_name(call), "%s: no syscall '%s'", r->cls, call);
	ck_assert_ptr_nonnull(class_of_call(call, &library));
	ck_assert(library == r->library);
}

/* Text that becomes a man page line: no tbl separator, no request. */
static void check_text(const char *cls, const char *what, const char *s, bool empty_ok)
{
	ck_assert_ptr_nonnull(s);
	ck_assert_msg(empty_ok || s[0], "%s: empty %s", cls, what);
	ck_assert_msg(!strpbrk(s, "|\\\t\n") && s[0] != '.' && s[0] != '\'',
		      "%s: %s '%s' cannot go in the man page", cls, what, s);
}

/* Every row belongs to a class, names real calls, a fault --fault can
 * name, says why and where it is documented. */
START_TEST(test_rows_complete)
{
	ck_assert_int_ge(n_fault_rows, 1);
	for (int k = 0; k < n_fault_rows; k++) {
		const struct fault_row *r = &fault_rows[k];
		struct fault f;
		int cls = -1;

		for (int i = 0; i < n_fault_classes; i++)
			if (class_has_row(&fault_classes[i], r))
				cls = i;
		ck_assert_msg(cls >= 0, "row %d: no class '%s'", k, r->cls);
		ck_assert_msg(fault_parse(r->fault, &f) == 0, "row %d: fault '%s'", k, r->fault);
		ck_assert(fault_row_has_fault(r, &f));
		ck_assert_msg(!r->alias || fault_parse(r->alias, &f) == 0, "row %d: alias", k);
		ck_assert_int_lt(r->fd, FDC_N);
		ck_assert_int_lt(r->mode, MODE_N);
		ck_assert_int_lt(r->pre, PRE_N);
		check_text(r->cls, "calls", r->calls, false);
		check_text(r->cls, "size", r->size, true);
		check_text(r->cls, "when", r->when, false);
		check_text(r->cls, "man", r->man, false);
		ck_assert_msg(strchr(r->man, '('), "row %d: man page '%s' has no section", k, r->man);
		each_call(r, check_call);
	}
}
END_TEST

/* Every syscall a row names exists, every watch flag selects some
 * syscall, and no (call, fault) pair belongs to two classes: a call may
 * be failed by several (write: io and fs), each fault of it by one, the
 * class that decides and injects it (class_of_fault). */
START_TEST(test_calls_resolve)
{
	for (int i = 0; i < n_fault_classes; i++) {
		const struct fault_class *c = &fault_classes[i];
		bool watch_hit = false;

		for (int nr = 0; nr < SYSCALL_MAX; nr++) {
			const struct syscall_ent *e = syscall_by_nr(nr);

			if (!e)
				continue;
			watch_hit |= (e->flags & c->watch_flags) != 0;
			if (!class_fails_syscall(c, e))
				continue;
			ck_assert_ptr_nonnull(class_of_call(e->name, &(bool){ false }));
		}
		ck_assert_msg(!c->watch_flags || watch_hit, "%s: watch_flags select no syscall", c->name);
	}
	for (int k = 0; k < n_fault_rows; k++) {
		const struct fault_row *r = &fault_rows[k];
		struct fault f;

		ck_assert_int_eq(fault_parse(r->fault, &f), 0);
		for (int j = 0; j < n_fault_rows; j++) {
			const struct fault_row *o = &fault_rows[j];
			char call[32];

			if (strcmp(o->cls, r->cls) == 0 || !fault_row_has_fault(o, &f))
				continue;
			/* Each call of row r: not o's. */
			for (const char *p = r->calls; *p;) {
				size_t n = strcspn(p, " ");

				snprintf(call, sizeof(call), "%.*s", (int)n, p);
				ck_assert_msg(!fault_row_has_call(o, call), "%s %s is given by %s and %s",
					      call, r->fault, r->cls, o->cls);
				p += n;
				p += strspn(p, " ");
			}
		}
	}
	/* write: short transfers are io's, a full disk is fs's. */
	ck_assert_int_eq(class_of_fault("write", &(struct fault){ FT_SHORT, 0, 0 }), class_index("io"));
	ck_assert_int_eq(class_of_fault("write", &(struct fault){ FT_ERRNO, ENOSPC, 0 }),
			 class_index("fs"));
	ck_assert_int_eq(class_of_fault("write", &(struct fault){ FT_ERRNO, EXDEV, 0 }), -1);
}
END_TEST

static int nlib;

static void count_lib(const struct fault_row *r, const char *call)
{
	bool library;

	ck_assert_int_ge(alloc_call_by_name(call), 0);
	ck_assert_ptr_eq(class_of_call(call, &library), &fault_classes[class_index("alloc")]);
	ck_assert(library && r->library);
	nlib++;
}

/* alloc's library calls are exactly the breakpoints alloc_call.c plants. */
START_TEST(test_alloc_calls_are_breakpoints)
{
	const struct fault_class *c = &fault_classes[class_index("alloc")];

	nlib = 0;
	for (int k = 0; k < n_fault_rows; k++)
		if (fault_rows[k].library && class_has_row(c, &fault_rows[k]))
			each_call(&fault_rows[k], count_lib);
	ck_assert_int_eq(nlib, AC_NCALLS);
	for (int k = 0; k < AC_NCALLS; k++) {
		bool library;

		ck_assert_ptr_eq(class_of_call(alloc_call_name(k), &library), c);
	}
}
END_TEST

/* Every fault io_table.c can offer is in io's list, and io's syscalls have
 * the fd its decider looks at. */
START_TEST(test_io_row_matches_io_table)
{
	const struct fault_class *c = &fault_classes[class_index("io")];
	struct fault all[16];
	char faults[256];
	int n = io_faults_list(~0u, all, 16);

	inject_class_faults(class_index("io"), faults, sizeof(faults));
	ck_assert_int_ge(n, 5);
	for (int i = 0; i < n; i++)
		ck_assert(fault_list_has(faults, &all[i]));
	for (int nr = 0; nr < SYSCALL_MAX; nr++) {
		const struct syscall_ent *e = syscall_by_nr(nr);

		if (e && class_fails_syscall(c, e))
			ck_assert_msg(e->fd_arg >= 0, "io: %s has no fd argument", e->name);
	}
}
END_TEST

START_TEST(test_call_owner)
{
	bool library;
	struct fault f;

	ck_assert_ptr_eq(class_of_call("read", &library), &fault_classes[class_index("io")]);
	ck_assert(!library);
	ck_assert_int_eq(fault_parse("short=7", &f), 0);
	ck_assert(call_takes_fault("read", &f));
	ck_assert_int_eq(fault_parse("NULL", &f), 0);
	ck_assert(!call_takes_fault("read", &f));
	ck_assert(call_takes_fault("malloc", &f));
	ck_assert_int_eq(fault_parse("ENOMEM", &f), 0);
	ck_assert(call_takes_fault("malloc", &f));	/* the alias */
	ck_assert_ptr_eq(class_of_call("brk", &library), &fault_classes[class_index("alloc")]);
	ck_assert_int_eq(fault_parse("exhaust", &f), 0);
	ck_assert(call_takes_fault("brk", &f));
	/* proc: EMFILE where a new descriptor is made, never from dup2. */
	ck_assert_int_eq(fault_parse("EMFILE", &f), 0);
	ck_assert(call_takes_fault("pipe2", &f));
	ck_assert(call_takes_fault("fcntl", &f));
	ck_assert(!call_takes_fault("dup2", &f));
	ck_assert(!call_takes_fault("dup3", &f));
	ck_assert_int_eq(fault_parse("EAGAIN", &f), 0);
	ck_assert(call_takes_fault("clone3", &f));
	ck_assert(!call_takes_fault("execve", &f));
	ck_assert(!call_takes_fault("getrandom", &f));
	/* fs: the open family; never EXDEV or ENOENT, ENOSPC its own. */
	ck_assert_ptr_eq(class_of_call("openat", &library), &fault_classes[class_index("fs")]);
	ck_assert_ptr_eq(class_of_call("creat", &library), &fault_classes[class_index("fs")]);
	ck_assert(!library);
	ck_assert_int_eq(fault_parse("EXDEV", &f), -EINVAL);
	ck_assert_int_eq(fault_parse("ENOENT", &f), -EINVAL);
	ck_assert_int_eq(fault_parse("ENOSPC", &f), 0);
	ck_assert(call_takes_fault("creat", &f));
	ck_assert(call_takes_fault("write", &f));	/* fs's full disk */
	ck_assert(call_takes_fault("rename", &f));
	ck_assert(call_takes_fault("mkdirat", &f));
	ck_assert(call_takes_fault("fallocate", &f));
	/* Never ENOSPC from unlink or ftruncate, never EXDEV. */
	ck_assert(!call_takes_fault("unlink", &f));
	ck_assert(!call_takes_fault("unlinkat", &f));
	ck_assert(!call_takes_fault("ftruncate", &f));
	ck_assert(!call_takes_fault("close", &f));
	ck_assert_int_eq(fault_parse("EIO", &f), 0);
	ck_assert(call_takes_fault("close", &f));
	ck_assert(!call_takes_fault("openat", &f));
	ck_assert_int_eq(fault_parse("ENFILE", &f), 0);
	ck_assert(call_takes_fault("openat2", &f));
	ck_assert(!call_takes_fault("dup", &f));
	/* Watched, or traced for other reasons, is not failed. */
	ck_assert_ptr_null(class_of_call("rt_sigaction", &library));
	ck_assert_ptr_null(class_of_call("listen", &library));
	ck_assert_ptr_null(class_of_call("nosuchcall", &library));
}
END_TEST

/* net: what its calls can take, and an alias that names a row's fault. */
START_TEST(test_net_rows)
{
	const struct fault_class *net = &fault_classes[class_index("net")];
	bool library;
	struct fault f;

	ck_assert_ptr_eq(class_of_call("accept4", &library), net);
	ck_assert(!library);
	ck_assert_ptr_eq(class_of_call("getaddrinfo", &library), net);
	ck_assert(library);
	ck_assert_int_eq(fault_parse("ENOBUFS", &f), 0);
	ck_assert(call_takes_fault("socket", &f));
	ck_assert(!call_takes_fault("accept", &f));	/* no path returns it */
	ck_assert(!call_takes_fault("socketpair", &f));
	ck_assert_int_eq(fault_parse("ECONNREFUSED", &f), 0);
	ck_assert(call_takes_fault("connect", &f));
	ck_assert_int_eq(fault_parse("ECONNABORTED", &f), -EINVAL);
	ck_assert_int_eq(fault_parse("EAI_AGAIN", &f), 0);
	ck_assert(call_takes_fault("getaddrinfo", &f));
	ck_assert(!call_takes_fault("connect", &f));
	/* A library call's fault stays what it is; malloc's alias is NULL. */
	ck_assert_int_eq(fault_parse("EAI_MEMORY", &f), 0);
	call_fault_canonical("getaddrinfo", &f);
	ck_assert(f.type == FT_ERRNO && f.err == EAI_MEMORY);
	ck_assert_int_eq(fault_parse("ENOMEM", &f), 0);
	call_fault_canonical("malloc", &f);
	ck_assert(f.type == FT_NULL);
	ck_assert_int_eq(fault_parse("ENOMEM", &f), 0);
	call_fault_canonical("socket", &f);
	ck_assert(f.type == FT_ERRNO && f.err == ENOMEM);
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
	ck_assert_int_eq(inject_parse_classes("all", &m, bad, sizeof(bad)), 0);
	ck_assert_uint_eq(m, (1u << n_fault_classes) - 1);
	ck_assert_str_eq(inject_class_faults(class_index("alloc"), buf, sizeof(buf)),
			 "NULL ENOMEM exhaust");
}
END_TEST

/* One class at a time: the session's filter stops on exactly the syscalls
 * it fails or watches, in any run or in one that may step (and listen only in service mode; exit_group for an
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
						  class_watches_lasting(c, e) ||
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
	tcase_add_test(tc, test_rows_complete);
	tcase_add_test(tc, test_calls_resolve);
	tcase_add_test(tc, test_alloc_calls_are_breakpoints);
	tcase_add_test(tc, test_io_row_matches_io_table);
	tcase_add_test(tc, test_call_owner);
	tcase_add_test(tc, test_net_rows);
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
