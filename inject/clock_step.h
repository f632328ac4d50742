/* clock_step.h - clock steps as faults (internal to inject/): the
 * "step=[+-]DUR[@clock=NAME]" fault, and which clocks a step moves. */
#ifndef FZ_CLOCK_STEP_H
#define FZ_CLOCK_STEP_H

#include <stdint.h>

#include "inject/inject.h"

/* The clock a step is made on (struct fault.err). */
enum step_clock {
	STEP_REALTIME,	/* settimeofday/clock_settime or NTP: either way */
	STEP_MONOTONIC,	/* the whole tree stopped that long: forward only */
	STEP_BOOTTIME,	/* a suspend that long: forward only */
	STEP_N
};

/* "step" (the kind, count 0) or "step=[+|-]N{ns,us,ms,s,m,h,d}" with an
 * optional "@clock=realtime|monotonic|boottime". MONOTONIC and BOOTTIME
 * never go back: a negative step on them is -EINVAL. */
int clock_step_parse(const char *s, struct fault *f);
/* The shortest exact form: "step=-1h", "step=+90s@clock=monotonic". */
char *clock_step_format(const struct fault *f, char *buf, int len);

/* The shifts in effect, per base clock, in ns. */
struct clock_shift {
	int64_t ns[STEP_N];
};
/* Apply step f: a REALTIME step moves REALTIME; a BOOTTIME jump also
 * REALTIME (the time read back from the RTC at resume); a MONOTONIC jump
 * every clock (nothing ran meanwhile, but time went on). */
void clock_shift_add(struct clock_shift *sh, const struct fault *f);
/* The shift a clock id reads with (0 for CPU-time and unknown clocks);
 * *base the enum step_clock it follows, -1 none. */
int64_t clock_shift_of(const struct clock_shift *sh, int clockid, int *base);
/* The clock ids a step can move, as a mask of bits 0-63. */
uint64_t clock_step_ids(void);

#endif
