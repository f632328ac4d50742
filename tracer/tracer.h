/* tracer.h - the ptrace/seccomp event loop, as seen by its neighbours.
 *
 * The tracer starts one run of the target, follows every task of its process
 * tree and hands each interesting stop to hooks (implemented by inject/).
 * It knows nothing about faults or plans: hooks decide, the tracer executes.
 * Library code: every function returns 0 / a count on success, -errno on
 * failure, and never exits.
 */
#ifndef FZ_TRACER_H
#define FZ_TRACER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <sys/user.h>

#include "tracer/syscalls.h"

struct tracer_task;	/* one traced thread; opaque */
struct sandbox;		/* sandbox/sandbox.h */
struct sandbox_policy;	/* sandbox/policy.h */
struct sandbox_rlimits;
struct sandbox_cgroup;

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
	/* A task appeared (after its creation event). */
	void (*on_task)(void *ctx, struct tracer_task *t);
};

/* --- One run ------------------------------------------------------------ */
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

/* A call the jail's deny policy refused (tracer_opts.policy), reported
 * while its task is still stopped at it, so the reporter can unwind it;
 * line is the call as made ("ptrace(16, 1, 0, 0)"). The call then fails
 * with EPERM and the program goes on. */
typedef void (*tracer_violation_cb)(void *arg, pid_t pid, pid_t tid, int ordinal,
				    const char *line);

struct tracer_opts {
	char *const *argv;	/* argv[0] is the resolved program path */
	/* The file to execute when argv[0] is relative and the target's cwd
	 * is not ours (--workdir's copy); NULL: argv[0]. */
	const char *exec_path;
	char *const *envp;
	const char *cwd;	/* NULL: inherit */
	const char *stdin_path;	/* NULL: /dev/null */
	int stdout_fd, stderr_fd;	/* where the target's output goes; -1: ours */
	/* --inject=none: the target gets fzsandbox's standard input (unless
	 * stdin_path is set) and stays in its process group, so it can read
	 * the terminal and a ^C reaches it as it would without fzsandbox. */
	bool passthrough;
	/* The SIGPIPE disposition the program gets: the one fzsandbox was
	 * started with (fzsandbox itself ignores SIGPIPE, and an ignored
	 * signal would survive the exec). */
	bool sigpipe_ignored;
	const uint8_t *trace_set;	/* bitmap over syscall numbers to TRACE */
	bool from_exec;		/* inject during the loader phase too */
	long timeout_ms;	/* whole run */
	long grace_ms;		/* leftovers after main exit; SIGTERM->SIGKILL */
	int cpu;		/* -1: no pinning; else pin tracer and target */
	const struct tracer_hooks *hooks;
	tracer_stack_cb on_stacks;	/* fatal signal or timeout */
	void *stack_arg;
	/* NULL: no jail. Else the target runs in it, below the jail's init
	 * (pid 1), which is traced but is not the main process: the task that
	 * first execs the program is. */
	const struct sandbox *sandbox;
	/* With the jail: its seccomp deny policy (sandbox/policy.h), checked
	 * at every seccomp stop before the hooks. NULL: none. */
	const struct sandbox_policy *policy;
	tracer_violation_cb on_violation;	/* called with stack_arg */
	/* NULL: none. setrlimit in the target before exec, with or without
	 * the jail; the first process joins the cgroup before it runs. */
	const struct sandbox_rlimits *rlimits;
	const struct sandbox_cgroup *cgroup;
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
	int setup_step;		/* and enum sandbox_step when the jail failed */
	char setup_path[256];	/* the step's path, or "" */
	bool in_loader;		/* the fault happened before the entry point */
	int tasks_seen;
};

/* Service mode: the tracer reports readiness and lets a driver run beside
 * the event loop. */
struct tracer_service {
	/* Called from the tracer thread once a traced listen() returned 0; fd
	 * is a duplicate (pidfd_getfd) of the listening socket, owned by the
	 * callee. */
	void (*on_listen)(void *arg, int fd, pid_t pid);
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
	STAGE_SANDBOX,		/* step and path say where */
};
const char *spawn_stage_name(int stage);

/* Run the program once. Returns 0 with *res filled, or -errno when the
 * tracer itself failed (ptrace not permitted...). */
int tracer_run(const struct tracer_opts *opts, const struct tracer_service *svc,
	       struct run_result *res);

/* Kill every traced task of the current run (signal-safe; used from the
 * SIGINT/SIGTERM handler path). */
void tracer_kill_all(void);
/* Set from a signal handler: the current run stops and returns
 * RUN_INTERRUPTED. */
void tracer_interrupt(int sig);

/* Probe: can this process ptrace a child and install a seccomp filter?
 * Returns 0 or -errno with a static message in *why. */
int tracer_probe(const char **why);

#endif
