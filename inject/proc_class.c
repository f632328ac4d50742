/* proc_class.c - the proc class's hooks: at one of its syscalls, the faults
 * its rows give (fault_table.c) whose condition holds, failed before the
 * call runs. A failed clone creates no task, so the tracer sees no clone
 * event and has nothing to undo; glibc's pthread_create and posix_spawn
 * return the errno, fork returns -1.
 *
 * These faults need no state: a process can always be at its task or
 * descriptor limit (RLIMIT_NPROC, pid_max, RLIMIT_NOFILE) or short of
 * kernel memory. What is left out, and why, is at the rows. */
#include "config.h"

#include <fcntl.h>
#include <stdint.h>
#include <string.h>

#include "inject/fault_table.h"
#include "inject/fs_class.h"
#include "inject/inject_int.h"
#include "inject/proc_class.h"
#include "util/util.h"

/* fcntl duplicates a descriptor only for F_DUPFD and F_DUPFD_CLOEXEC. */
static bool row_holds(const struct fault_row *r, struct tracer_task *t,
		      const struct syscall_stop *s)
{
	if (r->pre == PRE_NOFILE)
		return fs_nofile_can(t);
	if (r->pre == PRE_DUPFD)
		return s->args[1] == F_DUPFD || s->args[1] == F_DUPFD_CLOEXEC;
	return r->pre == PRE_NONE;
}

/* glibc's clone and clone3 wrappers end their CFI before the syscall
 * insn (the child's unwind info would be wrong), so no unwind starts
 * there. They push nothing: [rsp] is the return address. The site is
 * found from the registers as they will be when the wrapper returns (rip
 * = [rsp], rsp + 8), put back before the call is failed or resumed
 * (docs/kernel-facts.md#clone-no-cfi). */
struct step_out {
	bool moved;
	struct user_regs_struct saved;
};

static bool no_cfi(const char *call)
{
	return strcmp(call, "clone") == 0 || strcmp(call, "clone3") == 0;
}

static void step_out(struct tracer_task *t, struct step_out *so)
{
	struct user_regs_struct r;
	uint64_t ret;

	so->moved = false;
	if (tracer_getregs(t, &so->saved) < 0 ||
	    tracer_read_mem(t, so->saved.rsp, &ret, sizeof(ret)) < 0)
		return;
	r = so->saved;
	r.rip = ret;
	r.rsp += 8;
	so->moved = tracer_setregs(t, &r) == 0;
}

static int step_back(struct tracer_task *t, struct step_out *so)
{
	if (!so->moved)
		return 0;
	so->moved = false;
	return tracer_setregs(t, &so->saved);
}

static int proc_fail(void *arg, struct tracer_task *t, struct fault *f)
{
	int r = step_back(t, arg);

	if (r < 0)
		return r;
	if (f->type == FT_EXHAUST)	/* the kernel gives EMFILE (fs_nofile.c) */
		return fs_nofile_set(t);
	return tracer_fail_syscall(t, f->err);
}

static int proc_on_syscall(struct inject *inj, int cls, struct tracer_task *t,
			   const struct syscall_stop *s)
{
	struct inj_call call = { .cls = cls, .name = s->ent->name, .sc = s };
	struct step_out so = { .moved = false };
	struct fault opts[8];
	int n = 0;

	if (!inj_may_fail(inj, call.name))
		return 0;
	for (int i = 0; i < n_fault_rows && n < 8; i++) {
		const struct fault_row *r = &fault_rows[i];

		/* Exhaustion is pinned only here: see its row. */
		if (r->pre == PRE_NOFILE && (inj->record || inj->random))
			continue;
		if (strcmp(r->cls, "proc") == 0 && fault_row_has_call(r, call.name) &&
		    row_holds(r, t, s) && fault_parse(r->fault, &opts[n]) == 0)
			n++;
	}
	if (no_cfi(call.name))
		step_out(t, &so);
	/* Every occurrence counts, failable or not (decide.c). */
	inj_decide(inj, t, &call, opts, n, proc_fail, &so);
	if (step_back(t, &so) < 0)
		fz_debug("proc: %s: registers not put back", call.name);
	return 0;
}

const struct class_hooks proc_class_hooks = {
	.on_syscall = proc_on_syscall,
};
