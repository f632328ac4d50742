/* die.h - the one fatal path: only cli/ may print-and-exit. */
#ifndef FZ_DIE_H
#define FZ_DIE_H

/* Exit codes (fzsandbox.1, EXIT STATUS). */
enum {
	EXIT_CLEAN = 0,
	EXIT_FINDINGS = 1,
	EXIT_USAGE = 2,
	EXIT_BUDGET = 3,
	EXIT_FLAKY = 4,		/* --replay: reproduced by some runs, not all */
};

/* --inject=none (cli/standalone.c) passes the program's own status
 * through, so its own failures use env(1)'s and timeout(1)'s codes. */
enum {
	EXIT_TIMEDOUT = 124,	/* the program hit --timeout */
	EXIT_FZ_FAILED = 125,	/* fzsandbox itself failed */
	EXIT_CANNOT_EXEC = 126,
	EXIT_NOT_FOUND = 127,
};

/* The status die() exits with: EXIT_USAGE, or EXIT_FZ_FAILED once the
 * invocation is known to be --inject=none. */
void die_set_status(int status);
/* Printed after "fzsandbox: " by every die (--config's "FILE:LINE: ");
 * NULL clears it. The string must outlive its use. */
void die_set_context(const char *prefix);
/* The program cannot be run (err: ENOENT, else why): exit 127 (ENOENT) or
 * 126 in --inject=none mode, EXIT_USAGE otherwise. */
__attribute__((noreturn, format(printf, 2, 3))) void die_program(int err, const char *fmt, ...);
/* die() with an explicit status (126/127 for the program itself). */
__attribute__((noreturn, format(printf, 2, 3))) void die_with(int status, const char *fmt, ...);

/* "fzsandbox: <message>" on stderr, then exit(EXIT_USAGE) (see die_set_status). */
__attribute__((noreturn, format(printf, 1, 2))) void die(const char *fmt, ...);
/* The same with ": <strerror(err)>" appended (err > 0 or -errno). */
__attribute__((noreturn, format(printf, 2, 3))) void die_errno(int err, const char *fmt, ...);

#endif
