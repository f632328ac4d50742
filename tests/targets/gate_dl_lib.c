/* gate_dl_lib - libgatedl.so, which gate_dl loads with dlopen: a helper
 * of its own, whose allocation it uses unchecked. */
#include <stdlib.h>
#include <string.h>

static __attribute__((noinline)) char *helper(void)
{
	char *p = malloc(16);

	strcpy(p, "plugin");	/* the bug: p unchecked */
	return p;
}

int gate_dl_call(void)
{
	char *p = helper();

	free(p);
	return 0;
}
