/* gate_dl - a fault pinned at caller=helper (inject/alloc_gate.c) where a
 * library loaded later with dlopen has a helper of its own: its
 * allocation is named helper too, and a gate built from the modules
 * mapped at the entry point never saw it. The library's helper uses its
 * allocation unchecked (the bug); the program's checks. */
#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>

static __attribute__((noinline)) int helper(void)
{
	char *p = malloc(32);

	if (!p)
		return -1;
	p[0] = 1;
	free(p);
	return 0;
}

int main(int argc, char **argv)
{
	void *h;
	int (*call)(void);

	if (argc < 2) {
		fputs("usage: gate_dl LIBRARY\n", stderr);
		return 2;
	}
	if (helper() < 0)
		fputs("gate_dl: out of memory, went on\n", stderr);
	h = dlopen(argv[1], RTLD_NOW);
	call = h ? (int (*)(void))dlsym(h, "gate_dl_call") : NULL;
	if (!call) {
		fprintf(stderr, "gate_dl: %s\n", dlerror());
		return 2;
	}
	return call();
}
