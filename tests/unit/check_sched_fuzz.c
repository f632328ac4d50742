/* check_sched_fuzz.c - unit tests of the fuzz loop's scheduler
 * (inject/sched_fuzz.c), its mutators, fault schedules, calibration,
 * feedback maps and saved state; run by check_sched.c's suite. */
#include "config.h"

#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "inject/feedback.h"
#include "inject/fuzz_calib.h"
#include "inject/fuzz_faults.h"
#include "inject/fuzz_pool.h"
#include "inject/mutate.h"
#include "inject/sched.h"
#include "util/util.h"

void check_sched_fuzz_tests(TCase *tc);

/* The deterministic stages: one change per step, in AFL's order, the same
 * every time; then havoc keeps within its room. */
START_TEST(mutate_det_and_havoc)
{
	const uint8_t in[3] = { 'F', 'Y', 4 };
	uint8_t out[MUTATE_MAX_LEN];
	const char *stage;
	long steps = 0;
	uint64_t rng = 1;

	ck_assert_int_eq(mutate_det(in, 3, 0, out, &stage), 1);
	ck_assert_str_eq(stage, "flip1");
	ck_assert_int_eq(out[0], 'F' ^ 0x80);
	ck_assert_int_eq(out[1], 'Y');
	/* flip2 at bit 14: 'Y' ^ 3 = 'Z' (the header fuzz.sh's target wants). */
	ck_assert_int_eq(mutate_det(in, 3, 24 + 14, out, &stage), 1);
	ck_assert_str_eq(stage, "flip2");
	ck_assert_int_eq(out[1], 'Z');
	while (mutate_det(in, 3, steps, out, &stage))
		steps++;
	ck_assert_str_eq(stage, "int16");	/* int32 needs 4 bytes */
	ck_assert_int_eq(steps, 24 + 23 + 21 + 3 + 2 + 0 + 3 * 32 + 3 * 9 + 2 * 20);
	ck_assert_int_eq(mutate_det(in, MUTATE_DET_MAX + 1, 0, out, &stage), 0);
	for (int i = 0; i < 1000; i++) {
		size_t len;

		memcpy(out, in, 3);
		len = mutate_havoc(out, 3, 64, NULL, &rng);
		ck_assert(len >= 1 && len <= 64);
	}
}
END_TEST

/* The dictionary's deterministic steps: over where it fits and differs,
 * then inserted at every place; havoc keeps within its room. */
START_TEST(mutate_extras_steps)
{
	struct mutate_token t[2] = { { 2, "ab" }, { 3, "xyz" } };
	struct mutate_dict d = { t, 2 };
	const uint8_t in[] = "abc";
	uint8_t out[3 + MUTATE_TOKEN_MAX], buf[64];
	const char *stage;
	long step = 0;
	int over = 0, ins = 0;
	uint64_t rng = 3;
	size_t len;

	/* "ab" at 0 changes nothing, "xyz" fits only at 0, "ab" at 1. */
	ck_assert_uint_eq(mutate_extras(in, 3, &d, &step, out, &stage), 3);
	ck_assert_str_eq(stage, "ext_UO");
	ck_assert(memcmp(out, "xyz", 3) == 0);
	while ((len = mutate_extras(in, 3, &d, &step, out, &stage)))
		*(strcmp(stage, "ext_UO") == 0 ? &over : &ins) += 1;
	ck_assert_int_eq(over, 1);	/* "ab" at 1 */
	ck_assert_int_eq(ins, 8);	/* 2 tokens x 4 places */
	ck_assert_uint_eq(mutate_extras(in, 3, NULL, &(long){ 0 }, out, &stage), 0);
	for (int i = 0; i < 1000; i++) {
		memcpy(buf, "0123456789", 10);
		len = mutate_havoc(buf, 10, sizeof(buf), &d, &rng);
		ck_assert(len >= 1 && len <= sizeof(buf));
	}
}
END_TEST

/* A schedule's havoc: never two faults at one planned call, never past
 * FUZZ_SCHED_MAX, a pair reachable from an empty one. */
START_TEST(fuzz_faults_changes)
{
	struct plan_fault pool[3], s[FUZZ_SCHED_MAX];
	int n = 0, most = 0;
	uint64_t rng = 11;

	memset(pool, 0, sizeof(pool));
	for (int i = 0; i < 3; i++) {
		snprintf(pool[i].call, sizeof(pool[i].call), "%s", i ? "write" : "read");
		snprintf(pool[i].site, sizeof(pool[i].site), "k%d", i);
		pool[i].occurrence = 1;
	}
	ck_assert_int_eq(fuzz_faults_havoc(s, &n, pool, 0, &rng), 0);
	ck_assert_int_eq(fuzz_faults_havoc(s, &n, pool, 3, &rng), 1);
	ck_assert_int_eq(n, 1);
	for (int i = 0; i < 1000; i++) {
		fuzz_faults_havoc(s, &n, pool, 3, &rng);
		ck_assert(n >= 0 && n <= 3);	/* 3 distinct calls in the pool */
		for (int a = 0; a < n; a++)
			for (int b = a + 1; b < n; b++)
				ck_assert_str_ne(s[a].site, s[b].site);
		most = n > most ? n : most;
	}
	ck_assert_int_ge(most, 2);
}
END_TEST

/* The calibration runs of the entry whose input is data: each the same
 * input and seed, each showing out's shape. */
static void calibrate(struct scheduler *f, const struct run_outcome *out, const char *data,
		      size_t len)
{
	struct run_request req;
	uint64_t seed = 0;

	for (int i = 0; i < FUZZ_CALIB_RUNS; i++) {
		ck_assert_int_eq(f->next(f, &req), SCHED_RUN);
		ck_assert_str_eq(req.stage, "calibration");
		ck_assert(req.input_len == len && memcmp(req.input, data, len) == 0);
		ck_assert(i == 0 || req.seed == seed);
		seed = req.seed;
		f->done(f, &req, out);
	}
}

static struct plan_fault pf(const char *call, const char *site, int occurrence)
{
	struct plan_fault p;

	memset(&p, 0, sizeof(p));
	snprintf(p.call, sizeof(p.call), "%s", call);
	snprintf(p.site, sizeof(p.site), "%s", site);
	p.fault.type = FT_ERRNO;
	p.fault.err = EIO;
	p.occurrence = occurrence;
	return p;
}

/* The pool grows by the error paths' new entries, each once, each with
 * its pair (the schedule that reached it, then it): none when the
 * schedule is full, though the pool still takes it. */
START_TEST(fuzz_pool_grows)
{
	struct plan_fault base = pf("read", "k0", 1), sched[FUZZ_SCHED_MAX], late[2];
	struct fuzz_pool p = { 0 };
	uint8_t buf[8];
	size_t len;
	int n, src;

	late[0] = pf("write", "k1", 1);
	late[1] = pf("write", "k1", 2);
	ck_assert_int_eq(fuzz_pool_init(&p, &base, 1), 0);
	ck_assert(!fuzz_pool_pair(&p, buf, sizeof(buf), &len, sched, &n, &src));
	ck_assert_int_eq(fuzz_pool_grow(&p, late, 2, &base, 1, (const uint8_t *)"PQ", 2, 3), 2);
	ck_assert_int_eq(fuzz_pool_grow(&p, late, 2, &base, 1, (const uint8_t *)"PQ", 2, 3), 0);
	ck_assert_int_eq(p.n, 3);
	ck_assert(fuzz_pool_pair(&p, buf, sizeof(buf), &len, sched, &n, &src));
	ck_assert(len == 2 && memcmp(buf, "PQ", 2) == 0 && src == 3 && n == 2);
	ck_assert_str_eq(sched[0].call, "read");
	ck_assert(strcmp(sched[1].call, "write") == 0 && sched[1].occurrence == 1);
	ck_assert(fuzz_pool_pair(&p, buf, sizeof(buf), &len, sched, &n, &src));
	ck_assert_int_eq(sched[1].occurrence, 2);
	ck_assert(!fuzz_pool_pair(&p, buf, sizeof(buf), &len, sched, &n, &src));
	for (int i = 0; i < FUZZ_SCHED_MAX; i++)
		sched[i] = pf("read", "k0", i + 1);
	late[0] = pf("write", "k2", 1);
	ck_assert_int_eq(fuzz_pool_grow(&p, late, 1, sched, FUZZ_SCHED_MAX, buf, 2, 0), 0);
	ck_assert_int_eq(p.n, 4);
	fuzz_pool_free(&p);
}
END_TEST

/* The growth as bytes and back (--resume): the entries found, not the
 * plan's; the pairs with the next to try (a tried one has no input); the
 * wants with the next. Bytes cut short or left over are refused. */
START_TEST(fuzz_pool_blob_roundtrip)
{
	struct plan_fault base = pf("read", "k0", 1), sched[FUZZ_SCHED_MAX], late[2];
	struct fuzz_pool p = { 0 }, q = { 0 };
	uint8_t buf[8], *blob;
	size_t len, blen;
	int n, src;

	late[0] = pf("write", "k1", 1);
	late[1] = pf("write", "k1", 2);
	ck_assert_int_eq(fuzz_pool_init(&p, &base, 1), 0);
	ck_assert_int_eq(fuzz_pool_grow(&p, late, 2, &base, 1, (const uint8_t *)"PQ", 2, 3), 2);
	ck_assert(fuzz_pool_pair(&p, buf, sizeof(buf), &len, sched, &n, &src));
	ck_assert_int_eq(fuzz_pool_want(&p, 4), 0);
	ck_assert_int_eq(fuzz_pool_want(&p, 5), 0);
	ck_assert_int_eq(fuzz_pool_wanted(&p), 4);
	blen = fuzz_pool_blob_len(&p);
	ck_assert_ptr_nonnull(blob = malloc(blen + 1));
	fuzz_pool_blob(&p, blob);
	ck_assert_int_eq(fuzz_pool_from_blob(&q, blob, blen - 1), -EINVAL);
	ck_assert_int_eq(fuzz_pool_from_blob(&q, blob, blen + 1), -EINVAL);
	ck_assert_int_eq(fuzz_pool_from_blob(&q, blob, blen), 0);
	ck_assert_int_eq(q.n, 2);	/* the plan's entry comes back with the plan */
	ck_assert_int_eq(fuzz_pool_init(&q, &base, 1), 0);
	ck_assert_int_eq(q.n, 3);
	ck_assert_str_eq(q.f[0].call, "read");
	ck_assert(strcmp(q.f[2].call, "write") == 0 && q.f[2].occurrence == 2);
	ck_assert_int_eq(q.npairs, 2);
	ck_assert(fuzz_pool_pair(&q, buf, sizeof(buf), &len, sched, &n, &src));
	ck_assert(len == 2 && memcmp(buf, "PQ", 2) == 0 && src == 3 && n == 2);
	ck_assert_int_eq(sched[1].occurrence, 2);
	ck_assert(!fuzz_pool_pair(&q, buf, sizeof(buf), &len, sched, &n, &src));
	ck_assert_int_eq(fuzz_pool_wanted(&q), 5);
	ck_assert_int_eq(fuzz_pool_wanted(&q), -1);
	free(blob);
	fuzz_pool_free(&p);
	fuzz_pool_free(&q);
}
END_TEST

/* In the loop: a run's error-path entries come back as pairs, run next
 * ("pair"), before havoc; sched_fuzz_pairs(false) leaves the pool as the
 * plan made it. */
START_TEST(fuzz_pairs_run_before_havoc)
{
	struct plan_fault late = pf("write", "k1", 1), first = pf("malloc", "k0", 1);
	uint8_t shape[INJECT_SHAPE_SIZE] = { 0 };
	struct fb_map map = { .name = "shape", .size = INJECT_SHAPE_SIZE, .dense = shape };
	struct run_outcome out = { 0 };
	struct run_request req;
	struct scheduler *f;

	for (int on = 1; on >= 0; on--) {
		ck_assert_int_eq(sched_fuzz_new(7, 0.0, &f), 0);
		ck_assert_int_eq(sched_fuzz_add(f, (const uint8_t *)"PQ", 2), 0);
		sched_fuzz_faults(f, FUZZ_MUTATE_FAULTS, NULL, NULL);
		sched_fuzz_pairs(f, on);
		ck_assert_int_eq(f->next(f, &req), SCHED_RUN);
		shape[1] = 1;
		out.maps = &map;
		out.nmaps = 1;
		f->done(f, &req, &out);
		calibrate(f, &out, "PQ", 2);
		ck_assert_int_eq(f->next(f, &req), SCHED_RUN);
		ck_assert_str_eq(req.stage, "faults");
		req.faults[0] = first;	/* as if it failed the malloc */
		req.nfaults = 1;
		out.late = &late;
		out.nlate = 1;
		f->done(f, &req, &out);
		out.late = NULL;
		out.nlate = 0;
		ck_assert_int_eq(f->next(f, &req), SCHED_RUN);
		ck_assert_str_eq(req.stage, on ? "pair" : "faults");
		if (on) {
			ck_assert(req.tag == 0 && req.input_len == 2 && req.nfaults == 2);
			ck_assert(strcmp(req.faults[0].call, "malloc") == 0 &&
				  strcmp(req.faults[1].call, "write") == 0);
			f->done(f, &req, &out);
			ck_assert_int_eq(f->next(f, &req), SCHED_RUN);
			ck_assert_str_eq(req.stage, "faults");	/* each pair once */
		}
		sched_free(f);
	}
}
END_TEST

/* A new input (here a seed after the first) gets one run recording its
 * sites from its start ("sites"), before the pairs and havoc; what it
 * finds comes back as pairs with its input. Not with the pool's growth
 * off, nor for the first seed (the clean run's input). */
START_TEST(fuzz_sites_run_per_new_input)
{
	struct plan_fault late = pf("malloc", "k1", 1);
	uint8_t shape[INJECT_SHAPE_SIZE] = { 0 };
	struct fb_map map = { .name = "shape", .size = INJECT_SHAPE_SIZE, .dense = shape };
	struct run_outcome out = { 0 };
	struct run_request req;
	struct scheduler *f;

	for (int on = 1; on >= 0; on--) {
		ck_assert_int_eq(sched_fuzz_new(7, 0.0, &f), 0);
		ck_assert_int_eq(sched_fuzz_add(f, (const uint8_t *)"XX", 2), 0);
		ck_assert_int_eq(sched_fuzz_add(f, (const uint8_t *)"PQ", 2), 0);
		sched_fuzz_faults(f, FUZZ_MUTATE_INPUT | FUZZ_MUTATE_FAULTS, NULL, NULL);
		sched_fuzz_pairs(f, on);
		shape[1] = 1;
		out.maps = &map;
		out.nmaps = 1;
		ck_assert_int_eq(f->next(f, &req), SCHED_RUN);
		ck_assert(!req.sites);
		f->done(f, &req, &out);
		calibrate(f, &out, "XX", 2);
		ck_assert_int_eq(f->next(f, &req), SCHED_RUN);
		ck_assert(memcmp(req.input, "PQ", 2) == 0);
		shape[2] = 1;
		f->done(f, &req, &out);
		calibrate(f, &out, "PQ", 2);
		ck_assert_int_eq(f->next(f, &req), SCHED_RUN);
		ck_assert_int_eq(req.sites, on);
		if (on) {
			ck_assert_str_eq(req.stage, "sites");
			ck_assert(req.tag == 1 && memcmp(req.input, "PQ", 2) == 0 && req.nfaults == 0);
			out.late = &late;
			out.nlate = 1;
			f->done(f, &req, &out);
			out.late = NULL;
			out.nlate = 0;
			ck_assert_int_eq(f->next(f, &req), SCHED_RUN);
			ck_assert_str_eq(req.stage, "pair");
			ck_assert(req.tag == 1 && req.nfaults == 1 && memcmp(req.input, "PQ", 2) == 0);
			ck_assert_str_eq(req.faults[0].call, "malloc");
			f->done(f, &req, &out);
			ck_assert_int_eq(f->next(f, &req), SCHED_RUN);
			ck_assert(!req.sites);	/* each input once */
		}
		ck_assert_str_ne(req.stage, "sites");
		ck_assert_str_ne(req.stage, "pair");
		sched_free(f);
	}
}
END_TEST

/* Calibration: a cell whose bucket differs between runs of the same
 * input is variable (stability below 100%), the runs go on to
 * FUZZ_CALIB_RUNS_VAR, and the cell never makes an input new again. */
START_TEST(fuzz_calibration_stability)
{
	struct scheduler *f;
	struct run_request req, seed_req;
	struct run_outcome out = { 0 };
	struct fuzz_stats st;
	uint8_t shape[INJECT_SHAPE_SIZE] = { 0 };
	int n = 0;

	ck_assert_int_eq(sched_fuzz_new(7, 0.0, &f), 0);
	ck_assert_int_eq(sched_fuzz_add(f, (const uint8_t *)"AB", 2), 0);
	ck_assert_int_eq(f->next(f, &seed_req), SCHED_RUN);
	shape[1] = shape[2] = shape[3] = shape[4] = 1;
	out.maps = &(struct fb_map){ .name = "shape", .size = INJECT_SHAPE_SIZE, .dense = shape };
	out.nmaps = 1;
	f->done(f, &seed_req, &out);
	/* Cell 4: 1 hit, then 2 (another bucket), in every run after. */
	shape[4] = 2;
	while (f->next(f, &req) == SCHED_RUN && strcmp(req.stage, "calibration") == 0) {
		ck_assert_int_eq(req.seed, seed_req.seed);
		f->done(f, &req, &out);
		n++;
	}
	ck_assert_int_eq(n, FUZZ_CALIB_RUNS_VAR);
	sched_fuzz_stats(f, &st);
	ck_assert_int_eq(st.var_cells, 1);
	ck_assert_int_eq(st.variable, 1);
	ck_assert_int_eq(st.cells, 4);
	ck_assert(fuzz_stability(st.var_cells, st.cells) == 75.0);
	/* req is a mutation: cell 4 at 100 hits is not new. */
	ck_assert_str_ne(req.stage, "calibration");
	shape[4] = 100;
	f->done(f, &req, &out);
	ck_assert_int_eq(sched_fuzz_nqueue(f), 1);
	/* A deterministic seed: 100%. */
	ck_assert(fuzz_stability(0, 4) == 100.0);
	ck_assert(fuzz_stability(0, 0) == 100.0);
	sched_free(f);
}
END_TEST

/* With AFL++'s edge map beside the shape, calibration measures both on
 * the same runs: an edge that varies while the shape does not makes the
 * entry variable, the runs go on to FUZZ_CALIB_RUNS_VAR, stability is the
 * edge map's (var_cells of stab_cells edges), and the edge never makes an
 * input new again. A sparse map (a -j worker's) is measured the same. The
 * state saved in the middle of it resumes to the same runs and numbers. */
START_TEST(fuzz_calibration_afl_map)
{
	for (int sparse = 0; sparse <= 1; sparse++) {
		struct scheduler *f, *g;
		struct run_request req, rg;
		struct run_outcome out = { 0 };
		struct fuzz_stats st, sg;
		struct fuzz_entry_info in;
		uint8_t shape[INJECT_SHAPE_SIZE] = { 0 }, afl[64] = { 0 };
		uint32_t cells[64];
		struct fb_map maps[2] = {
			{ .name = "shape", .size = INJECT_SHAPE_SIZE, .dense = shape },
			{ .name = "afl", .size = sizeof(afl) },
		};
		void *blob = NULL;
		size_t cap = 0, len;
		int n = 0;

		out.maps = maps;
		out.nmaps = 2;
		ck_assert_int_eq(sched_fuzz_new(7, 0.0, &f), 0);
		ck_assert_int_eq(sched_fuzz_add(f, (const uint8_t *)"AB", 2), 0);
		ck_assert_int_eq(f->next(f, &req), SCHED_RUN);
		shape[1] = 1;
		afl[3] = afl[5] = afl[9] = afl[11] = afl[40] = 1;
		if (sparse) {
			maps[1].sparse = cells;
			maps[1].nsparse = feedback_sparse(afl, sizeof(afl), cells, 64);
		} else {
			maps[1].dense = afl;
		}
		f->done(f, &req, &out);
		/* Edge 40: 1 hit, then 2, in every run after; the shape the same. */
		afl[40] = 2;
		if (sparse)
			maps[1].nsparse = feedback_sparse(afl, sizeof(afl), cells, 64);
		while (f->next(f, &req) == SCHED_RUN && strcmp(req.stage, "calibration") == 0) {
			if (n == 2) {	/* mid-way: saved, and put back into g */
				ck_assert_int_eq(sched_fuzz_save(f, &blob, &cap, &len), 0);
				ck_assert_int_eq(sched_fuzz_new(7, 0.0, &g), 0);
				ck_assert_int_eq(sched_fuzz_entry(f, 0, &in), 0);
				ck_assert_int_eq(sched_fuzz_add_entry(g, in.data, in.len, in.faults,
								      in.nfaults), 0);
				ck_assert_int_eq(sched_fuzz_load(g, blob, len), 0);
				ck_assert_int_eq(g->next(g, &rg), SCHED_RUN);
				/* The run the save cut off (handed out, not done)
				 * is given again. */
				ck_assert(rg.input_len == req.input_len && rg.seed == req.seed);
				req = rg;
				sched_free(f);
				f = g;
			}
			f->done(f, &req, &out);
			n++;
		}
		ck_assert_int_eq(n, FUZZ_CALIB_RUNS_VAR);
		sched_fuzz_stats(f, &st);
		ck_assert(st.stab_edges);
		ck_assert_int_eq(st.var_cells, 1);
		ck_assert_int_eq(st.stab_cells, 5);
		ck_assert_int_eq(st.variable, 1);
		ck_assert(fuzz_stability(st.var_cells, st.stab_cells) == 80.0);
		/* req is a mutation: edge 40 at 100 hits is not new. */
		ck_assert_str_ne(req.stage, "calibration");
		afl[40] = 100;
		if (sparse)
			maps[1].nsparse = feedback_sparse(afl, sizeof(afl), cells, 64);
		f->done(f, &req, &out);
		ck_assert_int_eq(sched_fuzz_nqueue(f), 1);
		sched_fuzz_stats(f, &sg);
		ck_assert_int_eq(sg.var_cells, 1);
		free(blob);
		sched_free(f);
	}
}
END_TEST

/* The fuzz stage: seeds first as they are, then mutations; an input whose
 * shape shows a new bucket is queued, one already seen is not. */
START_TEST(fuzz_keeps_new_shapes)
{
	struct scheduler *f;
	struct run_request req;
	struct run_outcome out = { 0 };
	struct fuzz_entry_info info;
	uint8_t shape[INJECT_SHAPE_SIZE] = { 0 };
	struct fb_map map = { .name = "shape", .size = INJECT_SHAPE_SIZE, .dense = shape };

	ck_assert_int_eq(sched_fuzz_new(7, 0.0, &f), 0);
	ck_assert_int_eq(f->next(f, &req), -ENODATA);
	ck_assert_int_eq(sched_fuzz_add(f, (const uint8_t *)"FY", 2), 0);
	ck_assert_int_eq(f->next(f, &req), SCHED_RUN);
	ck_assert_str_eq(req.stage, "seed");
	ck_assert_str_eq(req.mode, "fuzz");
	ck_assert(req.random && req.input_len == 2 && memcmp(req.input, "FY", 2) == 0);
	shape[1] = 1;
	out.maps = &map;
	out.nmaps = 1;
	f->done(f, &req, &out);
	ck_assert_int_eq(sched_fuzz_nqueue(f), 1);
	calibrate(f, &out, "FY", 2);
	ck_assert_int_eq(f->next(f, &req), SCHED_RUN);
	ck_assert_str_eq(req.stage, "flip1");
	f->done(f, &req, &out);	/* the seed's shape: nothing new */
	ck_assert_int_eq(sched_fuzz_nqueue(f), 1);
	ck_assert_int_eq(f->next(f, &req), SCHED_RUN);
	shape[1] = 2;	/* one more hit: a new bucket */
	f->done(f, &req, &out);
	ck_assert_int_eq(sched_fuzz_nqueue(f), 2);
	ck_assert_int_eq(sched_fuzz_entry(f, 1, &info), 0);
	ck_assert_int_eq(info.src, 0);
	ck_assert_str_eq(info.stage, "flip1");
	calibrate(f, &out, (const char *)info.data, info.len);
	ck_assert_int_eq(f->next(f, &req), SCHED_RUN);
	out.finding = true;	/* a crash is not fuzzed on */
	shape[2] = 1;
	f->done(f, &req, &out);
	ck_assert_int_eq(sched_fuzz_nqueue(f), 2);
	sched_free(f);
}
END_TEST

/* --resume: a scheduler given the same queue and the saved state makes
 * the runs the first would have made next (its cells seen included); a
 * state of another queue is refused. */
START_TEST(fuzz_save_and_load)
{
	struct scheduler *a, *b;
	struct run_request ra, rb;
	struct run_outcome out = { 0 };
	struct fuzz_entry_info in;
	uint8_t shape[INJECT_SHAPE_SIZE] = { 0 };
	void *blob = NULL;
	size_t cap = 0, len;

	ck_assert_int_eq(sched_fuzz_new(7, 0.0, &a), 0);
	ck_assert_int_eq(sched_fuzz_add(a, (const uint8_t *)"FY\004abcd", 7), 0);
	out.maps = &(struct fb_map){ .name = "shape", .size = INJECT_SHAPE_SIZE, .dense = shape };
	out.nmaps = 1;
	for (int i = 0; i < 300; i++) {
		ck_assert_int_eq(a->next(a, &ra), SCHED_RUN);
		shape[1] = ra.input_len > 0 && ra.input[0] == 'F' ? 1 : 2;	/* a second entry */
		a->done(a, &ra, &out);
	}
	ck_assert_int_eq(sched_fuzz_nqueue(a), 2);
	ck_assert_int_eq(sched_fuzz_save(a, &blob, &cap, &len), 0);
	ck_assert_int_eq(sched_fuzz_new(7, 0.0, &b), 0);
	ck_assert_int_eq(sched_fuzz_add(b, (const uint8_t *)"FY\004abcd", 7), 0);
	/* One entry: not the saved queue. */
	ck_assert_int_eq(sched_fuzz_load(b, blob, len), -EINVAL);
	ck_assert_int_eq(sched_fuzz_load(b, blob, len - 1), -EINVAL);
	ck_assert_int_eq(sched_fuzz_entry(a, 1, &in), 0);
	ck_assert_int_eq(sched_fuzz_add_entry(b, in.data, in.len, in.faults, in.nfaults), 0);
	ck_assert_int_eq(sched_fuzz_load(b, blob, len), 0);
	for (int i = 0; i < 500; i++) {
		ck_assert_int_eq(a->next(a, &ra), SCHED_RUN);
		ck_assert_int_eq(b->next(b, &rb), SCHED_RUN);
		ck_assert_str_eq(ra.stage, rb.stage);
		ck_assert(ra.seed == rb.seed && ra.tag == rb.tag);
		ck_assert(ra.input_len == rb.input_len && !memcmp(ra.input, rb.input, ra.input_len));
		shape[1] = ra.input_len > 0 && ra.input[0] == 'F' ? 1 : 2;
		shape[2] = ra.input_len > 3 ? 1 : 0;	/* new to both */
		a->done(a, &ra, &out);
		b->done(b, &rb, &out);
		ck_assert_int_eq(sched_fuzz_nqueue(a), sched_fuzz_nqueue(b));
	}
	free(blob);
	sched_free(a);
	sched_free(b);
}
END_TEST

/* --resume in the middle of a calibration (what a SIGINT can cut): the
 * same runs as the scheduler that was not stopped, the calibration run
 * under way made again first. */
START_TEST(fuzz_save_mid_calibration)
{
	struct scheduler *a, *b;
	struct run_request ra, rb;
	struct run_outcome out = { 0 };
	struct fuzz_entry_info in;
	uint8_t shape[INJECT_SHAPE_SIZE] = { 0 };
	void *blob = NULL;
	size_t cap = 0, len;
	int i;

	out.maps = &(struct fb_map){ .name = "shape", .size = INJECT_SHAPE_SIZE, .dense = shape };
	out.nmaps = 1;
	ck_assert_int_eq(sched_fuzz_new(7, 0.0, &a), 0);
	ck_assert_int_eq(sched_fuzz_add(a, (const uint8_t *)"FY\004abcd", 7), 0);
	/* The state as the campaign marks it, after each run taken in, until
	 * the next run is a kept entry's calibration run. */
	for (i = 0; i < 2000; i++) {
		ck_assert_int_eq(sched_fuzz_save(a, &blob, &cap, &len), 0);
		ck_assert_int_eq(a->next(a, &ra), SCHED_RUN);
		if (sched_fuzz_nqueue(a) > 1 && strcmp(ra.stage, "calibration") == 0)
			break;
		shape[1] = ra.input_len > 0 && ra.input[0] == 'F' ? 1 : 2;
		a->done(a, &ra, &out);
	}
	ck_assert_int_lt(i, 2000);
	ck_assert_int_eq(sched_fuzz_new(7, 0.0, &b), 0);
	for (int k = 0; k < sched_fuzz_nqueue(a); k++) {
		ck_assert_int_eq(sched_fuzz_entry(a, k, &in), 0);
		ck_assert_int_eq(sched_fuzz_add_entry(b, in.data, in.len, in.faults, in.nfaults), 0);
	}
	ck_assert_int_eq(sched_fuzz_load(b, blob, len), 0);
	ck_assert_int_eq(b->next(b, &rb), SCHED_RUN);
	ck_assert_str_eq(rb.stage, "calibration");
	ck_assert(ra.input_len == rb.input_len && !memcmp(ra.input, rb.input, ra.input_len));
	for (int k = 0; k < 300; k++) {
		shape[1] = ra.input_len > 0 && ra.input[0] == 'F' ? 1 : 2;
		a->done(a, &ra, &out);
		b->done(b, &rb, &out);
		ck_assert_int_eq(a->next(a, &ra), SCHED_RUN);
		ck_assert_int_eq(b->next(b, &rb), SCHED_RUN);
		ck_assert_str_eq(ra.stage, rb.stage);
		ck_assert(ra.seed == rb.seed && ra.tag == rb.tag);
		ck_assert(ra.input_len == rb.input_len && !memcmp(ra.input, rb.input, ra.input_len));
	}
	free(blob);
	sched_free(a);
	sched_free(b);
}
END_TEST

/* Feedback maps: dense and sparse judged alike (AFL's buckets, virgin
 * bits per map); a new bucket in one map of two is new; zero words
 * skipped without losing a tail cell; the stats count the AFL map. */
START_TEST(feedback_maps)
{
	static uint8_t dense[65541];
	uint32_t sparse[8], n, size;
	struct feedback *fb = feedback_new();
	struct fb_map m[2] = {
		{ .name = "shape", .size = sizeof(dense), .dense = dense },
		{ .name = "afl", .size = sizeof(dense), .sparse = sparse },
	};
	struct scheduler *f;
	struct run_request req;
	struct run_outcome out = { .maps = m, .nmaps = 2 };
	struct fuzz_stats st;

	ck_assert_ptr_nonnull(fb);
	dense[3] = 1;
	dense[65540] = 5;	/* past the last whole word */
	n = feedback_sparse(dense, sizeof(dense), sparse, 8);
	ck_assert_uint_eq(n, 2);
	ck_assert_uint_eq(sparse[0], 3u << 8 | 1);
	ck_assert_uint_eq(sparse[1], 65540u << 8 | 5);
	m[1].nsparse = n;
	ck_assert_int_eq(feedback_judge(fb, m, 2), 1);
	ck_assert_int_eq(feedback_judge(fb, m, 2), 0);
	dense[65540] = 6;	/* the same bucket, 4-7 */
	ck_assert_int_eq(feedback_judge(fb, m, 1), 0);
	sparse[1] = 65540u << 8 | 8;	/* 8-15: new in the afl map only */
	ck_assert_int_eq(feedback_judge(fb, m, 2), 1);
	ck_assert_uint_eq(feedback_cells(fb, "afl", &size), 2);
	ck_assert_uint_eq(size, sizeof(dense));
	ck_assert_uint_eq(feedback_cells(fb, "none", &size), 0);
	ck_assert_uint_eq(size, 0);
	feedback_free(fb);

	/* Through the scheduler: an entry kept for the afl map alone. */
	ck_assert_int_eq(sched_fuzz_new(7, 0.0, &f), 0);
	ck_assert_int_eq(sched_fuzz_add(f, (const uint8_t *)"FY", 2), 0);
	ck_assert_int_eq(f->next(f, &req), SCHED_RUN);
	f->done(f, &req, &out);	/* the seed */
	ck_assert_int_eq(f->next(f, &req), SCHED_RUN);
	sparse[2] = 9u << 8 | 1;
	m[1].nsparse = 3;
	f->done(f, &req, &out);
	ck_assert_int_eq(sched_fuzz_nqueue(f), 2);
	sched_fuzz_stats(f, &st);
	ck_assert_int_eq(st.edges, 3);
	ck_assert_int_eq(st.edges_max, (int)sizeof(dense));
	ck_assert_int_eq(st.cells_max, INJECT_SHAPE_SIZE);
	sched_free(f);
}
END_TEST

void check_sched_fuzz_tests(TCase *tc)
{
	tcase_add_test(tc, mutate_det_and_havoc);
	tcase_add_test(tc, fuzz_keeps_new_shapes);
	tcase_add_test(tc, fuzz_calibration_stability);
	tcase_add_test(tc, fuzz_calibration_afl_map);
	tcase_add_test(tc, fuzz_save_and_load);
	tcase_add_test(tc, fuzz_save_mid_calibration);
	tcase_add_test(tc, feedback_maps);
	tcase_add_test(tc, mutate_extras_steps);
	tcase_add_test(tc, fuzz_faults_changes);
	tcase_add_test(tc, fuzz_pool_grows);
	tcase_add_test(tc, fuzz_pool_blob_roundtrip);
	tcase_add_test(tc, fuzz_pairs_run_before_havoc);
	tcase_add_test(tc, fuzz_sites_run_per_new_input);
}
