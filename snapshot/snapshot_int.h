/* snapshot_int.h - shared by snapshot/'s files only. */
#ifndef FZ_SNAPSHOT_INT_H
#define FZ_SNAPSHOT_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>
#include <sys/timerfd.h>
#include <sys/types.h>

#include "snapshot/snapshot.h"
#include "tracer/services.h"

#define SNAP_MAX_FDS 256
#define SNAP_MAX_EPI 256	/* entries of one epoll instance */
#define SNAP_MAX_SAVES 32	/* socket options and timers a run changes */

enum snap_kind { SNAP_OTHER, SNAP_SOCK, SNAP_TIMERFD, SNAP_EPOLL };

/* An entry of an epoll interest list, as fdinfo shows it (the file by
 * inode and device, st_dev's encoding). */
struct snap_epi {
	int tfd;
	uint32_t events;
	uint64_t data;
	uint64_t ino;
	dev_t dev;
};

/* What /proc/self/fdinfo/COPY says of a description (fdinfo.c). */
struct snap_fdinfo {
	int flock;		/* its flock() lock: 0, LOCK_SH, LOCK_EX */
	char ofd[256];		/* its OFD locks: "R|W start end;" each */
	struct snap_epi *epi;	/* epoll: the interest list (malloc'd) */
	int nepi;
	uint64_t ticks;		/* timerfd: expirations not read yet */
	int clockid, settime_flags;
};

/* A descriptor of the template: our copy of it (the same open file
 * description, so the same offset, flags and locks) and their values at
 * the snapshot. */
struct snap_fd {
	int fd;			/* the template's number */
	int copy;		/* ours (pidfd_getfd) */
	off_t off;		/* -1: not seekable (a pipe, a socket, a tty) */
	int flags;		/* F_GETFL */
	enum snap_kind kind;
	uint64_t ino;		/* fstat of the copy */
	dev_t dev;
	struct snap_fdinfo info;	/* locks and an epoll's entries */
};

/* What a run's call on a template's descriptor is about to change, read
 * at its stop (child_calls.c), put back after the run. */
struct snap_save {
	int idx;		/* sn->fds[] */
	int level, optname;	/* setsockopt; level -1: timerfd_settime */
	socklen_t len;
	unsigned char val[128];
	int buflock;		/* SO_BUF_LOCK then (buffer sizes), else -1 */
	struct itimerspec its;	/* timerfd_gettime at the call */
	struct timespec at;	/* the time of the call on the timer's clock */
	uint64_t ticks;
	int clockid, settime_flags;
};

struct snapshot {
	struct tracer_snapshot ts;
	/* The point: stdin's first call, the first call naming file (its
	 * identity once known), or the nth call of nr. */
	bool on_stdin;
	char *file;
	bool file_known;
	dev_t file_dev;
	ino_t file_ino;
	/* Or the first entry of func (func_point.c): where its int3 is and
	 * the word it replaced; why: a message for the caller. */
	char func[128];
	uint64_t func_addr, func_word;
	bool func_planted;
	tracer_open_fn open_fn;
	char why[512];
	/* A service (snapshot/service.c): on_listen is its default point,
	 * lfd the socket it listened on (-1: none yet). */
	bool service, on_listen;
	int lfd;
	pid_t tmpl_pid;
	int nr;
	long nth, seen;
	struct snap_fd fds[SNAP_MAX_FDS];
	int nfds;
	/* The run's saves, and why one of its calls cannot be put back
	 * ("": none), said after the run. */
	struct snap_save saves[SNAP_MAX_SAVES];
	int nsaves;
	bool locks_touched;	/* it made a flock or an OFD lock call */
	char refuse[512];
};

/* fdstate.c */
int snap_fds_take(struct snapshot *sn, struct tracer_task *tmpl);
int snap_fds_restore(struct snapshot *sn);
void snap_fds_close(struct snapshot *sn);

/* fdinfo.c */
int snap_fdinfo_read(int copy, struct snap_fdinfo *out);
void snap_fdinfo_free(struct snap_fdinfo *fi);
enum snap_kind snap_fd_kind(int copy);

/* epoll_state.c */
int snap_epoll_restore(struct snapshot *sn, struct tracer_session *ts, const struct snap_fd *f,
		       const struct snap_fdinfo *now, char *why, size_t whylen);

/* child_calls.c */
void snap_child_call(void *ctx, struct tracer_task *t, const struct syscall_stop *s);
int snap_saves_restore(struct snapshot *sn, char *why, size_t whylen);
void snap_calls_trace_set(uint8_t set[SYSCALL_MAX / 8]);

/* file_point.c */
int snap_file_set(struct snapshot *sn, const char *path, char *why, size_t whylen);
int snap_file_point(struct snapshot *sn, struct tracer_task *t, const struct syscall_stop *s);
void snap_file_trace_set(uint8_t set[SYSCALL_MAX / 8]);

/* func_point.c */
int snap_func_set(struct snapshot *sn, const char *name, char *why, size_t whylen);
int snap_func_entry(void *ctx, struct tracer_task *t);
int snap_func_trap(void *ctx, struct tracer_task *t);

/* service.c */
int snap_service_point(struct snapshot *sn, struct tracer_task *t, const struct syscall_stop *s);
int snap_service_idle(void *ctx, struct tracer_task *t, const struct syscall_stop *s);
void snap_service_trace_set(uint8_t set[SYSCALL_MAX / 8]);

#endif
