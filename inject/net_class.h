/* net_class.h - the net fault class: new sockets (socket, socketpair) and
 * accepted connections (accept, accept4) fail as the kernel fails them at
 * the descriptor and file limits or short of memory; a TCP connect is
 * refused by the kernel itself, its address pointed at a loopback port
 * nothing listens on; getaddrinfo returns EAI_* at the call (internal to
 * inject/; its rows are in fault_table.c). */
#ifndef FZ_NET_CLASS_H
#define FZ_NET_CLASS_H

#include <netinet/in.h>
#include <stdbool.h>
#include <sys/types.h>

#include "inject/classes.h"
#include "inject/inject_int.h"

extern const struct class_hooks net_class_hooks;

/* The refusing address a connect is given, and where it goes. */
union net_addr {
	struct sockaddr_in v4;
	struct sockaddr_in6 v6;
};

struct net_redirect {
	uint64_t addr;		/* the program's sockaddr */
	size_t len;		/* bytes rewritten there */
	union net_addr to;	/* what is written */
};

/* Per run: the connects whose address was rewritten, by task, with the
 * program's own bytes to put back at the exit. */
struct net_pend {
	pid_t tid;		/* 0: free */
	uint64_t addr;
	size_t len;
	union net_addr orig;
};
struct net_run {
	struct net_pend pend[64];
};

/* net_connect.c: can this connect be refused for real (PRE_REFUSABLE)?
 * If so, *rd is the rewrite that makes the kernel refuse it. */
bool net_connect_refusable(struct tracer_task *t, const struct syscall_stop *s,
			   struct net_redirect *rd);
/* Rewrite the address (inj_decide's fail function's work); it is put
 * back at the exit (net_connect_on_exit). 0 or -errno. */
int net_connect_refuse(struct net_run *run, struct tracer_task *t,
		       const struct net_redirect *rd);
int net_connect_on_exit(struct inject *inj, int cls, struct tracer_task *t,
			const struct syscall_stop *s, int64_t ret);

/* net_gai.c: getaddrinfo's breakpoint, per address space. */
int net_gai_mm_new(void **state);
int net_gai_mm_fork(const void *parent, void **child);
void net_gai_mm_free(void *state);
int net_gai_on_entry(struct inject *inj, int cls, struct tracer_task *t);
int net_gai_on_trap(struct inject *inj, int cls, struct tracer_task *t);

#endif
