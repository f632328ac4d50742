/* access.c - what hooks may do to a stopped task: registers, memory and
 * the syscall in progress. Registers are cached per stop. */
#include "config.h"

#include <errno.h>
#include <stddef.h>
#include <string.h>
#include <sys/ptrace.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <unistd.h>

#include "tracer/tracer_int.h"
#include "util/util.h"

pid_t tracer_task_tid(const struct tracer_task *t) { return t->tid; }
pid_t tracer_task_pid(const struct tracer_task *t) { return t->pid; }
int tracer_task_ordinal(const struct tracer_task *t) { return t->ordinal; }
void *tracer_task_mm_data(const struct tracer_task *t) { return t->mm ? t->mm->data : NULL; }
bool tracer_task_entered(const struct tracer_task *t) { return t->mm && t->mm->exec_seen && !t->mm->loader; }

void task_invalidate(struct tracer_task *t)
{
	t->regs_valid = false;
}

int tracer_getregs(struct tracer_task *t, struct user_regs_struct *regs)
{
	if (!t->regs_valid) {
		if (ptrace(PTRACE_GETREGS, t->tid, 0, &t->regs) < 0)
			return -errno;
		t->regs_valid = true;
	}
	*regs = t->regs;
	return 0;
}

int tracer_setregs(struct tracer_task *t, const struct user_regs_struct *regs)
{
	if (ptrace(PTRACE_SETREGS, t->tid, 0, regs) < 0) {
		t->regs_valid = false;
		return -errno;
	}
	t->regs = *regs;
	t->regs_valid = true;
	return 0;
}

int tracer_peek(struct tracer_task *t, uint64_t addr, uint64_t *word)
{
	long v;

	errno = 0;
	v = ptrace(PTRACE_PEEKDATA, t->tid, addr, 0);
	if (v == -1 && errno)
		return -errno;
	*word = (uint64_t)v;
	return 0;
}

int tracer_poke(struct tracer_task *t, uint64_t addr, uint64_t word)
{
	if (t->mm)
		t->mm->pokes++;
	if (ptrace(PTRACE_POKEDATA, t->tid, addr, word) < 0)
		return -errno;
	return 0;
}

int tracer_read_str(struct tracer_task *t, uint64_t addr, char *buf, size_t len)
{
	size_t got = 0;

	if (!len)
		return -EINVAL;
	/* Page by page: the string may end just before an unmapped page. */
	while (got < len) {
		size_t n = 4096 - ((addr + got) & 4095);
		int r;

		if (n > len - got)
			n = len - got;
		if ((r = tracer_read_mem(t, addr + got, buf + got, n)) < 0)
			return r;
		if (memchr(buf + got, 0, n))
			return 0;
		got += n;
	}
	buf[len - 1] = 0;
	return -ENAMETOOLONG;
}

int tracer_read_mem(struct tracer_task *t, uint64_t addr, void *buf, size_t len)
{
	struct iovec l = { buf, len }, r = { (void *)addr, len };
	ssize_t n = process_vm_readv(t->tid, &l, 1, &r, 1, 0);

	if (n < 0)
		return -errno;
	return (size_t)n == len ? 0 : -EFAULT;
}

int tracer_write_mem(struct tracer_task *t, uint64_t addr, const void *buf, size_t len)
{
	struct iovec l = { (void *)buf, len }, r = { (void *)addr, len };
	ssize_t n = process_vm_writev(t->tid, &l, 1, &r, 1, 0);
	const unsigned char *p = buf;

	if (t->mm)
		t->mm->pokes++;
	if (n >= 0 && (size_t)n == len)
		return 0;
	/* Read-only mappings (text) refuse process_vm_writev; ptrace's
	 * FOLL_FORCE writes them. Word-wise read-modify-write. */
	for (size_t off = 0; off < len;) {
		uint64_t a = (addr + off) & ~7ULL, w;
		size_t skip = (addr + off) - a, k = 8 - skip;
		int r2 = tracer_peek(t, a, &w);

		if (r2 < 0)
			return r2;
		if (k > len - off)
			k = len - off;
		memcpy((unsigned char *)&w + skip, p + off, k);
		r2 = tracer_poke(t, a, w);
		if (r2 < 0)
			return r2;
		off += k;
	}
	return 0;
}

/* Argument registers of the x86_64 syscall ABI. */
static const size_t arg_off[6] = {
	offsetof(struct user_regs_struct, rdi),
	offsetof(struct user_regs_struct, rsi),
	offsetof(struct user_regs_struct, rdx),
	offsetof(struct user_regs_struct, r10),
	offsetof(struct user_regs_struct, r8),
	offsetof(struct user_regs_struct, r9),
};

static int poke_user(struct tracer_task *t, size_t off, uint64_t v)
{
	t->regs_valid = false;
	if (ptrace(PTRACE_POKEUSER, t->tid, off, v) < 0)
		return -errno;
	return 0;
}

/* One ptrace call for number, args and ip (cheaper than GETREGS). */
int task_read_syscall(struct tracer_task *t)
{
	struct __ptrace_syscall_info info;
	long n = ptrace(PTRACE_GET_SYSCALL_INFO, t->tid, sizeof(info), &info);

	if (n < 0)
		return -errno;
	if (info.op != PTRACE_SYSCALL_INFO_SECCOMP)
		return -EINVAL;
	t->sc.nr = (int)info.seccomp.nr;
	t->sc.arch = info.arch;
	t->sc.ent = syscall_by_nr(t->sc.nr);
	memcpy(t->sc.args, info.seccomp.args, sizeof(t->sc.args));
	t->sc.ip = info.instruction_pointer;
	t->ret_data = info.seccomp.ret_data;
	return 0;
}

int tracer_fail_syscall(struct tracer_task *t, int err)
{
	return tracer_return_syscall(t, -(int64_t)err);
}

/* At a seccomp stop orig_rax = -1 skips the syscall and rax becomes its
 * result (docs/kernel-facts.md#seccomp-skip-errno): two pokes, no exit stop. */
int tracer_return_syscall(struct tracer_task *t, int64_t retval)
{
	int r;

	if (!t->in_seccomp)
		return -EINVAL;
	r = poke_user(t, offsetof(struct user_regs_struct, orig_rax), (uint64_t)-1);
	if (r == 0)
		r = poke_user(t, offsetof(struct user_regs_struct, rax), (uint64_t)retval);
	if (r == 0)
		t->skip = true;
	return r;
}

int tracer_set_arg(struct tracer_task *t, int i, uint64_t val)
{
	int r;

	if (!t->in_seccomp || i < 0 || i > 5)
		return -EINVAL;
	/* The syscall insn preserves argument registers, so the caller would
	 * see the rewritten value afterwards (glibc's __brk relies on rdi):
	 * restore it at the exit stop. */
	if (!(t->restore_mask & (1u << i))) {
		t->restore_mask |= 1u << i;
		t->restore_val[i] = t->sc.args[i];
	}
	r = poke_user(t, arg_off[i], val);
	if (r == 0)
		t->want_exit = true;
	return r;
}

int tracer_deliver_signal(struct tracer_task *t, int sig)
{
	if (sig < 1 || sig > 64)
		return -EINVAL;
	if (t->mm)
		t->mm->delivered |= 1ULL << (sig - 1);
	if (syscall(SYS_tgkill, t->pid, t->tid, sig) < 0)
		return -errno;
	return 0;
}

int tracer_hold_syscall(struct tracer_task *t, long ms)
{
	if (!t->in_seccomp || ms <= 0)
		return -EINVAL;
	t->hold_until_ms = mono_ms() + ms;
	return 0;
}

int tracer_want_exit(struct tracer_task *t)
{
	if (!t->in_seccomp)
		return -EINVAL;
	t->want_exit = true;
	t->hook_exit = true;
	return 0;
}

int task_restore_arg(struct tracer_task *t)
{
	int r = 0;

	for (int i = 0; i < 6; i++)
		if (t->restore_mask & (1u << i)) {
			int e = poke_user(t, arg_off[i], t->restore_val[i]);

			if (e < 0)
				r = e;
		}
	t->restore_mask = 0;
	return r;
}
