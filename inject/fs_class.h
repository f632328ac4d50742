/* fs_class.h - the fs fault class: the open family (open, openat,
 * openat2, creat) fails as the kernel fails it on a permission check, at
 * the descriptor limits, or on a full device when it creates a file;
 * close reports a failed write-back with the descriptor released
 * (internal to inject/; its rows are in fault_table.c). */
#ifndef FZ_FS_CLASS_H
#define FZ_FS_CLASS_H

#include <stdbool.h>
#include <stdint.h>

#include "inject/classes.h"
#include "inject/inject_int.h"

extern const struct class_hooks fs_class_hooks;

/* Per run: the closes let run to be failed at their exit, by task. */
struct fs_close_pend {
	pid_t tid;	/* 0: free */
	int err;
};
struct fs_run {
	struct fs_close_pend pend[64];
};

/* fs_name.c: an open's flags (creat: O_CREAT | O_WRONLY | O_TRUNC;
 * openat2: its open_how's), -errno if they cannot be read. */
int fs_open_flags(struct tracer_task *t, const struct syscall_stop *s, uint64_t *flags);
/* Does the open's path name a file that does not exist, in a directory
 * that does, as the tracee sees it? false when not known. */
bool fs_new_name(struct tracer_task *t, const struct syscall_stop *s);

/* fs_close.c: is close's descriptor open on a regular file? */
bool fs_close_on_file(struct tracer_task *t, const struct syscall_stop *s);
/* Fail close with err at its exit, the descriptor released (-errno if it
 * cannot be arranged). */
int fs_close_fail(struct fs_run *run, struct tracer_task *t, int err);
int fs_close_on_exit(struct inject *inj, int cls, struct tracer_task *t,
		     const struct syscall_stop *s, int64_t ret);

#endif
