/* decide.c - at each intercepted call: find its site, count the
 * occurrence, and fail it if the plan says so and the fault is faithful
 * here and now. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "inject/inject_int.h"
#include "inject/io_table.h"
#include "util/util.h"

int inj_on_syscall(void *ctx, struct tracer_task *t, const struct syscall_stop *s);
int inj_on_trap(void *ctx, struct tracer_task *t);

/* One intercepted call, with its site computed only when needed (an
 * unwind is the expensive part of a stop). */
struct stop {
	struct inject *inj;
	struct tracer_task *t;
	struct inj_mm *m;
	const char *call;
	int cls;		/* index into inject_class_names */
	uint64_t ret_addr;	/* allocator calls: the return address */
	const struct syscall_stop *sc;	/* syscalls: as stopped (args before rewriting) */
	int site_state;		/* 0 unknown, 1 resolved, -1 failed */
	struct frame site;
	char key[64];
	int thread;
};

static int resolve_site(struct stop *st)
{
	struct unwinder *u;
	int r = -ENOENT;

	if (st->site_state)
		return st->site_state > 0 ? 0 : -ENOENT;
	st->site_state = -1;
	u = inj_unwinder(st->inj, tracer_task_pid(st->t));
	if (!u)
		return -ESRCH;
	/* A direct call from the program: its return address is the site,
	 * no unwind needed. */
	if (st->ret_addr && unwinder_pc_is_system(u, st->ret_addr - 1) == 0 &&
	    unwinder_symbolize(u, st->ret_addr, true, &st->site) == 0 && st->site.module[0])
		r = 0;
	else
		r = unwinder_caller(u, tracer_task_tid(st->t), &st->site) >= 0 ? 0 : -ENOENT;
	if (r < 0)
		return r;
	inj_site_key(&st->site, st->key, sizeof(st->key));
	st->site_state = 1;
	return 0;
}

/* "<build-id>+0x<offset>": the same site in every run despite ASLR; a
 * module without a build-id falls back to its file name. */
char *inj_site_key(const struct frame *f, char *buf, int len)
{
	const char *b = strrchr(f->module, '/');

	if (f->build_id[0])
		snprintf(buf, len, "%.40s+%#" PRIx64, f->build_id, f->offset);
	else
		snprintf(buf, len, "%.40s+%#" PRIx64, b ? b + 1 : f->module, f->offset);
	return buf;
}

static void log_fault(struct stop *st, const struct fault *f, int occurrence)
{
	struct inject *inj = st->inj;
	struct fault_rec *fr;

	inj->counts[st->cls]++;
	if (inj->nlog >= INJ_MAX_LOG)
		return;
	fr = &inj->log[inj->nlog++];
	memset(fr, 0, sizeof(*fr));
	snprintf(fr->call, sizeof(fr->call), "%s", st->call);
	fault_format(f, fr->fault, sizeof(fr->fault));
	fr->site_id = -1;
	fr->thread = st->thread;
	fr->occurrence = occurrence;
	if (st->sc)
		syscall_format(st->sc->ent, st->sc->args, fr->syscall, sizeof(fr->syscall));
	if (resolve_site(st) == 0) {
		snprintf(fr->site, sizeof(fr->site), "%s", st->key);
		snprintf(fr->caller, sizeof(fr->caller), "%s", st->site.function);
		snprintf(fr->file, sizeof(fr->file), "%s", st->site.file);
		fr->line = st->site.line;
		for (int i = 0; i < inj->nsites; i++)
			if (strcmp(inj->sites[i].key, st->key) == 0 &&
			    strcmp(inj->sites[i].call, st->call) == 0)
				fr->site_id = inj->sites[i].report_id;
	}
}

/* The recording run: count this occurrence at its site. */
static void record(struct stop *st, const struct fault *opts, int nopts)
{
	struct inject_site *s;

	if (resolve_site(st) < 0)
		return;
	s = inj_site_get(st->inj, st->call, st->key, &st->site);
	if (s)
		inj_site_record(st->inj, s, st->thread, opts, nopts);
}

static bool plan_matches(struct stop *st, const struct plan_fault *p)
{
	if (strcmp(p->call, st->call) != 0)
		return false;
	if (p->thread >= 0 && p->thread != st->thread)
		return false;
	if (!p->site[0] && !p->caller[0])
		return true;
	if (resolve_site(st) < 0)
		return false;
	if (p->site[0] && strcmp(p->site, st->key) != 0)
		return false;
	if (p->caller[0] && strcmp(p->caller, st->site.function) != 0)
		return false;
	return true;
}

/* Returns the plan entry to inject now, or -1. */
static int plan_pick(struct stop *st, int *occurrence)
{
	struct inject *inj = st->inj;

	for (int i = 0; i < inj->nplan; i++) {
		if (inj->plan_done[i] || !plan_matches(st, &inj->plan[i]))
			continue;
		if (++inj->plan_seen[i] == (unsigned)inj->plan[i].occurrence) {
			inj->plan_done[i] = true;
			*occurrence = inj->plan_seen[i];
			return i;
		}
	}
	return -1;
}

static bool same_fault(const struct fault *a, const struct fault *b)
{
	return a->type == b->type && (a->type != FT_ERRNO || a->err == b->err);
}

/* What to do with this call, from the recording, the generator or the
 * plan, given the faults faithful here and now (opts). Returns 1 with *f
 * and *occ when the call fails now. */
static int choose(struct stop *st, const struct fault *opts, int nopts, struct fault *f, int *occ)
{
	struct inject *inj = st->inj;
	int pick;

	if (inj->record) {
		/* Count every occurrence, failable or not, so occurrence
		 * numbers mean the same in the plan's runs (plan_pick counts
		 * them all); a site that never had a faithful fault is not
		 * published. */
		record(st, opts, nopts);
		return 0;
	}
	if (inj->random) {
		if (nopts <= 0 || resolve_site(st) < 0)
			return 0;
		*occ = (int)inj_occurrence(inj, st->call, st->key, st->thread);
		if (inj_excluded(inj->exclude, st->key, st->site.function))
			return 0;
		return inj_random_pick(inj, opts, nopts, f);
	}
	pick = plan_pick(st, occ);
	if (pick < 0)
		return 0;
	*f = inj->plan[pick].fault;
	/* Faithful here and now, or not at all (the run is wasted, never a
	 * false positive). */
	for (int i = 0; i < nopts; i++)
		if (same_fault(&opts[i], f))
			return 1;
	return 0;
}

/* Cheap pre-check for the common stop of a planned run: no pending plan
 * entry names this call, so no fd look-up, no unwind. */
static bool plan_wants(const struct inject *inj, const char *call)
{
	for (int i = 0; i < inj->nplan; i++)
		if (!inj->plan_done[i] && strcmp(inj->plan[i].call, call) == 0)
			return true;
	return false;
}

static int thread_slot(struct tracer_task *t)
{
	int o = tracer_task_ordinal(t);

	return o < 0 ? 0 : o >= TRACER_MAX_THREADS ? TRACER_MAX_THREADS - 1 : o;
}

/* rt_sigaction: keep which signals have handlers, and whether they restart
 * interrupted calls, so EINTR is offered only where it can happen. */
static void track_sigaction(struct tracer_task *t, struct inj_mm *m, const struct syscall_stop *s)
{
	uint64_t act[2];	/* handler, flags of struct kernel_sigaction */
	int sig = (int)s->args[0];
	uint64_t bit;

	if (sig < 1 || sig > 64 || !s->args[1])
		return;
	if (!m->sig_owner)
		m->sig_owner = tracer_task_pid(t);
	/* A vfork child (posix_spawn) resetting its own handlers before exec
	 * does not change its parent's. */
	if (m->sig_owner != tracer_task_pid(t))
		return;
	if (tracer_read_mem(t, s->args[1], act, sizeof(act)) < 0)
		return;
	bit = 1ULL << (sig - 1);
	m->handled &= ~bit;
	m->interrupting &= ~bit;
	m->siginfo &= ~bit;
	if (act[0] > 1) {	/* not SIG_DFL/SIG_IGN */
		m->handled |= bit;
		if (!(act[1] & SA_RESTART))
			m->interrupting |= bit;
		if (act[1] & SA_SIGINFO)
			m->siginfo |= bit;
	}
}

/* A signal in mask whose handler fzsandbox may run to interrupt a call:
 * never a synchronous fault signal, whose handler would be fed a fake
 * fault. */
static int pick_signal(uint64_t mask)
{
	/* Signals any process may send (kill(1), a supervisor), preferred;
	 * then the timer signals (the classic EINTR, though no timer may be
	 * armed). Never a synchronous fault signal, whose handler would be
	 * fed a fake fault, nor one that stands for a kernel event the handler
	 * will look for (SIGCHLD: a child changed state; SIGPIPE, SIGIO,
	 * SIGURG, SIGXCPU, SIGXFSZ, SIGWINCH). */
	static const int first[] = { SIGUSR1, SIGUSR2 };
	static const int then[] = { SIGALRM, SIGVTALRM, SIGPROF, SIGHUP, SIGINT, SIGTERM, SIGQUIT };

	/* Termination requests last: their handlers often end the program. */
	for (size_t i = 0; i < ARRAY_SIZE(first); i++)
		if (mask & (1ULL << (first[i] - 1)))
			return first[i];
	for (int sig = SIGRTMIN; sig <= SIGRTMAX && sig <= 64; sig++)
		if (mask & (1ULL << (sig - 1)))
			return sig;
	for (size_t i = 0; i < ARRAY_SIZE(then); i++)
		if (mask & (1ULL << (then[i] - 1)))
			return then[i];
	return 0;
}

/* Handlers fzsandbox can really run in this thread now: not blocked in
 * it, not SA_SIGINFO (a faked siginfo would mislead the handler), and the
 * handlers of this process, not of a vfork parent. */
static uint64_t deliverable(struct tracer_task *t, const struct inj_mm *m, uint64_t mask)
{
	struct proc_status ps;

	mask &= ~m->siginfo;
	if (!mask || (m->sig_owner && m->sig_owner != tracer_task_pid(t)))
		return 0;
	if (proc_status_read(tracer_task_tid(t), &ps) < 0)
		return 0;
	return mask & ~ps.sig_blk;
}

/* readv/writev: the iovec array, read from the tracee. Returns the number
 * of entries (its byte total in *total), or -1 when it cannot be used. */
#define IOV_CAP 64
static int read_iov(struct tracer_task *t, const struct syscall_stop *s, struct iovec *iov,
		    long *total)
{
	uint64_t n = s->args[2];

	if (strcmp(s->ent->name, "readv") != 0 && strcmp(s->ent->name, "writev") != 0)
		return -1;
	if (n == 0 || n > IOV_CAP || tracer_read_mem(t, s->args[1], iov, n * sizeof(*iov)) < 0)
		return -1;
	*total = 0;
	for (uint64_t i = 0; i < n; i++)
		*total += (long)iov[i].iov_len;
	return (int)n;
}

static void io_describe(struct tracer_task *t, const struct syscall_stop *s, struct inj_mm *m,
			struct io_call *c)
{
	const struct syscall_ent *e = s->ent;
	struct iovec iov[IOV_CAP];
	uint64_t flags = 0;

	memset(c, 0, sizeof(*c));
	c->write = (e->flags & SC_WRITE) != 0;
	c->vector = (e->flags & SC_VECTOR) != 0;
	c->count = e->len_arg >= 0 ? (long)s->args[e->len_arg] : -1;
	/* readv/writev transfer bytes like read/write: with the array in
	 * hand, their byte count can be shortened too (io_inject). */
	if (c->vector && read_iov(t, s, iov, &c->count) > 0)
		c->vector = false;
	if (strcmp(e->name, "recvfrom") == 0 || strcmp(e->name, "sendto") == 0 ||
	    strcmp(e->name, "recvmsg") == 0 || strcmp(e->name, "sendmsg") == 0)
		flags = s->args[strcmp(e->name, "recvfrom") == 0 || strcmp(e->name, "sendto") == 0 ? 3 : 2];
	c->waitall = (flags & MSG_WAITALL) != 0;
	c->dontwait = (flags & MSG_DONTWAIT) != 0;
	c->interruptible = pick_signal(deliverable(t, m, m->interrupting)) != 0;
	c->handled = pick_signal(deliverable(t, m, m->handled)) != 0;
}

/* A short readv/writev: a copy of the iovec array cut at n bytes, written
 * below the red zone of the stopped thread's stack (free scratch while it
 * is in the syscall; the kernel reads it before returning), and the array
 * and count arguments pointed at it; both are restored at the exit stop. */
static int vector_short(struct stop *st, const struct syscall_stop *s, const struct fault *f,
			const struct fd_info *fi, const struct io_call *c, struct fault *done)
{
	struct iovec iov[IOV_CAP];
	struct user_regs_struct regs;
	long total, n, left;
	int cnt = read_iov(st->t, s, iov, &total), k, r, sig = 0;
	uint64_t scratch;

	if (cnt <= 0 || total < 2 || tracer_getregs(st->t, &regs) < 0)
		return -EINVAL;
	n = f->count ? f->count : total / 2;
	if (n >= total)
		n = total - 1;
	if (n < 1)
		return -EINVAL;
	for (k = 0, left = n; k < cnt && left > 0; k++) {
		if ((long)iov[k].iov_len > left)
			iov[k].iov_len = (size_t)left;
		left -= (long)iov[k].iov_len;
	}
	scratch = (regs.rsp - 128 - (uint64_t)k * sizeof(*iov)) & ~15ULL;
	r = tracer_write_mem(st->t, scratch, iov, (size_t)k * sizeof(*iov));
	if (r == 0)
		r = tracer_set_arg(st->t, 1, scratch);
	if (r == 0)
		r = tracer_set_arg(st->t, 2, (uint64_t)k);
	if (r < 0)
		return r;
	done->count = n;
	if (c->write && fi->type != FDT_REG && !fi->nonblock && !c->dontwait)
		sig = pick_signal(deliverable(st->t, st->m, st->m->handled));
	if (sig)
		tracer_deliver_signal(st->t, sig);
	return 0;
}

/* Inject f; *done is the fault as it happened (a short transfer names the
 * bytes really asked for, so the log replays exactly). */
static int io_inject(struct stop *st, const struct syscall_stop *s, const struct fault *f,
		     const struct fd_info *fi, const struct io_call *c, struct fault *done)
{
	const struct syscall_ent *e = s->ent;

	*done = *f;
	if (f->type == FT_SHORT) {
		long count = (long)s->args[e->len_arg];
		long n;

		if (e->flags & SC_VECTOR)
			return vector_short(st, s, f, fi, c, done);
		n = f->count ? f->count : count / 2;
		int r, sig = 0;

		if (n >= count)
			n = count - 1;
		if (n < 1)
			return -EINVAL;
		done->count = n;
		/* A blocking non-file write is only cut short by a handled
		 * signal (io_table.c): deliver one, as the kernel would have. */
		if (c->write && fi->type != FDT_REG && !fi->nonblock && !c->dontwait)
			sig = pick_signal(deliverable(st->t, st->m, st->m->handled));
		r = tracer_set_arg(st->t, e->len_arg, (uint64_t)n);
		if (r == 0 && sig)
			tracer_deliver_signal(st->t, sig);
		return r;
	}
	if (f->err == EINTR) {
		int sig = pick_signal(deliverable(st->t, st->m, st->m->interrupting));
		int r = tracer_fail_syscall(st->t, EINTR);

		/* Really deliver the signal that interrupted the call, so its
		 * handler runs as it would. */
		if (r == 0 && sig)
			tracer_deliver_signal(st->t, sig);
		return r;
	}
	return tracer_fail_syscall(st->t, f->err);
}

int inj_on_syscall(void *ctx, struct tracer_task *t, const struct syscall_stop *s)
{
	struct inject *inj = ctx;
	struct inj_mm *m = tracer_task_mm_data(t);
	struct stop st = { .inj = inj, .t = t, .m = m, .call = s->ent->name, .cls = 0, .sc = s };
	struct fd_info fi;
	struct io_call c;
	struct fault opts[8], f, done;
	int nopts, occ = 0;

	if (!m)
		return 0;
	if (s->ent->flags & SC_SIGNAL) {
		track_sigaction(t, m, s);
		return 0;
	}
	if (s->ent->flags & SC_MEM)	/* kernel level of alloc */
		return alloc_kernel_on_syscall(inj, t, s);
	if (!(inj->cfg.classes & IC_IO) || !(s->ent->flags & (SC_READ | SC_WRITE)))
		return 0;
	st.thread = thread_slot(t);
	if (!inj->record && !inj->random && !plan_wants(inj, st.call))
		return 0;
	if (fd_info_read(t, (int)s->args[s->ent->fd_arg], &fi) < 0)
		return 0;
	io_describe(t, s, m, &c);
	nopts = io_faults_list(io_faults_allowed(&fi, &c), opts, 8);
	if (choose(&st, opts, nopts, &f, &occ) && io_inject(&st, s, &f, &fi, &c, &done) == 0)
		log_fault(&st, &done, occ);
	return 0;
}

/* Can this allocator call really fail? glibc never fails realloc(p, 0)
 * (it frees) nor a realloc that fits the block it already has (a shrink):
 * read the chunk header before p. A header that does not look like
 * glibc's (another allocator) proves nothing, so the call may fail. */
static bool alloc_can_fail(struct tracer_task *t, const struct user_regs_struct *regs,
			   enum alloc_call call)
{
	uint64_t p = regs->rdi, size = regs->rsi, hdr, chunk, usable;

	if (call != AC_REALLOC && call != AC_REALLOCARRAY)
		return true;
	if (call == AC_REALLOCARRAY && __builtin_mul_overflow(regs->rsi, regs->rdx, &size))
		return true;	/* overflow: ENOMEM for real */
	if (p == 0)
		return true;	/* a malloc */
	if (size == 0)
		return false;
	if (tracer_peek(t, p - 8, &hdr) < 0)
		return true;
	chunk = hdr & ~7ULL;
	if (chunk < 32 || chunk > (1ULL << 47) || (chunk & 15))
		return true;
	usable = chunk - ((hdr & 2) ? 16 : 8);	/* IS_MMAPPED chunks keep 16 */
	return size > usable;
}

int inj_on_trap(void *ctx, struct tracer_task *t)
{
	struct inject *inj = ctx;
	struct inj_mm *m = tracer_task_mm_data(t);
	struct user_regs_struct regs;
	enum alloc_call call;
	struct stop st = { .inj = inj, .t = t, .m = m, .cls = 1 };
	struct fault null = { FT_NULL, 0, 0 }, f;
	int occ = 0, hit, nnull = 1;

	if (!m || !m->bp || tracer_getregs(t, &regs) < 0)
		return 0;
	hit = bp_hit(m->bp, t, &regs, &call, &st.ret_addr);
	if (hit == 2)	/* ours, handled, not a call to count (alloc_bp.h) */
		return 1;
	if (hit != 1)
		return 0;
	st.call = alloc_call_name(call);
	st.thread = thread_slot(t);
	if (!alloc_can_fail(t, &regs, call))
		nnull = 0;
	if (choose(&st, &null, nnull, &f, &occ) && bp_fail(m->bp, t, &regs, call) == 0) {
		log_fault(&st, &null, occ);
		return 1;
	}
	return bp_pass(m->bp, t, &regs, call) < 0 ? -EIO : 1;
}

/* --- The same decision for deciders in other files (alloc_kernel.c) --- */
int inj_decide(struct inject *inj, struct tracer_task *t, int cls, const struct syscall_stop *s,
	       const struct fault *opts, int nopts, inj_fail_fn fail, void *arg)
{
	struct stop st = { .inj = inj, .t = t, .m = tracer_task_mm_data(t), .call = s->ent->name,
			   .cls = cls, .sc = s };
	struct fault f;
	int occ = 0;

	st.thread = thread_slot(t);
	if (!choose(&st, opts, nopts, &f, &occ) || fail(arg, t, &f) < 0)
		return 0;
	log_fault(&st, &f, occ);
	return 1;
}
