/* die.h - the one fatal path: only cli/ may print-and-exit. */
#ifndef FZ_DIE_H
#define FZ_DIE_H

/* Exit codes (fzsandbox.1, EXIT STATUS). */
enum {
	EXIT_CLEAN = 0,
	EXIT_FINDINGS = 1,
	EXIT_USAGE = 2,
	EXIT_BUDGET = 3,
};

/* "fzsandbox: <message>" on stderr, then exit(EXIT_USAGE). */
__attribute__((noreturn, format(printf, 1, 2))) void die(const char *fmt, ...);
/* The same with ": <strerror(err)>" appended (err > 0 or -errno). */
__attribute__((noreturn, format(printf, 2, 3))) void die_errno(int err, const char *fmt, ...);

#endif
