/* net_class.c - the net class's hooks: at socket, socketpair, accept,
 * accept4 and connect, the faults its rows give (fault_table.c) whose
 * condition holds.
 *
 * socket, socketpair and accept fail before the call runs, as the kernel
 * fails them: it takes a descriptor and allocates the socket and its file
 * before anything else happens (an accept dequeues its connection only
 * after that, so the connection stays queued for the next accept:
 * docs/kernel-facts.md#accept-fails-before-dequeue). These need no
 * state: a process can always be at its descriptor limit, the system at
 * its file limit or short of memory. connect is not failed: it runs,
 * towards a port that refuses (net_connect.c), so every later result
 * (SO_ERROR, poll, a second connect) is the kernel's. getaddrinfo fails
 * at the call (net_gai.c). */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>

#include "inject/fault_table.h"
#include "inject/fs_class.h"
#include "inject/net_class.h"
#include "util/util.h"

/* Families every Linux builds in: an unknown one fails with
 * EAFNOSUPPORT before any descriptor is taken. */
static bool known_domain(int d)
{
	return d == AF_UNIX || d == AF_INET || d == AF_INET6 || d == AF_NETLINK;
}

/* A closed descriptor gets EBADF, a non-socket ENOTSOCK first. */
static bool socket_fd(struct tracer_task *t, int fd)
{
	char p[64];
	struct stat st;

	snprintf(p, sizeof(p), "/proc/%d/fd/%d", (int)tracer_task_pid(t), fd);
	return fd >= 0 && stat(p, &st) == 0 && S_ISSOCK(st.st_mode);
}

struct stop_ctx {
	struct tracer_task *t;
	const struct syscall_stop *s;
	int refusable;		/* -1: not looked at yet */
	struct net_redirect rd;
	struct net_run *run;
};

static bool row_holds(const struct fault_row *r, struct stop_ctx *c)
{
	/* An int argument: the register's upper half is not the program's. */
	int a0 = (int)(int32_t)c->s->args[0];

	switch (r->pre) {
	case PRE_SOCK_DOMAIN:
		return known_domain(a0);
	case PRE_INET_DOMAIN:
		return a0 == AF_INET || a0 == AF_INET6;
	case PRE_UNIX_PAIR:
		return a0 == AF_UNIX;
	case PRE_SOCKET_FD:
		return socket_fd(c->t, a0);
	case PRE_REFUSABLE:
		if (c->refusable < 0)
			c->refusable = net_connect_refusable(c->t, c->s, &c->rd);
		return c->refusable;
	case PRE_NOFILE:
		return fs_nofile_can(c->t);
	default:
		return r->pre == PRE_NONE;
	}
}

static int net_fail(void *arg, struct tracer_task *t, struct fault *f)
{
	struct stop_ctx *c = arg;

	if (strcmp(c->s->ent->name, "connect") == 0)
		return c->run ? net_connect_refuse(c->run, t, &c->rd) : -ENOMEM;
	if (f->type == FT_EXHAUST)	/* the kernel gives EMFILE (fs_nofile.c) */
		return fs_nofile_set(t);
	return tracer_fail_syscall(t, f->err);
}

static int net_on_syscall(struct inject *inj, int cls, struct tracer_task *t,
			  const struct syscall_stop *s)
{
	struct inj_call call = { .cls = cls, .name = s->ent->name, .sc = s };
	struct stop_ctx c = { t, s, -1, { 0 }, inj_run_state(inj, cls) };
	struct fault opts[8];
	int n = 0;

	if (!inj_may_fail(inj, call.name))
		return 0;
	for (int i = 0; i < n_fault_rows && n < 8; i++) {
		const struct fault_row *r = &fault_rows[i];

		/* Exhaustion is pinned only here: see its row. */
		if (r->pre == PRE_NOFILE && (inj->record || inj->random))
			continue;
		if (strcmp(r->cls, "net") == 0 && fault_row_has_call(r, call.name) &&
		    row_holds(r, &c) && fault_parse(r->fault, &opts[n]) == 0)
			n++;
	}
	/* Every occurrence counts, failable or not (decide.c). */
	inj_decide(inj, t, &call, opts, n, net_fail, &c);
	return 0;
}

const struct class_hooks net_class_hooks = {
	.mm_new = net_gai_mm_new,
	.mm_fork = net_gai_mm_fork,
	.mm_free = net_gai_mm_free,
	.run_size = sizeof(struct net_run),
	.on_entry = net_gai_on_entry,
	.on_syscall = net_on_syscall,
	.on_syscall_exit = net_connect_on_exit,
	.on_trap = net_gai_on_trap,
};
