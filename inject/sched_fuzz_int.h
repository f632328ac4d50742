/* sched_fuzz_int.h - the fuzz scheduler's state, shared by inject/'s
 * sched_fuzz.c (the loop) and sched_fuzz_state.c (--resume's blob) only. */
#ifndef FZ_SCHED_FUZZ_INT_H
#define FZ_SCHED_FUZZ_INT_H

#include <stdbool.h>
#include <stdint.h>

#include "inject/feedback.h"
#include "inject/fuzz_calib.h"
#include "inject/fuzz_faults.h"
#include "inject/fuzz_pool.h"
#include "inject/mutate.h"
#include "inject/sched.h"

struct entry {
	uint8_t *data;
	size_t len;
	int src;
	const char *stage;
	long run;
	long det_step;		/* the next deterministic step; -1: done */
	long ext_step;		/* the next dictionary step (mutate_extras); -1: done */
	struct plan_fault sched[FUZZ_SCHED_MAX];	/* its fault schedule */
	int nsched;
	uint64_t seed;		/* its run's random seed, for its calibration */
	struct fuzz_calib *cal;	/* being calibrated, else NULL */
	struct fuzz_calib *cal_afl;	/* the same runs' AFL++ edge map (NULL: none) */
	bool calibrated;	/* calibration begun (and maybe over) */
	bool variable;		/* a calibration run differed */
	bool fuzzed;		/* its mutations ran once (AFL++'s fuzz_level) */
};

struct fuzz_sched {
	struct scheduler s;
	uint64_t seed, rng;
	double faults_p;
	struct entry *q;
	int n, cap;
	int seeds_given;	/* seeds run as they are, in order */
	int cur;		/* the entry being fuzzed */
	int havoc_left;
	long custom_left;	/* the entry's custom runs left; -1: not counted yet */
	struct fuzz_custom custom;	/* --custom-mutator (fuzz NULL: none) */
	long cycles;
	long given;
	struct feedback *fb;	/* bucket bits seen per cell, per map */
	uint8_t var[INJECT_SHAPE_SIZE];	/* 1: a variable shape cell (fuzz_calib.h) */
	int var_cells, variable;	/* variable cells, entries */
	/* The same of AFL++'s edge map, when runs bring one (afl_size 0:
	 * none yet), and a buffer for a -j worker's sparse map made dense. */
	uint8_t *var_afl, *afl_buf;
	uint32_t afl_size;
	int var_cells_afl;
	int cal_from;		/* entries before it are calibrated */
	uint8_t shape_buf[INJECT_SHAPE_SIZE];	/* a sparse shape made dense */
	struct mutate_token *tok;	/* --dict's tokens, shortest first */
	struct mutate_dict dict;
	uint8_t buf[MUTATE_MAX_LEN + MUTATE_TOKEN_MAX];
	int src;		/* the entry the input in buf came from */
	const char *stage;
	/* The fault schedule as a dimension (sched_fuzz_faults): the
	 * systematic plan of the clean run's sites is the pool, built at the
	 * first mutation; each seed runs with each of its entries first. */
	unsigned mutate;	/* FUZZ_MUTATE_* */
	struct inject *inj;
	char *const *exclude;
	struct plan_fault *pool;
	int npool;
	bool pool_built;
	long sys_next;		/* the next (seed, pool entry) of the systematic part */
	struct fuzz_pool grown;	/* the pool grown from error paths (fuzz_pool.h) */
	bool pairs;		/* grow it (on unless sched_fuzz_pairs said no) */
	struct plan_fault sched[FUZZ_SCHED_MAX];	/* the next run's */
	int nsched;
	/* Snapshot mode's start-up plan (the caller's, read when due; NULL:
	 * none) and the next of its sites to run (sched_fuzz_startup). */
	struct plan_fault *const *startup;
	const int *nstartup;
	int startup_next;
};

/* The stage of a calibration run (fuzz_calib.h): done() knows it by this
 * address. */
extern const char STAGE_CALIB[];

/* sched_fuzz_calib.c: the next calibration run into buf (false: none
 * now); the run's shape, dense; the seed a seed run ran (-1: none);
 * entry i's calibration begun from its run (out NULL: none for it); a
 * calibration run done; an entry's calibrations dropped. */
bool sfz_calib_next(struct fuzz_sched *f, size_t *len);
const uint8_t *sfz_shape_of(struct fuzz_sched *f, const struct run_outcome *out);
int sfz_seed_entry(const struct fuzz_sched *f, const struct run_request *req);
void sfz_calib_begin(struct fuzz_sched *f, int i, const struct run_request *req,
		     const struct run_outcome *out);
void sfz_calib_done(struct fuzz_sched *f, const struct run_request *req,
		    const struct run_outcome *out);
void sfz_calib_free(struct entry *e);

#endif
