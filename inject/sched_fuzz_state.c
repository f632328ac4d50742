/* sched_fuzz_state.c - the fuzz loop's state as a blob and back
 * (sched_fuzz_save, sched_fuzz_load: --resume, cli/fuzz_resume.c). */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "inject/sched_fuzz_int.h"

/* sched_fuzz_save's blob: the loop's scalars and cells seen, then each
 * entry's progress, the calibrations under way (the shape's, then the
 * edge map's), the AFL map's bits seen, its variable cells, and the fault
 * pool's growth (fuzz_pool_blob). Its layout changes with the struct's fields: a blob
 * of another layout (version, size) is refused, never misread. */
#define BLOB_MAGIC 0x667a7371u	/* "fzsq" */
#define BLOB_VERSION 6u
struct blob_head {
	uint32_t magic, version, head_size, entry_size;
	uint64_t rng;
	int64_t given, cycles, sys_next, custom_left;
	int32_t n, cur, havoc_left, seeds_given;
	int32_t var_cells, variable, cal_from;
	uint32_t afl_size;	/* the AFL map's bits seen follow the calibrations */
	uint32_t var_afl_size;	/* then its variable cells (0: none) */
	uint32_t pool_len;	/* then the pool's growth */
	int32_t var_cells_afl, startup_next;
	uint8_t virgin[INJECT_SHAPE_SIZE];	/* the shape's */
	uint8_t var[INJECT_SHAPE_SIZE];
};
struct blob_entry {
	int64_t run, det_step, ext_step;
	uint64_t len, seed;
	int32_t src;
	uint8_t calibrated, variable, fuzzed, pad;
	/* A calibration under way (fuzz_calib_blob): its bytes follow the
	 * entries, in their order; 0: none. */
	uint32_t cal_len, cal_afl_len;
};

int sched_fuzz_save(const struct scheduler *s, void **buf, size_t *cap, size_t *len)
{
	const struct fuzz_sched *f = (const struct fuzz_sched *)s;
	uint32_t afl_size = 0;
	const uint8_t *afl = feedback_bits(f->fb, "afl", &afl_size);
	const uint8_t *shape = feedback_bits(f->fb, "shape", &(uint32_t){ 0 });
	size_t entries = sizeof(struct blob_head) + (size_t)f->n * sizeof(struct blob_entry);
	size_t need, at;
	struct blob_head *h;
	struct blob_entry *e;

	uint32_t var_afl_size = f->var_afl ? f->afl_size : 0;

	for (int i = 0; i < f->n; i++) {
		if (f->q[i].cal)
			entries += fuzz_calib_blob_len(INJECT_SHAPE_SIZE);
		if (f->q[i].cal && f->q[i].cal_afl)
			entries += fuzz_calib_blob_len(f->afl_size);
	}
	need = entries + afl_size + var_afl_size + fuzz_pool_blob_len(&f->grown);

	if (need > *cap) {
		void *p = realloc(*buf, need);

		if (!p)
			return -ENOMEM;
		*buf = p;
		*cap = need;
	}
	h = *buf;
	*h = (struct blob_head){
		.magic = BLOB_MAGIC, .version = BLOB_VERSION, .head_size = sizeof(*h),
		.entry_size = sizeof(*e), .rng = f->rng, .given = f->given, .cycles = f->cycles,
		.sys_next = f->sys_next, .custom_left = f->custom_left, .n = f->n, .cur = f->cur,
		.havoc_left = f->havoc_left, .seeds_given = f->seeds_given,
		.var_cells = f->var_cells, .variable = f->variable, .cal_from = f->cal_from,
		.afl_size = afl_size, .var_afl_size = var_afl_size,
		.var_cells_afl = f->var_cells_afl, .startup_next = f->startup_next,
		.pool_len = (uint32_t)fuzz_pool_blob_len(&f->grown),
	};
	if (shape)
		memcpy(h->virgin, shape, sizeof(h->virgin));
	else
		memset(h->virgin, 0, sizeof(h->virgin));
	if (afl_size)
		memcpy((uint8_t *)*buf + entries, afl, afl_size);
	if (var_afl_size)
		memcpy((uint8_t *)*buf + entries + afl_size, f->var_afl, var_afl_size);
	fuzz_pool_blob(&f->grown, (uint8_t *)*buf + entries + afl_size + var_afl_size);
	memcpy(h->var, f->var, sizeof(h->var));
	e = (struct blob_entry *)(h + 1);
	at = sizeof(*h) + (size_t)f->n * sizeof(*e);
	for (int i = 0; i < f->n; i++) {
		const struct fuzz_calib *c = f->q[i].cal, *ca = c ? f->q[i].cal_afl : NULL;

		e[i] = (struct blob_entry){ .run = f->q[i].run, .det_step = f->q[i].det_step,
					    .ext_step = f->q[i].ext_step, .len = f->q[i].len,
					    .seed = f->q[i].seed, .src = f->q[i].src,
					    .calibrated = f->q[i].calibrated, .variable = f->q[i].variable,
					    .fuzzed = f->q[i].fuzzed,
					    .cal_len = c ? (uint32_t)fuzz_calib_blob_len(INJECT_SHAPE_SIZE) : 0,
					    .cal_afl_len = ca ? (uint32_t)fuzz_calib_blob_len(f->afl_size) : 0 };
		if (c) {
			fuzz_calib_blob(c, (uint8_t *)*buf + at);
			at += e[i].cal_len;
		}
		if (ca) {
			fuzz_calib_blob(ca, (uint8_t *)*buf + at);
			at += e[i].cal_afl_len;
		}
	}
	*len = need;
	return 0;
}

int sched_fuzz_load(struct scheduler *s, const void *blob, size_t len)
{
	struct fuzz_sched *f = (struct fuzz_sched *)s;
	const uint8_t *e = (const uint8_t *)blob + sizeof(struct blob_head);
	size_t entries = sizeof(struct blob_head) + (size_t)f->n * sizeof(struct blob_entry), at;
	struct blob_head h;
	struct blob_entry be;
	uint8_t *bits;

	if (len < sizeof(h))
		return -EINVAL;
	memcpy(&h, blob, sizeof(h));
	if (h.magic != BLOB_MAGIC || h.version != BLOB_VERSION || h.head_size != sizeof(h) ||
	    h.entry_size != sizeof(be) || h.n != f->n || len < entries || h.cur < 0 ||
	    (f->n && h.cur >= f->n) || h.seeds_given < 0 || h.seeds_given > f->n)
		return -EINVAL;
	at = entries;
	/* Copied out: the blob need not be aligned (it follows a header). */
	for (int i = 0; i < f->n; i++) {
		memcpy(&be, e + i * sizeof(be), sizeof(be));
		if (be.len != f->q[i].len || be.src >= f->n ||
		    (be.cal_len && be.cal_len != fuzz_calib_blob_len(INJECT_SHAPE_SIZE)) ||
		    (be.cal_afl_len && (!be.cal_len || !h.var_afl_size ||
					be.cal_afl_len != fuzz_calib_blob_len(h.var_afl_size))))
			return -EINVAL;
		entries += be.cal_len + be.cal_afl_len;
	}
	if (len != entries + h.afl_size + h.var_afl_size + h.pool_len ||
	    fuzz_pool_from_blob(&f->grown,
				(const uint8_t *)blob + entries + h.afl_size + h.var_afl_size,
				h.pool_len) < 0)
		return -EINVAL;
	if (h.var_afl_size) {
		free(f->var_afl);
		free(f->afl_buf);
		f->var_afl = malloc(h.var_afl_size);
		f->afl_buf = malloc(h.var_afl_size);
		if (!f->var_afl || !f->afl_buf)
			return -ENOMEM;
		memcpy(f->var_afl, (const uint8_t *)blob + entries + h.afl_size, h.var_afl_size);
		f->afl_size = h.var_afl_size;
		f->var_cells_afl = h.var_cells_afl;
	}
	f->rng = h.rng;
	f->given = h.given;
	f->cycles = h.cycles;
	f->sys_next = h.sys_next;
	f->custom_left = h.custom_left;
	f->cur = h.cur;
	f->havoc_left = h.havoc_left;
	f->seeds_given = h.seeds_given;
	f->startup_next = h.startup_next < 0 ? 0 : h.startup_next;
	if (!(bits = feedback_virgin(f->fb, "shape", INJECT_SHAPE_SIZE)))
		return -ENOMEM;
	memcpy(bits, h.virgin, INJECT_SHAPE_SIZE);
	feedback_recount(f->fb, "shape");
	if (h.afl_size) {
		if (!(bits = feedback_virgin(f->fb, "afl", h.afl_size)))
			return -ENOMEM;
		memcpy(bits, (const uint8_t *)blob + entries, h.afl_size);
		feedback_recount(f->fb, "afl");
	}
	memcpy(f->var, h.var, sizeof(f->var));
	f->var_cells = h.var_cells;
	f->variable = h.variable;
	f->cal_from = h.cal_from < 0 ? 0 : h.cal_from > f->n ? f->n : h.cal_from;
	for (int i = 0; i < f->n; i++) {
		memcpy(&be, e + i * sizeof(be), sizeof(be));
		sfz_calib_free(&f->q[i]);
		if (be.cal_len) {
			f->q[i].cal = fuzz_calib_from_blob((const uint8_t *)blob + at, be.cal_len,
							   INJECT_SHAPE_SIZE);
			if (!f->q[i].cal)
				return -EINVAL;
			at += be.cal_len;
		}
		if (be.cal_afl_len) {
			f->q[i].cal_afl = fuzz_calib_from_blob((const uint8_t *)blob + at,
							       be.cal_afl_len, h.var_afl_size);
			if (!f->q[i].cal_afl)
				return -EINVAL;
			at += be.cal_afl_len;
		}
		f->q[i].seed = be.seed;
		f->q[i].calibrated = be.calibrated;
		f->q[i].variable = be.variable;
		f->q[i].fuzzed = be.fuzzed;
		f->q[i].src = be.src;
		f->q[i].run = be.run;
		f->q[i].det_step = be.det_step;
		f->q[i].ext_step = be.ext_step;
	}
	return 0;
}

