/* fuzz_calib.c - calibration of the fuzz loop's queue entries (see
 * fuzz_calib.h): which feedback cells vary when nothing else does. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "inject/fuzz_calib.h"

struct fuzz_calib {
	size_t n;
	int give;		/* runs left to hand out */
	int out;		/* handed out, not done yet */
	int total;		/* runs planned in all */
	bool varied;
	uint8_t ref[];		/* the first run's map, bucketed */
};

uint8_t fuzz_bucket(uint8_t n)
{
	static const uint8_t lim[] = { 1, 2, 3, 7, 15, 31, 127, 255 };

	if (!n)
		return 0;
	for (int i = 0; i < 8; i++)
		if (n <= lim[i])
			return (uint8_t)(1u << i);
	return 128;
}

bool fuzz_cells_new(const uint8_t *map, uint8_t *virgin, size_t n)
{
	bool any = false;

	for (size_t i = 0; i < n; i++) {
		uint8_t b = fuzz_bucket(map[i]);

		if (b & ~virgin[i]) {
			virgin[i] |= b;
			any = true;
		}
	}
	return any;
}

struct fuzz_calib *fuzz_calib_new(const uint8_t *map, size_t n)
{
	struct fuzz_calib *c = malloc(sizeof(*c) + n);

	if (!c)
		return NULL;
	*c = (struct fuzz_calib){ .n = n, .give = FUZZ_CALIB_RUNS, .total = FUZZ_CALIB_RUNS };
	for (size_t i = 0; i < n; i++)
		c->ref[i] = fuzz_bucket(map[i]);
	return c;
}

#define CALIB_BLOB_HEAD (4 * sizeof(int32_t))

size_t fuzz_calib_blob_len(size_t n)
{
	return CALIB_BLOB_HEAD + n;
}

void fuzz_calib_blob(const struct fuzz_calib *c, uint8_t *out)
{
	int32_t h[4] = { c->give + c->out, c->total, c->varied, (int32_t)c->n };

	memcpy(out, h, sizeof(h));
	memcpy(out + CALIB_BLOB_HEAD, c->ref, c->n);
}

struct fuzz_calib *fuzz_calib_from_blob(const uint8_t *in, size_t len, size_t n)
{
	struct fuzz_calib *c;
	int32_t h[4];

	if (len != CALIB_BLOB_HEAD + n)
		return NULL;
	memcpy(h, in, sizeof(h));
	if (h[3] != (int32_t)n || h[0] < 0 || h[1] < h[0] || !(c = malloc(sizeof(*c) + n)))
		return NULL;
	*c = (struct fuzz_calib){ .n = n, .give = h[0], .total = h[1], .varied = h[2] != 0 };
	memcpy(c->ref, in + CALIB_BLOB_HEAD, n);
	return c;
}

bool fuzz_calib_take(struct fuzz_calib *c)
{
	if (c->give <= 0)
		return false;
	c->give--;
	c->out++;
	return true;
}

int fuzz_calib_compare(struct fuzz_calib *c, const uint8_t *map, uint8_t *var, uint8_t *virgin)
{
	int fresh = 0;

	for (size_t i = 0; map && i < c->n; i++) {
		if (fuzz_bucket(map[i]) == c->ref[i])
			continue;
		c->varied = true;
		if (!var[i]) {
			var[i] = 1;
			fresh++;
		}
		virgin[i] = 0xff;	/* every bucket "seen": never new again */
	}
	return fresh;
}

void fuzz_calib_extend(struct fuzz_calib *c)
{
	if (c->total >= FUZZ_CALIB_RUNS_VAR)
		return;
	c->give += FUZZ_CALIB_RUNS_VAR - c->total;
	c->total = FUZZ_CALIB_RUNS_VAR;
}

int fuzz_calib_done(struct fuzz_calib *c, const uint8_t *map, uint8_t *var, uint8_t *virgin)
{
	int fresh;

	c->out--;
	if (!map) {
		c->give = 0;	/* a crash or a hang says nothing of variance */
		return 0;
	}
	fresh = fuzz_calib_compare(c, map, var, virgin);
	if (c->varied)
		fuzz_calib_extend(c);
	return fresh;
}

bool fuzz_calib_over(const struct fuzz_calib *c)
{
	return c->give <= 0 && c->out <= 0;
}

bool fuzz_calib_varied(const struct fuzz_calib *c)
{
	return c->varied;
}

void fuzz_calib_free(struct fuzz_calib *c)
{
	free(c);
}

double fuzz_stability(int var_cells, int cells_seen)
{
	return cells_seen > 0 ? 100.0 * (1.0 - (double)var_cells / cells_seen) : 100.0;
}
