/* snap_startup - test target for the start-up's faults in snapshot mode:
 * a bug before the snapshot point and one after it.
 *
 * snap_startup CONFIG [alloc] < input
 *   Before touching stdin it reads CONFIG with fopen(), unchecked: an
 *   open that fails ends in load_config() with a NULL FILE (SIGSEGV).
 *   Then it reads stdin to the end; a read that fails ends in
 *   report_error(), which counts the error in a context never made
 *   (SIGSEGV there). Prints the config's first line and the bytes read.
 *   alloc: two unchecked malloc()s as well, one before stdin is touched
 *   (make_name) and one after it was read (keep_total). */
#pragma GCC optimize("O0")
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

struct errctx {
	unsigned errors;
};

static struct errctx *ctx;	/* never made */
static char config[256];

static void load_config(const char *path)
{
	FILE *f = fopen(path, "r");

	/* The bug: f is not checked. */
	if (!fgets(config, sizeof(config), f))
		config[0] = 0;
	fclose(f);
}

static char *make_name(void)
{
	char *name = malloc(64);

	strcpy(name, "snap_startup");	/* the bug: name is not checked */
	return name;
}

static char *keep_total(size_t total)
{
	char *s = malloc(32);

	snprintf(s, 32, "%zu", total);	/* the bug: s is not checked */
	return s;
}

static void report_error(int err)
{
	fprintf(stderr, "read: %s\n", strerror(err));
	ctx->errors++;	/* the bug: ctx is NULL */
}

int main(int argc, char **argv)
{
	char buf[256];
	size_t total = 0;
	ssize_t n;

	char *name = NULL, *kept = NULL;

	if (argc < 2 || argc > 3) {
		fprintf(stderr, "usage: snap_startup CONFIG [alloc] < input\n");
		return 2;
	}
	if (argc == 3)
		name = make_name();
	load_config(argv[1]);
	while ((n = read(0, buf, sizeof(buf))) != 0) {
		if (n < 0) {
			report_error(errno);
			return 1;
		}
		total += (size_t)n;
	}
	if (name)
		kept = keep_total(total);
	printf("config %s", config);
	printf("read %s\n", kept ? kept : "");
	if (!kept)
		printf("%zu\n", total);
	free(name);
	free(kept);
	return 0;
}
