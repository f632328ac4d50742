/* bad_mutator.c - a shared object lacking AFL++'s afl_custom_deinit, for
 * --custom-mutator's bad-input test (fuzz_custom.sh): exit 2, one line. */
#include <stddef.h>

void *afl_custom_init(void *afl, unsigned int seed);
void *afl_custom_init(void *afl, unsigned int seed)
{
	static int state;

	(void)afl;
	(void)seed;
	return &state;
}
