/* redact.h - --redact=REGEX: text matching any of the expressions is
 * replaced by REDACT_MASK wherever fzsandbox writes it for people and CI
 * (docs/ci.md, "Secrets"). One process-wide list, filled while the
 * options are parsed and read-only after: every writer in every module
 * asks the same list, and regexec on a compiled pattern is thread-safe.
 *
 * A leaf like util.h: includes nothing of fzsandbox. Returns -errno.
 */
#ifndef FZ_REDACT_H
#define FZ_REDACT_H

#include <stdbool.h>
#include <stddef.h>

#define REDACT_MASK "[REDACTED]"
#define REDACT_MAX 32

/* Compile re (POSIX extended) into the list. -EINVAL with regerror's
 * text in why; -E2BIG past REDACT_MAX; -ENOMEM. */
int redact_add(const char *re, char *why, int whylen);
/* Any expression given? */
bool redact_active(void);
/* s[0..len) with every match replaced by REDACT_MASK, malloc'd into *out
 * (NUL-terminated, *outlen its length; NULs inside s are kept). The
 * leftmost match of any expression wins, the longest of those; empty
 * matches are ignored. Returns the number of matches or -ENOMEM. */
int redact_buf(const char *s, size_t len, char **out, size_t *outlen);
/* The string in buf (size bytes) masked in place, cut to fit: for text
 * read from captured output and then cut or rewritten (digits to <n>),
 * which the writers could no longer match. Matches, or -ENOMEM with buf
 * unchanged; 0 at once without --redact. */
int redact_line(char *buf, size_t size);
/* Copy fd in to fd out masked, a line at a time (a match never spans a
 * newline; lines over 64 KiB are masked in 64 KiB pieces). 0 or -errno. */
int redact_copy_fd(int in, int out);

/* Every regular file directly in dir masked in place (a run's captured
 * output left in OUT/run, a finding's copied by a merge), but those named
 * in keep (NULL-terminated, or NULL). 0 or the first -errno. */
int redact_dir_files(const char *dir, const char *const *keep);

/* redact_stream.c: from now on, what is written to fd (1 or 2, by this
 * process or by children inheriting it) goes through a pipe and a thread
 * that masks it a line at a time onto the original file. Idempotent per
 * fd; an atexit handler flushes and waits (at most 2 s) for the last
 * line. 0 or -errno (then fd is left as it was). */
int redact_stream_start(int fd);

#endif
