/* nschild.c - short-lived children that only hold namespaces (the probe,
 * the idmap user namespace). They share fzsandbox's address space
 * (CLONE_VM, a small stack of their own): a fork of fzsandbox copies page
 * tables, which cost more than the namespaces themselves. Their function
 * must only make raw syscalls (it runs on our memory, with our TLS). */
#include "config.h"

#include <errno.h>
#include <sched.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/wait.h>

#include "sandbox/sandbox_int.h"

#define NS_CHILD_STACK (64 * 1024)

int ns_child_start(unsigned long flags, int (*fn)(void *), void *arg, struct ns_child *c)
{
	c->stack = malloc(NS_CHILD_STACK);
	if (!c->stack)
		return -ENOMEM;
	c->pid = clone(fn, c->stack + NS_CHILD_STACK, flags | CLONE_VM | SIGCHLD, arg);
	if (c->pid < 0) {
		int r = -errno;

		free(c->stack);
		c->stack = NULL;
		return r;
	}
	return 0;
}

int ns_child_wait(struct ns_child *c)
{
	int status = 0;

	while (waitpid(c->pid, &status, __WALL) < 0 && errno == EINTR)
		;
	free(c->stack);
	c->stack = NULL;
	return status;
}
