/* feedback.c - virgin bits per feedback map (feedback.h). A 64 KiB edge
 * map is judged every run: zero words are skipped 8 bytes at a time,
 * and most of a run's map is zero. */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "inject/feedback.h"

struct virgin {
	const char *name;
	uint32_t size, seen;
	uint8_t *bits;		/* the buckets seen, per cell */
};

struct feedback {
	struct virgin v[FB_MAX_MAPS];
	int n;
};

struct feedback *feedback_new(void)
{
	return calloc(1, sizeof(struct feedback));
}

void feedback_free(struct feedback *fb)
{
	for (int i = 0; fb && i < fb->n; i++)
		free(fb->v[i].bits);
	free(fb);
}

/* AFL's count classes as one bit each, a table as AFL's count_class_lookup8. */
static uint8_t bucket_of[256];

static void buckets_init(void)
{
	static const uint8_t lim[] = { 1, 2, 3, 7, 15, 31, 127, 255 };

	if (bucket_of[1])
		return;
	for (int n = 1, b = 0; n < 256; n++) {
		while (n > lim[b])
			b++;
		bucket_of[n] = (uint8_t)(1u << b);
	}
}

static struct virgin *virgin_for(struct feedback *fb, const struct fb_map *m)
{
	struct virgin *v;

	for (int i = 0; i < fb->n; i++)
		if (strcmp(fb->v[i].name, m->name) == 0)
			return fb->v[i].size == m->size ? &fb->v[i] : NULL;
	if (fb->n == FB_MAX_MAPS)
		return NULL;
	v = &fb->v[fb->n];
	if (!(v->bits = calloc(m->size ? m->size : 1, 1)))
		return NULL;
	v->name = m->name;
	v->size = m->size;
	v->seen = 0;
	fb->n++;
	return v;
}

static bool cell(struct virgin *v, uint32_t i, uint8_t count)
{
	uint8_t b = bucket_of[count];

	if (!(b & ~v->bits[i]))
		return false;
	v->seen += v->bits[i] == 0;
	v->bits[i] |= b;
	return true;
}

static bool judge_dense(struct virgin *v, const uint8_t *d)
{
	bool any = false;
	uint32_t i = 0;

	for (; i + 8 <= v->size; i += 8) {
		uint64_t w;

		memcpy(&w, d + i, 8);
		if (!w)
			continue;
		for (int k = 0; k < 8; k++)
			if (d[i + k])
				any |= cell(v, i + k, d[i + k]);
	}
	for (; i < v->size; i++)
		if (d[i])
			any |= cell(v, i, d[i]);
	return any;
}

int feedback_judge(struct feedback *fb, const struct fb_map *maps, int n)
{
	bool any = false;

	buckets_init();
	for (int m = 0; m < n; m++) {
		struct virgin *v = virgin_for(fb, &maps[m]);

		if (!v)
			return -ENOMEM;
		if (maps[m].dense) {
			any |= judge_dense(v, maps[m].dense);
			continue;
		}
		for (uint32_t k = 0; k < maps[m].nsparse; k++) {
			uint32_t i = maps[m].sparse[k] >> 8;
			uint8_t c = maps[m].sparse[k] & 0xff;

			if (i < v->size && c)
				any |= cell(v, i, c);
		}
	}
	return any;
}

uint32_t feedback_cells(const struct feedback *fb, const char *name, uint32_t *size)
{
	for (int i = 0; i < fb->n; i++)
		if (strcmp(fb->v[i].name, name) == 0) {
			*size = fb->v[i].size;
			return fb->v[i].seen;
		}
	*size = 0;
	return 0;
}

uint8_t *feedback_virgin(struct feedback *fb, const char *name, uint32_t size)
{
	struct fb_map m = { .name = name, .size = size };
	struct virgin *v = virgin_for(fb, &m);

	return v ? v->bits : NULL;
}

void feedback_recount(struct feedback *fb, const char *name)
{
	for (int i = 0; i < fb->n; i++)
		if (strcmp(fb->v[i].name, name) == 0) {
			fb->v[i].seen = 0;
			for (uint32_t k = 0; k < fb->v[i].size; k++)
				fb->v[i].seen += fb->v[i].bits[k] != 0;
		}
}

const uint8_t *feedback_bits(const struct feedback *fb, const char *name, uint32_t *size)
{
	for (int i = 0; i < fb->n; i++)
		if (strcmp(fb->v[i].name, name) == 0) {
			*size = fb->v[i].size;
			return fb->v[i].bits;
		}
	*size = 0;
	return NULL;
}

uint32_t feedback_sparse(const uint8_t *map, uint32_t size, uint32_t *out, uint32_t cap)
{
	uint32_t n = 0, i = 0;

	if (size > FB_MAX_CELLS)
		size = FB_MAX_CELLS;
	for (; i < size && n < cap; i++) {
		if (!(i & 7) && i + 8 <= size) {
			uint64_t w;

			memcpy(&w, map + i, 8);
			if (!w) {
				i += 7;
				continue;
			}
		}
		if (map[i])
			out[n++] = i << 8 | map[i];
	}
	return n;
}
