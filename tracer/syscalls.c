/* syscalls.c - the syscall table: numbers and names from the generated
 * syscallent.h joined with the hand-written roles of syscall_roles.c, and
 * the one formatter that prints a call by those roles. */
#include "config.h"

#include <ctype.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "tracer/syscall_roles.h"
#include "tracer/syscalls.h"

static const char *const syscall_names[SYSCALL_MAX] = {
#include "tracer/syscallent.h"
};

static struct syscall_ent table[SYSCALL_MAX];
static int table_ready;

static int nr_by_name(const char *name)
{
	for (int nr = 0; nr < SYSCALL_MAX; nr++)
		if (syscall_names[nr] && strcmp(syscall_names[nr], name) == 0)
			return nr;
	return -1;
}

static const struct syscall_role *role_by_name(const char *name)
{
	for (size_t i = 0; i < syscall_nroles; i++)
		if (strcmp(syscall_roles[i].name, name) == 0)
			return &syscall_roles[i];
	return NULL;
}

static void table_init(void)
{
	for (int nr = 0; nr < SYSCALL_MAX; nr++) {
		struct syscall_ent *e = &table[nr];
		const struct syscall_role *r;

		e->name = syscall_names[nr];
		e->nr = nr;
		e->fd_arg = -1;
		e->len_arg = -1;
		r = e->name ? role_by_name(e->name) : NULL;
		if (!r) {
			/* A name newer than the roles (check_syscalls fails
			 * on it): six plain numbers. */
			e->nargs = 6;
			for (int i = 0; i < 6; i++)
				e->args[i] = A_INT;
			continue;
		}
		e->nargs = r->nargs;
		memcpy(e->args, r->args, sizeof(e->args));
		e->len_arg = r->len_arg;
		e->flags = r->flags;
		for (int i = 0; i < r->nargs && e->fd_arg < 0; i++)
			if (r->args[i] == A_FD)
				e->fd_arg = (int8_t)i;
	}
	table_ready = 1;
}

const struct syscall_ent *syscall_by_nr(int nr)
{
	if (!table_ready)
		table_init();
	if (nr < 0 || nr >= SYSCALL_MAX || !table[nr].name)
		return NULL;
	return &table[nr];
}

const struct syscall_ent *syscall_by_name(const char *name)
{
	int nr = nr_by_name(name);

	return nr < 0 ? NULL : syscall_by_nr(nr);
}

#define STR_SHOWN 32

/* The string at addr, quoted and escaped, STR_SHOWN bytes at most; 0 when
 * it cannot be read. */
static int format_str(char *buf, int len, uint64_t addr, syscall_str_reader rd, void *ctx)
{
	char s[STR_SHOWN + 1];
	int got = rd ? rd(ctx, addr, s, sizeof(s)) : -1;
	int n, end;

	if (got <= 0)
		return 0;
	end = (int)(memchr(s, 0, (size_t)got) ? strlen(s) : (size_t)got);
	n = snprintf(buf, len, "\"");
	for (int i = 0; i < end && i < STR_SHOWN && n < len; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c == '"' || c == '\\')
			n += snprintf(buf + n, len - n, "\\%c", c);
		else if (c == '\n')
			n += snprintf(buf + n, len - n, "\\n");
		else if (c == '\t')
			n += snprintf(buf + n, len - n, "\\t");
		else if (isprint(c))
			n += snprintf(buf + n, len - n, "%c", c);
		else
			n += snprintf(buf + n, len - n, "\\x%02x", c);
	}
	if (n < len)
		n += snprintf(buf + n, len - n, end > STR_SHOWN ? "\"..." : "\"");
	return n;
}

/* One argument by its role: descriptors and ids as the kernel's int sees
 * them (AT_FDCWD is -100, an unchanged uid -1), addresses and masks in
 * hex, modes in octal, counts and offsets in decimal. */
static int format_arg(char *buf, int len, int kind, uint64_t v, syscall_str_reader rd, void *ctx)
{
	int n;

	switch (kind) {
	case A_FD:
	case A_SIG:
	case A_PID:
	case A_UID:
		return snprintf(buf, len, "%d", (int)(uint32_t)v);
	case A_STR:
		n = format_str(buf, len, v, rd, ctx);
		return n > 0 ? n : snprintf(buf, len, "%#" PRIx64, v);
	case A_PTR:
	case A_FLAGS:
		return snprintf(buf, len, "%#" PRIx64, v);
	case A_MODE:
		return snprintf(buf, len, "%#o", (unsigned)(uint32_t)v);
	default:
		return snprintf(buf, len, "%" PRId64, (int64_t)v);
	}
}

char *syscall_format_str(const struct syscall_ent *e, const uint64_t *args,
			 syscall_str_reader rd, void *ctx, char *buf, int len)
{
	int n = snprintf(buf, len, "%s(", e->name);

	for (int i = 0; i < e->nargs && n < len; i++) {
		if (i)
			n += snprintf(buf + n, len - n, ", ");
		if (n < len)
			n += format_arg(buf + n, len - n, e->args[i], args[i], rd, ctx);
	}
	if (n < len)
		snprintf(buf + n, len - n, ")");
	return buf;
}

char *syscall_format(const struct syscall_ent *e, const uint64_t *args, char *buf, int len)
{
	return syscall_format_str(e, args, NULL, NULL, buf, len);
}
