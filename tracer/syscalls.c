/* syscalls.c - syscall metadata: names come from the generated syscallent.h,
 * argument roles and classes from the rows below (only for the syscalls the
 * fault classes touch; the rest decode as plain numbers). */
#include "config.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "tracer/syscalls.h"

static const char *const syscall_names[SYSCALL_MAX] = {
#include "tracer/syscallent.h"
};

/* Rows keyed by name so numbers stay generated. */
struct syscall_row {
	const char *name;
	uint8_t nargs;
	uint8_t args[6];
	int8_t fd_arg, len_arg;
	uint32_t flags;
};

#define FD A_FD
#define P A_PTR
#define SZ A_SIZE
#define I A_INT
#define FL A_FLAGS
#define OF A_OFF

static const struct syscall_row rows[] = {
	{ "read", 3, { FD, P, SZ }, 0, 2, SC_READ },
	{ "pread64", 4, { FD, P, SZ, OF }, 0, 2, SC_READ },
	{ "readv", 3, { FD, P, I }, 0, 2, SC_READ | SC_VECTOR },
	{ "recvfrom", 6, { FD, P, SZ, FL, P, P }, 0, 2, SC_READ | SC_NET },
	{ "recvmsg", 3, { FD, P, FL }, 0, -1, SC_READ | SC_NET | SC_VECTOR },
	{ "write", 3, { FD, P, SZ }, 0, 2, SC_WRITE },
	{ "pwrite64", 4, { FD, P, SZ, OF }, 0, 2, SC_WRITE },
	{ "writev", 3, { FD, P, I }, 0, 2, SC_WRITE | SC_VECTOR },
	{ "sendto", 6, { FD, P, SZ, FL, P, I }, 0, 2, SC_WRITE | SC_NET },
	{ "sendmsg", 3, { FD, P, FL }, 0, -1, SC_WRITE | SC_NET | SC_VECTOR },
	{ "mmap", 6, { P, SZ, FL, FL, FD, OF }, 4, 1, SC_MEM },
	{ "mremap", 5, { P, SZ, SZ, FL, P }, -1, 2, SC_MEM },
	{ "mprotect", 3, { P, SZ, FL }, -1, 1, SC_MEM },
	{ "brk", 1, { P }, -1, -1, SC_MEM },
	{ "rt_sigaction", 4, { A_SIG, P, P, SZ }, -1, -1, SC_SIGNAL },
	{ "listen", 2, { FD, I }, 0, -1, SC_NET },
	{ "openat", 4, { FD, A_STR, FL, I }, 0, -1, 0 },
	{ "close", 1, { FD }, 0, -1, 0 },
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

static void table_init(void)
{
	for (int nr = 0; nr < SYSCALL_MAX; nr++) {
		struct syscall_ent *e = &table[nr];

		e->name = syscall_names[nr];
		e->nr = nr;
		e->nargs = 6;
		e->fd_arg = -1;
		e->len_arg = -1;
		for (int i = 0; i < 6; i++)
			e->args[i] = A_INT;
	}
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		int nr = nr_by_name(rows[i].name);
		struct syscall_ent *w;

		if (nr < 0)
			continue;
		w = &table[nr];
		w->nargs = rows[i].nargs;
		memcpy(w->args, rows[i].args, sizeof(w->args));
		w->fd_arg = rows[i].fd_arg;
		w->len_arg = rows[i].len_arg;
		w->flags = rows[i].flags;
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

char *syscall_format(const struct syscall_ent *e, const uint64_t *args, char *buf, int len)
{
	int n = snprintf(buf, len, "%s(", e->name);

	for (int i = 0; i < e->nargs && n < len; i++) {
		const char *sep = i ? ", " : "";

		switch (e->args[i]) {
		case A_PTR:
		case A_FLAGS:
			n += snprintf(buf + n, len - n, "%s%#" PRIx64, sep, args[i]);
			break;
		default:
			n += snprintf(buf + n, len - n, "%s%" PRId64, sep, (int64_t)args[i]);
			break;
		}
	}
	if (n < len)
		snprintf(buf + n, len - n, ")");
	return buf;
}
