/* restore_sig.c - in-place restore's signal dispositions (restore.h):
 * each handler not at its default and the alternate stack, read once by
 * calls of the process's, set again where a run set them. */
#include "config.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/uio.h>

#include "tracer/restore_int.h"
#include "util/util.h"

/* Memory of the process's for a call's struct: below its start's red
 * zone, dead stack (rewritten by the page restore that follows). */
static uint64_t scratch_at(const struct tracer_restore *r)
{
	return (r->start.rsp - 128 - 256) & ~15ULL;
}

static int peek_struct(struct tracer_restore *r, void *buf, size_t len)
{
	struct iovec l = { buf, len }, rm = { (void *)scratch_at(r), len };

	return process_vm_readv(r->tid, &l, 1, &rm, 1, 0) == (ssize_t)len ? 0 : -EIO;
}

static int poke_struct(struct tracer_restore *r, const void *buf, size_t len)
{
	struct iovec l = { (void *)buf, len }, rm = { (void *)scratch_at(r), len };

	return process_vm_writev(r->tid, &l, 1, &rm, 1, 0) == (ssize_t)len ? 0 : -EIO;
}

/* The signals a process catches or ignores (/proc's SigCgt | SigIgn):
 * the others have the default action, a zero struct. */
static uint64_t signals_set(pid_t tid)
{
	struct proc_status ps;

	if (proc_status_read(tid, &ps) < 0)
		return ~0ULL;	/* unknown: read them all */
	return ps.sig_ign | ps.sig_cgt;
}

/* Every signal's handler and the alternate stack, as the process has
 * them: what a run that sets one gets back. Only those not at their
 * default are read, each by a call of the process's. */
int rs_save_signals(struct tracer_restore *r)
{
	uint64_t set = signals_set(r->tid);
	int64_t ret;
	int e;

	for (int sig = 1; sig <= NSIG_K; sig++) {
		if (sig == SIGKILL || sig == SIGSTOP || !(set & (1ULL << (sig - 1))))
			continue;
		if ((e = rs_call4(r, SYS_rt_sigaction, (uint64_t)sig, 0, scratch_at(r), 8, &ret)) < 0)
			return e;
		if (ret < 0)
			continue;	/* not a signal here: never set either */
		if ((e = peek_struct(r, &r->sa[sig], sizeof(r->sa[sig]))) < 0)
			return e;
	}
	if ((e = rs_call(r, SYS_sigaltstack, 0, scratch_at(r), 0, &ret)) < 0)
		return e;
	return ret < 0 ? -EIO : peek_struct(r, &r->altstack, sizeof(r->altstack));
}

/* The handlers and alternate stack the run set, back. */
int rs_restore_signals(struct tracer_restore *r, char *why, size_t whylen)
{
	int64_t ret;
	int e;

	for (int sig = 1; sig <= NSIG_K && r->sa_changed; sig++) {
		if (!(r->sa_changed & (1ULL << (sig - 1))))
			continue;
		if ((e = poke_struct(r, &r->sa[sig], sizeof(r->sa[sig]))) < 0 ||
		    (e = rs_call4(r, SYS_rt_sigaction, (uint64_t)sig, scratch_at(r), 0, 8, &ret)) < 0 ||
		    (e = ret < 0 ? (int)ret : 0) < 0)
			return rs_fail(e, why, whylen, "cannot put the handler of signal %d back", sig);
		r->sa_changed &= ~(1ULL << (sig - 1));
		r->st.handlers++;
	}
	if (r->altstack_changed) {
		struct kstack ks = r->altstack;

		/* SS_ONSTACK is only what the kernel reports, never set. */
		ks.flags &= ~1;
		if ((e = poke_struct(r, &ks, sizeof(ks))) < 0 ||
		    (e = rs_call(r, SYS_sigaltstack, scratch_at(r), 0, 0, &ret)) < 0 ||
		    (e = ret < 0 ? (int)ret : 0) < 0)
			return rs_fail(e, why, whylen, "cannot put the alternate signal stack back");
		r->altstack_changed = false;
		r->st.handlers++;
	}
	return 0;
}
