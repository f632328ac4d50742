/* pool.c - one run as plain data (run_exec), and -j N's workers: forked
 * from the campaign after the clean run, each makes the runs it is sent
 * with a runner of its own and sends back what they amounted to.
 *
 * Sockets, not pipes: a worker writing to a campaign that is gone gets
 * EPIPE (MSG_NOSIGNAL), not SIGPIPE, whose disposition the jailed program
 * would inherit if the worker ignored it. A finding's files are renamed
 * into a spool before the worker's next run recreates them; the campaign
 * takes results in the order it asked for the runs (pool_next_result),
 * so a slow run holds back only its own result, never the other workers. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cli/aflmap.h"
#include "cli/crash.h"
#include "cli/die.h"
#include "cli/outcome_note.h"
#include "cli/pool.h"
#include "inject/feedback.h"
#include "util/util.h"

void run_exec(struct runner *rn, const struct run_request *req, struct run_exec *x,
	      struct run_finding *f)
{
	bool clean = req->record;
	const unsigned *counts;
	const struct plan_fault *late;
	const uint8_t *shape;
	const char *why;
	int64_t t0;
	uint64_t cpu0;

	memset(x, 0, offsetof(struct run_exec, shape));
	x->afl_size = x->afl_n = 0;
	x->nlog = 0;
	x->log = NULL;
	x->id = req->id;
	rn->random = req->random;
	rn->exec_run = req->exec;
	rn->random_seed = req->seed;	/* its probability: --probability */
	rn->sites = req->sites;
	rn->crash_point = crash_request_point(req);
	runner_usage(rn, &cpu0, &x->maxrss_kb);
	t0 = mono_us();
	x->r = runner_run(rn, clean, req->faults, req->nfaults, &x->res, f);
	x->us = mono_us() - t0;
	runner_usage(rn, &x->cpu_us, &x->maxrss_kb);
	x->cpu_us = x->cpu_us > cpu0 ? x->cpu_us - cpu0 : 0;
	x->f = x->r == 1 ? f : NULL;
	if (x->f) {
		f->input_path = rn->fuzz_input;
		f->exec_run = rn->exec_run;
	}	/* a fuzz run's finding keeps its input */
	if (x->r < 0) {
		x->err.status = rn->err.status;
		x->err.fatal = rn->err.fatal;
		snprintf(x->err.msg, sizeof(x->err.msg), "%s", rn->err.msg);
		return;
	}
	why = inject_problem(rn->inj, &x->problem_cls);
	if (why)
		snprintf(x->problem, sizeof(x->problem), "%s", why);
	x->nlog = inject_run_log(rn->inj, &x->log);
	counts = inject_run_counts(rn->inj);
	for (int i = 0; counts && i < inject_nclasses() && i < INJECT_MAX_CLASSES; i++)
		x->counts[i] = counts[i];
	x->svc = (struct run_service){
		.listened = rn->svc.ready, .requests = rn->o->nrequests, .sent = rn->svc.sent,
		.replied = rn->svc.replied, .timeouts = rn->svc.timeouts,
	};
	x->has_outcome = outcome_make(rn, &x->res, clean, x->us, &x->oc);
	x->nlate = inject_run_late(rn->inj, &late);
	memcpy(x->late, late, (size_t)x->nlate * sizeof(*late));
	x->nfired = inject_run_fired(rn->inj, &late);
	memcpy(x->fired, late, (size_t)x->nfired * sizeof(*late));
	shape = inject_run_shape(rn->inj);
	x->has_shape = shape != NULL;
	if (shape)
		memcpy(x->shape, shape, sizeof(x->shape));
	x->afl_n = aflmap_cells(rn->afl, &x->afl, &x->afl_size);
}

/* --- the wire: a run_exec, then its finding and paths, then its log --- */

enum { P_STDOUT, P_STDERR, P_INPUT, P_CHECK_OUT, P_CHECK_ERR, P_N };

/* A finding's part (~300 KiB of stacks): sent, and allocated, only for a
 * run that is a finding; results waiting their turn are mostly not. */
struct exec_finding {
	struct run_finding f;
	char paths[P_N][PATH_MAX];
};

struct exec_msg {
	struct run_exec x;
	struct exec_finding *ef;	/* NULL: no finding */
	struct fault_rec log[];
};

static const char **finding_path(struct run_finding *f, int i)
{
	const char **p[P_N] = {
		&f->stdout_path, &f->stderr_path, &f->input_path, &f->check_stdout_path,
		&f->check_stderr_path,
	};

	return p[i];
}

/* A finding's file into the spool: renamed, or copied for the fuzz input,
 * which stays where it is (the worker rewrites it in place, and a
 * template's stdin is that very file). */
static int spool_take(const char *from, const char *to, bool copy)
{
	void *data;
	size_t len;
	int e;

	if (!copy)
		return rename(from, to) < 0 ? -errno : 0;
	if ((e = fs_read_file(from, 1 << 20, &data, &len)) < 0)
		return e;
	e = fs_write_file(to, data, len, 0644);
	free(data);
	return e;
}

static int send_full(int fd, const void *buf, size_t len)
{
	const char *p = buf;

	while (len) {
		ssize_t n = send(fd, p, len, MSG_NOSIGNAL);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		p += n;
		len -= n;
	}
	return 0;
}

/* 0 at once at EOF: the other end is gone. */
static ssize_t recv_full(int fd, void *buf, size_t len)
{
	char *p = buf;
	size_t got = 0;

	while (got < len) {
		ssize_t n = recv(fd, p + got, len - got, MSG_WAITALL);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		if (n == 0)
			return got ? -EPIPE : 0;
		got += n;
	}
	return (ssize_t)got;
}

/* The worker's side: a finding's files out of the runner's way (its next
 * run recreates them), then the message. */
static int send_exec(int fd, struct runner *rn, struct run_exec *x, const char *spool_base)
{
	static struct exec_finding ef;	/* ~300 KiB: not on the stack */
	struct run_exec hdr = *x;
	int e = 0;

	hdr.spool[0] = 0;
	if (x->r == 1) {
		ef.f = *x->f;
		if (snprintf(hdr.spool, sizeof(hdr.spool), "%s/spool-%lu", spool_base, x->id) >=
		    (int)sizeof(hdr.spool))
			e = -ENAMETOOLONG;
		else
			e = mkdir_p(hdr.spool, 0755);
		if (e < 0)
			hdr.spool[0] = 0;
		for (int i = 0; i < P_N; i++) {
			const char *from = *finding_path(&ef.f, i);

			ef.paths[i][0] = 0;
			*finding_path(&ef.f, i) = NULL;
			if (!from || e < 0)
				continue;
			if (snprintf(ef.paths[i], sizeof(ef.paths[i]), "%s/%d", hdr.spool, i) >=
			    (int)sizeof(ef.paths[i]) || spool_take(from, ef.paths[i], from == rn->fuzz_input) < 0)
				ef.paths[i][0] = 0;
		}
		if (e == 0)
			runner_keep_workdir(rn, hdr.spool, 0);
		/* The captures went with it: the next run makes new ones,
		 * not written through descriptors to the spool's. */
		runner_episode_done(rn);
	}
	if ((e = send_full(fd, &hdr, sizeof(hdr))) < 0)
		return e;
	if (x->r == 1 && (e = send_full(fd, &ef, sizeof(ef))) < 0)
		return e;
	if (x->nlog > 0 && (e = send_full(fd, x->log, x->nlog * sizeof(*x->log))) < 0)
		return e;
	if (x->afl_n > 0)
		return send_full(fd, x->afl, x->afl_n * sizeof(*x->afl));
	return 0;
}

/* The campaign's side. 0 at EOF, 1 and *out (malloc'd) or -errno. */
static int recv_exec(int fd, struct run_exec **out)
{
	struct run_exec hdr;
	struct exec_msg *m;
	ssize_t n = recv_full(fd, &hdr, sizeof(hdr));

	if (n <= 0)
		return (int)n;
	if (hdr.nlog < 0 || hdr.nlog > 1 << 20 || hdr.afl_n > hdr.afl_size ||
	    hdr.afl_size > FB_MAX_CELLS)
		return -EPROTO;
	/* The map's cells after the log (a fault_rec's alignment covers theirs). */
	m = malloc(sizeof(*m) + hdr.nlog * sizeof(m->log[0]) + hdr.afl_n * sizeof(uint32_t));
	if (!m)
		return -ENOMEM;
	m->x = hdr;
	m->x.f = NULL;
	m->x.log = m->log;
	m->x.afl = (const uint32_t *)(m->log + hdr.nlog);
	m->ef = NULL;
	if (hdr.r == 1) {
		if (!(m->ef = malloc(sizeof(*m->ef)))) {
			n = -ENOMEM;
			goto fail;
		}
		if ((n = recv_full(fd, m->ef, sizeof(*m->ef))) <= 0)
			goto fail;
		for (int i = 0; i < P_N; i++)
			*finding_path(&m->ef->f, i) = m->ef->paths[i][0] ? m->ef->paths[i] : NULL;
		m->x.f = &m->ef->f;
	}
	if (hdr.nlog > 0 && (n = recv_full(fd, m->log, hdr.nlog * sizeof(m->log[0]))) <= 0)
		goto fail;
	if (hdr.afl_n > 0 && (n = recv_full(fd, (void *)m->x.afl, hdr.afl_n * sizeof(uint32_t))) <= 0)
		goto fail;
	*out = &m->x;
	return 1;
fail:
	free(m->ef);
	free(m);
	return n < 0 ? (int)n : -EPIPE;
}

/* --- workers ------------------------------------------------------------ */

struct worker {
	pid_t pid;
	int fd;			/* the campaign's end of its socket */
	bool busy;		/* a run handed out, its result not received */
};

/* Runs handed out, oldest first, each with its result once received. */
struct slot {
	unsigned long id;
	int worker;
	struct run_exec *x;
};

struct pool {
	int n;
	struct worker *w;
	struct slot *q;
	int qhead, qlen, qcap;
};

/* Results waiting for an older, slower run are kept (~12 KiB each, a
 * finding's ~300 KiB more): past this many, no run is handed out until the
 * oldest is in. A hang at --timeout then costs at most ~50 MiB. */
#define POOL_MAX_WAITING 4096

/* The campaign's pool, stopped at exit() too: die() in the campaign must
 * not leave workers and their jailed programs running. */
static struct pool *live_pool;
static pid_t live_owner;

static void pool_at_exit(void)
{
	if (live_pool && getpid() == live_owner)
		pool_stop(live_pool, true);
}

/* The request, then its input's bytes when it has one. 1, 0 at EOF, or
 * -errno. */
static int recv_request(int fd, struct run_request *req, uint8_t **buf)
{
	ssize_t n = recv_full(fd, req, sizeof(*req));

	if (n <= 0)
		return (int)n;
	if (!req->input)
		return 1;
	free(*buf);
	if (!(*buf = malloc(req->input_len ? req->input_len : 1)))
		return -ENOMEM;
	if (req->input_len && (n = recv_full(fd, *buf, req->input_len)) <= 0)
		return n < 0 ? (int)n : -EPIPE;
	req->input = *buf;
	return 1;
}

__attribute__((noreturn)) static void worker_main(struct runner *rn, int fd, const char *dir)
{
	static struct run_finding f;
	char input[PATH_MAX + 16];
	struct run_request req;
	struct run_exec x;
	uint8_t *buf = NULL;
	int status = 0, e, in_fd = -1;

	/* --fuzz: an input file of its own, there before the jail binds it,
	 * rewritten in place (fs_rewrite). */
	snprintf(input, sizeof(input), "%s/.cur_input", dir);
	if (rn->fuzz_input && ((e = mkdir_p(dir, 0755)) < 0 || (e = fs_rewrite(&in_fd, input, NULL, 0)) < 0))
		die_errno(e, "-j: cannot write '%s'", input);
	runner_rehome(rn, dir, rn->fuzz_input ? input : NULL);
	while (!runner_interrupted) {
		e = recv_request(fd, &req, &buf);
		if (e <= 0) {
			status = e < 0;
			break;
		}
		if (req.input && (e = fs_rewrite(&in_fd, input, req.input, req.input_len)) < 0)
			die_errno(e, "-j: cannot write '%s'", input);
		run_exec(rn, &req, &x, &f);
		if (send_exec(fd, rn, &x, dir) < 0) {
			status = 1;
			break;
		}
	}
	free(buf);
	if (in_fd >= 0)
		close(in_fd);
	close(fd);
	runner_fini(rn);
	_exit(status);
}

struct pool *pool_start(struct runner *rn, int n, const char *run_dir)
{
	static bool registered;
	struct pool *p = calloc(1, sizeof(*p));

	if (!p || !(p->w = calloc(n, sizeof(*p->w))))
		die("out of memory");
	if (!registered && atexit(pool_at_exit) == 0)
		registered = true;
	fflush(NULL);	/* nothing buffered is written twice */
	for (int k = 0; k < n; k++) {
		char dir[PATH_MAX];
		int sv[2];
		pid_t pid;

		if (snprintf(dir, sizeof(dir), "%s/w%d", run_dir, k) >= (int)sizeof(dir))
			die("--out: path too long: '%s'", run_dir);
		(void)remove_tree(dir);	/* an earlier campaign's worker */
		if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) < 0)
			die_errno(errno, "-j: cannot make a socket for worker %d", k);
		pid = fork();
		if (pid < 0)
			die_errno(errno, "-j: cannot fork worker %d", k);
		if (pid == 0) {
			for (int i = 0; i < k; i++)
				close(p->w[i].fd);
			close(sv[0]);
			worker_main(rn, sv[1], dir);
		}
		close(sv[1]);
		p->w[k].pid = pid;
		p->w[k].fd = sv[0];
		p->n++;
		live_pool = p;
		live_owner = getpid();
	}
	return p;
}

int pool_idle(const struct pool *p)
{
	if (p->qlen >= POOL_MAX_WAITING)
		return -1;
	for (int k = 0; k < p->n; k++)
		if (!p->w[k].busy && p->w[k].fd >= 0)
			return k;
	return -1;
}

int pool_busy(const struct pool *p)
{
	return p->qlen;
}

static void worker_gone(struct pool *p, int k, char *why, int whylen)
{
	int st = 0;

	close(p->w[k].fd);
	p->w[k].fd = -1;
	if (waitpid(p->w[k].pid, &st, 0) < 0)
		st = 0;
	p->w[k].pid = 0;
	if (WIFSIGNALED(st))
		snprintf(why, whylen, "-j: worker %d died of signal %s during a run", k,
			 sigabbrev_np(WTERMSIG(st)) ? sigabbrev_np(WTERMSIG(st)) : "?");
	else
		snprintf(why, whylen, "-j: worker %d exited with status %d during a run", k,
			 WEXITSTATUS(st));
}



int pool_send(struct pool *p, int w, const struct run_request *req, char *why, int whylen)
{
	int e;

	if (p->qhead + p->qlen == p->qcap) {
		if (p->qhead) {
			memmove(p->q, p->q + p->qhead, p->qlen * sizeof(*p->q));
			p->qhead = 0;
		} else {
			struct slot *q = realloc(p->q, (p->qcap ? 2 * p->qcap : 64) * sizeof(*q));

			if (!q)
				return -ENOMEM;
			p->q = q;
			p->qcap = p->qcap ? 2 * p->qcap : 64;
		}
	}
	e = send_full(p->w[w].fd, req, sizeof(*req));
	if (e == 0 && req->input && req->input_len)
		e = send_full(p->w[w].fd, req->input, req->input_len);
	if (e < 0) {
		/* It ended between runs (killed, or it died). */
		worker_gone(p, w, why, whylen);
		return e;
	}
	p->q[p->qhead + p->qlen++] = (struct slot){ .id = req->id, .worker = w };
	p->w[w].busy = true;
	return 0;
}

/* Receive one result from any busy worker (blocking). */
static int receive_one(struct pool *p, char *why, int whylen)
{
	struct pollfd pfd[p->n];
	int map[p->n], m = 0, e;

	for (int k = 0; k < p->n; k++)
		if (p->w[k].busy && p->w[k].fd >= 0) {
			pfd[m] = (struct pollfd){ .fd = p->w[k].fd, .events = POLLIN };
			map[m++] = k;
		}
	if (!m) {
		snprintf(why, whylen, "-j: no worker left");
		return -EPIPE;
	}
	while ((e = poll(pfd, m, -1)) < 0 && errno == EINTR)
		if (runner_interrupted)
			return -EINTR;
	if (e < 0) {
		snprintf(why, whylen, "-j: poll: %s", strerror(errno));
		return -errno;
	}
	for (int i = 0; i < m; i++) {
		int k = map[i];
		struct run_exec *x = NULL;

		if (!pfd[i].revents)
			continue;
		e = recv_exec(p->w[k].fd, &x);
		if (e <= 0) {
			worker_gone(p, k, why, whylen);
			return e < 0 ? e : -EPIPE;
		}
		for (int j = 0; j < p->qlen; j++) {
			struct slot *s = &p->q[p->qhead + j];

			if (s->worker == k && !s->x) {
				s->x = x;
				x = NULL;
				break;
			}
		}
		free(x);	/* not asked for: cannot happen */
		p->w[k].busy = false;
		return 0;
	}
	return 0;
}

int pool_next_result(struct pool *p, struct run_exec **x, char *why, int whylen)
{
	int e;

	*x = NULL;
	if (!p->qlen)
		return -ENOENT;
	/* One receive at a time: the caller hands the freed worker a run
	 * before waiting again (a slow oldest run holds nobody back). */
	if (!p->q[p->qhead].x && (e = receive_one(p, why, whylen)) < 0)
		return e;
	if (!p->q[p->qhead].x)
		return 0;
	*x = p->q[p->qhead].x;
	p->qhead++;
	p->qlen--;
	return 0;
}

void pool_release(struct pool *p, struct run_exec *x)
{
	(void)p;
	if (!x)
		return;
	struct exec_msg *m = (struct exec_msg *)((char *)x - offsetof(struct exec_msg, x));

	if (x->spool[0])
		(void)remove_tree(x->spool);
	free(m->ef);
	free(m);
}

void pool_keep_workdir(struct runner *rn, const struct run_exec *x, const char *out_dir, int id)
{
	char from[PATH_MAX + 32], to[PATH_MAX + 32];
	static const char *const names[] = { "workdir", "outputs" };
	int e;

	if (!x->spool[0]) {
		runner_keep_workdir(rn, out_dir, id);
		return;
	}
	snprintf(to, sizeof(to), "%s/findings/%d", out_dir, id);
	if ((e = mkdir_p(to, 0755)) < 0) {
		fprintf(stderr, "fzsandbox: warning: cannot keep the work directory in '%s': %s\n", to,
			strerror(-e));
		return;
	}
	for (size_t i = 0; i < sizeof(names) / sizeof(*names); i++) {
		snprintf(from, sizeof(from), "%s/findings/0/%s", x->spool, names[i]);
		snprintf(to, sizeof(to), "%s/findings/%d/%s", out_dir, id, names[i]);
		if (rename(from, to) < 0 && errno != ENOENT)
			fprintf(stderr, "fzsandbox: warning: cannot keep '%s' in '%s': %s\n", from, to,
				strerror(errno));
	}
}

void pool_stop(struct pool *p, bool interrupted)
{
	if (!p)
		return;
	if (live_pool == p)
		live_pool = NULL;
	for (int k = 0; k < p->n; k++) {
		if (p->w[k].pid && interrupted)
			kill(p->w[k].pid, SIGTERM);
		if (p->w[k].fd >= 0)
			close(p->w[k].fd);	/* EOF: no more runs */
	}
	for (int k = 0; k < p->n; k++)
		if (p->w[k].pid)
			while (waitpid(p->w[k].pid, NULL, 0) < 0 && errno == EINTR)
				;
	for (int j = 0; j < p->qlen; j++)
		pool_release(p, p->q[p->qhead + j].x);
	free(p->q);
	free(p->w);
	free(p);
}
