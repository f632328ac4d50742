/* clock_asleep - test target: threads already asleep on absolute
 * deadlines 3 s ahead when the clock is read at step_here (where
 * fzsandbox steps), 300 ms after they went to sleep:
 * pthread_cond_timedwait and sem_timedwait (REALTIME futex waits),
 * clock_nanosleep(CLOCK_REALTIME, TIMER_ABSTIME), and
 * clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME). Prints how long each
 * slept by CLOCK_MONOTONIC_RAW, in ms: about 3000 without a step; a real
 * step of REALTIME by D moves the REALTIME ones to 3000 - D; a jump of
 * every clock by D (a stall) ends all four at 3000 as this clock, which
 * jumped too, sees it, after 3000 - D ms of real time. */
#pragma GCC optimize("O0")
#include <pthread.h>
#include <semaphore.h>
#include <stdio.h>
#include <time.h>
#include <unistd.h>

static struct timespec wall, mono;
static pthread_mutex_t m = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t c = PTHREAD_COND_INITIALIZER;
static sem_t s;
static long long t0, slept[4];

static long long raw_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC_RAW, &ts);
	return ts.tv_sec * 1000LL + ts.tv_nsec / 1000000;
}

static void *condvar(void *arg)
{
	pthread_mutex_lock(&m);
	while (pthread_cond_timedwait(&c, &m, &wall) == 0)
		;
	pthread_mutex_unlock(&m);
	slept[0] = raw_ms() - t0;
	return arg;
}

static void *semaphore(void *arg)
{
	while (sem_timedwait(&s, &wall) == 0)
		;
	slept[1] = raw_ms() - t0;
	return arg;
}

static void *nanosleep_real(void *arg)
{
	while (clock_nanosleep(CLOCK_REALTIME, TIMER_ABSTIME, &wall, NULL))
		;
	slept[2] = raw_ms() - t0;
	return arg;
}

static void *nanosleep_mono(void *arg)
{
	while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &mono, NULL))
		;
	slept[3] = raw_ms() - t0;
	return arg;
}

static __attribute__((noinline, noclone)) time_t step_here(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return ts.tv_sec;
}

int main(void)
{
	static const struct {
		const char *name;
		void *(*fn)(void *);
	} waits[] = {
		{ "condvar", condvar }, { "semaphore", semaphore },
		{ "clock_nanosleep_realtime", nanosleep_real },
		{ "clock_nanosleep_monotonic", nanosleep_mono },
	};
	pthread_t th[4];

	sem_init(&s, 0, 0);
	clock_gettime(CLOCK_REALTIME, &wall);
	clock_gettime(CLOCK_MONOTONIC, &mono);
	wall.tv_sec += 3;
	mono.tv_sec += 3;
	t0 = raw_ms();
	for (int i = 0; i < 4; i++)
		if (pthread_create(&th[i], NULL, waits[i].fn, NULL))
			return 2;
	usleep(300000);	/* every waiter is asleep by now */
	step_here();
	for (int i = 0; i < 4; i++) {
		pthread_join(th[i], NULL);
		printf("%s %lld\n", waits[i].name, slept[i]);
	}
	return 0;
}
