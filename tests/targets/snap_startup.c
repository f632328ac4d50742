/* snap_startup - test target for the start-up's faults in snapshot mode:
 * a bug before the snapshot point and one after it.
 *
 * snap_startup CONFIG < input
 *   Before touching stdin it reads CONFIG with fopen(), unchecked: an
 *   open that fails ends in load_config() with a NULL FILE (SIGSEGV).
 *   Then it reads stdin to the end; a read that fails ends in
 *   report_error(), which counts the error in a context never made
 *   (SIGSEGV there). Prints the config's first line and the bytes read. */
#pragma GCC optimize("O0")
#include <errno.h>
#include <stdio.h>
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

	if (argc != 2) {
		fprintf(stderr, "usage: snap_startup CONFIG < input\n");
		return 2;
	}
	load_config(argv[1]);
	while ((n = read(0, buf, sizeof(buf))) != 0) {
		if (n < 0) {
			report_error(errno);
			return 1;
		}
		total += (size_t)n;
	}
	printf("config %s", config);
	printf("read %zu\n", total);
	return 0;
}
