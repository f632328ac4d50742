/* proc_class.h - the proc fault class: new tasks (clone, clone3, fork,
 * vfork), new images (execve) and new descriptors (pipe, dup, fcntl
 * F_DUPFD) fail as the kernel fails them when a limit is reached or its
 * memory is short (internal to inject/; its rows are in fault_table.c). */
#ifndef FZ_PROC_CLASS_H
#define FZ_PROC_CLASS_H

#include "inject/classes.h"

extern const struct class_hooks proc_class_hooks;

#endif
