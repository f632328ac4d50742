/* point.c - the snapshot point: where the program is about to touch its
 * input (a file argument's: file_point.c; or a function's entry:
 * func_point.c). For stdin that is its first call on descriptor 0 of any kind:
 * xz, jq, file, gzip, cat and sort fstat their input before reading it,
 * so a later point would hand every child the template's idea of it. */
#include "config.h"

#include <errno.h>
#include <linux/audit.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "snapshot/snapshot_int.h"
#include "util/util.h"

/* Calls that touch a descriptor, and which argument holds it. */
static const struct {
	const char *name;
	int arg;
} fd_calls[] = {
	{ "read", 0 }, { "pread64", 0 }, { "readv", 0 }, { "preadv", 0 }, { "preadv2", 0 },
	{ "fstat", 0 }, { "newfstatat", 0 }, { "statx", 0 }, { "fstatfs", 0 }, { "lseek", 0 },
	{ "ioctl", 0 }, { "fcntl", 0 }, { "mmap", 4 }, { "fadvise64", 0 }, { "sendfile", 1 },
	{ "splice", 0 }, { "copy_file_range", 0 }, { "close", 0 }, { "flock", 0 },
	{ "dup", 0 }, { "dup2", 0 }, { "dup3", 0 },
};

static int on_stdin_call(const struct syscall_stop *s)
{
	for (size_t i = 0; i < ARRAY_SIZE(fd_calls); i++)
		if (s->ent && strcmp(s->ent->name, fd_calls[i].name) == 0)
			return s->args[fd_calls[i].arg] == 0;
	return 0;
}

static int is_point(void *ctx, struct tracer_task *t, const struct syscall_stop *s)
{
	struct snapshot *sn = ctx;

	if (s->arch != AUDIT_ARCH_X86_64)
		return 0;
	if (sn->service && snap_service_point(sn, t, s))
		return 1;
	if (sn->on_listen)
		return 0;
	if (sn->on_stdin)
		return on_stdin_call(s);
	if (sn->file)
		return snap_file_point(sn, t, s);
	if (sn->func[0])
		return 0;	/* a trap, not a call (snap_func_trap) */
	return s->nr == sn->nr && ++sn->seen == sn->nth;
}

static int taken(void *ctx, struct tracer_task *tmpl)
{
	struct snapshot *sn = ctx;

	sn->tmpl_pid = tracer_task_pid(tmpl);
	/* A point before listen: each child listens, and its run ends as in
	 * exec mode (SIGTERM). */
	if (sn->service && sn->lfd < 0)
		sn->ts.is_idle = NULL;
	return snap_fds_take(ctx, tmpl);
}

static int before_fork(void *ctx)
{
	return snap_fds_restore(ctx);
}

static int parse(struct snapshot *sn, const char *spec, char *why, size_t whylen)
{
	const struct syscall_ent *e;
	char name[64], *at;

	if (!spec || strcmp(spec, "stdin") == 0) {
		sn->on_stdin = true;
		return 0;
	}
	if (strncmp(spec, "file:", 5) == 0)
		return snap_file_set(sn, spec + 5, why, whylen);
	if (strncmp(spec, "func:", 5) == 0)
		return snap_func_set(sn, spec + 5, why, whylen);
	if (strncmp(spec, "syscall:", 8) != 0 || strlen(spec + 8) >= sizeof(name)) {
		snprintf(why, whylen, "want 'stdin', 'file:PATH', 'func:NAME' or 'syscall:NAME[@N]', "
			 "got '%s'", spec);
		return -EINVAL;
	}
	strcpy(name, spec + 8);
	sn->nth = 1;
	if ((at = strchr(name, '@'))) {
		char *end;

		*at++ = 0;
		errno = 0;
		sn->nth = strtol(at, &end, 10);
		if (errno || end == at || *end || sn->nth < 1) {
			snprintf(why, whylen, "'%s': N counts calls from 1", spec);
			return -EINVAL;
		}
	}
	e = syscall_by_name(name);
	if (!e || e->nr < 0 || e->nr >= SYSCALL_MAX) {
		snprintf(why, whylen, "'%s': no syscall named '%s' here", spec, name);
		return -EINVAL;
	}
	sn->nr = e->nr;
	return 0;
}

int snapshot_new(const char *spec, struct snapshot **out, char *why, size_t whylen)
{
	struct snapshot *sn = calloc(1, sizeof(*sn));
	int r;

	*out = NULL;
	if (!sn)
		return -ENOMEM;
	if ((r = parse(sn, spec, why, whylen)) < 0) {
		free(sn->file);
		free(sn);
		return r;
	}
	sn->lfd = -1;
	sn->ts = (struct tracer_snapshot){
		.ctx = sn, .is_point = is_point, .taken = taken, .before_fork = before_fork,
		.on_child_call = snap_child_call,
	};
	if (sn->func[0]) {
		sn->ts.on_entry = snap_func_entry;
		sn->ts.on_trap = snap_func_trap;
	}
	*out = sn;
	return 0;
}

void snapshot_free(struct snapshot *sn)
{
	if (!sn)
		return;
	snap_fds_close(sn);
	free(sn->file);
	free(sn);
}

const struct tracer_snapshot *snapshot_tracer(struct snapshot *sn)
{
	return &sn->ts;
}

void snapshot_trace_set(const struct snapshot *sn, uint8_t set[SYSCALL_MAX / 8])
{
	snap_calls_trace_set(set);
	if (sn->service)
		snap_service_trace_set(set);
	if (sn->on_listen)
		return;
	if (sn->file) {
		snap_file_trace_set(set);
		return;
	}
	if (sn->func[0])
		return;
	if (!sn->on_stdin) {
		set[sn->nr / 8] |= 1 << (sn->nr % 8);
		return;
	}
	for (size_t i = 0; i < ARRAY_SIZE(fd_calls); i++) {
		const struct syscall_ent *e = syscall_by_name(fd_calls[i].name);

		if (e && e->nr >= 0 && e->nr < SYSCALL_MAX)
			set[e->nr / 8] |= 1 << (e->nr % 8);
	}
}

void snapshot_in_place(struct snapshot *sn, bool on)
{
	sn->ts.restore = on;
}

void snapshot_set_opener(struct snapshot *sn, tracer_open_fn open_fn)
{
	sn->open_fn = open_fn;
}

const char *snapshot_why(const struct snapshot *sn)
{
	return sn->why;
}

int snapshot_nfds(const struct snapshot *sn)
{
	return sn->nfds;
}

pid_t snapshot_template_pid(const struct snapshot *sn)
{
	return sn->tmpl_pid;
}
