/* classes.c - the fault class table, and what is made from it: class names
 * and sets for --inject, the lines of --help, and which faults --fault
 * accepts for which call. The engine builds its syscall dispatch and the
 * seccomp trace set from the same rows (engine.c). */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "inject/alloc_class.h"
#include "inject/classes.h"
#include "inject/io_class.h"
#include "util/util.h"

static const char *const alloc_lib_calls[] = {
	"malloc", "calloc", "realloc", "reallocarray", "aligned_alloc", "memalign",
	"posix_memalign", "valloc", "pvalloc", NULL,
};

/* The calls where memory is taken from the kernel (alloc_kernel.c says
 * which of their forms are sites). */
static const char *const alloc_syscalls[] = { "mmap", "mremap", "mprotect", "brk", NULL };

const struct fault_class fault_classes[] = {
	{
		.name = "io",
		.summary = "read/write family system calls",
		.by_default = true,
		.sc_flags = SC_READ | SC_WRITE,
		.sc_faults = "EIO ENOSPC EAGAIN ECONNRESET EINTR short",
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
		.lib_calls = alloc_lib_calls,
		/* A failed allocator call returns NULL with errno ENOMEM:
		 * either name means that one fault. */
		.lib_faults = "NULL ENOMEM",
		.sc_names = alloc_syscalls,
		/* ENOMEM fails one call; exhaust that one and every later one
		 * in the run (alloc_kernel.c). */
		.sc_faults = "ENOMEM exhaust",
		.preconditions = "inject/alloc_class.c (alloc_can_fail), inject/alloc_kernel.c (candidate)",
		.hooks = &alloc_class_hooks,
	},
};

const int n_fault_classes = (int)ARRAY_SIZE(fault_classes);

_Static_assert(ARRAY_SIZE(fault_classes) <= INJECT_MAX_CLASSES, "raise INJECT_MAX_CLASSES");

static bool in_list(const char *const *list, const char *name)
{
	for (int i = 0; list && list[i]; i++)
		if (strcmp(list[i], name) == 0)
			return true;
	return false;
}

bool class_fails_syscall(const struct fault_class *c, const struct syscall_ent *e)
{
	return (e->flags & c->sc_flags) || in_list(c->sc_names, e->name);
}

bool class_watches_syscall(const struct fault_class *c, const struct syscall_ent *e)
{
	return (e->flags & c->watch_flags) != 0;
}

const struct fault_class *class_of_call(const char *call, const char **faults, bool *library)
{
	const struct syscall_ent *e = syscall_by_name(call);

	for (int i = 0; i < n_fault_classes; i++) {
		const struct fault_class *c = &fault_classes[i];

		if (in_list(c->lib_calls, call)) {
			*faults = c->lib_faults;
			*library = true;
			return c;
		}
		if (e && class_fails_syscall(c, e)) {
			*faults = c->sc_faults;
			*library = false;
			return c;
		}
	}
	return NULL;
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

char *inject_class_faults(int i, char *buf, int len)
{
	struct fault_names a = { buf, len, 0 };

	if (len > 0)
		buf[0] = 0;
	if (i < 0 || i >= n_fault_classes)
		return buf;
	each_fault(fault_classes[i].lib_faults, add_name, &a);
	each_fault(fault_classes[i].sc_faults, add_name, &a);
	return buf;
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
	for (int k = 0; c->lib_calls && c->lib_calls[k] && n < len; k++)
		n += snprintf(buf + n, len - n, "%s%s", n ? " " : "", c->lib_calls[k]);
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
