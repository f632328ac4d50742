/* util.h - the small helpers every module shares: one clock, one mkdir -p,
 * one tree removal, one /proc reader of each kind, one debug logger.
 *
 * A leaf: it includes nothing of fzsandbox and any module may include it.
 * Library code: functions return 0 (or a count) on success and -errno on
 * failure, and never exit.
 */
#ifndef FZ_UTIL_H
#define FZ_UTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* --- clock.c: CLOCK_MONOTONIC, never the wall clock (it jumps) --------- */
int64_t mono_ms(void);
int64_t mono_us(void);

/* --- fs.c ---------------------------------------------------------------- */
/* Create path and its missing parents (mode for each new one); an existing
 * directory is fine. Allocates nothing (safe in a clone child). */
int mkdir_p(const char *path, mode_t mode);
/* Remove path and everything below it without following symlinks; a
 * missing path is fine. */
int remove_tree(const char *path);
/* Remove everything in directory path, keeping path itself (the same
 * inode: a bind mount or a process's cwd on it stays valid). */
int empty_tree(const char *path);
/* The names in directory fd (not . and ..), sorted, NULL-terminated; *n
 * their number. max > 0: -E2BIG past max names (a directory too big to be
 * worth listing). Free with dir_names_free. */
int dir_names(int fd, int max, char ***names, int *n);
void dir_names_free(char **names, int n);
int dir_names_cmp(const void *a, const void *b);	/* for bsearch */
/* Who owns what fs_copy_tree makes: set: uid:gid; else keep: the
 * source's owner (root only); else the caller. */
struct fs_owner {
	bool set;
	uid_t uid;
	gid_t gid;
	bool keep;
	/* A directory left out (skip_dev, skip_ino), e.g. fzsandbox's own
	 * output directory inside the tree copied. */
	bool skip;
	dev_t skip_dev;
	ino_t skip_ino;
	/* Keep set-user-ID and set-group-ID bits (a tree the caller
	 * trusts); else they are dropped. */
	bool keep_special;
};
/* Copy everything in directory sfd into directory dfd (names must not
 * exist there): directories, regular files, symlinks and fifos with their
 * modes (set-user-ID and set-group-ID only with keep_special) and times,
 * never following a symlink; sockets and devices are
 * skipped. ow NULL: owned by the caller. 0 or -errno. */
int fs_copy_tree(int sfd, int dfd, const struct fs_owner *ow);
/* A whole file: written (created or truncated, mode), or read into a
 * malloc'd buffer (NUL after its len bytes; -EFBIG past max). 0 or
 * -errno. */
int fs_write_file(const char *path, const void *data, size_t len, mode_t mode);
/* All len bytes to fd, past short writes and EINTR: at its offset (at
 * < 0), or with pwrite from at. 0 or -errno. */
int fs_write_all(int fd, const void *data, size_t len, off_t at);
/* What is left of in, to out at its offset (copy_file_range where the
 * kernel can, else read and write). 0 or -errno. */
int fs_copy_fd(int in, int out);
/* The same at dirfd/name, opened with O_WRONLY and flags (O_CREAT |
 * O_EXCL, O_TRUNC | O_NOFOLLOW, ...). */
int fs_write_file_at(int dirfd, const char *name, int flags, mode_t mode, const void *data, size_t len);
int fs_read_file(const char *path, size_t max, void **data, size_t *len);
/* A file rewritten in place run after run (a fuzz input): *fd opened
 * once (-1: not yet), the data written at 0 and the file cut to its
 * length. Not O_TRUNC and close: ext4 writes back a file truncated to 0
 * when it is closed (auto_da_alloc), a disk write a run
 * (docs/kernel-facts.md#ext4-truncate-close). 0 or -errno. */
int fs_rewrite(int *fd, const char *path, const void *data, size_t len);
/* A new empty file at path, an old one unlinked first for the same
 * reason (its blocks go unwritten): a descriptor, or -errno. */
int fs_create_fresh(const char *path, mode_t mode);
/* A file kept open and written again from offset 0 run after run (a
 * run's captured output): cut where this run's writes ended. A file that
 * had data and gets none is made anew (fs_create_fresh) rather than cut
 * to 0, for the same reason; a new file every run is no cheaper: ext4's
 * inode allocator skips the recently deleted ones, a scan that grows with
 * the churn (docs/kernel-facts.md#ext4-truncate-close). 0 or -errno; *fd
 * is -1 when it could not be made anew. */
int fs_cut(int *fd, const char *path, mode_t mode);

/* --- procfs.c: /proc/PID/... ---------------------------------------------- */
/* The fields of /proc/TID/status fzsandbox uses, read in one pass. */
struct proc_status {
	pid_t tgid;
	pid_t ns_tgid;		/* in the task's own (innermost) pid namespace */
	uint64_t sig_blk, sig_ign, sig_cgt;	/* SigBlk, SigIgn, SigCgt masks */
};
int proc_status_read(pid_t tid, struct proc_status *ps);

/* One line of /proc/PID/maps. */
struct proc_map {
	uint64_t lo, hi, offset;
	char perms[5];		/* "r-xp" */
	uint64_t inode;
	const char *path;	/* "" for an anonymous mapping; "[heap]" etc. */
};
/* Call fn for each mapping in address order; stops at the first nonzero
 * return of fn and returns it (a negative one is an error). pid 0: self.
 * The proc_map and its path are valid only during the call. */
int proc_maps_each(pid_t pid, int (*fn)(const struct proc_map *m, void *arg), void *arg);

/* fn for pid, then, when pid lives in a pid namespace other than ours
 * (the jail's, where every process is traced), for every other process
 * of that namespace. */
void proc_each_jailmate(pid_t pid, void (*fn)(pid_t pid, void *arg), void *arg);

/* The value of auxiliary vector entry type (AT_*) of pid (0: self). */
int proc_auxv_get(pid_t pid, uint64_t type, uint64_t *val);

/* --- log.c: FZ_DEBUG --------------------------------------------------- */
/* Is FZ_DEBUG set (read once)? */
bool fz_debug_on(void);
/* Does FZ_DEBUG's value contain word (e.g. "ool")? */
bool fz_debug_has(const char *word);
/* One line to stderr, prefixed "fzsandbox: debug: ", when FZ_DEBUG is set. */
void fz_debug(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
