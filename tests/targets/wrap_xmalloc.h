/* wrap_xmalloc.h - wrap_alloc's allocation wrapper (wrap_xmalloc.c). */
#ifndef WRAP_XMALLOC_H
#define WRAP_XMALLOC_H

#include <stddef.h>

/* Called with the size when an allocation fails; may be NULL. */
extern void (*xmalloc_failed)(size_t n);
/* malloc(n), NULL on failure. */
void *xmalloc(size_t n);

#endif
