/* fs_class.c - the fs class's hooks: at an open (open, openat, openat2,
 * creat) or a close the faults its rows give (fault_table.c) whose condition holds,
 * failed before the call runs, so no file is created or opened.
 *
 * EACCES, EMFILE and ENFILE need no state: any path has a permission
 * check (search on the directory it starts from, and DAC-free LSMs bind
 * root too), and a process can always be at its descriptor limit or the
 * system at its file limit. ENOSPC needs a new name (PRE_NEW_NAME,
 * fs_name.c): an open of an existing file allocates nothing on the
 * device (docs/kernel-facts.md#open-creat-existing). What is left out, and why, is at the rows. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>

#include "inject/fault_table.h"
#include "inject/fs_class.h"
#include "util/util.h"

/* O_CREAT of a name that is not there. Not with O_DIRECTORY (EINVAL
 * since Linux 6.4; O_TMPFILE carries it too, and has no name). */
static bool creates(struct tracer_task *t, const struct syscall_stop *s)
{
	uint64_t fl;

	return fs_open_flags(t, s, &fl) == 0 && (fl & O_CREAT) && !(fl & O_DIRECTORY) &&
	       fs_new_name(t, s);
}

static bool row_holds(const struct fault_row *r, struct tracer_task *t,
		      const struct syscall_stop *s, int *fresh)
{
	if (r->pre == PRE_CLOSE_FILE)
		return fs_close_on_file(t, s);
	if (r->pre == PRE_NEW_NAME) {
		if (*fresh < 0)
			*fresh = creates(t, s);
		return *fresh;
	}
	return r->pre == PRE_NONE;
}

struct fail_arg {
	struct fs_run *run;
	const struct syscall_stop *s;
};

/* An open fails before it runs; close runs (fs_close.c). */
static int fs_fail(void *arg, struct tracer_task *t, struct fault *f)
{
	struct fail_arg *a = arg;

	if (strcmp(a->s->ent->name, "close") == 0)
		return a->run ? fs_close_fail(a->run, t, f->err) : -ENOMEM;
	return tracer_fail_syscall(t, f->err);
}

static int fs_on_syscall(struct inject *inj, int cls, struct tracer_task *t,
			 const struct syscall_stop *s)
{
	struct inj_call call = { .cls = cls, .name = s->ent->name, .sc = s };
	struct fail_arg a = { inj_run_state(inj, cls), s };
	struct fault opts[8];
	int n = 0, fresh = -1;

	if (!inj_may_fail(inj, call.name))
		return 0;
	for (int i = 0; i < n_fault_rows && n < 8; i++) {
		const struct fault_row *r = &fault_rows[i];

		if (strcmp(r->cls, "fs") == 0 && fault_row_has_call(r, call.name) &&
		    row_holds(r, t, s, &fresh) && fault_parse(r->fault, &opts[n]) == 0)
			n++;
	}
	/* Every occurrence counts, failable or not (decide.c). */
	inj_decide(inj, t, &call, opts, n, fs_fail, &a);
	return 0;
}

const struct class_hooks fs_class_hooks = {
	.run_size = sizeof(struct fs_run),
	.on_syscall = fs_on_syscall,
	.on_syscall_exit = fs_close_on_exit,
};
