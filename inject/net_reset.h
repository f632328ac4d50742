/* net_reset.h - a TCP connection reset for real from its peer's end, when
 * the peer is one of fzsandbox's own sockets (the service driver's): the
 * io class's ECONNRESET and EPIPE (internal to inject/). */
#ifndef FZ_NET_RESET_H
#define FZ_NET_RESET_H

#include <stdbool.h>

#include "tracer/tracer.h"

/* Is the other end of the connection of sock (our descriptor on the
 * tracee's socket) a socket of fzsandbox's own? */
bool net_peer_owned(int sock);
/* Reset the connection of t's descriptor fd from that end, and wait until
 * t's end has taken the RST; the call then runs. 0 or -errno. */
int net_peer_reset(struct tracer_task *t, int fd);

#endif
