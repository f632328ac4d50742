/* fs_class.h - the fs fault class: the open family (open, openat,
 * openat2, creat) fails as the kernel fails it on a permission check, at
 * the descriptor limits, or on a full device when it creates a file;
 * close reports a failed write-back with the descriptor released
 * (internal to inject/; its rows are in fault_table.c). */
#ifndef FZ_FS_CLASS_H
#define FZ_FS_CLASS_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "inject/classes.h"
#include "inject/inject_int.h"
#include "inject/signals.h"

extern const struct class_hooks fs_class_hooks;

/* Per run: the closes let run to be failed at their exit, by task. */
struct fs_close_pend {
	pid_t tid;	/* 0: free */
	int err;
};
/* fs_lost.c: the undo log of a run that may inject fsync's EIO: what each
 * write since its file's last good fsync overwrote. */
struct fs_lost_ent {
	dev_t dev;
	ino_t ino;
	long long pos;
	size_t len;
	char *old;	/* len bytes: the file's there before it (zeros past its end) */
};
/* An open file of the failing caller that gets EIO at its next fsync. */
struct fs_lost_pend {
	pid_t pid;
	int fd;
	dev_t dev;
	ino_t ino;
};
struct fs_lost {
	struct fs_lost_ent *e;
	int n, cap;
	size_t bytes;
	bool over;	/* too much to keep: no fsync EIO in this run */
	struct fs_lost_pend pend[16];
	int npend;
};

struct fs_run {
	struct fs_close_pend pend[64];
	/* The full disk (fs_write.c): from the write that filled it on,
	 * every write to a regular file on that file system fails. */
	bool full;
	dev_t full_dev;
	int full_err;		/* ENOSPC or EDQUOT */
	struct fs_lost lost;
};

/* fs_name.c: an open's flags (creat: O_CREAT | O_WRONLY | O_TRUNC;
 * openat2: its open_how's), -errno if they cannot be read. */
int fs_open_flags(struct tracer_task *t, const struct syscall_stop *s, uint64_t *flags);
/* Does the open's path name a file that does not exist, in a directory
 * that does, as the tracee sees it? false when not known. */
bool fs_new_name(struct tracer_task *t, const struct syscall_stop *s);

/* The same for any path argument (dirfd_arg -1: none): 1 if it names
 * nothing in a directory that exists, 0 if it names something, -1 not
 * known. */
int fs_name_at(struct tracer_task *t, const struct syscall_stop *s, int path_arg, int dirfd_arg);

/* fs_write.c: is fd of t's process open on a regular file (its device in
 * *dev if dev is not NULL)? */
bool fs_fd_on_file(struct tracer_task *t, int fd, dev_t *dev);
/* fs_disk.c: is fd of pid a regular file on a file system that stores
 * data (not procfs, sysfs, cgroupfs...)? *st gets its stat. */
struct stat;
bool fs_fd_on_disk(pid_t pid, int fd, struct stat *st);
/* Its open flags (O_ACCMODE, O_APPEND...) from /proc/PID/fdinfo: 0 or -errno. */
int fs_fd_flags(pid_t pid, int fd, unsigned long *flags);
/* A write-family call (write, pwrite64, writev, pwritev, pwritev2,
 * copy_file_range within one file system) to a regular file: where and
 * how much, the file's size and device. 0, or -errno when it is not one
 * or not known. */
struct fs_write {
	dev_t dev;
	long long size, pos;
	long bytes;
};
int fs_write_at(struct tracer_task *t, const struct syscall_stop *s, struct fs_write *wr);
/* The bytes a write-family call (write, pwrite64, writev, pwritev,
 * pwritev2, copy_file_range within one file system) asks to write to a
 * regular file at or past its end (O_APPEND, or the offset at or past its
 * size), its device in *dev; 0 for a write that starts inside the file
 * (it may only overwrite blocks it has); -1 not a regular file, not such
 * a call, or not known. */
long fs_write_bytes(struct tracer_task *t, const struct syscall_stop *s, dev_t *dev);
/* Does fallocate allocate blocks past the end of a regular file here
 * (mode 0 or FALLOC_FL_KEEP_SIZE)? */
bool fs_falloc_takes(struct tracer_task *t, const struct syscall_stop *s, dev_t *dev);
/* Fill the disk at this write with err (ENOSPC, EDQUOT): a short write of
 * half when at least two bytes are asked, else err; the disk stays full. */
int fs_fill(struct fs_run *run, struct tracer_task *t, const struct syscall_stop *s, int err);
/* fs_fsize.c: can this write meet a file size limit lowered to where its
 * half ends (below the process's own)? Lower it for real (prlimit): the
 * kernel then cuts the write and gives SIGXFSZ/EFBIG after. */
bool fs_fsize_can(struct tracer_task *t, const struct syscall_stop *s);
int fs_fsize_set(struct tracer_task *t, const struct syscall_stop *s);
/* fs_nofile.c: are the process's descriptors 0..N-1, none above, N below
 * its RLIMIT_NOFILE? Lower the limit to N for real (prlimit): the kernel
 * then gives EMFILE to this call and every later one that takes a
 * descriptor, until one is closed. */
bool fs_nofile_can(struct tracer_task *t);
int fs_nofile_set(struct tracer_task *t);
/* class_hooks.on_lasting: the disk is full, fail this write. */
int fs_on_lasting(struct inject *inj, int cls, struct tracer_task *t,
		  const struct syscall_stop *s);

/* fs_close.c: is close's descriptor open on a regular file? */
bool fs_close_on_file(struct tracer_task *t, const struct syscall_stop *s);
/* A handled signal fzsandbox can deliver to t now (0: none), from the
 * handlers h of its process (the class's per-mm state, NULL unknown). */
int fs_close_signal(struct tracer_task *t, const struct sig_handlers *h);
/* Fail close with err at its exit, the descriptor released (-errno if it
 * cannot be arranged); EINTR also delivers the signal sig that
 * interrupted it. */
int fs_close_fail(struct fs_run *run, struct tracer_task *t, int err, int sig);
int fs_close_on_exit(struct inject *inj, int cls, struct tracer_task *t,
		     const struct syscall_stop *s, int64_t ret);

/* fs_lost.c: fsync's EIO drops the data written since the file's last
 * good fsync (docs/faults.md, fs). on_watch: a write's bytes saved first,
 * an fsync's exit asked for; on_exit: a good fsync forgets its file's. */
int fs_lost_on_watch(struct inject *inj, int cls, struct tracer_task *t,
		     const struct syscall_stop *s);
int fs_lost_on_exit(struct inject *inj, int cls, struct tracer_task *t,
		    const struct syscall_stop *s, int64_t ret);
/* Can fsync's EIO on fd be injected here (a disk file, the log whole)? */
bool fs_lost_can(struct inject *inj, int cls, struct tracer_task *t, int fd);
/* Fail this fsync/fdatasync with EIO, its file's data since the last good
 * fsync dropped, the caller's other open files of it to fail next. */
int fs_lost_fail(struct fs_run *run, struct tracer_task *t, const struct syscall_stop *s);
/* 1 if this fsync is one such other open file's, failed with EIO. */
int fs_lost_lasting(struct fs_run *run, struct tracer_task *t, const struct syscall_stop *s);
/* class_hooks.run_reset: free the log. */
void fs_run_reset(void *state);

#endif
