/* crash_drop.h - --crash-drop (cli/crash.c's): what a power cut would
 * leave of the work directory, as a page cache that loses every write
 * since the file's last fsync (docs/oracles.md#crash-drop). */
#ifndef FZ_CRASH_DROP_H
#define FZ_CRASH_DROP_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

struct crash_drop;

/* copy: the run's work copy; orig: the directory it is a copy of (what
 * a file held before the run). NULL on no memory. */
struct crash_drop *crash_drop_new(const char *copy, const char *orig);
void crash_drop_free(struct crash_drop *d);
/* A run starts: the copy's files, as they came from orig. */
void crash_drop_begin(struct crash_drop *d);
/* At the exit stop of a durability point on fd of pid: a write dirties
 * its file (unless the fd is O_SYNC/O_DSYNC); a truncate to len (metadata:
 * kept) cuts its durable contents there; an fsync or fdatasync makes
 * what it holds now its durable contents. */
enum drop_call { DROP_WRITE, DROP_TRUNCATE, DROP_SYNC };
void crash_drop_note(struct crash_drop *d, pid_t pid, int fd, enum drop_call call, long long len);
/* msync(addr, MS_SYNC) by pid: a shared mapping of a file of the copy
 * makes what the file holds now its durable contents (the whole file:
 * the range is not modelled, which can hide a loss, never make one). */
void crash_drop_msync(struct crash_drop *d, pid_t pid, unsigned long addr);
/* After the kill, no task left: every dirty file back to its durable
 * contents (its last fsync's, else what it held before the run, else
 * empty). what[] lists the files rolled back ("" none). 0 or -errno. */
int crash_drop_apply(struct crash_drop *d, char *what, size_t len);

/* crash_names.c: the names of the copy's directories. A run starts:
 * each directory's names are durable. */
void crash_names_begin(struct crash_drop *d);
/* At the exit of a successful fsync or fdatasync of fd of pid: if it is a
 * directory of the copy, its names now are durable. */
void crash_names_dir_sync(struct crash_drop *d, pid_t pid, int fd);
/* sync (fd < 0) or syncfs(fd): every name and file of the copy (on fd's
 * file system) is durable as it is now. */
void crash_names_sync_all(struct crash_drop *d, pid_t pid, int fd);
/* After crash_drop_apply: a name not durable is undone when its file's
 * data is durable (else kept, its data dropped), a durable name gone is
 * made again; what[] (crash_drop_apply's list) gets them. 0 or -errno. */
int crash_names_apply(struct crash_drop *d, char *what, size_t len);

#endif
