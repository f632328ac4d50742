/* restore_calls.c - the calls a run may make and still be put back in
 * place (restore.h), as a table; each group says why. Every other call
 * is watched (the snapshot's filter stops at it) and makes its run one
 * that ends with its process: the next run is a fresh fork. What a fork
 * child shares with the template (open file descriptions, the file
 * system, sockets' peers) is the same in both modes and is snapshot/'s
 * business; what dies with a fork child but stays in a process put back
 * (its timers, locks, limits, threads, directory) is what this table
 * keeps out, unless restore.c puts it back (signal handlers and the
 * alternate stack, the break, mappings, descriptors). */
#include "config.h"

#include <fcntl.h>
#include <linux/audit.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "tracer/tracer_int.h"
#include "tracer/syscalls.h"

enum rc_kind {
	RC_WATCH,	/* not restorable: the run ends with its process */
	RC_FREE,	/* nothing of the process's own left behind */
	RC_BRK,		/* the break: moved back at the restore */
	RC_READER,	/* only reads when argument `arg` is NULL */
	RC_FCNTL,	/* by command (fcntl_free) */
	RC_END,		/* exit_group: where the restore takes over (always
			 * stopped at) */
	RC_NOTE,	/* restore.c judges it and notes what to put back
			 * (tracer_restore_note: handlers, the alternate stack,
			 * close-on-exec flags, mappings made over the snapshot's) */
};

struct rc_row {
	const char *name;
	enum rc_kind kind;
	int arg;
};

#define FREE(n) { n, RC_FREE, 0 }

static const struct rc_row rows[] = {
	/* Data in and out. Memory a call writes is tracked like the
	 * program's own writes; the description's offset is shared with the
	 * template as in a fork. */
	FREE("read"), FREE("write"), FREE("readv"), FREE("writev"), FREE("pread64"),
	FREE("pwrite64"), FREE("preadv"), FREE("pwritev"), FREE("preadv2"), FREE("pwritev2"),
	FREE("sendfile"), FREE("copy_file_range"), FREE("splice"), FREE("tee"), FREE("lseek"),
	/* Looking only. */
	FREE("fstat"), FREE("stat"), FREE("lstat"), FREE("newfstatat"), FREE("statx"),
	FREE("access"), FREE("faccessat"), FREE("faccessat2"), FREE("readlink"),
	FREE("readlinkat"), FREE("getcwd"), FREE("getdents"), FREE("getdents64"), FREE("statfs"),
	FREE("fstatfs"), FREE("getxattr"), FREE("lgetxattr"), FREE("fgetxattr"),
	FREE("listxattr"), FREE("llistxattr"), FREE("flistxattr"), FREE("getpid"),
	FREE("getppid"), FREE("gettid"), FREE("getuid"), FREE("geteuid"), FREE("getgid"),
	FREE("getegid"), FREE("getgroups"), FREE("getresuid"), FREE("getresgid"),
	FREE("getpgrp"), FREE("getpgid"), FREE("getsid"), FREE("getpriority"), FREE("getrlimit"),
	FREE("getrusage"), FREE("times"), FREE("uname"), FREE("sysinfo"),
	FREE("sched_getaffinity"), FREE("sched_getparam"), FREE("sched_getscheduler"),
	FREE("getcpu"), FREE("capget"), FREE("getitimer"), FREE("clock_gettime"),
	FREE("clock_getres"), FREE("gettimeofday"), FREE("time"), FREE("getrandom"),
	FREE("sched_yield"), FREE("nanosleep"), FREE("clock_nanosleep"), FREE("mincore"),
	FREE("rt_sigpending"),
	/* New descriptors: the restore closes them (a descriptor of the
	 * snapshot closed or replaced is seen there too). */
	FREE("open"), FREE("openat"), FREE("openat2"), FREE("creat"), FREE("close"),
	FREE("dup"), FREE("dup2"), FREE("dup3"), FREE("pipe"), FREE("pipe2"), FREE("socket"), FREE("socketpair"),
	FREE("eventfd"), FREE("eventfd2"), FREE("epoll_create"), FREE("epoll_create1"),
	FREE("memfd_create"), FREE("timerfd_create"), FREE("signalfd"), FREE("signalfd4"),
	FREE("inotify_init"), FREE("inotify_init1"), FREE("accept"), FREE("accept4"),
	/* On descriptions and the file system: outside the process, as in a
	 * fork. */
	FREE("mkdir"), FREE("mkdirat"), FREE("rmdir"), FREE("unlink"), FREE("unlinkat"),
	FREE("rename"), FREE("renameat"), FREE("renameat2"), FREE("link"), FREE("linkat"),
	FREE("symlink"), FREE("symlinkat"), FREE("chmod"), FREE("fchmod"), FREE("fchmodat"),
	FREE("chown"), FREE("fchown"), FREE("lchown"), FREE("fchownat"), FREE("truncate"),
	FREE("ftruncate"), FREE("fallocate"), FREE("fsync"), FREE("fdatasync"),
	FREE("sync_file_range"), FREE("syncfs"), FREE("sync"), FREE("utimensat"), FREE("utimes"),
	FREE("futimesat"), FREE("fadvise64"), FREE("readahead"), FREE("connect"),
	FREE("bind"), FREE("listen"), FREE("sendto"), FREE("recvfrom"), FREE("sendmsg"),
	FREE("recvmsg"), FREE("sendmmsg"), FREE("recvmmsg"), FREE("shutdown"),
	FREE("setsockopt"), FREE("getsockopt"), FREE("getsockname"), FREE("getpeername"),
	FREE("poll"), FREE("ppoll"), FREE("select"), FREE("pselect6"), FREE("epoll_wait"),
	FREE("epoll_pwait"), FREE("epoll_pwait2"), FREE("epoll_ctl"),
	/* Memory: the restore compares the mappings with the snapshot's,
	 * unmaps the run's own and refuses a changed one. madvise is
	 * watched: a dropped page reads as zeros yet counts as unwritten. */
	FREE("msync"), FREE("futex"),
	/* Judged by restore.c: MAP_FIXED over the snapshot's mappings, a
	 * mapping of it made writable that is not tracked. */
	{ "mmap", RC_NOTE, 0 },
	{ "munmap", RC_NOTE, 0 },
	{ "mremap", RC_NOTE, 0 },
	{ "mprotect", RC_NOTE, 0 },
	{ "pkey_mprotect", RC_NOTE, 0 },
	/* A descriptor's close-on-exec flag is the table's: noted. */
	{ "ioctl", RC_NOTE, 0 },
	/* The signal mask is put back, and so are the handlers and the
	 * alternate stack a run sets (read at arm time). */
	FREE("rt_sigprocmask"),
	{ "rt_sigaction", RC_NOTE, 0 },
	{ "sigaltstack", RC_NOTE, 0 },
	{ "prlimit64", RC_READER, 2 },
	{ "brk", RC_BRK, 0 },
	{ "fcntl", RC_FCNTL, 0 },
	/* The end of the run, which the restore takes over. */
	{ "exit_group", RC_END, 0 },
};

/* fcntl commands that leave nothing of the process's own: a lock
 * (F_SETLK) or an owner would outlive the run in a process put back. */
static const int fcntl_free[] = {
	F_DUPFD, F_DUPFD_CLOEXEC, F_GETFD, F_GETFL, F_SETFL, F_GETLK,
#ifdef F_GETPIPE_SZ
	F_GETPIPE_SZ,
#endif
#ifdef F_GET_SEALS
	F_GET_SEALS,
#endif
};

static uint8_t kind[SYSCALL_MAX];	/* enum rc_kind by number */
static int8_t karg[SYSCALL_MAX];
static pthread_once_t once = PTHREAD_ONCE_INIT;

static void build(void)
{
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		const struct syscall_ent *e = syscall_by_name(rows[i].name);

		if (e && e->nr >= 0 && e->nr < SYSCALL_MAX) {
			kind[e->nr] = (uint8_t)rows[i].kind;
			karg[e->nr] = (int8_t)rows[i].arg;
		}
	}
}

void restore_calls_watch(uint8_t *set)
{
	pthread_once(&once, build);
	for (int nr = 0; nr < SYSCALL_MAX; nr++)
		if (kind[nr] != RC_FREE && syscall_by_nr(nr))
			set[nr / 8] |= (uint8_t)(1u << (nr % 8));
}

enum restore_call restore_call_class(const struct syscall_stop *s)
{
	pthread_once(&once, build);
	if (s->nr < 0 || s->nr >= SYSCALL_MAX || s->arch != AUDIT_ARCH_X86_64)
		return RESTORE_CALL_NO;
	switch ((enum rc_kind)kind[s->nr]) {
	case RC_FREE:
		return RESTORE_CALL_OK;
	case RC_BRK:
		return RESTORE_CALL_BRK;
	case RC_READER:
		return s->args[karg[s->nr]] == 0 ? RESTORE_CALL_OK : RESTORE_CALL_NO;
	case RC_END:
		return RESTORE_CALL_OK;
	case RC_NOTE:
		return RESTORE_CALL_NOTE;
	case RC_FCNTL:
		if ((int)s->args[1] == F_SETFD)
			return RESTORE_CALL_NOTE;
		for (size_t i = 0; i < sizeof(fcntl_free) / sizeof(fcntl_free[0]); i++)
			if ((int)s->args[1] == fcntl_free[i])
				return RESTORE_CALL_OK;
		return RESTORE_CALL_NO;
	case RC_WATCH:
		break;
	}
	return RESTORE_CALL_NO;
}
