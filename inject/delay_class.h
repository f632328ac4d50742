/* delay_class.h - the delay fault class: blocking waits interrupted by a
 * really delivered handled signal (EINTR), and waits with a timeout that
 * see nothing arrive in time (a slow peer) (internal to inject/; its rows
 * are in fault_table.c). */
#ifndef FZ_DELAY_CLASS_H
#define FZ_DELAY_CLASS_H

#include "inject/classes.h"

extern const struct class_hooks delay_class_hooks;

#endif
