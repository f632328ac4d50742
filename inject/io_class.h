/* io_class.h - the io fault class: the read/write family fails the way the
 * kernel fails it for the file at hand (internal to inject/; its row is in
 * classes.c, its preconditions in io_table.c). */
#ifndef FZ_IO_CLASS_H
#define FZ_IO_CLASS_H

#include "inject/classes.h"

extern const struct class_hooks io_class_hooks;

#endif
