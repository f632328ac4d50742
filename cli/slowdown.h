/* slowdown.h - --slowdown=FACTOR: a faulted run that exits 0 but burns
 * FACTOR times the clean run's CPU time or makes FACTOR times its traced
 * calls (a retry storm, a busy loop on EAGAIN) is a finding (cli/ only). */
#ifndef FZ_SLOWDOWN_H
#define FZ_SLOWDOWN_H

#include <stdbool.h>
#include <stdint.h>

#include "reporters/report.h"
#include "tracer/tracer.h"

/* Clean runs made to learn the spread, after the recording run. */
#define SLOWDOWN_REPEATS 3

/* The clean runs' measures: the baseline a faulted run is judged by. */
struct slowdown {
	double factor;		/* 0: off */
	int nsamples;
	int64_t cpu_min, cpu_max, wall_min, wall_max;	/* microseconds */
	/* The recording run's seccomp stops per syscall: it traces every
	 * call a planned run may trace (calls_set: taken). */
	uint32_t calls[SYSCALL_MAX];
	bool calls_set;
};

void slowdown_init(struct slowdown *s, double factor);
/* A run without faults: one more sample (record: the recording run,
 * whose call counts are kept). */
void slowdown_sample(struct slowdown *s, const struct run_result *res, bool record,
		     int64_t cpu_us, int64_t wall_us);
/* A faulted run that exited 0 and is no other finding: is it a
 * slowdown? 1 and f's kind, detail and slowdown fields, 0 if not (or no
 * baseline yet). run_set: the syscalls the run traced. */
int slowdown_judge(const struct slowdown *s, const struct run_result *res,
		   const uint8_t run_set[SYSCALL_MAX / 8], int64_t cpu_us, int64_t wall_us,
		   struct run_finding *f);

#endif
