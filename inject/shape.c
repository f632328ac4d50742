/* shape.c - the run's syscall shape: edges between consecutive traced
 * stops, counted as AFL counts its branch edges. A program built without
 * coverage instrumentation still shows here when an input takes it down
 * another path that makes other calls, or the same calls more often. */
#include "config.h"

#include <string.h>

#include "inject/inject_int.h"

void inj_shape_reset(struct inject *inj)
{
	memset(inj->shape, 0, sizeof(inj->shape));
	inj->shape_prev = 0;
}

void inj_shape_note(struct inject *inj, int nr)
{
	/* AFL's trick: prev is shifted, so a->b and b->a differ. */
	unsigned cur = ((unsigned)nr * 0x9e37u + 0x1234u) % INJECT_SHAPE_SIZE;
	uint8_t *cell = &inj->shape[(cur ^ inj->shape_prev) % INJECT_SHAPE_SIZE];

	if (*cell != 255)	/* saturate: no wrap back to "never" */
		(*cell)++;
	inj->shape_prev = (uint16_t)(cur >> 1);
}

const uint8_t *inject_run_shape(const struct inject *inj)
{
	return inj->shape;
}
