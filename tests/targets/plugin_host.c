/* plugin_host - test target: copies a shared object (argv[1], read from a
 * read-only place) into a directory (argv[2], default /tmp), dlopen()s the
 * copy and calls its plugin_crash(NULL), which faults inside the copy.
 * Like a program that unpacks and loads its own plugin. */
#pragma GCC optimize("O0")
#include <dlfcn.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static int copy(const char *from, const char *dir, char *to, size_t len)
{
	char buf[65536];
	ssize_t n;
	int in = open(from, O_RDONLY), out;

	snprintf(to, len, "%s/fzplugin-XXXXXX.so", dir);
	out = mkstemps(to, 3);
	if (in < 0 || out < 0)
		return -1;
	while ((n = read(in, buf, sizeof(buf))) > 0)
		if (write(out, buf, n) != n)
			return -1;
	close(in);
	return n < 0 || close(out) < 0 ? -1 : 0;
}

int main(int argc, char **argv)
{
	void (*crash)(int *);
	char path[4096];
	void *h;

	if (argc < 2 || copy(argv[1], argc > 2 ? argv[2] : "/tmp", path, sizeof(path)) < 0) {
		fprintf(stderr, "plugin_host: cannot copy the plugin\n");
		return 2;
	}
	h = dlopen(path, RTLD_NOW);
	crash = h ? (void (*)(int *))dlsym(h, "plugin_crash") : NULL;
	if (!crash) {
		fprintf(stderr, "plugin_host: %s\n", dlerror());
		return 2;
	}
	printf("loaded %s\n", path);
	fflush(stdout);
	crash(NULL);
	return 0;
}
