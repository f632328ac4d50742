/* service.h - the driver for targets that are services: wait until the
 * service's listen() returned 0, send each request file on its own
 * connection, read the reply, then ask the tracer to stop the service. */
#ifndef FZ_SERVICE_H
#define FZ_SERVICE_H

#include <stdbool.h>
#include <sys/types.h>

#include "tracer/tracer.h"

struct service_opts {
	char *const *requests;	/* files, NULL-terminated; none: start-up only */
	long reply_timeout_ms;
	/* socket(2) for the driver's connections, given the service's
	 * listening socket; NULL: socket(). A jailed service's loopback is
	 * reachable only from its own network namespace
	 * (sandbox_socket_beside). Returns the fd or -errno. */
	int (*make_socket)(int lfd, int domain, int type, int protocol);
	/* The service runs in another mount namespace (the jail): a unix
	 * socket's path is its own, reached through /proc/PID/root. */
	bool jailed;
	/* Keep the start of each reply (--show-replies) in the result. */
	bool keep_replies;
};

/* What became of one request (--show-replies). */
enum service_reply_state {
	REPLY_UNSENT,		/* no connection, or not sent in full */
	REPLY_DONE,		/* read to EOF */
	REPLY_TIMEOUT,		/* cut by --reply-timeout */
	REPLY_CUT,		/* the run ended, or the connection failed, first */
};

#define SERVICE_KEEP_REPLIES 32
#define SERVICE_KEEP_BYTES 256

struct service_reply {
	enum service_reply_state state;
	size_t len;		/* bytes received */
	char head[SERVICE_KEEP_BYTES];	/* the first of them */
};

struct service_result {
	bool ready;		/* the service listened */
	int sent;		/* requests sent in full */
	int replied;		/* replies read to EOF */
	int timeouts;		/* replies cut by --reply-timeout */
	/* keep_replies: the first SERVICE_KEEP_REPLIES requests' replies. */
	int nreplies;
	struct service_reply replies[SERVICE_KEEP_REPLIES];
};

struct service_driver;

/* Start the driver thread for one run; *svc is what tracer_session_run
 * needs: it watches listen(2) exits (listen must be in the trace set). */
int service_start(const struct service_opts *o, struct service_driver **out,
		  struct tracer_service *svc);
/* The service listened already (a snapshot's template, parked where it
 * waits for connections): lfd, ours to keep, is its listening socket and
 * pid a process of it (its jail's paths). The driver starts at once. */
int service_ready(struct service_driver *d, int lfd, pid_t pid);
/* After tracer_session_run returned: stop and join the thread, free it. */
void service_finish(struct service_driver *d, struct service_result *res);

#endif
