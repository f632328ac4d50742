/* fuzz_autodict.c - --auto-dict: the printable strings of the program's
 * .rodata (symbols/rodata.c) as dictionary tokens, the keywords it
 * compares its input with being string literals there. The executable
 * only, read before any run (so it is the file the user gave, not one the
 * program wrote); its shared libraries are not read. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>

#include "cli/die.h"
#include "cli/fuzz.h"
#include "cli/target.h"
#include "symbols/symbols.h"

/* AFL++'s auto extras are 3 to 32 bytes (MIN/MAX_AUTO_EXTRA); 4 here:
 * three printable bytes in a row are everywhere in .rodata. The cap
 * bounds the deterministic extras stage (2 x tokens x length runs an
 * entry). */
#define AUTO_MIN 4
#define AUTO_MAX 32
#define AUTO_CAP 128

static int take(void *ctx, const uint8_t *s, size_t len)
{
	struct scheduler *sched = ctx;
	int before = sched_fuzz_ntokens(sched), e = sched_fuzz_token(sched, s, len);

	return e < 0 ? e : sched_fuzz_ntokens(sched) > before;
}

int fuzz_autodict_load(struct scheduler *s, const char *prog)
{
	struct sym_strings w = { AUTO_MIN, AUTO_MAX, AUTO_CAP, take, s };
	char *path = target_resolve(prog);
	int n = sym_rodata_strings(path, &w);

	if (n < 0)
		die_errno(n, "--auto-dict: cannot read the strings of '%s'", path);
	free(path);
	return n;
}
