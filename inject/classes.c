/* classes.c - the fault class table, and what is made from it and the
 * fault table's rows (fault_table.c): class names and sets for --inject,
 * the lines of --help, and which faults --fault accepts for which call. The engine builds its syscall dispatch and the
 * seccomp trace set from the same rows (engine.c). */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "inject/alloc_class.h"
#include "inject/classes.h"
#include "inject/clock_class.h"
#include "inject/delay_class.h"
#include "inject/fs_class.h"
#include "inject/io_class.h"
#include "inject/net_class.h"
#include "inject/proc_class.h"
#include "util/util.h"

const struct fault_class fault_classes[] = {
	{
		.name = "io",
		.summary = "read/write family system calls",
		.by_default = true,
		/* EINTR and short writes need to know the signal handlers. */
		.watch_flags = SC_SIGNAL,
		.preconditions = "inject/io_table.c",
		.hooks = &io_class_hooks,
	},
	{
		.name = "alloc",
		.summary = "malloc and family; mmap, mremap, mprotect, brk",
		.by_default = true,
		.oom = true,
		.preconditions = "inject/alloc_class.c (alloc_can_fail), inject/alloc_kernel.c (candidate)",
		.hooks = &alloc_class_hooks,
	},
	{
		.name = "proc",
		.summary = "clone/fork, execve, new descriptors",
		.preconditions = "inject/proc_class.c",
		.hooks = &proc_class_hooks,
	},
	{
		.name = "fs",
		.summary = "opens, close, full disk, fsync, names",
		/* close's EINTR needs to know the signal handlers. */
		.watch_flags = SC_SIGNAL,
		/* fsync's EIO drops the data written since the last good
		 * fsync: the writes before it save what they overwrite. */
		.watch_lasting = "write pwrite64 writev pwritev pwritev2 copy_file_range fsync "
				 "fdatasync sync syncfs",
		.preconditions = "inject/fs_class.c, inject/fs_name.c (new names), inject/fs_close.c, "
				 "inject/fs_write.c (the full disk), inject/fs_lost.c (fsync's EIO)",
		.hooks = &fs_class_hooks,
	},
	{
		.name = "net",
		.summary = "sockets, accept, connect; getaddrinfo",
		.preconditions = "inject/net_class.c, inject/net_connect.c (connect), "
				 "inject/net_gai.c (getaddrinfo)",
		.hooks = &net_class_hooks,
	},
	{
		.name = "clock",
		.summary = "clock steps (vDSO clocks read by syscall)",
		.watch_lasting = clock_watch_calls,
		.preconditions = "inject/clock_class.c, inject/clock_step.c, inject/clock_deadline.c, "
				 "inject/clock_sleep.c, inject/clock_cancel.c, inject/clock_tsc.c",
		.hooks = &clock_class_hooks,
	},
	{
		.name = "delay",
		.summary = "waits: EINTR by a real signal; slow peers",
		/* EINTR needs to know the signal handlers. */
		.watch_flags = SC_SIGNAL,
		.preconditions = "inject/delay_class.c, inject/delay_wait.c (what a wait waits on)",
		.hooks = &delay_class_hooks,
	},
};

const int n_fault_classes = (int)ARRAY_SIZE(fault_classes);

_Static_assert(ARRAY_SIZE(fault_classes) <= INJECT_MAX_CLASSES, "raise INJECT_MAX_CLASSES");

bool class_has_row(const struct fault_class *c, const struct fault_row *r)
{
	return strcmp(r->cls, c->name) == 0;
}

bool class_fails_syscall(const struct fault_class *c, const struct syscall_ent *e)
{
	for (int i = 0; i < n_fault_rows; i++)
		if (!fault_rows[i].library && class_has_row(c, &fault_rows[i]) &&
		    fault_row_has_call(&fault_rows[i], e->name))
			return true;
	return false;
}

bool class_watches_syscall(const struct fault_class *c, const struct syscall_ent *e)
{
	return (e->flags & c->watch_flags) != 0;
}

bool class_watches_lasting(const struct fault_class *c, const struct syscall_ent *e)
{
	struct fault_row r = { .calls = c->watch_lasting };

	return c->watch_lasting && fault_row_has_call(&r, e->name);
}

static const struct fault_class *class_named(const char *name)
{
	for (int i = 0; i < n_fault_classes; i++)
		if (strcmp(fault_classes[i].name, name) == 0)
			return &fault_classes[i];
	return NULL;
}

/* The first class with a row for call (a call with rows in two classes,
 * write in io and fs, is found under the first: class_of_fault tells
 * which of them gives a fault). */
const struct fault_class *class_of_call(const char *call, bool *library)
{
	for (int i = 0; i < n_fault_rows; i++)
		if (fault_row_has_call(&fault_rows[i], call)) {
			*library = fault_rows[i].library;
			return class_named(fault_rows[i].cls);
		}
	return NULL;
}

int class_of_fault(const char *call, const struct fault *f)
{
	for (int i = 0; i < n_fault_rows; i++)
		if (fault_row_has_call(&fault_rows[i], call) && fault_row_has_fault(&fault_rows[i], f)) {
			const struct fault_class *c = class_named(fault_rows[i].cls);

			return c ? (int)(c - fault_classes) : -1;
		}
	return -1;
}

bool call_takes_fault(const char *call, const struct fault *f)
{
	for (int i = 0; i < n_fault_rows; i++)
		if (fault_row_has_call(&fault_rows[i], call) && fault_row_has_fault(&fault_rows[i], f))
			return true;
	return false;
}

void call_fault_canonical(const char *call, struct fault *f)
{
	for (int i = 0; i < n_fault_rows; i++) {
		const struct fault_row *r = &fault_rows[i];
		struct fault a, w;

		if (r->alias && fault_row_has_call(r, call) && fault_parse(r->alias, &a) == 0 &&
		    a.type == f->type && (a.type != FT_ERRNO || a.err == f->err) &&
		    fault_parse(r->fault, &w) == 0) {
			*f = w;
			return;
		}
	}
}

/* Calls one fault list word at a time; stops at a nonzero return. */
static int each_fault(const char *faults, int (*fn)(const char *word, void *arg), void *arg)
{
	char word[32];
	int r;

	for (const char *p = faults; p && *p;) {
		size_t n = strcspn(p, " ");

		if (n > 0 && n < sizeof(word)) {
			memcpy(word, p, n);
			word[n] = 0;
			if ((r = fn(word, arg)) != 0)
				return r;
		}
		p += n;
		p += strspn(p, " ");
	}
	return 0;
}

static int same_kind(const char *word, void *arg)
{
	const struct fault *f = arg;
	struct fault w;

	return fault_parse(word, &w) == 0 && w.type == f->type &&
	       (f->type != FT_ERRNO || w.err == f->err);
}

bool fault_list_has(const char *faults, const struct fault *f)
{
	return each_fault(faults, same_kind, (void *)f) == 1;
}

/* --- The public side: names, sets, help ------------------------------- */

int inject_nclasses(void)
{
	return n_fault_classes;
}

const char *inject_class_name(int i)
{
	return i >= 0 && i < n_fault_classes ? fault_classes[i].name : NULL;
}

const char *inject_class_summary(int i)
{
	return i >= 0 && i < n_fault_classes ? fault_classes[i].summary : NULL;
}

bool inject_class_default(int i)
{
	return i >= 0 && i < n_fault_classes && fault_classes[i].by_default;
}

const char *const *inject_class_names(void)
{
	static const char *names[INJECT_MAX_CLASSES + 1];

	if (!names[0])
		for (int i = 0; i < n_fault_classes; i++)
			names[i] = fault_classes[i].name;
	return names;
}

unsigned inject_default_classes(void)
{
	unsigned m = 0;

	for (int i = 0; i < n_fault_classes; i++)
		if (fault_classes[i].by_default)
			m |= 1u << i;
	return m;
}

struct fault_names {
	char *buf;
	int len, n;
};

static int add_name(const char *word, void *arg)
{
	struct fault_names *a = arg;
	struct fault f;

	/* Once each: a fault several kinds of call take is one fault. */
	if (fault_parse(word, &f) == 0 && a->n > 0 && fault_list_has(a->buf, &f))
		return 0;
	if (a->n < a->len)
		a->n += snprintf(a->buf + a->n, a->len - a->n, "%s%s", a->n ? " " : "", word);
	return 0;
}

/* The faults of class c's rows (any class's: NULL) for call (any: NULL),
 * each once; library calls' first, as --help has always listed them. */
static char *row_faults(const struct fault_class *c, const char *call, char *buf, int len)
{
	struct fault_names a = { buf, len, 0 };

	if (len > 0)
		buf[0] = 0;
	for (int lib = 1; lib >= 0; lib--)
		for (int k = 0; k < n_fault_rows; k++) {
			const struct fault_row *r = &fault_rows[k];

			if (r->library != lib || (c && !class_has_row(c, r)) ||
			    (call && !fault_row_has_call(r, call)))
				continue;
			add_name(r->fault, &a);
			if (r->alias)
				add_name(r->alias, &a);
		}
	return buf;
}

char *inject_class_faults(int i, char *buf, int len)
{
	if (i < 0 || i >= n_fault_classes) {
		if (len > 0)
			buf[0] = 0;
		return buf;
	}
	return row_faults(&fault_classes[i], NULL, buf, len);
}

char *inject_call_faults(const char *call, char *buf, int len)
{
	return row_faults(NULL, call, buf, len);
}

bool inject_call_takes(const char *call, const char *fault)
{
	struct fault f;

	return fault_parse(fault, &f) == 0 && call_takes_fault(call, &f);
}

/* Adds each word of words not yet in buf. */
static int add_words(char *buf, int n, int len, const char *words)
{
	char w[32];

	for (const char *p = words; *p && n < len;) {
		size_t k = strcspn(p, " ");
		char *q = buf;
		bool seen = false;

		if (k > 0 && k < sizeof(w)) {
			memcpy(w, p, k);
			w[k] = 0;
			while (!seen && (q = strstr(q, w))) {
				seen = (q == buf || q[-1] == ' ') && (q[k] == ' ' || q[k] == 0);
				q += k;
			}
			if (!seen)
				n += snprintf(buf + n, len - n, "%s%s", n ? " " : "", w);
		}
		p += k;
		p += strspn(p, " ");
	}
	return n;
}

char *inject_class_calls(int i, char *buf, int len)
{
	const struct fault_class *c;
	int n = 0;

	if (len > 0)
		buf[0] = 0;
	if (i < 0 || i >= n_fault_classes)
		return buf;
	c = &fault_classes[i];
	for (int k = 0; k < n_fault_rows && n < len; k++)
		if (fault_rows[k].library && class_has_row(c, &fault_rows[k]))
			n = add_words(buf, n, len, fault_rows[k].calls);
	for (int nr = 0; nr < SYSCALL_MAX && n < len; nr++) {
		const struct syscall_ent *e = syscall_by_nr(nr);

		if (e && class_fails_syscall(c, e))
			n += snprintf(buf + n, len - n, "%s%s", n ? " " : "", e->name);
	}
	return buf;
}

int inject_parse_classes(const char *s, unsigned *mask, char *bad, int badlen)
{
	char buf[256], *save = NULL, *w;

	*mask = 0;
	/* An empty word ("io,", ",") is a typo, not "nothing". */
	if (strlen(s) >= sizeof(buf) || !*s || *s == ',' || s[strlen(s) - 1] == ',' ||
	    strstr(s, ",,")) {
		snprintf(bad, badlen, "%s", s);
		return -EINVAL;
	}
	if (strcmp(s, "none") == 0)
		return 0;
	strcpy(buf, s);
	for (w = strtok_r(buf, ",", &save); w; w = strtok_r(NULL, ",", &save)) {
		int i;

		if (strcmp(w, "all") == 0) {
			*mask |= (1u << n_fault_classes) - 1;
			continue;
		}
		for (i = 0; i < n_fault_classes; i++)
			if (strcmp(w, fault_classes[i].name) == 0)
				break;
		if (i == n_fault_classes) {
			snprintf(bad, badlen, "%s", w);
			return -EINVAL;
		}
		*mask |= 1u << i;
	}
	return 0;
}

char *inject_format_classes(unsigned mask, char *buf, int len)
{
	int n = 0;

	if (len > 0)
		buf[0] = 0;
	for (int i = 0; i < n_fault_classes && n < len; i++)
		if (mask & (1u << i))
			n += snprintf(buf + n, len - n, "%s%s", n ? "," : "", fault_classes[i].name);
	if (!mask && len > 0)
		snprintf(buf, len, "none");
	return buf;
}
