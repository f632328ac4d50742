/* service.c - the snapshot point of a service: where it first waits for a
 * connection on the socket it listened on (accept/accept4 on it, poll or
 * ppoll with it in the set; epoll_wait and select after its listen, whose
 * sets are not read). Everything before (set-up, bind, listen) runs once;
 * each child is forked there and accepts the run's connections itself:
 * the template, parked, shares the listening socket but never accepts.
 * The same test says when a child is back waiting (is_idle): once the
 * driver sent its requests, the run ends there (tracer.h). */
#include "config.h"

#include <errno.h>
#include <linux/audit.h>
#include <poll.h>
#include <string.h>
#include <unistd.h>

#include "snapshot/snapshot_int.h"
#include "util/util.h"

enum wait_kind { W_ACCEPT, W_POLL, W_SET };

static const struct {
	const char *name;
	enum wait_kind kind;
} waits[] = {
	{ "accept", W_ACCEPT }, { "accept4", W_ACCEPT }, { "poll", W_POLL }, { "ppoll", W_POLL },
	{ "epoll_wait", W_SET }, { "epoll_pwait", W_SET }, { "epoll_pwait2", W_SET },
	{ "select", W_SET }, { "pselect6", W_SET },
};

#define POLL_MAX 1024	/* past this many fds, poll counts as a W_SET */

/* Does poll's set (args[0], args[1] entries) hold fd? */
static bool poll_has(struct tracer_task *t, const struct syscall_stop *s, int fd)
{
	struct pollfd p[64];
	uint64_t n = s->args[1], done = 0;

	if (n > POLL_MAX)
		return true;
	while (done < n) {
		size_t k = n - done < 64 ? n - done : 64;

		if (tracer_read_mem(t, s->args[0] + done * sizeof(p[0]), p, k * sizeof(p[0])) < 0)
			return false;
		for (size_t i = 0; i < k; i++)
			if (p[i].fd == fd)
				return true;
		done += k;
	}
	return false;
}

/* Is this call a wait for a connection on the listening socket? */
static bool waits_on_listen(const struct snapshot *sn, struct tracer_task *t,
			    const struct syscall_stop *s)
{
	if (s->arch != AUDIT_ARCH_X86_64 || !s->ent || sn->lfd < 0)
		return false;
	for (size_t i = 0; i < ARRAY_SIZE(waits); i++) {
		if (strcmp(s->ent->name, waits[i].name) != 0)
			continue;
		switch (waits[i].kind) {
		case W_ACCEPT:
			return (int)s->args[0] == sn->lfd;
		case W_POLL:
			return poll_has(t, s, sn->lfd);
		case W_SET:
			return true;
		}
	}
	return false;
}

int snap_service_point(struct snapshot *sn, struct tracer_task *t, const struct syscall_stop *s)
{
	/* listen's entry: its socket (a failed listen is seen again). */
	if (s->arch == AUDIT_ARCH_X86_64 && s->ent && strcmp(s->ent->name, "listen") == 0) {
		sn->lfd = (int)s->args[0];
		return 0;
	}
	return sn->on_listen && waits_on_listen(sn, t, s);
}

int snap_service_idle(void *ctx, struct tracer_task *t, const struct syscall_stop *s)
{
	return waits_on_listen(ctx, t, s);
}

void snap_service_trace_set(uint8_t set[SYSCALL_MAX / 8])
{
	const struct syscall_ent *e = syscall_by_name("listen");

	if (e && e->nr >= 0 && e->nr < SYSCALL_MAX)
		set[e->nr / 8] |= 1 << (e->nr % 8);
	for (size_t i = 0; i < ARRAY_SIZE(waits); i++) {
		e = syscall_by_name(waits[i].name);
		if (e && e->nr >= 0 && e->nr < SYSCALL_MAX)
			set[e->nr / 8] |= 1 << (e->nr % 8);
	}
}

void snapshot_for_service(struct snapshot *sn)
{
	sn->service = true;
	sn->ts.is_idle = snap_service_idle;
	if (sn->on_stdin) {	/* the default point: a service's is here */
		sn->on_stdin = false;
		sn->on_listen = true;
	}
}

int snapshot_listen_fd(const struct snapshot *sn, pid_t *pid)
{
	*pid = sn->tmpl_pid;
	for (int i = 0; sn->lfd >= 0 && i < sn->nfds; i++)
		if (sn->fds[i].fd == sn->lfd) {
			int fd = dup(sn->fds[i].copy);

			return fd < 0 ? -errno : fd;
		}
	return -ENOENT;
}
