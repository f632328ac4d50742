/* snapshot.h - fork snapshots for batch programs: where the template is
 * taken (the snapshot point) and what each child must find as the
 * template left it (offsets and status flags of the files it has open).
 * The tracer parks the template and forks it (tracer.h, tracer_snapshot);
 * this module decides and restores. Library code: -errno, never an exit.
 */
#ifndef FZ_SNAPSHOT_H
#define FZ_SNAPSHOT_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "tracer/services.h"
#include "tracer/tracer.h"

struct snapshot;

/* spec: NULL or "stdin" for the program's first call on descriptor 0
 * (read, fstat, lseek, ioctl, mmap...: whatever touches its input first),
 * "file:PATH" for its first call naming the file PATH (open, stat,
 * access...: file_point.c), "func:NAME" for the first entry of the
 * function NAME (func_point.c), or "syscall:NAME[@N]" for its Nth call
 * of NAME (N from 1). -EINVAL with
 * a reason in why[] for a spec that is neither. */
int snapshot_new(const char *spec, struct snapshot **out, char *why, size_t whylen);
void snapshot_free(struct snapshot *sn);
/* The tracer's interface to it; valid while sn lives. */
const struct tracer_snapshot *snapshot_tracer(struct snapshot *sn);
/* Add the syscalls the point is found at to a trace set (the template's
 * filter, which every child inherits). */
void snapshot_trace_set(const struct snapshot *sn, uint8_t set[SYSCALL_MAX / 8]);
/* A service (--service): the default point becomes its first wait for a
 * connection on the socket it listened on (snapshot/service.c), and a
 * child back there after its requests is idle (tracer_snapshot.is_idle). */
void snapshot_for_service(struct snapshot *sn);
/* A descriptor of ours on the socket the template listened on (the
 * driver's), and the template's pid; -ENOENT when it had not listened
 * at its point (the child will: the driver sees that listen). */
int snapshot_listen_fd(const struct snapshot *sn, pid_t *pid);
/* How func:NAME's look-up opens the modules it parses (NULL: open(2));
 * the caller's policy on files the target could have written. */
void snapshot_set_opener(struct snapshot *sn, tracer_open_fn open_fn);
/* A batch run's process put back in place at its exit where it can be,
 * instead of a fresh fork per run (tracer_snapshot.restore). */
void snapshot_in_place(struct snapshot *sn, bool on);
/* Why the template was given up, when the point itself was at fault (a
 * func:NAME with no such function); "" otherwise. */
const char *snapshot_why(const struct snapshot *sn);
/* The parked template's pid (0: none parked yet): fzsandbox reads and
 * clears AFL++'s edge map, which every child shares, through it. */
pid_t snapshot_template_pid(const struct snapshot *sn);
/* How many descriptors of the template are restored before each run. */
int snapshot_nfds(const struct snapshot *sn);
/* After a run the template forked, every task of it gone: put back what
 * it changed in descriptions it shares with the template beyond offsets
 * and flags (flock() locks, epoll entries, which the template itself is
 * made to put back, socket options, timers). 0; -ENOTRECOVERABLE with
 * one line in why[] when something cannot be put back exactly (the next
 * run would find another template); another -errno. */
int snapshot_restore(struct snapshot *sn, struct tracer_session *ts, char *why, size_t whylen);

#endif
