/* sandbox_int.h - state shared by the sandbox's own files. */
#ifndef FZ_SANDBOX_INT_H
#define FZ_SANDBOX_INT_H

#include <sys/capability.h>

#include "sandbox/sandbox.h"

/* One step of the jail's filesystem; paths are absolute in the jail and
 * prefixed in the plan so the child only passes pointers around: src under
 * /oldroot (the host root after the first pivot), dst under /newroot. */
enum mop_kind {
	MOP_BIND_RO,
	MOP_BIND_RW,
	MOP_BIND_DEV,
	MOP_SYMLINK,		/* src is the link's text */
	MOP_TMPFS,		/* src is the mount data (mode) */
	MOP_PROC,
	MOP_DEVPTS,		/* src is the mount data */
	/* outputs.c: the run's upper directories, bound outside /newroot
	 * (never seen by the program); then an overlay on a named output's
	 * directory (src: its lower, the bind just made at dst). */
	MOP_UPPER,
	MOP_OVERLAY,
};

struct mop {
	int kind;
	bool file;		/* the mount point is a file, not a directory */
	/* Root case: 1 + the index in sandbox.owners of the id map this user
	 * bind is seen through (idmap.c); 0: a plain bind. */
	int idmap;
	/* Root case: bound from a detached copy the parent makes each run
	 * (the jail's user could not reach the source by its path). */
	bool detach;
	bool fresh;		/* --workdir's copy: made anew for each run */
	/* 1 + the index in sandbox.ovl of the output overlay this op is the
	 * lower bind or the overlay of; 0: none. */
	int ovl;
	char *src, *dst;
};

#define SB_IDMAP_OWNERS 8
/* idrange.c: the jail's ids 0..SB_RANGE_N-1 are mapped (its own one to
 * --uid or the caller, the others to a range of host ids). */
#define SB_RANGE_N 65536UL
enum sb_range {
	SB_RANGE_NONE,		/* one id, the jail's own (before issue 10) */
	SB_RANGE_HOST,		/* root: a free block of host ids, range_base up */
	SB_RANGE_SUBIDS,	/* the caller's /etc/subuid, /etc/subgid (newuidmap) */
};
/* The target's stack from the init's clone to its exec: libcap, prctl,
 * setrlimit and execve; untouched pages cost nothing. */
#define SB_TARGET_STACK (256 * 1024)

struct ns_child;

struct sandbox {
	bool privileged;	/* fzsandbox is root: map to the host ids */
	int net;		/* enum sandbox_net */
	uid_t uid_in, uid_out;
	gid_t gid_in, gid_out;
	char *exe;
	dev_t exe_dev;		/* the program file when the campaign began */
	ino_t exe_ino;
	off_t exe_size;
	struct timespec exe_ctime;	/* any write or chmod changes it */
	bool exe_in_copy;	/* it is in --workdir's copy, fresh each run */
	/* leftovers.c: the writable binds' top-level names before the first
	 * run, and the outputs named on the command line (host directory and
	 * the name the output makes there), which runs are expected to leave. */
	struct leftover_dir {
		char *path;
		char **names;	/* sorted */
		int n;
	} *lo;
	int nlo;
	struct sb_output {
		char *dir, *name;
	} *outputs;
	int noutputs;
	/* outputs.c: an overlay per directory of outputs named on the
	 * command line; only the named paths are copied back to the host. */
	struct sb_overlay {
		char *dir;		/* the host directory (resolved) */
		char **names;		/* the outputs, relative to dir */
		int nnames;
		char *upper, *work;	/* in the jail, under SB_UPPER */
	} *ovl;
	int novl;
	char *ovl_base;		/* the host directory of every upper and work */
	char *ovl_parent;	/* where to make it (NULL: $TMPDIR) */
	struct mop *ops;
	int nops;
	cap_t nocaps;		/* allocated here: the child must not malloc */
	/* The capabilities nocaps holds (bit per capability, caps.c): the
	 * root case's CAP_CHOWN, and with a range CAP_SETUID/CAP_SETGID. */
	unsigned long long keep_caps;
	int range;		/* enum sb_range */
	unsigned long range_base;	/* SB_RANGE_HOST: host id of the jail's 0 */
	char uid_map[160], gid_map[160];	/* the jail's own id and the range */
	int first_user_op;	/* ops from here on are the user's binds */
	/* idmap.c: one id-mapping user namespace per owner of a user bind
	 * (that owner's ids as the jail's user) and, per op, the run's
	 * detached idmapped tree (-1: none). */
	struct idmap_owner {
		uid_t uid;
		int ns;
	} owners[SB_IDMAP_OWNERS];
	int nowners;
	/* The children that made the owners' namespaces, reaped before the
	 * first run's clone (sandbox_run_begin) rather than waited for:
	 * by then they are gone, and waiting costs a hand-off. Behind a
	 * pointer: the run begins with a const plan. */
	struct ns_child *held;
	char *target_stack;	/* SB_TARGET_STACK bytes (launcher.c) */
	/* The groups of the idmapped binds' files (on disk, their owners'
	 * groups), mapped in the jail at gid_in + 1 + i so that copying with
	 * ownership (cp -p, tar) works; the jail is no member of them. */
	gid_t grp[SB_IDMAP_OWNERS];
	int ngrp;
	int *run_fds;
	char warning[1024];	/* "" or lines for the user (sb_warn) */
	char *made[2];		/* the jail's own /etc files (hosts, hostname): temporary */
	int nmade;
	struct sandbox_usage_page *usage;	/* usage.c: shared with the inits */
};

/* usage.c: the page the jail's inits count the target tree's usage in. */
int sandbox_usage_map(struct sandbox *sb);
void sandbox_usage_unmap(struct sandbox *sb);
/* The init, after each reap (last_us: its children's CPU time at the
 * last call, 0 at first). */
void sandbox_usage_note(const struct sandbox *sb, uint64_t *last_us);

/* The jail's steps, in the order sandbox/launcher.c runs them. */
/* Parent, around each run's clone: make the run's idmapped trees (the
 * child inherits them), then close the parent's copies. */
int sandbox_run_begin(const struct sandbox *sb, struct sandbox_err *e);
void sandbox_run_end(const struct sandbox *sb);
/* clone(2) flags for the jail's first process (every namespace; no
 * network namespace with --net=host; sb NULL: every namespace). */
unsigned long sandbox_clone_flags(const struct sandbox *sb);
/* Parent: write the uid/gid maps of the freshly cloned pid. */
int sandbox_map_ids(const struct sandbox *sb, pid_t pid, struct sandbox_err *e);
/* Parent, right after the clone and before releasing the child. */
int sandbox_cgroup_attach(const struct sandbox_cgroup *cg, pid_t pid, struct sandbox_err *e);
/* The jail's first process: ids, filesystem, network, hostname. */
int sandbox_enter(const struct sandbox *sb, struct sandbox_err *e);
/* The jail's pid 1 after forking the target: reap every child; returns
 * the exit code for _exit: the target's status, 128+N if signal N killed
 * it (pid 1 cannot die of its own signals; the tracer reports the
 * target's real death, which it sees directly). */
int sandbox_init(const struct sandbox *sb, pid_t target);
/* The target, after the fork and before exec: setsid, rlimits, no
 * capabilities, no_new_privs. */
int sandbox_drop(const struct sandbox *sb, struct sandbox_err *e);
/* The target before exec (async-signal-safe). */
int sandbox_rlimits_apply(const struct sandbox_rlimits *p, struct sandbox_err *e);
/* The path to execve inside the jail (absolute, symlinks resolved). */
const char *sandbox_exec_path(const struct sandbox *sb);
/* The top of the stack the target starts on (launcher.c), allocated with
 * the plan: nothing may be allocated between clone and exec. */
void *sandbox_target_stack(const struct sandbox *sb);

#define SB_OLDROOT "/oldroot"
#define SB_NEWROOT "/newroot"
/* Where the upper directories are bound while the jail is built: beside
 * /newroot, so gone with the first root at the second pivot_root. */
#define SB_UPPER "/fzsandbox-upper"
/* The jail's UTS hostname, also in its /etc/hostname and /etc/hosts. */
#define SB_JAIL_HOSTNAME "fzsandbox"

/* Record a failure: copies the path without formatting (async-signal-safe);
 * returns -err. */
int sb_fail(struct sandbox_err *e, int step, const char *path, int err);

/* nschild.c: a child sharing our memory, for namespaces only (the
 * stack is freed by ns_child_wait, after the child is gone). */
struct ns_child {
	pid_t pid;
	char *stack;
};
int ns_child_start(unsigned long flags, int (*fn)(void *), void *arg, struct ns_child *c);
int ns_child_wait(struct ns_child *c);
/* idrange.c: the maps' text (uid_map, gid_map) and which range. */
int idrange_plan(struct sandbox *sb);
/* Unprivileged with subordinate ids: newuidmap/newgidmap for pid. */
int idrange_helper(const struct sandbox *sb, pid_t pid, bool gids, struct sandbox_err *e);
/* idmap.c */
int idmap_plan(struct sandbox *sb, int first_user_op);
void idmap_free(struct sandbox *sb);
/* sandbox.c: one more line for sandbox_warning (best effort: cut when
 * the buffer is full). */
void sb_warn(struct sandbox *sb, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* user.c */
/* Write text to /proc/PID/FILE (uid_map, gid_map, setgroups). */
int sb_write_proc(pid_t pid, const char *file, const char *text, int step,
		  struct sandbox_err *e);
int user_become(const struct sandbox *sb, struct sandbox_err *e);
/* mount.c */
int mount_plan(struct sandbox *sb, const struct sandbox_opts *o);
/* mount_list.c: one more step of the plan (paths as the jail sees them). */
int mount_add(struct sandbox *sb, int kind, bool file, const char *src, const char *dst);
bool sb_path_under(const char *p, const char *dir);
bool sb_under_system(const char *p);
extern const char *const sb_system_dirs[];
extern const size_t sb_nsystem_dirs;
/* leftovers.c */
int leftovers_expect(struct sandbox *sb, const char *dir, const char *name);
void leftovers_free(struct sandbox *sb);
/* outputs.c: the output path abs will be in host directory dir (resolved;
 * rel: abs relative to it): plan the overlay for dir, or add the name to
 * the one already planned (ovl: 1 + its index, 0 for a new one). */
int outputs_plan(struct sandbox *sb, int ovl, const char *dir, const char *rel);
/* The child: the overlay of op m (async-signal-safe). */
int outputs_mount(const struct sandbox *sb, const struct mop *m, struct sandbox_err *e);
void outputs_free(struct sandbox *sb);
/* autobind.c */
void autobind_init(void);
bool autobind_holds_hidden(const char *p);
int autobind_plan_args(struct sandbox *sb, const struct sandbox_opts *o, const char *cwd);
void mount_plan_free(struct sandbox *sb);
int mount_jail(const struct sandbox *sb, struct sandbox_err *e);
/* libpaths.c: the program's RPATH/RUNPATH and LD_LIBRARY_PATH directories,
 * resolved, existing, unique; returns their number (dirs NULL-terminated,
 * free with libpaths_free) or -errno. */
int libpaths_collect(const char *exe, char *const *envp, char ***dirs);
void libpaths_free(char **dirs);
/* net.c */
int net_loopback_up(struct sandbox_err *e);
/* caps.c: caps_plan fills nocaps/keep_caps (parent, once). */
int caps_plan(struct sandbox *sb);
int caps_drop(const struct sandbox *sb, struct sandbox_err *e);
int caps_clear(const struct sandbox *sb, struct sandbox_err *e);
/* rlimits.c */
int rlimits_apply(const struct sandbox *sb, struct sandbox_err *e);

#endif
