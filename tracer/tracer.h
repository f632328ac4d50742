/* tracer.h - the ptrace/seccomp event loop, as seen by its neighbours.
 *
 * The tracer starts one run of the target (an episode of a session),
 * follows every task of its process tree and hands each interesting stop to
 * hooks (implemented by inject/). It knows nothing about faults or plans,
 * jails or services: hooks decide, a launcher prepares the target, a gate
 * refuses calls, an observer watches for readiness; the tracer executes.
 * Library code: every function returns 0 / a count on success, -errno on
 * failure, and never exits.
 */
#ifndef FZ_TRACER_H
#define FZ_TRACER_H

#include <stdbool.h>
#include <stddef.h>
#include <signal.h>
#include <stdint.h>
#include <sys/types.h>
#include <sys/user.h>

#include "tracer/syscalls.h"

struct tracer_task;	/* one traced thread; opaque */

/* --- What hooks may ask of a stopped task ------------------------------- */
pid_t tracer_task_tid(const struct tracer_task *t);
pid_t tracer_task_pid(const struct tracer_task *t);	/* thread group */
/* Creation order within the traced tree (0 = the first task). Stable across
 * runs of a deterministic program, unlike tids. */
int tracer_task_ordinal(const struct tracer_task *t);
/* Per-address-space data owned by the hooks (see mm_* hooks). */
void *tracer_task_mm_data(const struct tracer_task *t);
/* True once this address space reached its program's entry point. */
bool tracer_task_entered(const struct tracer_task *t);

int tracer_getregs(struct tracer_task *t, struct user_regs_struct *regs);
int tracer_setregs(struct tracer_task *t, const struct user_regs_struct *regs);
int tracer_peek(struct tracer_task *t, uint64_t addr, uint64_t *word);
int tracer_poke(struct tracer_task *t, uint64_t addr, uint64_t word);
/* Bulk copies through process_vm_readv/writev (fall back to peek/poke for
 * read-only text, which process_vm_writev cannot write). */
int tracer_read_mem(struct tracer_task *t, uint64_t addr, void *buf, size_t len);
int tracer_write_mem(struct tracer_task *t, uint64_t addr, const void *buf, size_t len);
/* A NUL-terminated string at addr into buf (len bytes, its NUL included):
 * 0; -ENAMETOOLONG with buf cut (and terminated) at len - 1; or the
 * read's -errno. */
int tracer_read_str(struct tracer_task *t, uint64_t addr, char *buf, size_t len);

/* --- Syscall stops ------------------------------------------------------ */
struct syscall_stop {
	const struct syscall_ent *ent;	/* row of the syscall table */
	int nr;
	uint32_t arch;			/* AUDIT_ARCH_*: i386 via int 0x80 too */
	uint64_t args[6];
	uint64_t ip;			/* address after the syscall insn */
};

/* Actions a hook may take at a seccomp stop (before the syscall runs). */
/* Skip the syscall; the task sees -1 with errno = err (err > 0). */
int tracer_fail_syscall(struct tracer_task *t, int err);
/* Skip the syscall; the task sees 'retval' as a successful result. */
int tracer_return_syscall(struct tracer_task *t, int64_t retval);
/* Rewrite argument i before the syscall runs; the tracer restores the
 * register at the syscall's exit so the caller sees its own value again. */
int tracer_set_arg(struct tracer_task *t, int i, uint64_t val);
/* Send sig to the task as another process would (the signal that
 * interrupted an injected EINTR), remembering it: if the process then dies
 * of that signal, it died because fzsandbox asked, which is no finding. */
int tracer_deliver_signal(struct tracer_task *t, int sig);
/* Ask for on_syscall_exit for this syscall (e.g. to learn its result). */
int tracer_want_exit(struct tracer_task *t);
/* Leave the task at this stop for ms milliseconds, then let the call run
 * as it would have. The episode's loop serves every other task meanwhile
 * (its 10 ms tick wakes it to release this one), and the run's timeout is
 * moved on by ms: the held time is fzsandbox's, not the program's. */
int tracer_hold_syscall(struct tracer_task *t, long ms);

/* --- Hooks (implemented by inject/) ------------------------------------ */
struct tracer_hooks {
	void *ctx;
	/* A new address space appeared (the first task, or after execve):
	 * set up per-mm data. */
	int (*mm_new)(void *ctx, struct tracer_task *t, void **data);
	/* fork/vfork-without-exec: the child gets a copy of the parent's
	 * memory (int3 bytes included), so it needs a copy of the data. */
	int (*mm_fork)(void *ctx, const void *parent, void **child);
	void (*mm_free)(void *ctx, void *data);
	/* The program's entry point was reached in this address space. */
	int (*on_entry)(void *ctx, struct tracer_task *t);
	int (*on_syscall)(void *ctx, struct tracer_task *t, const struct syscall_stop *s);
	int (*on_syscall_exit)(void *ctx, struct tracer_task *t, const struct syscall_stop *s, int64_t ret);
	/* A SIGTRAP the tracer did not cause: return 1 if the hook consumed it
	 * (a breakpoint of its own), 0 to deliver it, -errno on failure. */
	int (*on_trap)(void *ctx, struct tracer_task *t);
	/* Any other signal about to reach the task, with its siginfo: return
	 * 1 if the hook consumed it (emulated the instruction that raised it,
	 * as the clock class does rdtsc under PR_TSC_SIGSEGV), 0 to go on. */
	int (*on_signal)(void *ctx, struct tracer_task *t, int sig, const siginfo_t *si);
	/* A task appeared (after its creation event). */
	void (*on_task)(void *ctx, struct tracer_task *t);
	/* Snapshot mode: the episode's main process was just forked from
	 * the template (after on_task), past its entry point, its memory
	 * (breakpoints included) the template's: arm for this run's plan. */
	int (*on_fork_start)(void *ctx, struct tracer_task *t);
	/* Snapshot mode: the template was just parked, before its first
	 * fork. What most runs do without (breakpoints a run without such
	 * faults never needs) may come out of its memory here, for
	 * on_fork_start to put back in the child of a run that needs it:
	 * once in the template rather than out again in every child. */
	int (*on_park)(void *ctx, struct tracer_task *t);
};

/* --- Launching the target --------------------------------------------- */
/* A set-up step that failed, carried from the child through the error
 * pipe. Opaque to the tracer: step is the launcher's own numbering (0:
 * none), err an errno, path the step's path or "". */
struct tracer_setup_err {
	int step;
	int err;
	char path[256];
};

/* Code that may run on a launcher's stack (the finish below): ASan's
 * no-return hook does not know that stack and would print a warning on
 * the program's stderr. */
#define TRACER_ON_OWN_STACK __attribute__((no_sanitize("address")))

/* How the target's first process is made and prepared beyond what the
 * tracer itself does (standard streams, working directory, no_new_privs,
 * the seccomp filter, exec): a jail, resource limits, a cgroup
 * (sandbox/sandbox.h implements it). Every hook may be NULL.
 *
 * The child side runs between clone and exec of a possibly multi-threaded
 * process (the service driver): async-signal-safe calls only, no
 * allocation, nothing that takes a lock. The tracer leaves inherited
 * descriptors alone: which ones the target keeps is the launcher's say. */
struct tracer_launcher {
	void *ctx;
	/* The first process stays behind as the program's parent (a pid
	 * namespace's init): it is traced but is not the main process and
	 * gets no ordinal; the first task to exec becomes the main process. */
	bool first_is_init;
	/* Parent, before the clone: what the child is to inherit. -errno
	 * fails the episode (tracer_session_run returns it). */
	int (*prepare)(void *ctx, struct tracer_setup_err *e);
	/* Parent: clone(2) flags for the first process (namespaces); 0: a
	 * plain fork. */
	unsigned long (*clone_flags)(void *ctx);
	/* Parent, right after the clone, whether it worked: release what
	 * prepare made. */
	void (*cloned)(void *ctx, pid_t pid);
	/* Parent, before the child is let go: what only an outsider can do
	 * (id maps, joining a cgroup). A failure ends the episode as
	 * RUN_SETUP_FAILED at STAGE_LAUNCH. */
	int (*after_clone)(void *ctx, pid_t pid, struct tracer_setup_err *e);
	/* Child, after its standard streams, before its working directory,
	 * no_new_privs, filter and exec. It returns only in the process that
	 * is to exec; a process that stays behind must close errfd (the error
	 * pipe) and never return. It may instead start that process on a
	 * stack of its own sharing its memory until the exec (vfork-like: no
	 * copy of fzsandbox's address space) and call finish(finish_arg,
	 * NULL) there, or finish(finish_arg, e) with a failed step; finish
	 * does the rest and never returns. */
	int (*child_setup)(void *ctx, int errfd, struct tracer_setup_err *e,
			   void (*finish)(void *arg, const struct tracer_setup_err *e),
			   void *finish_arg);
	/* The file to execve; NULL: tracer_opts.exec_path, else argv[0]. */
	const char *(*exec_path)(void *ctx);
};

/* A verdict on every seccomp stop before the hooks see it, in the loader
 * phase too (the jail's deny policy: sandbox/policy.h). */
struct tracer_gate {
	void *ctx;
	/* 0: the call goes on to the hooks. > 0: it fails with that errno
	 * and no hook sees it; a non-empty line (the call as made, at most
	 * len bytes) makes it a violation, reported to on_violation while the
	 * task is still stopped at it. */
	int (*check)(void *ctx, const struct syscall_stop *s, char *line, size_t len);
	/* Rules of its own for the seccomp filter, so that what check must
	 * see stops: added to the libseccomp filter (a scmp_filter_ctx whose
	 * default action is ALLOW) after the trace set's TRACE rules. traced
	 * is that set. NULL: none. */
	int (*add_rules)(void *ctx, void *filter, const uint8_t *traced);
	/* Names the rules add_rules adds: the session reuses its compiled
	 * filter while the trace set and this stay the same. */
	unsigned long rules_id;
};

/* --- Sessions and episodes ---------------------------------------------- */
enum run_end {
	RUN_EXITED,		/* main process exited */
	RUN_SIGNALED,		/* a task died of a signal fzsandbox did not send */
	RUN_TIMEOUT,		/* killed at --timeout */
	RUN_SETUP_FAILED,	/* could not start the program (stage + errno) */
	RUN_INTERRUPTED,	/* fzsandbox got SIGINT/SIGTERM */
};

#define TRACER_MAX_THREADS 64

/* Called while the dying/stuck tasks are still stopped, so the reporter can
 * unwind them remotely. 'tids' are stopped in ptrace stops. */
typedef void (*tracer_stack_cb)(void *arg, pid_t pid, const pid_t *tids,
				const int *ordinals, int ntids);

/* A sample of a running episode (tracer_episode.sample_ms): tid is
 * ptrace-stopped where it was running, to be unwound. */
typedef void (*tracer_sample_cb)(void *arg, pid_t pid, pid_t tid, int ordinal);

/* A call the gate refused as a violation (tracer_gate.check), reported
 * while its task is still stopped at it, so the reporter can unwind it;
 * line is the call as made ("ptrace(16, 1, 0, 0)"). The call then fails
 * and the program goes on. */
typedef void (*tracer_violation_cb)(void *arg, pid_t pid, pid_t tid, int ordinal,
				    const char *line);

/* The first synchronous fatal signal of a run (SIGSEGV, SIGBUS, SIGFPE or
 * SIGILL the kernel raised, or a SIGABRT the process sent itself) that a
 * handler of the program is about to catch, reported at its delivery,
 * before the handler runs, so the reporter can unwind the fault itself:
 * a handler that logs and re-raises, or crashes, would leave only its
 * own frames (run_result.first_* describe the signal). */
typedef void (*tracer_caught_cb)(void *arg, pid_t pid, pid_t tid, int ordinal, int sig);

/* Fork snapshots (snapshot/ implements it; tracer_session_template). The
 * program runs once up to a point; there it is parked as the template, and
 * each later episode is a child it forks (clone with CLONE_PARENT, so the
 * jail's init reaps it), traced from the call at the point, which it makes
 * again. Every hook may be NULL. */
struct tracer_snapshot {
	void *ctx;
	/* At a seccomp stop of the main process after its entry point: 1
	 * makes this call the point (the task is parked before it runs). */
	int (*is_point)(void *ctx, struct tracer_task *t, const struct syscall_stop *s);
	/* The template was just parked (single-threaded, stopped): read what
	 * its children share with it. -errno gives it up. */
	int (*taken)(void *ctx, struct tracer_task *tmpl);
	/* Before each fork: undo what the last child changed in state it
	 * shares with the template. */
	int (*before_fork)(void *ctx);
	/* At each seccomp stop of any task of a run the template forked
	 * (x86_64 calls of the trace set), before the call runs and before
	 * the hooks see it: note what the call will change in state the run
	 * shares with the template (a socket option, a timer), to be put back
	 * after the run (tracer_template_syscall when only the template can). */
	void (*on_child_call)(void *ctx, struct tracer_task *t, const struct syscall_stop *s);
	/* A service's child (tracer_service): at a seccomp stop of its main
	 * process, 1 when this call waits for a new connection on the
	 * listening socket. Once the driver asked the run to stop, a child
	 * waiting there is killed, its run over (no SIGTERM: what a handler
	 * of it did would stay in state shared with the template). */
	int (*is_idle)(void *ctx, struct tracer_task *t, const struct syscall_stop *s);
	/* Optional, a point that is no syscall (a function's entry): at the
	 * main process's entry point while the template is made, after the
	 * hooks' on_entry, plant what finds it; -errno gives the template up
	 * (tracer_session_template returns it). */
	int (*on_entry)(void *ctx, struct tracer_task *t);
	/* Then at each SIGTRAP of the main process: 1 when it is the point,
	 * the task's registers set to where every child starts and what
	 * trapped taken out of its memory (children inherit it). It is
	 * parked there (after a harmless syscall, which each fork replaces
	 * with its clone). */
	int (*on_trap)(void *ctx, struct tracer_task *t);
	/* Put a batch child back in place at its exit_group instead of
	 * letting it exit, and run the next episode in it (tracer/restore.h),
	 * where the run did nothing that cannot be undone; else, and for
	 * services, a fresh fork. */
	bool restore;
};

/* Snapshot mode's in-place restores so far (tracer_snapshot.restore). */
struct tracer_restores {
	long restored;		/* episodes begun in a process put back */
	long forked;		/* episodes begun in a fresh fork */
	long refused;		/* processes that could not be put back */
	char off[256];		/* not empty: restores are off, why */
	char last[256];		/* why the last one could not be */
};

/* What stays the same for every episode of a session (a campaign). The
 * pointers must stay valid while the session lives. */
struct tracer_opts {
	char *const *argv;	/* argv[0] is the resolved program path */
	/* The file to execute when argv[0] is relative and the target's cwd
	 * is not ours (--workdir's copy); NULL: argv[0]. The launcher's
	 * exec_path overrides it. */
	const char *exec_path;
	char *const *envp;
	const char *cwd;	/* NULL: inherit */
	const char *stdin_path;	/* NULL: /dev/null */
	/* --inject=none: the target gets fzsandbox's standard input (unless
	 * stdin_path is set) and stays in its process group, so it can read
	 * the terminal and a ^C reaches it as it would without fzsandbox. */
	bool passthrough;
	/* The SIGPIPE disposition the program gets: the one fzsandbox was
	 * started with (fzsandbox itself ignores SIGPIPE, and an ignored
	 * signal would survive the exec). */
	bool sigpipe_ignored;
	/* Address randomization off (ADDR_NO_RANDOMIZE, as honggfuzz and rr
	 * do): every run of a schedule meets the same addresses, so its
	 * calls, and a campaign of runs, repeat exactly. */
	bool no_aslr;
	const uint8_t *trace_set;	/* bitmap over syscall numbers to TRACE */
	bool from_exec;		/* inject during the loader phase too */
	long timeout_ms;	/* whole run */
	long grace_ms;		/* leftovers after main exit; SIGTERM->SIGKILL */
	int cpu;		/* -1: no pinning; else pin tracer and target */
	const struct tracer_hooks *hooks;
	tracer_stack_cb on_stacks;	/* fatal signal or timeout */
	void *stack_arg;
	/* NULL: fork, and the target inherits fzsandbox's descriptors. */
	const struct tracer_launcher *launcher;
	/* NULL: every stop goes to the hooks. */
	const struct tracer_gate *gate;
	tracer_violation_cb on_violation;	/* called with stack_arg */
	tracer_caught_cb on_caught;		/* called with stack_arg */
	/* NULL: every episode execs the program. */
	const struct tracer_snapshot *snapshot;
};

/* An observer of syscall results: at the exit of every call of a
 * syscall in exit_set (x86_64 calls only; each must be in the episode's
 * trace set), in the loader phase too, on_exit gets the task, still
 * stopped, the call as made and its result (-errno on failure). A gate's
 * refusal never reaches it. One per episode: what a run must learn of its
 * calls' outcomes without failing any (the clean run). */
struct tracer_observer {
	const uint8_t *exit_set;	/* bitmap over syscall numbers */
	void (*on_exit)(void *arg, struct tracer_task *t, const struct syscall_stop *s, int64_t ret);
	void *arg;
};

/* Stop at syscall nr also when it is not in the trace set, but only when
 * its argument arg has a bit of bits (a seccomp rule, so other calls of nr
 * cost no stop): an observer's rare case of a common call (an open that
 * may write). With TRACER_COND_VALUES or'd into arg, bits is instead a
 * set of values 0-63 the argument's low 32 bits must be one of (the clock
 * ids a clock step moves). */
struct tracer_cond {
	int nr;
	int arg;
	uint64_t bits;
};
#define TRACER_COND_VALUES 0x100
#define TRACER_MAX_CONDS 8

/* What changes from one episode to the next. */
struct tracer_episode {
	int stdout_fd, stderr_fd;	/* where the target's output goes; -1: ours */
	/* The syscalls this episode traces (what its plan can fail or must
	 * watch, or more for its observer); NULL: the session's. */
	const uint8_t *trace_set;
	const struct tracer_cond *conds;	/* at most TRACER_MAX_CONDS */
	int nconds;
	const struct tracer_observer *observer;	/* NULL: none */
	/* Exec the program even with a template parked (snapshot mode's
	 * runs of the start-up's faults); the template stays parked. */
	bool exec;
	/* Sampling (tracer/sample.c): every sample_ms (0: never), each task
	 * on a CPU is stopped (PTRACE_INTERRUPT) and on_sample called with it
	 * stopped; with sample_stops, also each task at (or just resumed
	 * from) a ptrace stop, at its next stop: a storm of calls. */
	int sample_ms;
	bool sample_stops;
	tracer_sample_cb on_sample;
	void *sample_arg;
	/* At each tick of the episode's 10 ms timer (NULL: nothing): what
	 * must not wait for the episode's end (snapshot mode drains the
	 * template's output pipes, which a child's writes would otherwise
	 * fill and block on). */
	void (*on_tick)(void *arg);
	void *tick_arg;
};

struct run_result {
	enum run_end end;
	int exit_status;	/* RUN_EXITED */
	int signal;		/* RUN_SIGNALED */
	pid_t fault_pid, fault_tid;
	int fault_ordinal;	/* thread ordinal of the faulting task */
	int si_code;
	uint64_t fault_addr;	/* siginfo si_addr */
	int setup_stage;	/* RUN_SETUP_FAILED: enum spawn_stage */
	int setup_errno;
	int setup_step;		/* STAGE_LAUNCH: the launcher's step (tracer_setup_err) */
	char setup_path[256];	/* the step's path, or "" */
	bool in_loader;		/* the fault happened before the entry point */
	int tasks_seen;
	/* Service mode: the run ended because the driver asked it to stop
	 * (SIGTERM sent); false: the service ended on its own. */
	bool stopped;
	/* The first synchronous fatal signal a handler of the program
	 * caught (tracer_caught_cb); first_signal 0: none. */
	int first_signal, first_si_code;
	uint64_t first_addr;
	pid_t first_pid, first_tid;
	int first_ordinal;
	/* Seccomp stops per x86_64 syscall number: the calls of the
	 * episode's trace set the program made (a retry storm shows here). */
	uint32_t syscalls[SYSCALL_MAX];
};

/* Service mode: a driver runs beside the event loop (another thread; it
 * never makes a ptrace call) and learns of the service's readiness from a
 * syscall-exit observer. */
struct tracer_service {
	/* Called from the tracer's thread at the exit of every traced call
	 * of syscall number watch_nr (it must be in the trace set; -1: none),
	 * with the task stopped and the call's result, until it returns 1. */
	int watch_nr;
	int (*on_exit)(void *arg, struct tracer_task *t, const struct syscall_stop *s, int64_t ret);
	void *arg;
	/* Set by the driver (any thread): when nonzero the tracer sends
	 * SIGTERM to the main process, waits grace_ms, then SIGKILLs. */
	volatile int *stop_requested;
};


/* Where starting the program failed (run_result.setup_stage). */
enum spawn_stage {
	STAGE_NONE,
	STAGE_SYNC,
	STAGE_STDIN,
	STAGE_STDIO,
	STAGE_CWD,
	STAGE_NNP,
	STAGE_SECCOMP,
	STAGE_EXEC,		/* execve itself: errno says why */
	STAGE_LAUNCH,		/* the launcher: setup_step and setup_path say where */
	STAGE_PERSONALITY,	/* turning address randomization off */
};
const char *spawn_stage_name(int stage);

/* A session: the tracer's state for a series of episodes (the runs of a
 * campaign), with the compiled seccomp filter they share. Nothing of it is
 * global, so several sessions can live in one process, each used by one
 * thread at a time:
 *
 * - An episode's ptrace calls are all made from the thread that calls
 *   tracer_session_run, which becomes the tracer of every task (ptrace
 *   ties a tracee to the tracing thread, not to the process).
 * - It waits with waitpid(-1, __WALL | __WNOTHREAD): only this thread's
 *   children and tracees, so it never consumes another thread's (another
 *   session's tracee stops, a helper child another thread forked).
 * - Its timeout and the checks it makes while waiting (the service's stop
 *   request, an interrupt) are driven by a POSIX timer of its own that
 *   signals only this thread (SIGEV_THREAD_ID with TRACER_TICK_SIGNAL,
 *   whose handler does nothing and is installed without SA_RESTART): no
 *   process-wide SIGALRM, no interval timer. A timerfd could not wake a
 *   blocking waitpid, and no descriptor reports ptrace stops (a pidfd
 *   only an exit); waking on SIGCHLD instead would not work with several
 *   sessions, because SIGCHLD goes to any one thread of the process.
 *   The calling thread must not block TRACER_TICK_SIGNAL; blocking calls
 *   made from hooks on this thread may see EINTR every 10 ms. */
struct tracer_session;
#define TRACER_TICK_SIGNAL (SIGRTMIN + 3)

int tracer_session_new(const struct tracer_opts *opts, struct tracer_session **out);
void tracer_session_free(struct tracer_session *s);
/* One episode: run the program once. Returns 0 with *res filled, or
 * -errno when the tracer itself failed (ptrace not permitted, the
 * launcher's prepare or clone failed...). svc NULL: no service mode. */
int tracer_session_run(struct tracer_session *s, const struct tracer_episode *ep,
		       const struct tracer_service *svc, struct run_result *res);

/* Snapshot mode (opts.snapshot): run the program up to its snapshot point
 * and park it there as the template; later tracer_session_run calls fork
 * it. The hooks see the calls before the point. Returns 0 (parked); 1
 * when the program ended before the point (*res says how); -EMLINK when
 * it has more than one thread or process there (why[] names them);
 * another -errno as tracer_session_run. */
int tracer_session_template(struct tracer_session *s, const struct tracer_episode *ep,
			    struct run_result *res, char *why, size_t whylen);
/* Is a template parked? */
bool tracer_session_has_template(const struct tracer_session *s);
void tracer_session_restores(const struct tracer_session *s, struct tracer_restores *out);
/* The CPU time and resident set of a process kept between episodes (put
 * back in place), which no wait has counted yet; 0 when none. */
void tracer_session_live_usage(const struct tracer_session *s, uint64_t *cpu_us, uint64_t *rss_kb);
/* Kill the parked template (and its jail's init): later episodes exec. */
void tracer_session_drop_template(struct tracer_session *s);
/* Make the parked template itself run one syscall, between episodes:
 * for what only its own descriptor numbers name (an epoll entry is keyed
 * by the number it was added under). data, when not NULL, is copied
 * below the red zone of its stack first and argument data_arg gets its
 * address. The template is left parked as it was. 0 with the raw result
 * in *ret (-errno form); -ESRCH with no template parked; -EINVAL for a
 * call that makes or ends tasks (clone, execve, exit...); another -errno
 * when it could not be run. */
int tracer_template_syscall(struct tracer_session *s, long nr, const uint64_t args[6],
			    int data_arg, const void *data, size_t len, int64_t *ret);

/* Kill every traced task of every session's current episode
 * (async-signal-safe; for a fatal-signal path). */
void tracer_kill_all(void);
/* From a signal handler (SIGINT/SIGTERM): every session's current episode
 * stops and returns RUN_INTERRUPTED, and so does the next one started. */
void tracer_interrupt(int sig);

/* Probe: can this process ptrace a child and install a seccomp filter?
 * Returns 0 or -errno with a static message in *why. */
int tracer_probe(const char **why);
/* Can the x86 decoder (capstone, loaded at first use) find a call insn?
 * Without it the allocation gate is off: every allocator call stops.
 * 0 or -errno with a static message in *why. */
int tracer_probe_decoder(const char **why);

#endif
