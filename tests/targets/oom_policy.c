/* oom_policy - test target: programs that die on purpose when memory runs
 * out, and programs with real bugs, one per mode (argv[1]):
 *
 *   xmalloc        a wrapper: malloc, on NULL "out of memory" and abort()
 *   assert         assert(p) right after malloc
 *   exit           on NULL "out of memory" and exit(1)
 *   ctor_abort     a constructor returns the NULL to its caller, two
 *                  frames out of the failed malloc, which aborts (as
 *                  memcached's logger_create and lighttpd's parser do)
 *   deref          a real bug: dup_word stores through an unchecked malloc
 *   heap_corrupt   a real bug on the fallback path of a failed malloc: an
 *                  overflow that glibc's free() catches and aborts on,
 *                  with the function that got the NULL still running
 *   shortread      a real bug: abort() when read() returns less than asked
 *                  (a short read is never a reason to die)
 *   segv_handler   deref, with a SIGSEGV handler that logs and re-raises,
 *                  installed as redis does (SA_NODEFER: the re-raised
 *                  signal is delivered inside the handler, whose frames
 *                  are then on top of the stack)
 *   handler_crash  deref, with a SIGSEGV handler that crashes itself
 *
 * Only the first four are deliberate: fzsandbox must not count them.
 * Nothing here writes to stdout through stdio (its buffer is allocated,
 * and a failed allocation there is glibc's to handle). Built twice: -O0
 * (oom_policy) and -O2 -g (oom_policy_o2, with OOM_POLICY_O2).
 */
#ifdef OOM_POLICY_O2
#pragma GCC optimize("O2")
#else
#pragma GCC optimize("O0")
#endif
#include <assert.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define NOINLINE __attribute__((noinline))

static void *xmalloc(size_t n)
{
	void *p = malloc(n);

	if (!p) {
		fputs("oom_policy: out of memory\n", stderr);
		abort();
	}
	return p;
}

static NOINLINE char *make_buf(size_t n)
{
	char *p = malloc(n);

	assert(p);
	memset(p, 'a', n);
	return p;
}

static NOINLINE char *load(size_t n)
{
	char *p = malloc(n);

	if (!p) {
		fputs("oom_policy: out of memory\n", stderr);
		exit(1);
	}
	memset(p, 'b', n);
	return p;
}

struct logger {
	char *buf;
	size_t size;
};

static NOINLINE char *buf_new(size_t n)
{
	char *p = malloc(n);

	if (!p)
		return NULL;
	memset(p, 0, n);
	return p;
}

static NOINLINE struct logger *logger_new(void)
{
	static struct logger l;

	l.buf = buf_new(4096);
	if (!l.buf)
		return NULL;
	l.size = 4096;
	return &l;
}

static NOINLINE void start_logging(void)
{
	struct logger *l = logger_new();

	if (!l) {
		fputs("oom_policy: cannot allocate the logger\n", stderr);
		abort();
	}
	free(l->buf);
}

/* The bug: no NULL check; the store faults in dup_word itself. */
static NOINLINE char *dup_word(const char *s, size_t n)
{
	char *p = malloc(n + 1);

	p[n] = '\0';
	memcpy(p, s, n);
	return p;
}

/* The fallback's bug: 64 bytes into 2000 is fine, 2100 runs over the
 * chunk into the next one's header, and free() aborts ("invalid next
 * size"): glibc's check, not the program's choice. */
static NOINLINE size_t with_fallback(void)
{
	char *p = malloc(4096), *q;
	volatile size_t over = 2100;	/* no compile-time warning */
	size_t n;

	if (p) {
		memset(p, 'c', 4096);
		free(p);
		return 4096;
	}
	q = malloc(2000);
	if (!q)
		return 0;
	memset(q, 'x', over);
	n = strnlen(q, 2000);
	free(q);
	return n;
}

static NOINLINE int read_header(const char *path)
{
	char hdr[64];
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return -1;
	if (read(fd, hdr, sizeof(hdr)) != (ssize_t)sizeof(hdr)) {
		fputs("oom_policy: short read\n", stderr);
		abort();
	}
	close(fd);
	return hdr[0];
}

static void on_segv(int sig)
{
	static const char msg[] = "oom_policy: caught SIGSEGV, re-raising\n";

	(void)!write(2, msg, sizeof(msg) - 1);
	signal(sig, SIG_DFL);
	raise(sig);
}

static NOINLINE void on_segv_crash(int sig)
{
	static const char msg[] = "oom_policy: caught SIGSEGV, logging\n";

	(void)!write(2, msg, sizeof(msg) - 1);
	(void)sig;
	*(volatile int *)8 = 1;	/* the handler's own bug */
}

static void handle_segv(void (*fn)(int))
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = fn;
	sa.sa_flags = SA_NODEFER | SA_RESETHAND;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGSEGV, &sa, NULL);
}

static int words(void)
{
	static const char *const w[] = { "alpha", "beta", "gamma" };
	size_t total = 0;

	for (int i = 0; i < 3; i++) {
		char *p = dup_word(w[i], strlen(w[i]));

		total += strlen(p);
		free(p);
	}
	return (int)total;
}

int main(int argc, char **argv)
{
	const char *mode = argc > 1 ? argv[1] : "";
	char *a, *b;

	if (strcmp(mode, "xmalloc") == 0) {
		a = xmalloc(32);
		b = xmalloc(64);
		memset(a, 0, 32);
		memset(b, 0, 64);
		free(a);
		free(b);
	} else if (strcmp(mode, "ctor_abort") == 0) {
		start_logging();
	} else if (strcmp(mode, "assert") == 0) {
		free(make_buf(32));
	} else if (strcmp(mode, "exit") == 0) {
		free(load(48));
	} else if (strcmp(mode, "deref") == 0) {
		return words() == 14 ? 0 : 3;
	} else if (strcmp(mode, "heap_corrupt") == 0) {
		return with_fallback() ? 0 : 3;
	} else if (strcmp(mode, "shortread") == 0) {
		return read_header(argv[0]) < 0 ? 3 : 0;
	} else if (strcmp(mode, "segv_handler") == 0) {
		handle_segv(on_segv);
		return words() == 14 ? 0 : 3;
	} else if (strcmp(mode, "handler_crash") == 0) {
		signal(SIGSEGV, on_segv_crash);
		return words() == 14 ? 0 : 3;
	} else {
		fputs("usage: oom_policy xmalloc|ctor_abort|assert|exit|deref|heap_corrupt|shortread|"
		      "segv_handler|handler_crash\n", stderr);
		return 2;
	}
	return 0;
}
