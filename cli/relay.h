/* relay.h - the target's stdout/stderr as pipes, copied by a thread to
 * where the output really goes (the run's capture files, or fzsandbox's
 * own streams). Why pipes and not the files themselves: the jailed
 * program can then open /dev/stdout and /dev/stderr again (the pipes
 * belong to its user), and such an open (O_TRUNC) cannot wipe what was
 * captured. The thread, not the tracer, drains them: the tracer blocks in
 * waitpid, and a pipe left full would stop the target for good. */
#ifndef FZ_RELAY_H
#define FZ_RELAY_H

#include <stdbool.h>
#include <sys/types.h>

struct relay;

struct relay_opts {
	/* Where each stream goes; -1: that stream is not relayed (its
	 * write end is -1 too). dst[0] == dst[1]: one pipe serves both, so
	 * their order is kept (2>&1, one terminal). */
	int dst[2];
	/* The jail's host user, to own the pipes (a pipe's /proc/self/fd/N
	 * reopen needs permission on its inode); -1: leave them ours. */
	uid_t uid;
	gid_t gid;
	/* The destination's reader went away (EPIPE): close that pipe, so
	 * the program meets EPIPE/SIGPIPE as it would writing there itself.
	 * Else what cannot be written is dropped and the pipe still drained. */
	bool close_on_epipe;
};

/* Pipes and the thread. out[0], out[1]: the write ends to give the target
 * as fd 1 and 2 (close-on-exec; -1 for a stream not relayed), owned by the
 * relay. Returns 0 or -errno. */
int relay_start(const struct relay_opts *o, struct relay **rp, int out[2]);
/* Once no process of the run is left: close the write ends, copy what is
 * still queued, stop the thread, free. Returns 0, or the first error
 * writing a destination (-errno). NULL is a no-op. */
int relay_finish(struct relay *r);

#endif
