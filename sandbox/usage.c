/* usage.c - the target tree's CPU time and peak RSS, as the jail's init
 * sees them. Every process of a run ends reaped by the init (its own
 * child, or an orphan reparented to it), and a process reaped by its
 * parent first adds its time and peak to that parent's children's usage,
 * which the parent adds to the init's when it is reaped: the init's
 * RUSAGE_CHILDREN is the whole tree's, without counting anything twice
 * (docs/kernel-facts.md). Under a parked snapshot template the init lives
 * as long as the campaign, so it writes its totals after each reap into a
 * page shared with fzsandbox (MAP_SHARED: every init of the sandbox, one
 * after another, adds to the same counters). */
#include "config.h"

#include <errno.h>
#include <sys/mman.h>
#include <sys/resource.h>

#include "sandbox/sandbox_int.h"

struct sandbox_usage_page {
	uint64_t cpu_us, maxrss_kb;
};

int sandbox_usage_map(struct sandbox *sb)
{
	void *p = mmap(NULL, sizeof(struct sandbox_usage_page), PROT_READ | PROT_WRITE,
		       MAP_SHARED | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED)
		return -errno;
	sb->usage = p;
	return 0;
}

void sandbox_usage_unmap(struct sandbox *sb)
{
	if (sb->usage)
		munmap(sb->usage, sizeof(*sb->usage));
	sb->usage = NULL;
}

/* The init, after each reap: what its children added since the last. No
 * malloc, no lock: a raw clone of fzsandbox. */
void sandbox_usage_note(const struct sandbox *sb, uint64_t *last_us)
{
	struct sandbox_usage_page *u = sb->usage;
	struct rusage ru;
	uint64_t cpu, peak;

	if (!u || getrusage(RUSAGE_CHILDREN, &ru) < 0)
		return;
	cpu = (uint64_t)(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) * 1000000 +
	      (uint64_t)(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec);
	if (cpu > *last_us)
		__atomic_add_fetch(&u->cpu_us, cpu - *last_us, __ATOMIC_RELAXED);
	*last_us = cpu;
	peak = __atomic_load_n(&u->maxrss_kb, __ATOMIC_RELAXED);
	while ((uint64_t)ru.ru_maxrss > peak &&
	       !__atomic_compare_exchange_n(&u->maxrss_kb, &peak, (uint64_t)ru.ru_maxrss, false,
					    __ATOMIC_RELAXED, __ATOMIC_RELAXED))
		;
}

void sandbox_usage(const struct sandbox *sb, struct sandbox_usage *out)
{
	const struct sandbox_usage_page *u = sb->usage;

	out->cpu_us = u ? __atomic_load_n(&u->cpu_us, __ATOMIC_RELAXED) : 0;
	out->maxrss_kb = u ? __atomic_load_n(&u->maxrss_kb, __ATOMIC_RELAXED) : 0;
}
