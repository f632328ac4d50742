#include "config.h"

/* bad_pc.c - the stack of a crash from a call through a NULL or wild
 * function pointer.
 *
 * The call pushed its return address and jumped; the fault came on the
 * fetch at the target, before any of it ran. No module (so no CFI) covers
 * that pc, and libdwfl stops there or, at -O0, follows rbp past the
 * calling function. The caller is recoverable: it is at [sp]. While the
 * thread is in a ptrace stop, its registers are set to that caller's
 * (pc = [sp], sp + 8) for the walk and then put back exactly as they were
 * (docs/kernel-facts.md#bad-pc-return-address).
 */

#include <errno.h>
#include <stdint.h>
#include <sys/ptrace.h>
#include <sys/user.h>

#include "symbols/symbols_int.h"
#include "util/util.h"

struct exec_find {
	uint64_t addr;
	bool exec;
};

static int exec_cb(const struct proc_map *m, void *arg)
{
	struct exec_find *f = arg;

	if (f->addr < m->lo)
		return 1;	/* in address order: past it */
	if (f->addr >= m->hi)
		return 0;
	f->exec = m->perms[2] == 'x';
	return 1;
}

/* JIT code and the vdso are executable mappings without a module: a pc
 * there is code that ran, not a bad call target. */
static bool in_exec_mapping(pid_t pid, uint64_t addr)
{
	struct exec_find f = { addr, false };

	return proc_maps_each(pid, exec_cb, &f) >= 0 && f.exec;
}

/* Code with CFI is code: the common case, without reading the maps. */
static bool has_cfi(struct unwinder *u, uint64_t pc)
{
	Dwfl_Module *mod = dwfl_addrmodule(u->dwfl, pc);
	Dwarf_Addr start;

	return mod && sym_fde_start(mod, pc, &start) == 0;
}

int sym_bad_pc_enter(struct unwinder *u, pid_t tid, struct user_regs_struct *saved)
{
	struct user_regs_struct r;
	pid_t pid = u->pid;
	uint64_t ret;

	if (ptrace(PTRACE_GETREGS, tid, NULL, saved) < 0)
		return -errno;
	if (has_cfi(u, saved->rip) || in_exec_mapping(pid, saved->rip))
		return 0;
	errno = 0;
	ret = (uint64_t)ptrace(PTRACE_PEEKDATA, tid, (void *)saved->rsp, NULL);
	/* Only a return address into code: else [sp] is not the caller's. */
	if (errno || !ret || !in_exec_mapping(pid, ret - 1))
		return 0;
	r = *saved;
	r.rip = ret;
	r.rsp += 8;
	if (ptrace(PTRACE_SETREGS, tid, NULL, &r) < 0)
		return -errno;
	return 1;
}

int sym_bad_pc_leave(pid_t tid, const struct user_regs_struct *saved)
{
	if (ptrace(PTRACE_SETREGS, tid, NULL, saved) < 0)
		return -errno;
	return 0;
}
