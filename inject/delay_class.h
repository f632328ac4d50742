/* delay_class.h - the delay fault class: blocking waits interrupted by a
 * really delivered handled signal (EINTR), and waits with a timeout that
 * see nothing arrive in time (a slow peer) (internal to inject/; its rows
 * are in fault_table.c). */
#ifndef FZ_DELAY_CLASS_H
#define FZ_DELAY_CLASS_H

#include "inject/classes.h"

extern const struct class_hooks delay_class_hooks;

struct fault;
struct tracer_task;
/* delay_hold.c: "delay" (the kind) or "delay=N{ns,us,ms,s,m,h}", more
 * than 0, at most DELAY_HOLD_MAX_NS; its shortest exact form. */
#define DELAY_HOLD_MAX_NS (3600LL * 1000000000LL)
int delay_hold_parse(const char *s, struct fault *f);
char *delay_hold_format(const struct fault *f, char *buf, int len);
/* Hold t at this call's entry for f's time (2 s for the kind). */
int delay_hold(struct tracer_task *t, const struct fault *f);

#endif
