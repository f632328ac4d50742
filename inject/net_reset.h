/* net_reset.h - a TCP connection reset for real from its peer's end, when
 * the peer is one of fzsandbox's own sockets (the service driver's): the
 * io class's ECONNRESET and EPIPE (internal to inject/). */
#ifndef FZ_NET_RESET_H
#define FZ_NET_RESET_H

#include <stdbool.h>

#include "tracer/tracer.h"

/* Is the other end of t's connection fd (TCP, in tcp_state) a socket of
 * fzsandbox's own, in a state where it can still reset it? */
bool net_peer_owned(struct tracer_task *t, int fd, int tcp_state);
/* Reset the connection of t's descriptor fd from that end, and wait until
 * t's end has taken the RST; the call then runs. 0 or -errno. */
int net_peer_reset(struct tracer_task *t, int fd);

#endif
