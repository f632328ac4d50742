/* clock_tsc.c - rdtsc and rdtscp under the clock class. A program may time
 * intervals with the TSC itself (__rdtsc(), Go's cputicks), which no
 * syscall filter sees. So at each image's entry point (after the loader,
 * which executes rdtsc itself for its start-up statistics) the task is
 * made to fault on them: a remote prctl(PR_SET_TSC, PR_TSC_SIGSEGV),
 * which forks and execs inherit (docs/kernel-facts.md#tsc-trap). Each
 * rdtsc then stops with a SIGSEGV (si_code SI_KERNEL) at the instruction;
 * it is emulated: the tracer reads its own TSC (an invariant TSC is one
 * counter for every CPU), adds the MONOTONIC jump of the run converted to
 * TSC ticks (a REALTIME step does not move the TSC; a stall of the whole
 * tree does), writes edx:eax (and ecx, the tracer's TSC_AUX, for rdtscp)
 * and steps over it; the program never sees the signal. (Not yet: the
 * report does not say that the target read the TSC.) */
#include "config.h"

#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/user.h>
#include <time.h>
#include <x86intrin.h>

#include "inject/clock_class.h"
#include "tracer/services.h"

#ifndef SI_KERNEL
#define SI_KERNEL 0x80
#endif

int clock_tsc_arm(struct tracer_task *t)
{
	uint64_t a[6] = { PR_SET_TSC, PR_TSC_SIGSEGV };
	int64_t ret;

	/* Best effort: where it cannot be set (no TSC control on this CPU or
	 * kernel: EINVAL) rdtsc runs free, as without the class. The task
	 * gone meanwhile (-ESRCH) is the event loop's to see. */
	(void)tracer_remote_syscall(t, SYS_prctl, a, &ret);
	return 0;
}

static uint64_t raw_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC_RAW, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

/* A (MONOTONIC_RAW ns, TSC) pair read as close together as this process
 * manages: of a few tries, the one with the least time around the TSC
 * read, so a preemption between the two reads (a loaded machine) does
 * not skew the rate. */
static void tsc_pair(uint64_t *ns, uint64_t *tsc)
{
	uint64_t best = UINT64_MAX;

	for (int i = 0; i < 16; i++) {
		uint64_t a = raw_ns(), c = __rdtsc(), b = raw_ns();

		if (b - a < best) {
			best = b - a;
			*ns = a + (b - a) / 2;
			*tsc = c;
		}
	}
}

/* TSC ticks per second, measured once against MONOTONIC_RAW over 20 ms
 * (a busy wait, only when a jump must be converted). */
static double tsc_hz(void)
{
	static double hz;
	uint64_t t0, n0, t1, n1;

	if (hz > 0)
		return hz;
	tsc_pair(&n0, &t0);
	while (raw_ns() - n0 < 20000000ULL)
		;
	tsc_pair(&n1, &t1);
	hz = (double)(t1 - t0) * 1e9 / (double)(n1 - n0);
	return hz;
}

int clock_tsc_on_signal(struct clock_run *run, struct tracer_task *t, int sig,
			const siginfo_t *si)
{
	struct user_regs_struct regs;
	unsigned char insn[3];
	unsigned aux;
	uint64_t tsc;
	int len, r;

	if (!run || sig != SIGSEGV || si->si_code != SI_KERNEL)
		return 0;
	if ((r = tracer_getregs(t, &regs)) < 0 ||
	    tracer_read_mem(t, regs.rip, insn, sizeof(insn)) < 0)
		return r < 0 ? r : 0;
	if (insn[0] == 0x0f && insn[1] == 0x31)
		len = 2;	/* rdtsc */
	else if (insn[0] == 0x0f && insn[1] == 0x01 && insn[2] == 0xf9)
		len = 3;	/* rdtscp */
	else
		return 0;	/* a real general protection fault */
	tsc = __rdtscp(&aux);
	if (run->shift.ns[STEP_MONOTONIC])
		tsc += (uint64_t)((double)run->shift.ns[STEP_MONOTONIC] * tsc_hz() / 1e9);
	regs.rax = (uint32_t)tsc;
	regs.rdx = tsc >> 32;
	if (len == 3)
		regs.rcx = aux;
	regs.rip += len;
	if ((r = tracer_setregs(t, &regs)) < 0)
		return r;
	return 1;
}
