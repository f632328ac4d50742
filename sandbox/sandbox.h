/* sandbox.h - the jail every run's target executes in (issue 5, first part).
 *
 * The tracer stays outside and traces into the jail; it knows the jail
 * only as its launcher (sandbox_launcher below; the steps are in
 * sandbox_int.h). The tracer clones the jail's first process with the
 * launcher's namespaces, the launcher writes its id maps from outside, and
 * the child then builds the jail, forks the target below itself and
 * becomes the jail's pid 1. The target drops what is left and execs.
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
#include <stddef.h>
#include <stdint.h>
#include <sys/resource.h>
#include <sys/types.h>

#define SANDBOX_PATH_MAX 256

/* --net: the jail's network namespace. */
enum sandbox_net {
	SANDBOX_NET_LOOPBACK,	/* its own, with lo up (the default) */
	SANDBOX_NET_NONE,	/* its own, lo left down: no network at all */
	SANDBOX_NET_HOST,	/* the host's (no network namespace) */
};

/* --bind / --ro-bind: a host path (resolved) at a jail path. */
struct sandbox_bind {
	const char *src, *dst;
	bool ro;
};

struct sandbox_opts {
	const char *exe;	/* the program; its directory is bound read-only */
	const char *cwd;	/* bound read-write at the same path; the target starts there */
	/* NULL: cwd itself. Else the host directory bound read-write at cwd
	 * (--workdir: the run's fresh copy appears at the original's path). */
	const char *cwd_src;
	int net;		/* enum sandbox_net */
	const struct sandbox_bind *binds;
	int nbinds;
	/* The target's environment: its LD_LIBRARY_PATH is bound read-only,
	 * like the RPATH/RUNPATH of the program. NULL: none. */
	char *const *envp;
	/* When fzsandbox runs as root: the unprivileged host ids the jail's
	 * ids map to (uid 0 on the host would escape RLIMIT_NPROC and own
	 * every file written through a bind). Ignored otherwise. */
	uid_t host_uid;
	gid_t host_gid;
	/* --tmp-size: the size= of the jail's tmpfs /tmp and /dev/shm, each
	 * (bytes). 0: SANDBOX_TMP_SIZE_DEFAULT; SANDBOX_UNLIMITED: no size=
	 * (the kernel's default, half of RAM). */
	unsigned long long tmp_size;
	/* Auto-bind: the program's arguments (argv after argv[0],
	 * NULL-terminated; NULL: none). Each that names a host path outside
	 * what the jail already shows is bound at its resolved path: an
	 * existing file or directory read-only, a missing one's existing
	 * parent directory through an overlay from which only the named
	 * output is copied back (an output file; outputs.h). Relative ones resolve
	 * against cwd; "--opt=VALUE" counts its VALUE. Never /, /tmp,
	 * /dev/shm, /proc, /sys, /dev, nor /etc/shadow, /etc/gshadow or /root
	 * (or a directory holding them). */
	char *const *args;
	/* Where the upper directories of the outputs' overlays go (a
	 * directory made in it, removed by sandbox_free); NULL: $TMPDIR. */
	const char *outputs_dir;
};

#define SANDBOX_TMP_SIZE_DEFAULT (64ULL << 20)

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
	SB_DEVPTS,
	SB_UMOUNT,
	SB_CHDIR,
	SB_LOOPBACK,
	SB_HOSTNAME,
	SB_FORK,
	SB_RLIMIT,
	SB_SETSID,
	SB_CAPS,
	SB_NO_NEW_PRIVS,
	SB_CGROUP,		/* the parent: put the first process in the cgroup */
	SB_IDMAP,		/* the parent: an idmapped tree for the run (root) */
	SB_PROGRAM,		/* the program file in the jail is not the one planned */
	SB_OVERLAY,		/* the overlay on a named output's directory */
	SB_SHM,			/* AFL++'s edge map (sandbox_launch.shm_size) */
	SB_NSTEPS,
};

struct sandbox_err {
	int step;		/* enum sandbox_step */
	int err;		/* errno */
	char path[SANDBOX_PATH_MAX];	/* "" when the step has none */
};

struct sandbox;

/* Can this process create a user namespace (all: and every namespace of
 * the jail)? 0, or -errno with a static one-line explanation (how to
 * enable them) in *why. The full set costs a millisecond and more (a
 * network and a mount namespace made and torn down): once per campaign
 * only the user namespace is probed, the rest when a run's clone fails. */
int sandbox_probe(bool all, const char **why);
/* Resolve every path and build the ordered mount plan. */
int sandbox_new(const struct sandbox_opts *o, struct sandbox **out);
void sandbox_free(struct sandbox *sb);
/* What runs leave in the jail's writable binds (leftovers.c): list them
 * before the first run; after a run, the number of new top-level names
 * (outputs named on the command line excepted), a few of them in msg.
 * The --workdir copy is fresh for each run and not watched. */
int sandbox_leftovers_mark(struct sandbox *sb);
int sandbox_leftovers_check(const struct sandbox *sb, char *msg, size_t len);

/* The target tree's usage, every run of this jail so far (sandbox/usage.c):
 * CPU time, user and system, and the largest peak RSS (ru_maxrss) of the
 * processes the jail's init reaped. A snapshot run's processes count once
 * the init has reaped them, which may be just after its episode ends. */
struct sandbox_usage {
	uint64_t cpu_us, maxrss_kb;
};
void sandbox_usage(const struct sandbox *sb, struct sandbox_usage *out);

/* One line for the user when the jail is weaker than asked (root: a bind
 * that could not be idmapped); NULL when there is nothing to say. */
const char *sandbox_warning(const struct sandbox *sb);
/* Root: can a jail mapped to host_uid show path with the caller's
 * ownership (an idmapped mount)? Else a work copy there must be chowned
 * to the jail's host user instead. */
bool sandbox_idmaps(const char *path, uid_t host_uid);
/* Where fzsandbox's own temporary files go: $TMPDIR, else /tmp. */
const char *sandbox_tmpdir(void);
const char *sandbox_step_name(int step);

/* Resource limits (rlimits.c, cgroup.c). The --rlimit-* options apply
 * with and without the jail; their defaults only in the jail. */
enum sandbox_rlimit {
	SB_RLIM_AS,
	SB_RLIM_NOFILE,
	SB_RLIM_NPROC,
	SB_RLIM_CPU,
	SB_RLIM_FSIZE,
	SB_RLIM_DATA,		/* no option: --memory-limit's fallback */
	SB_RLIM_N,
};
#define SANDBOX_UNLIMITED (~0ULL)	/* no limit below the caller's own */

struct sandbox_limits {
	/* 0: not given (the default), SANDBOX_UNLIMITED, or the value
	 * (bytes, files, processes, seconds). */
	unsigned long long rlim[SB_RLIM_N];
	unsigned long long memory;	/* --memory-limit, bytes; 0: none */
	unsigned long long pids;	/* --pids-limit; 0: none */
};

#define SANDBOX_RLIM_MAX 8
/* setrlimit calls for the target, computed by the parent (no allocation). */
struct sandbox_rlimits {
	int n;
	struct {
		int resource;
		const char *name;
		struct rlimit lim;
	} r[SANDBOX_RLIM_MAX];
};

const char *sandbox_rlimit_name(int which);	/* enum sandbox_rlimit */
/* Parent, once per campaign: the limits to set (jail: with the default
 * soft limits RLIMIT_NOFILE 1024 and RLIMIT_NPROC 512 under the caller's
 * hard limits; an option's value is soft and hard), never above the
 * caller's hard limits. 0 or -errno. */
int sandbox_rlimits_plan(const struct sandbox_limits *l, bool jail, struct sandbox_rlimits *p);

/* A cgroup per campaign for --memory-limit / --pids-limit: cgroup v2 where
 * our cgroup delegates the controller, else v1. -errno with a one-line
 * reason in why when no cgroup can be used (then fall back to rlimits);
 * *out stays NULL when neither limit is asked for. */
struct sandbox_cgroup;
int sandbox_cgroup_new(unsigned long long memory, unsigned long long pids,
		       struct sandbox_cgroup **out, char *why, size_t whylen);
/* How many processes the memory cgroup's OOM killer has killed so far
 * (v1 memory.oom_control, v2 memory.events), -1 when unknown. */
long sandbox_cgroup_oom_kills(const struct sandbox_cgroup *cg);
/* Its i-th directory (one per hierarchy), NULL past the last. */
const char *sandbox_cgroup_dir(const struct sandbox_cgroup *cg, int i);
/* Remove the cgroup (its processes must be gone). Also done at exit. */
void sandbox_cgroup_free(struct sandbox_cgroup *cg);

/* What a run's first process gets from this module, as the tracer's
 * launcher (tracer/tracer.h): the jail, the rlimits, the cgroup, and which
 * inherited descriptors are closed. Everything pointed to must outlive the
 * launcher. */
struct sandbox_launch {
	const struct sandbox *sb;		/* NULL: no jail */
	const struct sandbox_rlimits *rl;	/* NULL: none */
	const struct sandbox_cgroup *cg;	/* NULL: none */
	/* Without the jail: pass fzsandbox's descriptors above 2 on
	 * (--inject=none, like env(1)). The jail always closes them. */
	bool keep_fds;
	/* --fuzz of an afl-cc build in the jail: the target makes AFL++'s
	 * edge map before it execs, a SysV segment of shm_size bytes in the
	 * jail's IPC namespace (the runtime shmats it there), and writes its
	 * id, in decimal, into shm_id (the digits of "__AFL_SHM_ID=" in the
	 * environment it execs with, SANDBOX_SHM_ID_LEN bytes of room). 0:
	 * none. */
	size_t shm_size;
	char *shm_id;
};
#define SANDBOX_SHM_ID_LEN 12
struct tracer_launcher;
/* Fill *out: its hooks, with l as their context. */
void sandbox_launcher(const struct sandbox_launch *l, struct tracer_launcher *out);

/* socket(2), but in the network namespace of the listening socket lfd
 * (the jail's: the service driver runs outside). A forked helper joins
 * that namespace's user namespace, then the namespace itself, and sends
 * the socket back over SCM_RIGHTS. Returns the fd or -errno. */
int sandbox_socket_beside(int lfd, int domain, int type, int protocol);

#endif
