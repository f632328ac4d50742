/* workdir.h - per-run work directories (--workdir=DIR).
 *
 * Every run starts in a fresh copy of DIR, so a run that corrupts or
 * deletes its files cannot spoil the next one; a failing run's copy is kept
 * for the report, and the contents of DIR are hashed so that a replay can
 * tell whether it still starts from the same files.
 *
 * The copy is made by fzsandbox before each run, outside the jail, in a
 * private directory under $TMPDIR (or /tmp) that is reused run after run
 * (wiped, then filled again): with --sandbox the jail binds it read-write
 * at DIR's own path, without it the target's cwd is the copy itself.
 * Library code: functions return 0 or -errno and never exit.
 */
#ifndef FZ_WORKDIR_H
#define FZ_WORKDIR_H

#include <stdbool.h>
#include <sys/types.h>

#define WORKDIR_HASH_LEN 16	/* hex digits */

struct workdir;

/* Prepare copies of dir. When chown_to is set (root running a jail mapped
 * to an unprivileged host user), the copies belong to uid:gid so the jail
 * can write them. */
int workdir_new(const char *dir, bool chown_to, uid_t uid, gid_t gid, struct workdir **out);
void workdir_free(struct workdir *w);	/* removes the copy */

/* Wipe the copy and fill it from the original again. */
int workdir_reset(struct workdir *w);
/* The same, in place: the copy's directory is kept (emptied, filled
 * again), for a process whose cwd it is, or a jail binding it, that
 * outlives the run (--snapshot's template). */
int workdir_refill(struct workdir *w);
/* Where the copy is on the host. */
const char *workdir_copy_path(const struct workdir *w);
/* Copy the current copy (as the run left it) to dst, which must not exist. */
int workdir_keep(const struct workdir *w, const char *dst);

/* Leave the directory at path out of every copy (fzsandbox's --out when
 * it lies inside DIR: its reports are not the program's files). 0 or
 * -errno (then nothing is left out). */
int workdir_leave_out(struct workdir *w, const char *path);

/* A hash of dir's contents: every entry's relative path, type, permission
 * bits and data (symlinks: their text), in name order, the directory
 * leave_out (if not NULL and inside) left out; 64-bit FNV-1a, as
 * WORKDIR_HASH_LEN lowercase hex digits and a NUL in hex[]. Detects a
 * changed directory, not a forged one. */
int workdir_hash(const char *dir, const char *leave_out, char hex[WORKDIR_HASH_LEN + 1]);

#endif
