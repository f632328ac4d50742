/* wrap_xmalloc - the allocation wrapper of wrap_alloc, in its own
 * translation unit as real programs keep it (so -O2 cannot inline it into
 * its callers). Like many wrappers it reports the failure through a hook
 * and forwards NULL to its caller. */
#include <stdlib.h>

#include "wrap_xmalloc.h"

void (*xmalloc_failed)(size_t n);

void *xmalloc(size_t n)
{
	void *p = malloc(n);

	if (!p && xmalloc_failed)
		xmalloc_failed(n);
	return p;
}
