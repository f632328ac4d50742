/* fidelity - test target: correct programs that fzsandbox once reported,
 * because it injected results the kernel or glibc cannot produce. Each
 * mode handles every real failure and must give zero findings.
 *
 *   kidkill     kills its own worker child and reaps it
 *   rshrink     shrinks a block with realloc without checking (glibc never
 *               fails a shrink) and realloc(p, 0)
 *   eof_drain   drains a pipe non-blocking after the writer exited: at end
 *               of file read returns 0, never EAGAIN (abort() if it did)
 *   sigchld     a SIGCHLD handler (no SA_RESTART) that asserts a child
 *               really changed state, around a blocking pipe read
 *   pexit       a thread ends with pthread_exit (glibc aborts by design if
 *               it cannot load libgcc_s; not the program's bug)
 *   atomic_msg  a reader of fixed-size messages that a writer sends with
 *               single small (atomic) writes: a pipe read never splits one
 *   reraise     a SIGINT handler that cleans up and re-raises: dying of a
 *               SIGINT fzsandbox delivered is the program's answer
 *   part_write  a non-blocking write bigger than the free pipe space takes
 *               what fits, never EAGAIN (abort() if it did)
 *   pipe_head   yes | head: the producer child ignores write errors and
 *               ends by SIGPIPE when the reader has had enough
 *   writev_loop writev with a partial-iovec loop to a file, then reads it
 *               back with a readv loop: the bytes must be exactly right
 *               (a short vector transfer moves exactly what it says)
 */
#pragma GCC optimize("O0")
#define _GNU_SOURCE
#include <assert.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <unistd.h>

static int kidkill(void)
{
	int st;
	pid_t p = fork();

	if (p < 0)
		return 1;
	if (p == 0) {
		pause();
		_exit(0);
	}
	usleep(10000);
	if (kill(p, SIGKILL) < 0 || waitpid(p, &st, 0) < 0)
		return 1;
	return !(WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL);
}

static int rshrink(void)
{
	char *p = malloc(1000), *q;

	if (!p)
		return 1;
	memset(p, 'a', 1000);
	p = realloc(p, 16);	/* a shrink: cannot fail in glibc */
	p[0] = 'b';
	q = malloc(32);
	if (!q) {
		free(p);
		return 1;
	}
	q = realloc(q, 0);	/* frees, returns NULL: not an error */
	free(q);
	free(p);
	return 0;
}

static int eof_drain(void)
{
	char buf[64];
	int fds[2], st;
	pid_t p;
	ssize_t n;

	if (pipe(fds) < 0)
		return 1;
	p = fork();
	if (p < 0)
		return 1;
	if (p == 0) {
		close(fds[0]);
		_exit(write(fds[1], "x", 1) != 1);
	}
	close(fds[1]);
	if (waitpid(p, &st, 0) < 0)
		return 1;
	if (fcntl(fds[0], F_SETFL, O_NONBLOCK) < 0)
		return 1;
	/* Every writer is gone: data, then end of file; EAGAIN is
	 * impossible. */
	while ((n = read(fds[0], buf, sizeof(buf))) != 0) {
		if (n < 0 && errno == EAGAIN)
			abort();
		if (n < 0 && errno != EINTR)
			return 1;
	}
	return 0;
}

static volatile sig_atomic_t reaped;

static void on_chld(int sig)
{
	int st;

	(void)sig;
	/* SIGCHLD means a child changed state: there is one to reap. */
	assert(waitpid(-1, &st, WNOHANG) > 0);
	reaped = 1;
}

/* Install handler for sig (no SA_RESTART), then block reading one byte a
 * child writes 50 ms later, retrying EINTR: the state in which a signal
 * can interrupt a read. Returns read's last result; *child is the writer. */
static ssize_t read_late_byte(int sig, void (*handler)(int), pid_t *child)
{
	struct sigaction sa;
	char c;
	int fds[2];
	ssize_t n;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = handler;
	sigemptyset(&sa.sa_mask);
	if (sigaction(sig, &sa, NULL) < 0 || pipe(fds) < 0)
		return -1;
	*child = fork();
	if (*child < 0)
		return -1;
	if (*child == 0) {
		close(fds[0]);
		usleep(50000);
		_exit(write(fds[1], "x", 1) != 1);
	}
	close(fds[1]);
	do
		n = read(fds[0], &c, 1);
	while (n < 0 && errno == EINTR);
	return n;
}

static int sigchld(void)
{
	pid_t p;

	if (read_late_byte(SIGCHLD, on_chld, &p) < 0)
		return 1;
	while (!reaped)
		usleep(1000);
	return 0;
}

static void *worker(void *arg)
{
	void *p = malloc(16);

	if (p)
		free(p);
	pthread_exit(arg);
}

static int pexit(void)
{
	pthread_t t;

	if (pthread_create(&t, NULL, worker, NULL) != 0)
		return 1;
	return pthread_join(t, NULL) != 0;
}

struct msg {
	int id;
	int len;
};

static int atomic_msg(void)
{
	int fds[2], st;
	struct msg m;
	pid_t p;
	ssize_t n;

	if (pipe(fds) < 0)
		return 1;
	p = fork();
	if (p < 0)
		return 1;
	if (p == 0) {
		close(fds[0]);
		for (int i = 0; i < 3; i++) {
			struct msg w = { i, 8 };

			if (write(fds[1], &w, sizeof(w)) != (ssize_t)sizeof(w))
				_exit(1);
		}
		_exit(0);
	}
	close(fds[1]);
	/* A whole message per read: each was one atomic write. */
	while ((n = read(fds[0], &m, sizeof(m))) != 0) {
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return 1;
		assert(n == (ssize_t)sizeof(m));
	}
	return waitpid(p, &st, 0) < 0;
}

static void on_int(int sig)
{
	signal(sig, SIG_DFL);	/* clean up, then die of it as asked */
	raise(sig);
}

static int reraise(void)
{
	pid_t p = -1;
	ssize_t n = read_late_byte(SIGINT, on_int, &p);

	if (p > 0)
		waitpid(p, NULL, 0);
	return n != 1;
}

static int part_write(void)
{
	static char buf[100000];
	int fds[2];
	ssize_t n;

	if (pipe(fds) < 0 || fcntl(fds[1], F_SETFL, O_NONBLOCK) < 0 ||
	    fcntl(fds[0], F_SETFL, O_NONBLOCK) < 0)
		return 1;
	/* The pipe is empty: part of it fits, so the kernel writes that. */
	n = write(fds[1], buf, sizeof(buf));
	if (n < 0 && errno == EAGAIN)
		abort();
	if (n < 0)
		return 1;
	while ((n = read(fds[0], buf, sizeof(buf))) > 0 || (n < 0 && errno == EINTR))
		;
	return n < 0 && errno != EAGAIN;
}

static int pipe_head(void)
{
	char buf[64];
	int fds[2], st;
	pid_t p;
	ssize_t n, got = 0;

	if (pipe(fds) < 0)
		return 1;
	p = fork();
	if (p < 0)
		return 1;
	if (p == 0) {
		close(fds[0]);
		for (;;)
			if (write(fds[1], "y\n", 2) < 0 && errno != EINTR && errno != EAGAIN)
				_exit(2);	/* only without SIGPIPE */
	}
	close(fds[1]);
	while (got < 6 && ((n = read(fds[0], buf, sizeof(buf))) > 0 || (n < 0 && errno == EINTR)))
		got += n > 0 ? n : 0;
	close(fds[0]);
	if (waitpid(p, &st, 0) < 0)
		return 1;
	return !(WIFSIGNALED(st) && WTERMSIG(st) == SIGPIPE);
}

/* Past n transferred bytes of an iovec array. */
static void advance(struct iovec **v, int *cnt, size_t n)
{
	while (*cnt > 0 && n >= (*v)->iov_len) {
		n -= (*v)->iov_len;
		(*v)++;
		(*cnt)--;
	}
	if (*cnt > 0) {
		(*v)->iov_base = (char *)(*v)->iov_base + n;
		(*v)->iov_len -= n;
	}
}

static int writev_loop(void)
{
	char path[] = "/tmp/fz-fidelity-XXXXXX", a[100], b[300], ra[100], rb[300];
	struct iovec iov[2] = { { a, sizeof(a) }, { b, sizeof(b) } }, *v = iov;
	int fd = mkstemp(path), cnt = 2, ok;
	ssize_t n;

	if (fd < 0)
		return 1;
	unlink(path);
	memset(a, 'a', sizeof(a));
	for (size_t i = 0; i < sizeof(b); i++)
		b[i] = (char)('0' + i % 10);
	while (cnt > 0) {
		n = writev(fd, v, cnt);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return 1;
		advance(&v, &cnt, (size_t)n);
	}
	if (lseek(fd, 0, SEEK_SET) < 0)
		return 1;
	iov[0] = (struct iovec){ ra, sizeof(ra) };
	iov[1] = (struct iovec){ rb, sizeof(rb) };
	v = iov;
	cnt = 2;
	while (cnt > 0) {
		n = readv(fd, v, cnt);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return 1;
		advance(&v, &cnt, (size_t)n);
	}
	close(fd);
	ok = memcmp(a, ra, sizeof(a)) == 0 && memcmp(b, rb, sizeof(b)) == 0;
	assert(ok);	/* data moved by short transfers must be exact */
	return !ok;
}

int main(int argc, char **argv)
{
	static const struct {
		const char *name;
		int (*fn)(void);
	} modes[] = {
		{ "kidkill", kidkill }, { "rshrink", rshrink }, { "eof_drain", eof_drain },
		{ "sigchld", sigchld }, { "pexit", pexit }, { "atomic_msg", atomic_msg },
		{ "reraise", reraise }, { "part_write", part_write }, { "pipe_head", pipe_head },
		{ "writev_loop", writev_loop },
	};

	for (size_t i = 0; argc > 1 && i < sizeof(modes) / sizeof(modes[0]); i++)
		if (strcmp(argv[1], modes[i].name) == 0) {
			int r = modes[i].fn();

			/* Output (a stdio buffer and a write) gives every mode
			 * sites to fail besides its own. */
			if (printf("%s %d\n", modes[i].name, r) < 0 || fflush(stdout) == EOF)
				return 1;
			return r;
		}
	fprintf(stderr, "usage: fidelity kidkill|rshrink|eof_drain|sigchld|pexit|atomic_msg|"
		"reraise|part_write|pipe_head|writev_loop\n");
	return 2;
}
