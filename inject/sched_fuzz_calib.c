/* sched_fuzz_calib.c - the fuzz loop's calibration of new queue entries
 * (fuzz_calib.h): which feedback cells vary when nothing else does, on
 * the syscall shape and, when the runs bring it, on AFL++'s edge map, as
 * AFL++ measures its own. The shape's calibration hands out the runs;
 * the edge map's is measured on the same runs, and a varying edge makes
 * them as many as a varying shape cell does. Stability is the edge map's
 * when there is one (sched_fuzz_stats). */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "inject/sched_fuzz_int.h"

const char STAGE_CALIB[] = "calibration";

bool sfz_calib_next(struct fuzz_sched *f, size_t *len)
{
	while (f->cal_from < f->n && f->q[f->cal_from].calibrated && !f->q[f->cal_from].cal)
		f->cal_from++;
	for (int i = f->cal_from; i < f->n; i++) {
		struct entry *e = &f->q[i];

		if (!e->cal || !fuzz_calib_take(e->cal))
			continue;
		memcpy(f->buf, e->data, e->len);
		*len = e->len;
		memcpy(f->sched, e->sched, sizeof(f->sched));
		f->nsched = e->nsched;
		f->src = i;
		f->stage = STAGE_CALIB;
		return true;
	}
	return false;
}

/* The run's map called name, dense (a -j worker's comes sparse, made
 * dense in buf of size cells); NULL when the run brought none of that
 * size. */
static const uint8_t *map_of(const struct run_outcome *out, const char *name, uint32_t size,
			     uint8_t *buf)
{
	for (int i = 0; out && buf && i < out->nmaps; i++) {
		const struct fb_map *m = &out->maps[i];

		if (strcmp(m->name, name) != 0 || m->size != size)
			continue;
		if (m->dense)
			return m->dense;
		memset(buf, 0, size);
		for (uint32_t k = 0; k < m->nsparse; k++)
			if ((m->sparse[k] >> 8) < size)
				buf[m->sparse[k] >> 8] = m->sparse[k] & 0xff;
		return buf;
	}
	return NULL;
}

const uint8_t *sfz_shape_of(struct fuzz_sched *f, const struct run_outcome *out)
{
	return map_of(out, "shape", INJECT_SHAPE_SIZE, f->shape_buf);
}

/* The edge map's size in this run (0: none), its variable cells and
 * dense buffer made for it the first time (the size never changes: one
 * program, one map). */
static uint32_t afl_size(struct fuzz_sched *f, const struct run_outcome *out)
{
	for (int i = 0; out && i < out->nmaps; i++) {
		const struct fb_map *m = &out->maps[i];

		if (strcmp(m->name, "afl") != 0 || !m->size)
			continue;
		if (f->afl_size && f->afl_size != m->size)
			return 0;
		if (!f->afl_size) {
			uint8_t *var = calloc(m->size, 1), *buf = malloc(m->size);

			if (!var || !buf) {
				free(var);
				free(buf);
				return 0;
			}
			f->var_afl = var;
			f->afl_buf = buf;
			f->afl_size = m->size;
		}
		return m->size;
	}
	return 0;
}

int sfz_seed_entry(const struct fuzz_sched *f, const struct run_request *req)
{
	for (int i = 0; i < f->n && f->q[i].src < 0; i++)
		if (!f->q[i].calibrated && f->q[i].len == req->input_len &&
		    memcmp(f->q[i].data, req->input, req->input_len) == 0)
			return i;
	return -1;
}

void sfz_calib_begin(struct fuzz_sched *f, int i, const struct run_request *req,
		     const struct run_outcome *out)
{
	const uint8_t *shape = sfz_shape_of(f, out), *afl;
	uint32_t n = afl_size(f, out);

	if (i < 0 || f->q[i].calibrated)
		return;
	f->q[i].calibrated = true;
	f->q[i].seed = req->seed;
	if (!shape)	/* none, or out of memory: skipped */
		return;
	f->q[i].cal = fuzz_calib_new(shape, INJECT_SHAPE_SIZE);
	if (f->q[i].cal && n && (afl = map_of(out, "afl", n, f->afl_buf)))
		f->q[i].cal_afl = fuzz_calib_new(afl, n);
}

void sfz_calib_free(struct entry *e)
{
	fuzz_calib_free(e->cal);
	fuzz_calib_free(e->cal_afl);
	e->cal = e->cal_afl = NULL;
}

void sfz_calib_done(struct fuzz_sched *f, const struct run_request *req,
		    const struct run_outcome *out)
{
	struct entry *e = req->tag >= 0 && req->tag < f->n ? &f->q[req->tag] : NULL;
	const uint8_t *shape = sfz_shape_of(f, out);
	bool ok = shape && out->faults >= 0 && !out->finding && !out->hang;
	uint8_t *virgin = feedback_virgin(f->fb, "shape", INJECT_SHAPE_SIZE), *vafl;

	if (!e || !e->cal)
		return;
	if (!virgin) {	/* out of memory: the calibration ends here */
		sfz_calib_free(e);
		return;
	}
	f->var_cells += fuzz_calib_done(e->cal, ok ? shape : NULL, f->var, virgin);
	feedback_recount(f->fb, "shape");
	if (e->cal_afl && (vafl = feedback_virgin(f->fb, "afl", f->afl_size))) {
		const uint8_t *afl = ok && afl_size(f, out) == f->afl_size ?
				     map_of(out, "afl", f->afl_size, f->afl_buf) : NULL;

		f->var_cells_afl += fuzz_calib_compare(e->cal_afl, afl, f->var_afl, vafl);
		feedback_recount(f->fb, "afl");
		if (fuzz_calib_varied(e->cal_afl))
			fuzz_calib_extend(e->cal);
	}
	if (!fuzz_calib_over(e->cal))
		return;
	if (fuzz_calib_varied(e->cal) || (e->cal_afl && fuzz_calib_varied(e->cal_afl))) {
		e->variable = true;
		f->variable++;
	}
	sfz_calib_free(e);
}
