/* svcnote.h - what a service's runs amounted to, told to the user: the
 * clean run's note when it did not serve, the tail of a program's stderr
 * for the messages that need its reason, and --show-replies. */
#ifndef FZ_SVCNOTE_H
#define FZ_SVCNOTE_H

#include <stddef.h>

#include "cli/options.h"
#include "harnesses/service.h"
#include "tracer/tracer.h"

/* The last nlines non-empty lines of the file at path, joined with " | ",
 * control bytes escaped, into buf (cut at len). "" when there are none
 * or path is NULL. Returns buf. */
char *output_tail(const char *path, int nlines, char *buf, size_t len);
/* n bytes of p as C-like escapes (\n, \t, \xNN), at most len-1 chars. */
char *escape_bytes(const void *p, size_t n, char *buf, size_t len);

/* The clean run of a service: a note when it did not reply to every
 * request (counts, how it ended, its stderr's last lines). Returns true
 * when it served every request. */
bool service_note_clean(const struct options *o, const char *prog, const struct service_result *s,
			const struct run_result *res, const char *stderr_path);
/* --show-replies: each kept reply of the clean run, escaped and cut. */
void service_show_replies(const struct options *o, const struct service_result *s);

#endif
