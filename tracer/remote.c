#include "config.h"

/* remote.c - syscalls run by a stopped task on the tracer's behalf (an
 * out-of-line page for breakpoints today; a vDSO page or a clone for the
 * classes to come).
 *
 * The task is pointed at a syscall instruction of its own text with the
 * call's registers and single-stepped over it, then given its registers
 * back. Inside the tracer (not from a hook's side) because it must get
 * three things right that a hook cannot see:
 *  - stops: only THIS tid is waited for, and an exit is peeked, never
 *    reaped (WNOWAIT), so the episode's own wait (session.c) still sees
 *    every task end. A stop of another kind on the way (a seccomp stop for this
 *    very syscall, a group-stop, a signal) is noted and stepped over.
 *  - signals: the task's signal mask blocks all but SIGTRAP while it
 *    steps, so a signal arriving meanwhile stays pending with its siginfo
 *    and reaches the program when the loop resumes it. SIGTRAP stays
 *    unblocked because the kernel forces the step's own trap, and forcing
 *    a blocked signal would reset the program's handler to SIG_DFL. The
 *    few that still stop the step (a sent SIGTRAP, SIGSTOP) are re-sent.
 *  - the register cache (access.c): invalidated when the task moves and
 *    rewritten by the final tracer_setregs, so hooks see the task as it
 *    really is.
 */

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/ptrace.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "tracer/services.h"
#include "tracer/tracer_int.h"
#include "util/util.h"

#ifndef MAP_FIXED_NOREPLACE
#define MAP_FIXED_NOREPLACE 0x100000
#endif

/* Calls whose events (a new task, a new image, an exit) the event loop
 * must see: not run from here. */
static const long refused_nr[] = {
	SYS_clone, SYS_clone3, SYS_fork, SYS_vfork, SYS_execve, SYS_execveat, SYS_exit,
	SYS_exit_group,
};

/* The most stops one step may take: a group-stop or a sent signal or two,
 * the seccomp stop of the call itself, then the trap. */
#define MAX_STOPS 16

struct held_sig {
	int sig;
	bool has_info;
	siginfo_t info;
};

/* --- Where to run it: a "0f 05" in executable file-backed text --------- */

struct sc_search {
	struct tracer_task *t;
	uint64_t found;
};

static int find_sc_cb(const struct proc_map *m, void *arg)
{
	struct sc_search *s = arg;
	uint8_t buf[4096 + 1];

	if (m->path[0] != '/' || strcmp(m->perms, "r-xp") != 0)
		return 0;
	for (uint64_t a = m->lo; a < m->hi && a < m->lo + (4 << 20); a += 4096) {
		size_t len = a + 4097 <= m->hi ? 4097 : 4096;

		if (tracer_read_mem(s->t, a, buf, len) < 0)
			break;
		for (size_t i = 0; i + 1 < len; i++) {
			if (buf[i] == 0x0f && buf[i + 1] == 0x05) {
				s->found = a + i;
				return 1;
			}
		}
	}
	return 0;
}

int remote_find_syscall_insn(struct tracer_task *t, uint64_t *addr)
{
	struct sc_search s = { t, 0 };
	int rc = proc_maps_each(t->pid, find_sc_cb, &s);

	if (rc < 0)
		return rc;
	if (!s.found)
		return -ENOENT;
	*addr = s.found;
	return 0;
}

/* --- Waiting for this task only ----------------------------------------- */

/* Is tid gone (a zombie, or reaped)? A thread-group leader killed while
 * other threads live is not reported by wait until the loop reaps them,
 * so waiting for it alone would never end: its state says it. */
static bool task_dead(pid_t tid)
{
	char path[64], buf[512];
	const char *p;
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "/proc/%d/stat", (int)tid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return errno == ENOENT || errno == ESRCH;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return n == 0;
	buf[n] = 0;
	p = strrchr(buf, ')');
	return p && p[1] == ' ' && (p[2] == 'Z' || p[2] == 'X');
}

/* The next stop of tid, consumed (tracer_int.h). An exit is only peeked
 * (-ESRCH): the event loop reaps it and accounts for it. The episode's 10 ms tick
 * (TRACER_TICK_SIGNAL to this thread, no SA_RESTART; session.c)
 * interrupts the wait, which is when a dead group leader is noticed. */
int tracer_wait_stop(pid_t tid, int *status)
{
	siginfo_t si;

	for (;;) {
		memset(&si, 0, sizeof(si));
		if (waitid(P_PID, (id_t)tid, &si, WEXITED | WSTOPPED | __WALL | WNOWAIT) == 0)
			break;
		if (errno == ECHILD)
			return -ESRCH;
		if (errno != EINTR)
			return -errno;
		if (task_dead(tid))
			return -ESRCH;
	}
	if (si.si_code != CLD_TRAPPED && si.si_code != CLD_STOPPED)
		return -ESRCH;
	while (waitpid(tid, status, __WALL) < 0)
		if (errno != EINTR)
			return errno == ECHILD ? -ESRCH : -errno;
	return 0;
}

/* --- The step ----------------------------------------------------------- */

static bool job_stop_sig(int sig)
{
	return sig == SIGSTOP || sig == SIGTSTP || sig == SIGTTIN || sig == SIGTTOU;
}

/* Step t (registers set for the call at insn) until the call is done.
 * Signals that stopped the step and are not its own go to held[]. */
static int step_over(struct tracer_task *t, uint64_t insn, int64_t *ret,
		     struct held_sig *held, int *nheld)
{
	struct user_regs_struct r;
	siginfo_t si;
	int status, rc;

	for (int i = 0; i < MAX_STOPS; i++) {
		int sig, event;

		task_invalidate(t);
		if (ptrace(PTRACE_SINGLESTEP, t->tid, 0, 0) < 0)
			return -errno;
		if ((rc = tracer_wait_stop(t->tid, &status)) < 0)
			return rc;
		sig = WSTOPSIG(status);
		event = (unsigned)status >> 16;
		if (event == PTRACE_EVENT_STOP) {
			/* A group-stop (SIGSTOP to another thread): join it
			 * again once the call is done. */
			if (job_stop_sig(sig) && *nheld < MAX_STOPS)
				held[(*nheld)++] = (struct held_sig){ .sig = sig };
			continue;
		}
		/* The seccomp stop of this call (mmap is traced by the
		 * alloc class): the call is ours, it just runs. */
		if (event != 0 || sig == (SIGTRAP | 0x80))
			continue;
		if (ptrace(PTRACE_GETSIGINFO, t->tid, 0, &si) < 0)
			return -errno;
		if (sig == SIGTRAP && si.si_code > 0) {
			/* The step's trap: done only if it stopped where the
			 * call returns; never step on into code we did not mean
			 * to run. */
			if ((rc = tracer_getregs(t, &r)) < 0)
				return rc;
			if (r.rip != insn + 2)
				return -EIO;
			*ret = (int64_t)r.rax;
			return 0;
		}
		/* A fault the kernel forced on our instruction: ours, dropped. */
		if (si.si_code > 0)
			return -EFAULT;
		/* Sent by someone (a SIGTRAP, a SIGSTOP: what the mask cannot
		 * hold back): delivered again afterwards. */
		if (*nheld < MAX_STOPS)
			held[(*nheld)++] = (struct held_sig){ .sig = sig, .has_info = true, .info = si };
	}
	return -EIO;
}

/* Send the held signals again, with their siginfo where the kernel lets a
 * tracer queue it (not for SI_USER/SI_TKILL from another process). */
static int resend(struct tracer_task *t, const struct held_sig *held, int nheld)
{
	int rc = 0;

	for (int i = 0; i < nheld; i++) {
		siginfo_t si = held[i].info;

		if (held[i].has_info &&
		    syscall(SYS_rt_tgsigqueueinfo, t->pid, t->tid, held[i].sig, &si) == 0)
			continue;
		if (syscall(SYS_tgkill, t->pid, t->tid, held[i].sig) < 0 && rc == 0)
			rc = -errno;
	}
	return rc;
}

bool remote_refused(long nr)
{
	for (size_t i = 0; i < ARRAY_SIZE(refused_nr); i++)
		if (refused_nr[i] == nr)
			return true;
	return false;
}

int tracer_remote_syscall(struct tracer_task *t, long nr, const uint64_t args[6], int64_t *ret)
{
	struct __ptrace_syscall_info info;
	struct user_regs_struct saved, r;
	struct held_sig held[MAX_STOPS];
	uint64_t mask, block = ~(1ULL << (SIGTRAP - 1)), insn;
	int nheld = 0, rc, rc2;

	if (remote_refused(nr))
		return -EINVAL;
	if (t->mm)
		t->mm->pokes++;	/* a call of ours: not the program's */
	/* In a syscall (seccomp, entry or exit stop) the kernel would finish
	 * or restart that call around ours. */
	memset(&info, 0, sizeof(info));
	if (ptrace(PTRACE_GET_SYSCALL_INFO, t->tid, sizeof(info), &info) < 0)
		return -errno;
	if (info.op != PTRACE_SYSCALL_INFO_NONE)
		return -EBUSY;
	if ((rc = remote_find_syscall_insn(t, &insn)) < 0)
		return rc;
	if ((rc = tracer_getregs(t, &saved)) < 0)
		return rc;
	if (ptrace(PTRACE_GETSIGMASK, t->tid, sizeof(mask), &mask) < 0)
		return -errno;
	if (ptrace(PTRACE_SETSIGMASK, t->tid, sizeof(block), &block) < 0)
		return -errno;
	r = saved;
	r.rax = (uint64_t)nr;
	r.rdi = args[0];
	r.rsi = args[1];
	r.rdx = args[2];
	r.r10 = args[3];
	r.r8 = args[4];
	r.r9 = args[5];
	r.rip = insn;
	/* Stopped at a signal that interrupted a syscall, the kernel would
	 * restart that one on the way out: not now (saved has it back). */
	r.orig_rax = (uint64_t)-1;
	rc = tracer_setregs(t, &r);
	if (rc == 0)
		rc = step_over(t, insn, ret, held, &nheld);
	if (rc == -ESRCH) {
		task_invalidate(t);
		return rc;	/* gone: nothing to restore */
	}
	rc2 = tracer_setregs(t, &saved);
	if (rc == 0)
		rc = rc2;
	if (ptrace(PTRACE_SETSIGMASK, t->tid, sizeof(mask), &mask) < 0 && rc == 0)
		rc = -errno;
	rc2 = resend(t, held, nheld);
	if (rc == 0)
		rc = rc2;
	if (rc < 0)
		fz_debug("remote: tid %d: syscall %ld not run: %s\n", (int)t->tid, nr, strerror(-rc));
	else if (*ret < 0 && *ret > -4096)
		fz_debug("remote: tid %d: syscall %ld = %s\n", (int)t->tid, nr, strerror((int)-*ret));
	else
		fz_debug("remote: tid %d: syscall %ld = %#lx\n", (int)t->tid, nr, (unsigned long)*ret);
	return rc;
}

/* --- A mapping near an address ------------------------------------------ */

struct hole_search {
	uint64_t near, len, prev_hi, best;
	uint64_t best_dist;
};

static void hole_consider(struct hole_search *h, uint64_t lo, uint64_t hi)
{
	uint64_t cand, dist;

	if (hi < lo + h->len)
		return;
	if (h->near < lo)
		cand = lo;
	else if (h->near >= hi - h->len)
		cand = hi - h->len;
	else
		cand = h->near & ~4095ULL;
	dist = cand > h->near ? cand - h->near : h->near - cand;
	if (dist < h->best_dist) {
		h->best = cand;
		h->best_dist = dist;
	}
}

static int hole_cb(const struct proc_map *m, void *arg)
{
	struct hole_search *h = arg;

	/* Leave the gap under the stack alone: the stack grows into it. */
	if (strcmp(m->path, "[stack]") != 0)
		hole_consider(h, h->prev_hi, m->lo);
	h->prev_hi = m->hi;
	return 0;
}

/* The free range of len bytes closest to near. */
static int find_hole(pid_t pid, uint64_t near, uint64_t len, uint64_t *hole)
{
	/* 64 KiB: above the usual vm.mmap_min_addr. */
	struct hole_search h = { near, len, 0x10000, 0, UINT64_MAX };
	int rc = proc_maps_each(pid, hole_cb, &h);

	if (rc < 0)
		return rc;
	if (h.best_dist == UINT64_MAX)
		return -ENOMEM;
	*hole = h.best;
	return 0;
}

int tracer_remote_mmap_near(struct tracer_task *t, uint64_t near, uint64_t len, int prot,
			    uint64_t *addr)
{
	uint64_t args[6] = { 0, 0, (uint64_t)prot, MAP_PRIVATE | MAP_ANONYMOUS, (uint64_t)-1, 0 };
	int64_t ret = -ENOMEM;
	uint64_t hole;
	int rc;

	len = (len + 4095) & ~4095ULL;
	if (!len)
		return -EINVAL;
	args[1] = len;
	if (find_hole(t->pid, near, len, &hole) == 0) {
		args[0] = hole;
		args[3] |= MAP_FIXED_NOREPLACE;
		if ((rc = tracer_remote_syscall(t, SYS_mmap, args, &ret)) < 0)
			return rc;
		args[3] &= ~(uint64_t)MAP_FIXED_NOREPLACE;
	}
	/* Raced or refused: the hole is only a hint now. */
	if (ret < 0 && ret > -4096 && (rc = tracer_remote_syscall(t, SYS_mmap, args, &ret)) < 0)
		return rc;
	if (ret < 0 && ret > -4096)
		return (int)ret;
	*addr = (uint64_t)ret;
	return 0;
}
