/* fuzz_calib.h - the fuzz loop's calibration (sched_fuzz.c), as AFL++'s
 * calibrate_case: a new queue entry (and each seed) runs a few more times
 * with the same input, fault schedule and random seed; a feedback cell
 * whose count bucket differs between those runs is variable. Variable
 * cells are marked seen in every bucket (AFL++ clears their virgin bits),
 * so they never make a later input "new"; stability is the share of the
 * cells seen that are not variable. Everything works on a map of n cells
 * (the shape today; any map of AFL-bucketed counts). */
#ifndef FZ_FUZZ_CALIB_H
#define FZ_FUZZ_CALIB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Runs after the entry's own: AFL_CAL_FAST's count (AFL++ 4.x runs 7 by
 * default): each of ours is a traced process in a jail, tens of times
 * the cost of a fork server's exec. Once a cell varies, up to
 * FUZZ_CALIB_RUNS_VAR in all (AFL_CAL_FAST's CAL_CYCLES), to find the
 * other cells that vary with it. */
#define FUZZ_CALIB_RUNS 3
#define FUZZ_CALIB_RUNS_VAR 7

/* AFL's count classes of a hit count: 0, 1, 2, 3, 4-7, 8-15, 16-31,
 * 32-127, 128+ as 0 and the bits 1 to 128. */
uint8_t fuzz_bucket(uint8_t n);

/* The bits of a run's map never seen before into virgin (bits seen per
 * cell); true when there was one. */
bool fuzz_cells_new(const uint8_t *map, uint8_t *virgin, size_t n);

/* One entry's calibration: its first run's map, the runs left to hand out
 * and those out. NULL: out of memory. */
struct fuzz_calib;
struct fuzz_calib *fuzz_calib_new(const uint8_t *map, size_t n);
/* Count a run handed out; false when none is left to give (yet). */
bool fuzz_calib_take(struct fuzz_calib *c);
/* A calibration run's map (NULL: it crashed, hung or did not start, and
 * the calibration stops there, as AFL++'s does): each cell whose bucket
 * differs from the first run's marked in var (1) and seen in virgin
 * (0xff). Returns the cells newly variable. */
int fuzz_calib_done(struct fuzz_calib *c, const uint8_t *map, uint8_t *var, uint8_t *virgin);
/* A second map measured on the runs another calibration hands out
 * (AFL++'s edge map beside the shape): fuzz_calib_done's test without its
 * run bookkeeping (map NULL: nothing said). Returns the cells newly
 * variable. A map that varies gets the runs of a varied one:
 * fuzz_calib_extend on the calibration that gives them. */
int fuzz_calib_compare(struct fuzz_calib *c, const uint8_t *map, uint8_t *var, uint8_t *virgin);
void fuzz_calib_extend(struct fuzz_calib *c);
/* Every run given and done. */
bool fuzz_calib_over(const struct fuzz_calib *c);
/* Did any run differ from the first (the entry is "variable")? */
bool fuzz_calib_varied(const struct fuzz_calib *c);
void fuzz_calib_free(struct fuzz_calib *c);
/* A calibration under way as bytes, for --resume: fuzz_calib_blob_len(n)
 * bytes for a map of n cells, written by fuzz_calib_blob (runs handed out and not done count
 * as left to give: the run a SIGINT cut off is made again), read back by
 * fuzz_calib_from_blob for a map of n cells (NULL: not such a blob, or
 * out of memory). */
size_t fuzz_calib_blob_len(size_t n);
void fuzz_calib_blob(const struct fuzz_calib *c, uint8_t *out);
struct fuzz_calib *fuzz_calib_from_blob(const uint8_t *in, size_t len, size_t n);

/* AFL++'s stability: 100 * (1 - variable cells / cells seen), 100 when
 * none was seen. */
double fuzz_stability(int var_cells, int cells_seen);

#endif
