/* clock_timedwait - test target: timed waits on absolute deadlines taken
 * from CLOCK_REALTIME (pthread_cond_timedwait: futex with
 * FUTEX_CLOCK_REALTIME; sem_timedwait; clock_nanosleep TIMER_ABSTIME; a
 * timerfd and a POSIX timer armed with an absolute expiry).
 * Each waits 1 s; the time it really took is measured on
 * CLOCK_MONOTONIC_RAW. Exit 0 when each took between 0.9 s and 2 s: after
 * a clock step fzsandbox made at deadline_in's read, the kernel must
 * still be handed deadlines 1 s away. */
#pragma GCC optimize("O0")
#include <errno.h>
#include <pthread.h>
#include <semaphore.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/timerfd.h>
#include <time.h>
#include <unistd.h>

static __attribute__((noinline, noclone)) struct timespec deadline_in(long sec)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	ts.tv_sec += sec;
	return ts;
}

static long long raw_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC_RAW, &ts);
	return ts.tv_sec * 1000LL + ts.tv_nsec / 1000000;
}

static int check(const char *what, long long t0, int r)
{
	long long ms = raw_ms() - t0;

	printf("%s: %lld ms (%d)\n", what, ms, r);
	return ms >= 900 && ms <= 2000 ? 0 : 1;
}

int main(void)
{
	pthread_mutex_t m = PTHREAD_MUTEX_INITIALIZER;
	pthread_cond_t c = PTHREAD_COND_INITIALIZER;
	struct timespec abs;
	long long t0;
	struct itimerspec its = { { 0, 0 }, { 0, 0 } };
	struct sigevent se = { 0 };
	int bad = 0, r, tfd;
	uint64_t ticks;
	sigset_t set;
	timer_t tm;
	sem_t s;

	abs = deadline_in(1);
	t0 = raw_ms();
	pthread_mutex_lock(&m);
	r = pthread_cond_timedwait(&c, &m, &abs);
	pthread_mutex_unlock(&m);
	bad |= check("pthread_cond_timedwait", t0, r);

	sem_init(&s, 0, 0);
	abs = deadline_in(1);
	t0 = raw_ms();
	r = sem_timedwait(&s, &abs) < 0 ? errno : 0;
	bad |= check("sem_timedwait", t0, r);

	abs = deadline_in(1);
	t0 = raw_ms();
	r = clock_nanosleep(CLOCK_REALTIME, TIMER_ABSTIME, &abs, NULL);
	bad |= check("clock_nanosleep", t0, r);

	tfd = timerfd_create(CLOCK_REALTIME, 0);
	its.it_value = deadline_in(1);
	t0 = raw_ms();
	r = timerfd_settime(tfd, TFD_TIMER_ABSTIME, &its, NULL);
	if (r == 0)
		r = read(tfd, &ticks, sizeof(ticks)) == (ssize_t)sizeof(ticks) ? 0 : errno;
	bad |= check("timerfd", t0, r);

	sigemptyset(&set);
	sigaddset(&set, SIGUSR1);
	sigprocmask(SIG_BLOCK, &set, NULL);
	se.sigev_notify = SIGEV_SIGNAL;
	se.sigev_signo = SIGUSR1;
	r = timer_create(CLOCK_REALTIME, &se, &tm);
	its.it_value = deadline_in(1);
	t0 = raw_ms();
	if (r == 0)
		r = timer_settime(tm, TIMER_ABSTIME, &its, NULL);
	if (r == 0)
		r = sigwaitinfo(&set, NULL) == SIGUSR1 ? 0 : errno;
	bad |= check("timer_settime", t0, r);
	return bad;
}
