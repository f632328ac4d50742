/* restore_int.h - what tracer/restore.c, restore_fds.c and
 * restore_sig.c share: the restore's state and the calls its process
 * makes. Not for other files (they use restore.h). */
#ifndef FZ_TRACER_RESTORE_INT_H
#define FZ_TRACER_RESTORE_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/ioctl.h>
#include <sys/types.h>
#include <sys/user.h>

#include "tracer/restore.h"

/* Linux 6.7's PAGEMAP_SCAN and userfaultfd's WP_ASYNC: Debian 12's
 * headers are 6.1's (include/uapi/linux/fs.h, userfaultfd.h). */
#ifndef PAGEMAP_SCAN
struct page_region {
	uint64_t start, end, categories;
};
struct pm_scan_arg {
	uint64_t size, flags, start, end, walk_end, vec, vec_len, max_pages;
	uint64_t category_inverted, category_mask, category_anyof_mask, return_mask;
};
#define PAGE_IS_WPALLOWED (1 << 0)
#define PAGE_IS_WRITTEN (1 << 1)
#define PAGEMAP_SCAN _IOWR('f', 16, struct pm_scan_arg)
#endif
#ifndef UFFD_FEATURE_WP_UNPOPULATED
#define UFFD_FEATURE_WP_UNPOPULATED (1 << 13)
#endif
#ifndef UFFD_FEATURE_WP_ASYNC
#define UFFD_FEATURE_WP_ASYNC (1 << 15)
#endif
#ifndef UFFD_USER_MODE_ONLY
#define UFFD_USER_MODE_ONLY 1
#endif

#define XSTATE_MAX 16384	/* AMX's xsave area is ~11 KiB */
#define VEC_N 256		/* written ranges a scan returns at a time */
#define BATCH_BYTES (4u << 20)	/* copied from a source process at a time */
#define IOV_N 256

enum map_kind { MK_PLAIN, MK_HEAP, MK_STACK };

#define NSIG_K 64		/* the kernel's signals, 1 to 64 */

/* The kernel's struct sigaction for rt_sigaction on x86_64, and stack_t. */
struct ksigaction {
	uint64_t handler, flags, restorer, mask;
};
struct kstack {
	uint64_t sp;
	int32_t flags, pad;
	uint64_t size;
};

struct map {
	uint64_t lo, hi, offset, inode;
	char perms[5];
	enum map_kind kind;
};

/* A writable private mapping of the snapshot and its bytes then. */
struct region {
	uint64_t lo, hi;
	uint8_t *data;
};

struct fdent {
	int fd;
	int copy;		/* ours (pidfd_getfd): the same open file; at a
				 * restore, 1 when the process's still is */
	bool cloexec;
	char link[96];
};

struct tracer_restore {
	pid_t tid;
	int uffd, pagemap;
	struct user_regs_struct start;
	uint64_t insn;
	pid_t donor;		/* in the process's pid namespace; 0: none */
	uint8_t xstate[XSTATE_MAX];
	size_t xlen;
	uint64_t sigmask, brk;
	struct map *maps;
	int nmaps;
	struct region *reg;
	int nreg;
	struct fdent *fds;
	int nfds;
	struct page_region vec[VEC_N];
	struct tracer_restore_stats st;
	int schedstat, statm;	/* /proc's, for tracer_restore_usage */
	/* A process whose memory is the snapshot (ours: a stopped template),
	 * read at each restore instead of a copy at arm time; 0: none. */
	pid_t src;
	uint8_t *scratch;	/* BATCH_BYTES, with src */
	/* Signal handlers and the alternate stack at arm time, put back
	 * where the run set them (tracer_restore_note). */
	struct ksigaction sa[NSIG_K + 1];
	struct kstack altstack;
	uint64_t sa_changed;	/* bit sig - 1 */
	bool altstack_changed;
	bool fdflags_changed;	/* F_SETFD, FIOCLEX, FIONCLEX */
	bool maps_changed;	/* a noted call mapped, unmapped or protected */
	uint64_t stack_lo;	/* the snapshot's [stack] start (0: none) */
};

/* restore_call.c: restore.h's failure with why[] set; a call the process
 * makes from its exit stop (its result in *ret). */
int rs_fail(int err, char *why, size_t whylen, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
int rs_call4(struct tracer_restore *r, long nr, uint64_t a0, uint64_t a1, uint64_t a2,
	     uint64_t a3, int64_t *ret);
int rs_call(struct tracer_restore *r, long nr, uint64_t a0, uint64_t a1, uint64_t a2,
	    int64_t *ret);

/* restore_fds.c: the process's descriptors (with where each points when
 * links); copies of the snapshot's; putting them back; their
 * close-on-exec flags back. */
int rs_read_fds(pid_t tid, bool links, struct fdent **out, int *n);
int rs_grab_fds(struct tracer_restore *r, char *why, size_t whylen);
int rs_restore_fds(struct tracer_restore *r, char *why, size_t whylen);
int rs_restore_fdflags(struct tracer_restore *r, char *why, size_t whylen);

/* restore_sig.c: its signal handlers and alternate stack, read at arm
 * time and set back where a run set them. */
int rs_save_signals(struct tracer_restore *r);
int rs_restore_signals(struct tracer_restore *r, char *why, size_t whylen);

#endif
