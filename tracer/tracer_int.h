/* tracer_int.h - state shared by the tracer's own files; not for other
 * modules (they use tracer.h). */
#ifndef FZ_TRACER_INT_H
#define FZ_TRACER_INT_H

#include <linux/filter.h>
#include <signal.h>
#include <stddef.h>

#include "tracer/tracer.h"

struct tracer_restore;	/* restore.h */


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
	/* Writes of the tracer into its memory (breakpoints, remote calls):
	 * a process put back in place must have none (snaprestore.c). */
	unsigned long pokes;
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
	uint32_t ret_data;	/* the filter's SECCOMP_RET_DATA at that stop */
	bool exiting;		/* snaprestore.c: its exit_group again, unseen */
	bool skip;		/* the hooks failed or emulated it */
	bool want_exit;		/* resume with PTRACE_SYSCALL */
	bool hook_exit;		/* call on_syscall_exit */
	bool watch_exit;	/* call the service's exit observer */
	bool observe_exit;	/* call the episode's observer */
	unsigned restore_mask;	/* argument registers to restore at exit */
	uint64_t restore_val[6];
	/* > 0: left at its seccomp stop until this mono_ms() time
	 * (tracer_hold_syscall), then resumed by episode_release_held. */
	long long hold_until_ms;
	bool sample_due;	/* sample.c: take it at its next stop */
	bool sampled;		/* sample.c: in a sampled episode */
	long long resume_runs;	/* sample.c: times on a CPU when last resumed */
};

/* Written to the close-on-exec error pipe: one write < PIPE_BUF, atomic. */
struct spawn_err {
	int stage;
	struct tracer_setup_err e;	/* STAGE_LAUNCH: the launcher's step */
};

/* One episode. */
struct tracer_state {
	const struct tracer_opts *opts;
	const struct tracer_episode *ep;
	const struct tracer_service *svc;
	struct run_result *res;
	struct tracer_task *tasks[256];	/* hash by tid */
	int ntasks;
	int next_ordinal;
	pid_t main_pid;
	bool main_is_init;	/* main_pid is the launcher's init until the first exec */
	bool main_gone;
	bool fatal_seen;
	bool term_sent, kill_sent;
	bool watch_done;	/* the service's observer has seen what it waited for */
	long long deadline_ms;	/* timeout */
	long long grace_ms;	/* 0: none yet */
	long long next_sample_ms;	/* sample.c; 0: not started */
	int seen_tick;		/* session.c: the last tick looked at */
	/* tracer_session_template: looking for the snapshot point, and what
	 * came of it (0: parked; -EMLINK with why[]: refused). */
	bool taking, parked;
	/* A forked service child waits for a connection (is_idle). */
	bool idle;
	/* The episode is a child of the parked template (not an exec). */
	bool forked;
	int take_err;
	char *why;
	size_t whylen;
	/* snaprestore.c: the main process is armed to be put back in place;
	 * taint: it did what cannot be undone; brk_moved: it called brk. */
	struct tracer_restore *restore;
	bool restore_taint, brk_moved;
};

/* A stop the filter made only for in-place restore (restore_calls.c):
 * SECCOMP_RET_DATA is this | the syscall number (POLICY_TAG_DENY's bit
 * is 0x8000). */
#define TRACER_TAG_WATCH 0x4000
#define TRACER_TAG_MASK 0xc000

/* The parked template of snapshot mode (snapfork.c). */
struct tracer_template {
	bool parked;
	pid_t tid;		/* parked at a syscall-exit stop */
	pid_t init;		/* the jail's init (0: none): traced, in no episode */
	struct user_regs_struct regs;	/* at the point's seccomp stop */
	/* A point at a trap (tracer_snapshot.on_trap): where each child
	 * starts, not at regs' syscall. */
	bool at_trap;
	struct user_regs_struct start;
	struct tracer_mm *mm;	/* its address space, with the hooks' data */
	/* After a fork the template steps over clone's insn while its child
	 * runs (snapfork.c): its trap stop is waited for at the next fork,
	 * or seen by the episode's loop (template_saw). gone: it died. */
	bool unsettled, gone;
	/* Where it forks from once a stub is in its memory (stub != 0):
	 * `mov eax, SYS_clone; syscall; int3` on a page of its own. After a
	 * fork from there it stays in the fork's event stop (at_event) until
	 * the next fork resumes it at the stub: one stop a fork, not two. */
	uint64_t stub;
	bool stub_tried, at_event;
	/* Where each child starts (template_fork). */
	struct user_regs_struct child_start;
	/* snaprestore.c: a child put back in place at its last exit_group,
	 * parked at a syscall-exit stop for the next episode (0: none);
	 * consecutive armed children that could not be put back; forks
	 * since; what came of it. */
	pid_t spare;
	struct tracer_restore *spare_r;
	pid_t donor;		/* its pid in its own namespace (0: not read) */
	int misses;
	long since;
	bool restore_off;
	struct tracer_restores restores;
};

/* The seccomp filter, compiled once for every episode with the same trace
 * set and gate rules (libseccomp's compile and export cost more than the
 * rest of a tiny run's set-up). */
struct filter_cache {
	bool valid;
	uint8_t set[SYSCALL_MAX / 8];
	struct tracer_cond conds[TRACER_MAX_CONDS];
	int nconds;
	unsigned long rules_id;	/* tracer_gate.rules_id, 0 without a gate */
	bool watch;		/* with restore_calls.c's watched calls */
	struct sock_fprog prog;
};

/* Planned runs each trace only what their plan needs (tracer_episode), so
 * a campaign alternates among a few sets: keep that many compiled. */
#define FILTER_CACHE_N 8

struct tracer_session {
	struct tracer_opts opts;
	struct filter_cache filter[FILTER_CACHE_N];
	unsigned filter_next;		/* the entry to replace next */
	struct tracer_state st;		/* the current episode */
	struct spawn_err err;		/* the error pipe's read buffer */
	struct tracer_template tmpl;
	/* The episode being started makes the template: its filter, which
	 * its children inherit, watches what in-place restore must see. */
	bool making_template;
	/* The episodes' 10 ms tick (session.c): made once per thread that
	 * runs them (a fork of the process has none of its timers), armed
	 * for each episode. */
	timer_t tick;
	pid_t tick_tid;			/* 0: none made */
};

static inline struct tracer_session *session_of(struct tracer_state *st)
{
	return (struct tracer_session *)((char *)st - offsetof(struct tracer_session, st));
}

/* remote.c: calls whose events belong to the event loop (clone, execve,
 * exit...), never run on the tracer's behalf. */
bool remote_refused(long nr);

/* Waits of a session are for its own thread's children and tracees only
 * (tracer.h). */
#define WAIT_OWN (__WALL | __WNOTHREAD)

#define EACH_TASK(st, t)                                                        \
	for (size_t b_ = 0; b_ < sizeof((st)->tasks) / sizeof(void *); b_++)  \
		for (struct tracer_task *t = (st)->tasks[b_], *n_ = t ? t->next : NULL; t; \
		     t = n_, n_ = t ? t->next : NULL)

/* loop.c: one stop of the episode, and its end. */
void episode_dispatch(struct tracer_state *st, pid_t tid, int status, int *errfd);
/* Resume the held tasks whose time has come (tracer_hold_syscall). */
void episode_release_held(struct tracer_state *st, long long now);
/* sample.c: the episode's sampling (tracer_episode.sample_ms). */
void sample_tick(struct tracer_state *st, long long now);
void sample_take(struct tracer_state *st, struct tracer_task *t);
void sample_resumed(struct tracer_task *t);	/* before each resume */
/* SIGKILL every task. */
void episode_kill(struct tracer_state *st);
/* After episode_kill: reap until the tree is empty (at most 5 s). */
void episode_drain(struct tracer_state *st);
/* The timeout: stop every task, hand their stacks over, kill the tree. */
void episode_dump_and_kill(struct tracer_state *st);
/* The child's set-up failure from the error pipe into res (closes it). */
void read_setup_error(struct spawn_err *e, struct run_result *res, int *errfd);

/* snapfork.c: snapshot mode. At the point: park t as the template
 * (st->parked), or say why not (st->take_err; the caller kills the tree). */
void template_take(struct tracer_state *st, struct tracer_task *t);
/* The same at a SIGTRAP stop that on_trap said is the point. */
void template_take_trap(struct tracer_state *st, struct tracer_task *t);
/* Fork the template into this episode's main process, stopped, traced,
 * about to make the point's call again. pid or -errno. */
pid_t template_fork(struct tracer_session *s);
/* A stop or death of the template or of the jail's init, which are in
 * no episode, seen by a loop's waitpid(-1): dealt with, true. */
bool template_saw(struct tracer_state *st, pid_t tid, int status);
void template_kill(struct tracer_session *s);

/* task.c */
struct tracer_task *task_find(struct tracer_state *st, pid_t tid);
struct tracer_task *task_add(struct tracer_state *st, pid_t tid, pid_t pid, struct tracer_mm *mm);
void task_remove(struct tracer_state *st, struct tracer_task *t);
struct tracer_mm *mm_new_empty(void);
/* A forked child's copy of parent (hooks' mm_fork), refs 0; NULL: no memory. */
struct tracer_mm *mm_copy(struct tracer_state *st, struct tracer_mm *parent);
void mm_put(struct tracer_state *st, struct tracer_mm *mm);
pid_t task_tgid_of(pid_t tid);

/* access.c */
void task_invalidate(struct tracer_task *t);
int task_read_syscall(struct tracer_task *t);
int task_restore_arg(struct tracer_task *t);

/* spawn.c (enum spawn_stage is in tracer.h) */
/* Fork the target stopped before its seccomp filter and exec; the parent
 * seizes it and lets it go. Returns the pid, or -errno. *errfd is the read
 * end of the close-on-exec error pipe. */
pid_t spawn_target(struct tracer_session *s, const struct tracer_episode *ep, int *errfd);
void filter_cache_free(struct filter_cache *c);

/* entry.c: the entry-point breakpoint marking the end of the loader. */
/* remote.c: a "0f 05" in t's executable file-backed text. */
int remote_find_syscall_insn(struct tracer_task *t, uint64_t *addr);
/* remote.c: tid's next stop, consumed (0, *status set); its exit is only
 * peeked, for the event loop to reap (-ESRCH). */
int tracer_wait_stop(pid_t tid, int *status);
/* restore_calls.c: the calls a run put back in place may make. Into set,
 * the others (the snapshot's filter stops at them, TRACER_TAG_WATCH); at
 * a stop, what the call means for putting the process back. */
enum restore_call {
	RESTORE_CALL_OK,	/* nothing to do */
	RESTORE_CALL_BRK,	/* the break may move */
	RESTORE_CALL_NOTE,	/* tracer_restore_note judges it */
	RESTORE_CALL_NO,	/* cannot be undone */
};
void restore_calls_watch(uint8_t *set);
enum restore_call restore_call_class(const struct syscall_stop *s);

/* snaprestore.c: snapshot mode's in-place restore (restore.h). */
struct tracer_restore;
/* The episode's process: the spare, or a fork armed when restores are
 * on; its pid or -errno. */
pid_t snaprestore_fork(struct tracer_session *s);
/* At each seccomp stop of the armed process. */
void snaprestore_note(struct tracer_state *st, struct tracer_task *t);
/* At its exit_group, after the hooks: true when the stop was taken care
 * of (put back, the episode over; or made to exit); false: resume it. */
bool snaprestore_end(struct tracer_state *st, struct tracer_task *t);
/* After each episode: an armed process not put back is dropped. */
void snaprestore_episode_end(struct tracer_session *s);
/* The spare killed (template_kill). */
void snaprestore_kill(struct tracer_session *s);
/* Restores watched by this session's filter (spawn.c). */
bool snaprestore_wanted(const struct tracer_session *s);
int entry_plant(struct tracer_task *t);
/* 1 if this SIGTRAP was the entry breakpoint (now removed), 0 if not. */
int entry_check(struct tracer_task *t);


#endif
