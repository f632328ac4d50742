/* feedback.h - the fuzz loop's feedback maps: what a run showed of the
 * program's behaviour, judged as AFL judges its edge map. A run brings
 * one or more maps, each a name and hit counts per cell ("shape": the
 * syscall shape, inject/shape.c; "afl": AFL++'s shared-memory edge map
 * of an afl-cc build); a source added later (breakpoint coverage of an
 * unmodified binary) is one more name. A run is new behaviour when any
 * map has a cell whose count falls in an AFL bucket (1, 2, 3, 4-7,
 * 8-15, 16-31, 32-127, 128+) no earlier run showed in that cell of that
 * map (AFL's classify_counts and virgin bits). Library code: -errno. */
#ifndef FZ_INJECT_FEEDBACK_H
#define FZ_INJECT_FEEDBACK_H

#include <stdbool.h>
#include <stdint.h>

#define FB_MAX_MAPS 4

/* One run's map: dense (size counts) or sparse (nsparse cells, each
 * index << 8 | count, count nonzero; the form a -j worker sends). */
struct fb_map {
	const char *name;	/* static storage */
	uint32_t size;		/* cells */
	const uint8_t *dense;	/* NULL: sparse */
	const uint32_t *sparse;
	uint32_t nsparse;
};

/* The most cells a sparse map may hold (index in 24 bits). */
#define FB_MAX_CELLS (1u << 24)

struct feedback;
struct feedback *feedback_new(void);	/* NULL: out of memory */
void feedback_free(struct feedback *fb);
/* Take a run's maps in: 1 when one of them shows a bucket no run showed
 * in its cell (now marked seen), 0 when not, -errno. */
int feedback_judge(struct feedback *fb, const struct fb_map *maps, int n);
/* Cells of the map named name any run showed, and its size (0 when no
 * run brought it). */
uint32_t feedback_cells(const struct feedback *fb, const char *name, uint32_t *size);
/* The buckets seen per cell of the map named name (size cells), made
 * when no run brought it yet: what calibration marks variable and
 * --resume puts back (NULL: out of memory, or it has another size).
 * feedback_recount after changing them. feedback_bits: NULL when no run
 * brought it, else its bits and *size. */
uint8_t *feedback_virgin(struct feedback *fb, const char *name, uint32_t size);
void feedback_recount(struct feedback *fb, const char *name);
const uint8_t *feedback_bits(const struct feedback *fb, const char *name, uint32_t *size);
/* The nonzero cells of a dense map into out (at most cap, index << 8 |
 * count), skipping zero words as AFL does: how many. */
uint32_t feedback_sparse(const uint8_t *map, uint32_t size, uint32_t *out, uint32_t cap);

#endif
