/* refusal.h - did the jail, not the program's world, refuse a call?
 *
 * The clean run watches the results of the calls a jail can refuse that a
 * host would have allowed (cli/refusals.c): a write open of a path bound
 * read-only, a file the jail does not show, a resource limit above the
 * jail's, an id the jail does not map. This module knows the binds, the
 * limits and the maps, so it judges: given the call as the jail saw it,
 * would the caller of fzsandbox, on the host, have been refused too? If
 * not, the jail changed what the program tested, and the note names the
 * option that changes it. Library code: nothing here exits.
 */
#ifndef FZ_SANDBOX_REFUSAL_H
#define FZ_SANDBOX_REFUSAL_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "sandbox/sandbox.h"

enum sandbox_refusal_kind {
	SB_REF_WRITE,	/* a path opened for writing (O_WRONLY, O_RDWR, O_CREAT, O_TRUNC) */
	SB_REF_ENTRY,	/* an entry of a directory made or removed (mkdir, unlink, rename...) */
	SB_REF_READ,	/* a path opened for reading, looked up or executed */
	SB_REF_RLIMIT,	/* setrlimit, prlimit64 with a new limit */
	SB_REF_SETID,	/* set*id, setgroups, chown: the ids asked for */
};

/* One failed call of the target, as the jail saw it. */
struct sandbox_refusal_q {
	int kind;		/* enum sandbox_refusal_kind */
	int err;		/* the errno it failed with */
	pid_t pid;		/* the task (still alive: its id maps are read) */
	/* WRITE, ENTRY, READ: absolute, as the jail names it. */
	const char *path;
	bool creates;		/* WRITE: O_CREAT (the file may be new) */
	/* RLIMIT: the resource and the new hard limit asked for. */
	int resource;
	uint64_t rlim_max;
	/* SETID: the uids and gids asked for ((uint32_t)-1: unchanged). */
	const uint32_t *uids, *gids;
	int nuids, ngids;
};

#define SB_REF_TEXT 320
#define SB_REF_PATH 256
struct sandbox_refusal {
	char host[SB_REF_PATH];		/* the host path it stands for ("" for none) */
	char option[SB_REF_TEXT];	/* what changes it: "--bind=/srv/in.html" */
	char why[SB_REF_TEXT];		/* "bound read-only in the jail" */
};

/* Is the jail the cause? 1 with *out filled, 0 when the host would have
 * refused the call too (or it is out of scope: an ENOENT outside /etc,
 * /var, /run, /home, /srv, /opt, /root, /mnt, /media is a probe), -errno
 * on failure. rl: the rlimits each run gets (NULL: none). */
int sandbox_refusal_judge(const struct sandbox *sb, const struct sandbox_rlimits *rl,
			  const struct sandbox_refusal_q *q, struct sandbox_refusal *out);

#endif
