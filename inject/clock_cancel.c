/* clock_cancel.c - TFD_TIMER_CANCEL_ON_SET under a step. A timerfd armed
 * with TFD_TIMER_ABSTIME | TFD_TIMER_CANCEL_ON_SET on CLOCK_REALTIME (or
 * _ALARM) is cancelled by the kernel when REALTIME moves against
 * MONOTONIC (clock_settime, settimeofday, an NTP step, a resume from
 * suspend): it becomes readable, waking pollers and blocked readers, and
 * its next read fails with ECANCELED (docs/kernel-facts.md#tfd-cancel).
 * No kernel interface does that to one process tree, so a step that moves
 * REALTIME against MONOTONIC (a REALTIME step, a BOOTTIME suspend; not a
 * MONOTONIC stall, which moves both) does it in two halves:
 *  - the readiness through the kernel: every such timer of the tree is
 *    copied with pidfd_getfd and given a tick with TFD_IOC_SET_TICKS,
 *    which wakes readers, poll and epoll as the kernel's own cancel does
 *    and leaves the timer's expiry as it was;
 *  - the result: the copy stays here, pending, and the next read or readv
 *    of that open file (kcmp) by any process of the tree has its result
 *    replaced at the exit by -ECANCELED, which clears the pending cancel
 *    as the kernel's read does. Reads of such timers stop for their exit
 *    from their entry on, so a thread already blocked in one is seen; a
 *    read made after the step writes its tick count to a scratch buffer,
 *    not the program's (one asleep at the step, or a readv, leaves it in
 *    the program's buffer under the -1: nothing a program reads after a
 *    failed read). */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/kcmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <sys/timerfd.h>
#include <sys/user.h>
#include <time.h>
#include <unistd.h>

#include "inject/clock_class.h"
#include "util/util.h"

#ifndef TFD_TIMER_CANCEL_ON_SET
#define TFD_TIMER_CANCEL_ON_SET (1 << 1)
#endif
#ifndef TFD_IOC_SET_TICKS
#define TFD_IOC_SET_TICKS _IOW('T', 0, uint64_t)
#endif
#ifndef CLOCK_REALTIME_ALARM
#define CLOCK_REALTIME_ALARM 8
#endif

/* Is pid's fd a timer the kernel would cancel at a REALTIME step? Its
 * ticks in *ticks. From /proc/PID/fdinfo/FD: "clockid:", "ticks:",
 * "settime flags:" (in octal) of the last timerfd_settime. */
static bool cancel_timer(pid_t pid, int fd, uint64_t *ticks)
{
	char path[64], buf[512];
	const char *c, *k, *f;
	unsigned long flags;
	ssize_t n;
	int clk, o;

	snprintf(path, sizeof(path), "/proc/%d/fd/%d", (int)pid, fd);
	n = readlink(path, buf, sizeof(buf) - 1);
	if (n <= 0)
		return false;
	buf[n] = 0;
	if (strcmp(buf, "anon_inode:[timerfd]") != 0)
		return false;
	snprintf(path, sizeof(path), "/proc/%d/fdinfo/%d", (int)pid, fd);
	if ((o = open(path, O_RDONLY | O_CLOEXEC)) < 0)
		return false;
	n = read(o, buf, sizeof(buf) - 1);
	close(o);
	if (n <= 0)
		return false;
	buf[n] = 0;
	if (!(c = strstr(buf, "clockid:")) || !(k = strstr(buf, "ticks:")) ||
	    !(f = strstr(buf, "settime flags:")))
		return false;
	clk = (int)strtol(c + 8, NULL, 10);
	flags = strtoul(f + 14, NULL, 8);
	*ticks = strtoull(k + 6, NULL, 10);
	return (clk == CLOCK_REALTIME || clk == CLOCK_REALTIME_ALARM) &&
	       (flags & TFD_TIMER_ABSTIME) && (flags & TFD_TIMER_CANCEL_ON_SET);
}

/* Is our copy dup the open file behind pid's fd? */
static bool same_file(int dup, pid_t pid, int fd)
{
	return syscall(SYS_kcmp, getpid(), pid, KCMP_FILE, dup, fd) == 0;
}

static void cancel_in(struct clock_cancel *cc, pid_t pid)
{
	struct dirent *de;
	char p[64];
	DIR *dir;
	int pfd;

	snprintf(p, sizeof(p), "/proc/%d/fd", (int)pid);
	if (!(dir = opendir(p)))
		return;
	if ((pfd = (int)syscall(SYS_pidfd_open, pid, 0)) < 0) {
		closedir(dir);
		return;
	}
	while ((de = readdir(dir)) && cc->n < (int)ARRAY_SIZE(cc->dup)) {
		int fd = atoi(de->d_name), dup;
		uint64_t ticks;
		bool seen = false;

		if (de->d_name[0] < '0' || de->d_name[0] > '9' || !cancel_timer(pid, fd, &ticks))
			continue;
		for (int i = 0; i < cc->n && !seen; i++)
			seen = same_file(cc->dup[i], pid, fd);
		if (seen || (dup = (int)syscall(SYS_pidfd_getfd, pfd, fd, 0)) < 0)
			continue;
		/* The kernel's cancel: ticks + 1 and a wake-up. ECANCELED: a
		 * real step cancelled it already, its read fails anyway. */
		ticks++;
		if (ioctl(dup, TFD_IOC_SET_TICKS, &ticks) < 0 && errno != ECANCELED) {
			close(dup);
			continue;
		}
		cc->dup[cc->n++] = dup;
	}
	close(pfd);
	closedir(dir);
}

static void cancel_each(pid_t pid, void *cc)
{
	cancel_in(cc, pid);
}

void clock_cancel_step(struct clock_cancel *cc, struct tracer_task *t)
{
	/* In the jail (a pid namespace of its own, every process of it
	 * traced) every process's timers; outside it the stepping one's. */
	proc_each_jailmate(tracer_task_pid(t), cancel_each, cc);
}

static bool is_read(const struct syscall_stop *s)
{
	return strcmp(s->ent->name, "read") == 0 || strcmp(s->ent->name, "readv") == 0;
}

int clock_cancel_on_read(struct clock_cancel *cc, struct tracer_task *t,
			 const struct syscall_stop *s)
{
	int fd = (int)(int32_t)s->args[0], r;
	struct user_regs_struct regs;
	uint64_t ticks;

	if (!is_read(s) || !cancel_timer(tracer_task_pid(t), fd, &ticks))
		return 0;
	if ((r = tracer_want_exit(t)) < 0)
		return r;
	/* Cancelled already: the kernel's read would write no ticks. Let
	 * this one write them below the red zone (the register is put back
	 * at the exit); a read that was asleep at the step, or a readv,
	 * leaves the count in the program's buffer under its ECANCELED. */
	for (int i = 0; i < cc->n; i++)
		if (strcmp(s->ent->name, "read") == 0 && s->args[2] >= 8 &&
		    same_file(cc->dup[i], tracer_task_pid(t), fd)) {
			if ((r = tracer_getregs(t, &regs)) < 0)
				return r;
			return tracer_set_arg(t, 1, (regs.rsp - 128 - 16) & ~15ULL);
		}
	return 0;
}

int clock_cancel_on_exit(struct clock_cancel *cc, struct tracer_task *t,
			 const struct syscall_stop *s, int64_t ret)
{
	struct user_regs_struct regs;
	int fd = (int)(int32_t)s->args[0], r;

	if (!is_read(s) || !cc->n)
		return 0;
	/* What the kernel's read of a cancelled timer turns into ECANCELED:
	 * its ticks, EAGAIN (non-blocking, none), an interrupted wait. A
	 * short buffer (EINVAL) or EFAULT fail before it looks. */
	if (ret != 8 && ret != -EAGAIN && ret != -EINTR && !(ret <= -512 && ret >= -516))
		return 0;
	for (int i = 0; i < cc->n; i++) {
		if (!same_file(cc->dup[i], tracer_task_pid(t), fd))
			continue;
		close(cc->dup[i]);
		cc->dup[i] = cc->dup[--cc->n];
		if ((r = tracer_getregs(t, &regs)) < 0)
			return r;
		regs.rax = (uint64_t)-ECANCELED;
		return tracer_setregs(t, &regs);
	}
	return 0;
}

void clock_cancel_reset(struct clock_cancel *cc)
{
	for (int i = 0; i < cc->n; i++)
		close(cc->dup[i]);
	cc->n = 0;
}
