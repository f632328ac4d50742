/* snapshot_int.h - shared by snapshot/'s files only. */
#ifndef FZ_SNAPSHOT_INT_H
#define FZ_SNAPSHOT_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "snapshot/snapshot.h"
#include "tracer/services.h"

#define SNAP_MAX_FDS 256

/* A descriptor of the template: our copy of it (the same open file
 * description, so the same offset and flags) and their values at the
 * snapshot. */
struct snap_fd {
	int fd;			/* the template's number */
	int copy;		/* ours (pidfd_getfd) */
	off_t off;		/* -1: not seekable (a pipe, a socket, a tty) */
	int flags;		/* F_GETFL */
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
};

/* fdstate.c */
int snap_fds_take(struct snapshot *sn, struct tracer_task *tmpl);
int snap_fds_restore(struct snapshot *sn);
void snap_fds_close(struct snapshot *sn);

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
