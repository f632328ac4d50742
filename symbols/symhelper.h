/* symhelper.h - symbolize an untrusted ELF file in a confined child.
 *
 * A module the jailed target could have written is hostile input to
 * libelf/libdw. The tracer never parses it: symhelper_run forks a child
 * that drops to an unprivileged user, no capabilities, no_new_privs,
 * small rlimits and a seccomp allow-list (symhelper_confine.c), parses the
 * already-open file with elfutils and writes fixed-size answers back over
 * a pipe, which the tracer reads with a timeout.
 */
#ifndef FZ_SYMHELPER_H
#define FZ_SYMHELPER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#define SYMHELPER_MAX 64	/* addresses per request */
#define SYMHELPER_TIMEOUT_MS 2000

/* One answer, as written on the pipe. */
enum {
	SYMR_DWARF = 1,		/* the file has DWARF */
	SYMR_IN_CU = 2,		/* a compilation unit covers the address */
};

struct sym_result {
	int32_t line;		/* 0 if unknown */
	int32_t flags;		/* SYMR_* */
	char function[128];	/* demangled, "??" if unknown */
	char file[192];		/* "" if unknown */
};

/* Test hooks (tests/unit/check_symhelper.c): prove what the child is. */
enum {
	SYMH_TEST_HOLD = 1,	 /* confined, then wait until inspect returns */
	SYMH_TEST_FORBIDDEN = 2, /* confined, then make a denied syscall */
	SYMH_TEST_SPIN = 4,	 /* confined, then loop forever */
};

struct symhelper_req {
	int fd;				/* the module's file (read-only) */
	const unsigned char *build_id;	/* the file must have it (NULL: any) */
	size_t build_id_len;
	const uint64_t *vaddrs;		/* addresses in the file's own layout */
	int n;				/* <= SYMHELPER_MAX */
	int timeout_ms;			/* 0: SYMHELPER_TIMEOUT_MS */
	int test;			/* SYMH_TEST_* */
	void (*inspect)(pid_t helper, void *arg);
	void *inspect_arg;
};

/* Symbolize req->vaddrs into res[0..n-1] (always filled: "??" where
 * unknown). Returns the number of answers the helper gave, or -ETIMEDOUT
 * (killed after the timeout), -ESTALE (build-id mismatch), -ECHILD (the
 * helper died: a crash, a limit, a denied syscall) or another -errno. */
int symhelper_run(const struct symhelper_req *req, struct sym_result *res);

/* The user the helper runs as when fzsandbox is root (default nobody;
 * the CLI passes the jail's --uid). */
void symhelper_set_user(uid_t uid, gid_t gid);

/* symhelper_confine.c: in the forked child, before any parsing. Returns 0
 * or -errno; the child exits on failure. out_fd is the only writable fd. */
int symhelper_confine(uid_t uid, gid_t gid, uint64_t as_limit, int out_fd);
/* Compile the allow-list once, in the tracer (libseccomp allocates). */
int symhelper_filter_prepare(int out_fd);

#endif
