/* fuzz_pool.h - the fault pool of the fuzz loop's schedule dimension
 * (sched_fuzz.c), grown as the loop goes. It starts as the systematic
 * plan of the clean run's sites; a fuzz run whose schedule injected a
 * fault reports the sites its error path reached that the clean run did
 * not (inject_run_late), and each new (site, occurrence, fault) joins the
 * pool with a *pair* to try once: the run's input and schedule plus a
 * fault there (a second fault inside the error path of the first, at a
 * site first reached after it). Pairs run in the order found, each once,
 * before the loop goes back to havoc ("pair" stage); havoc draws from the
 * grown pool. Pure data: no run is made here. */
#ifndef FZ_FUZZ_POOL_H
#define FZ_FUZZ_POOL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "inject/fuzz_faults.h"

/* Bounds: a program whose error paths keep reaching new calls does not
 * grow the loop's memory without end (past them nothing more is added). */
#define FUZZ_POOL_MAX 8192
#define FUZZ_PAIRS_MAX 1024

struct fuzz_pair {
	uint8_t *data;
	size_t len;
	int src;		/* the queue entry of the run that reached the site */
	struct plan_fault sched[FUZZ_SCHED_MAX];
	int nsched;
};

struct fuzz_pool {
	struct plan_fault *f;	/* the plan's entries, then the ones found */
	int n, cap, nbase;
	struct fuzz_pair *pairs;
	int npairs, cap_pairs, next_pair;
	int *want;		/* queue entries wanting a sites run */
	int nwant, cap_want, next_want;
};

/* Start from the plan's n entries (copied), before any entry found so
 * far (a zeroed pool is an empty one). 0 or -ENOMEM. */
int fuzz_pool_init(struct fuzz_pool *p, const struct plan_fault *plan, int n);
/* A run of input data[0..len), from queue entry src, with schedule
 * sched[0..nsched) reached these late[0..nlate) entries in its error
 * path: those not in the pool join it, each with its pair (none when the
 * schedule is full). The number of pairs added. */
int fuzz_pool_grow(struct fuzz_pool *p, const struct plan_fault *late, int nlate,
		   const struct plan_fault *sched, int nsched, const uint8_t *data, size_t len,
		   int src);
/* The next pair not tried yet, consumed: its input into buf (at most cap
 * bytes), its schedule into sched, its source entry; false: none. */
bool fuzz_pool_pair(struct fuzz_pool *p, uint8_t *buf, size_t cap, size_t *len,
		    struct plan_fault *sched, int *nsched, int *src);
/* An input not run with the sites recorded yet (a seed after the first,
 * an input a mutation made): queue entry i wants one run recording, from
 * its start, the sites the clean run did not reach (AFL++-like: a call
 * first reached on another input); what it finds grows the pool as an
 * error path does, its pairs the entry's schedule plus a fault. Each
 * entry once, in the order asked. 0 or -ENOMEM. */
int fuzz_pool_want(struct fuzz_pool *p, int i);
/* The next entry wanting its sites run (consumed), or -1. */
int fuzz_pool_wanted(struct fuzz_pool *p);
void fuzz_pool_free(struct fuzz_pool *p);
/* What grew, as bytes and back (--resume: sched_fuzz_state.c): the
 * entries found (not the plan's: the resumed campaign's clean run makes
 * those again), the pairs with the next to try, the entries wanting a
 * sites run with the next. from_blob fills an empty pool (before
 * fuzz_pool_init), 0 or -EINVAL for bytes that do not add up. */
size_t fuzz_pool_blob_len(const struct fuzz_pool *p);
void fuzz_pool_blob(const struct fuzz_pool *p, uint8_t *out);
int fuzz_pool_from_blob(struct fuzz_pool *p, const uint8_t *in, size_t len);

#endif
