/* sandbox.h - the jail every run's target executes in (issue 5, first part).
 *
 * The tracer stays outside and traces into the jail. It clones the jail's
 * first process with sandbox_clone_flags(), writes its id maps from outside
 * (sandbox_map_ids), and the child then builds the jail (sandbox_enter),
 * forks the target below itself and becomes the jail's pid 1
 * (sandbox_init). The target drops what is left (sandbox_drop) and execs.
 *
 * Everything that allocates or formats happens in sandbox_new(), in the
 * parent, once per campaign: the child side only makes async-signal-safe
 * syscalls, because fzsandbox may have other threads (the service driver)
 * holding locks when the tracer clones.
 *
 * Library code: functions return 0 or -errno and never exit; a failing
 * step fills a struct sandbox_err naming the step and the path.
 */
#ifndef FZ_SANDBOX_H
#define FZ_SANDBOX_H

#include <stdbool.h>
#include <sys/types.h>

#define SANDBOX_PATH_MAX 256

struct sandbox_opts {
	const char *exe;	/* the program; its directory is bound read-only */
	const char *cwd;	/* bound read-write at the same path; the target starts there */
	/* When fzsandbox runs as root: the unprivileged host ids the jail's
	 * ids map to (uid 0 on the host would escape RLIMIT_NPROC and own
	 * every file written through a bind). Ignored otherwise. */
	uid_t host_uid;
	gid_t host_gid;
};

/* Failure points, in the order they run. */
enum sandbox_step {
	SB_NONE,
	SB_CLONE,		/* create the namespaces */
	SB_UID_MAP,
	SB_SETGROUPS_FILE,
	SB_GID_MAP,
	SB_SETGROUPS,
	SB_SETGID,
	SB_SETUID,
	SB_MAKE_PRIVATE,
	SB_TMPFS,
	SB_MKDIR,
	SB_PIVOT_ROOT,
	SB_BIND,
	SB_READ_ONLY,
	SB_SYMLINK,
	SB_MOUNT_POINT,
	SB_PROC,
	SB_UMOUNT,
	SB_CHDIR,
	SB_LOOPBACK,
	SB_HOSTNAME,
	SB_FORK,
	SB_RLIMIT,
	SB_SETSID,
	SB_CAPS,
	SB_NO_NEW_PRIVS,
	SB_NSTEPS,
};

struct sandbox_err {
	int step;		/* enum sandbox_step */
	int err;		/* errno */
	char path[SANDBOX_PATH_MAX];	/* "" when the step has none */
};

struct sandbox;

/* Can this process create the jail's namespaces? 0, or -errno with a
 * static one-line explanation (how to enable them) in *why. */
int sandbox_probe(const char **why);
/* Resolve every path and build the ordered mount plan. */
int sandbox_new(const struct sandbox_opts *o, struct sandbox **out);
void sandbox_free(struct sandbox *sb);

/* clone(2) flags for the jail's first process (every namespace). */
unsigned long sandbox_clone_flags(void);
/* The path to execve inside the jail (absolute, symlinks resolved). */
const char *sandbox_exec_path(const struct sandbox *sb);
/* Parent: write the uid/gid maps of the freshly cloned pid. */
int sandbox_map_ids(const struct sandbox *sb, pid_t pid, struct sandbox_err *e);
/* The jail's first process: ids, filesystem, network, hostname. */
int sandbox_enter(const struct sandbox *sb, struct sandbox_err *e);
/* The target, after the fork and before exec: setsid, rlimits, no
 * capabilities, no_new_privs. */
int sandbox_drop(const struct sandbox *sb, struct sandbox_err *e);
/* The jail's pid 1 after forking the target: reap every child; returns
 * the exit code for _exit: the target's status, 128+N if signal N killed
 * it (pid 1 cannot die of its own signals; the tracer reports the
 * target's real death, which it sees directly). */
int sandbox_init(const struct sandbox *sb, pid_t target);

const char *sandbox_step_name(int step);

/* socket(2), but in the network namespace of the listening socket lfd
 * (the jail's: the service driver runs outside). A forked helper joins
 * that namespace's user namespace, then the namespace itself, and sends
 * the socket back over SCM_RIGHTS. Returns the fd or -errno. */
int sandbox_socket_beside(int lfd, int domain, int type, int protocol);

#endif
