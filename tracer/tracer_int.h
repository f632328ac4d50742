/* tracer_int.h - state shared by the tracer's own files; not for other
 * modules (they use tracer.h). */
#ifndef FZ_TRACER_INT_H
#define FZ_TRACER_INT_H

#include <signal.h>

#include "tracer/tracer.h"


/* One address space: shared by threads and vfork children, copied on fork,
 * replaced on execve. */
struct tracer_mm {
	int refs;
	bool loader;		/* exec'd, entry point not reached yet */
	bool exec_seen;		/* the program image (not our fork) */
	uint64_t entry;		/* AT_ENTRY, while its breakpoint is planted */
	uint64_t entry_word;
	bool entry_planted;
	void *data;		/* hooks' per-mm data */
	/* Signals fzsandbox delivered to this process (tracer_deliver_signal):
	 * a handler that answers one by re-raising it ("clean up, then die of
	 * SIGINT") is doing what it was asked, not crashing. */
	uint64_t delivered;
};

struct tracer_task {
	pid_t tid, pid;
	int ordinal;
	struct tracer_mm *mm;
	struct tracer_task *next;
	bool started;		/* saw its first stop */
	bool regs_valid;
	struct user_regs_struct regs;
	/* The syscall in progress at a seccomp stop. */
	struct syscall_stop sc;
	bool in_seccomp;
	bool skip;		/* the hooks failed or emulated it */
	bool want_exit;		/* resume with PTRACE_SYSCALL */
	bool hook_exit;		/* call on_syscall_exit */
	bool listen_exit;	/* service readiness check */
	unsigned restore_mask;	/* argument registers to restore at exit */
	uint64_t restore_val[6];
};

struct tracer_state {
	const struct tracer_opts *opts;
	const struct tracer_service *svc;
	struct run_result *res;
	struct tracer_task *tasks[256];	/* hash by tid */
	int ntasks;
	int next_ordinal;
	pid_t main_pid;
	bool jail;		/* the run is in a sandbox (tracer_opts.sandbox) */
	bool main_is_init;	/* main_pid is the jail's init until the first exec */
	bool main_gone;
	bool fatal_seen;
	bool term_sent, kill_sent;
	bool listen_seen;
	long long deadline_ms;	/* timeout */
	long long grace_ms;	/* 0: none yet */
};

extern struct tracer_state *tracer_cur;

/* task.c */
struct tracer_task *task_find(struct tracer_state *st, pid_t tid);
struct tracer_task *task_add(struct tracer_state *st, pid_t tid, pid_t pid, struct tracer_mm *mm);
void task_remove(struct tracer_state *st, struct tracer_task *t);
struct tracer_mm *mm_new_empty(void);
void mm_put(struct tracer_state *st, struct tracer_mm *mm);
pid_t task_tgid_of(pid_t tid);

/* access.c */
void task_invalidate(struct tracer_task *t);
int task_read_syscall(struct tracer_task *t);
int task_restore_arg(struct tracer_task *t);

/* spawn.c (enum spawn_stage is in tracer.h) */
/* Written to the close-on-exec error pipe: one write < PIPE_BUF, atomic. */
struct spawn_err {
	int stage;
	int err;
	int step;		/* STAGE_SANDBOX: enum sandbox_step */
	char path[256];
};
/* Fork the target stopped before its seccomp filter and exec; the parent
 * seizes it and lets it go. Returns the pid, or -errno. *errfd is the read
 * end of the close-on-exec error pipe. */
pid_t spawn_target(const struct tracer_opts *o, int *errfd);

/* entry.c: the entry-point breakpoint marking the end of the loader. */
int entry_plant(struct tracer_task *t);
/* 1 if this SIGTRAP was the entry breakpoint (now removed), 0 if not. */
int entry_check(struct tracer_task *t);


#endif
