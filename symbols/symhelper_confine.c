#include "config.h"

/* symhelper_confine.c - what the symbolization helper may still do.
 *
 * Run in the forked child before it reads a byte of the untrusted file:
 * small rlimits, no capabilities (bounding and ambient sets too), the
 * unprivileged user when root, not dumpable, no_new_privs, then a seccomp
 * allow-list of what libelf/libdw need to parse an open fd and answer
 * (measured with strace; symhelper.c's child keeps the module on fd 0 and
 * the answer pipe on fd 1). Anything else kills the helper. The filter and
 * the empty capability set are built once in the tracer: libseccomp and
 * libcap allocate, and a request should not pay their compile cost.
 */

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <stdlib.h>
#include <sys/capability.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <unistd.h>

#include <linux/filter.h>
#include <linux/seccomp.h>
#include <seccomp.h>

#include "symbols/symbols_int.h"

#define CPU_SECONDS 2
#define NOFILE 3	/* module, answer pipe, the tests' hold pipe */

static struct sock_fprog prog;
static cap_t nocaps;

/* Plain syscalls, any arguments. */
static const int allow_any[] = {
	SCMP_SYS(read), SCMP_SYS(pread64), SCMP_SYS(lseek), SCMP_SYS(fstat),
	SCMP_SYS(munmap), SCMP_SYS(mremap), SCMP_SYS(brk), SCMP_SYS(madvise),
	SCMP_SYS(close), SCMP_SYS(exit_group), SCMP_SYS(exit),
	SCMP_SYS(rt_sigreturn),
	SCMP_SYS(sysinfo),	/* glibc's qsort sizes its buffer by RAM */
	SCMP_SYS(sigaltstack),	/* ASan's runtime, at exit (--enable-sanitizers) */
};

/* Lookups of other files libdw makes on its own (the fd's directory via
 * realpath("/proc/self/fd/N") for split DWARF and dwz files): refused
 * with EACCES, so it goes on without them instead of dying. */
static const int refuse[] = {
	SCMP_SYS(open), SCMP_SYS(openat), SCMP_SYS(readlink), SCMP_SYS(readlinkat),
	SCMP_SYS(stat), SCMP_SYS(lstat), SCMP_SYS(access), SCMP_SYS(faccessat),
};

static int add_rules(scmp_filter_ctx ctx, int out_fd)
{
	int r = 0;

	for (size_t i = 0; i < sizeof(refuse) / sizeof(*refuse) && r == 0; i++)
		r = seccomp_rule_add(ctx, SCMP_ACT_ERRNO(EACCES), refuse[i], 0);

	for (size_t i = 0; i < sizeof(allow_any) / sizeof(*allow_any) && r == 0; i++)
		r = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, allow_any[i], 0);
	/* Answers go to the pipe and nowhere else. */
	if (r == 0)
		r = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(write), 1,
				     SCMP_A0(SCMP_CMP_EQ, (scmp_datum_t)out_fd));
	/* Memory for the parser, never executable: an exploit gets no place
	 * to put code. */
	if (r == 0)
		r = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(mmap), 1,
				     SCMP_A2(SCMP_CMP_MASKED_EQ, PROT_EXEC, 0));
	if (r == 0)
		r = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(mprotect), 1,
				     SCMP_A2(SCMP_CMP_MASKED_EQ, PROT_EXEC, 0));
	/* libdw checks the fd it is given with F_GETFD. */
	if (r == 0)
		r = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(fcntl), 1,
				     SCMP_A1(SCMP_CMP_EQ, F_GETFD));
	/* glibc's fstat(fd) is newfstatat(fd, "", AT_EMPTY_PATH). */
	if (r == 0)
		r = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(newfstatat), 1,
				     SCMP_A3(SCMP_CMP_EQ, AT_EMPTY_PATH));
	return r;
}

static int export_bpf(scmp_filter_ctx ctx)
{
	int fd = memfd_create("fz-symhelper-bpf", MFD_CLOEXEC);
	struct sock_filter *f;
	off_t len;
	int r;

	if (fd < 0)
		return -errno;
	r = seccomp_export_bpf(ctx, fd);
	len = r < 0 ? 0 : lseek(fd, 0, SEEK_END);
	if (r == 0 && (len <= 0 || len % sizeof(struct sock_filter)))
		r = -EINVAL;
	f = r == 0 ? malloc(len) : NULL;
	if (r == 0 && !f)
		r = -ENOMEM;
	if (r == 0 && pread(fd, f, len, 0) != len)
		r = errno ? -errno : -EIO;
	close(fd);
	if (r < 0) {
		free(f);
		return r;
	}
	prog.filter = f;
	prog.len = len / sizeof(struct sock_filter);
	return 0;
}

int symhelper_filter_prepare(int out_fd)
{
	scmp_filter_ctx ctx;
	int r;

	if (prog.filter)
		return 0;
	if (!nocaps) {
		nocaps = cap_init();
		if (!nocaps)
			return -ENOMEM;
	}
	ctx = seccomp_init(SCMP_ACT_KILL_PROCESS);
	if (!ctx)
		return -ENOMEM;
	r = add_rules(ctx, out_fd);
	if (r == 0)
		r = export_bpf(ctx);
	seccomp_release(ctx);
	return r;
}

static int set_limit(int res, rlim_t soft, rlim_t hard)
{
	struct rlimit rl = { .rlim_cur = soft, .rlim_max = hard };

	return setrlimit(res, &rl) < 0 ? -errno : 0;
}

/* A hostile file may make the parser spin or balloon: the CPU limit ends
 * a spin even if the tracer's wall-clock kill were late; the address
 * space limit is the inherited tracer image plus a budget (the caller
 * computes it: an absolute figure would be below an ASan tracer's
 * reservations). No core file: it would hold the target's data. */
static int limits(uint64_t as_limit)
{
	int r = set_limit(RLIMIT_CPU, CPU_SECONDS, CPU_SECONDS + 1);

	if (r == 0 && as_limit)
		r = set_limit(RLIMIT_AS, as_limit, as_limit);
	if (r == 0)
		r = set_limit(RLIMIT_NOFILE, NOFILE, NOFILE);
	if (r == 0)
		r = set_limit(RLIMIT_FSIZE, 0, 0);
	if (r == 0)
		r = set_limit(RLIMIT_CORE, 0, 0);
	if (r == 0)
		r = set_limit(RLIMIT_MEMLOCK, 0, 0);
	return r;
}

/* Root becomes uid/gid with no supplementary groups; anyone else keeps
 * their ids (they hold nothing more than the target's own user). The
 * bounding set goes first: it needs CAP_SETPCAP, which the setresuid
 * takes away. Unprivileged callers cannot shrink it (EPERM) and need not:
 * with no_new_privs and no execve nothing is gained from it. */
static int drop_ids(uid_t uid, gid_t gid)
{
	bool root = geteuid() == 0;

	for (cap_value_t c = 0; c < cap_max_bits(); c++)
		if (cap_drop_bound(c) < 0 && errno != EINVAL && (root || errno != EPERM))
			return -errno;
	if (cap_reset_ambient() < 0 && errno != EINVAL)
		return -errno;
	if (root) {
		if (setgroups(0, NULL) < 0 || setresgid(gid, gid, gid) < 0 ||
		    setresuid(uid, uid, uid) < 0)
			return -errno;
		/* Never back: a parser exploit must not regain root. */
		if (setuid(0) == 0)
			return -EPERM;
	}
	if (cap_set_proc(nocaps) < 0)
		return -errno;
	return 0;
}

int symhelper_confine(uid_t uid, gid_t gid, uint64_t as_limit, int out_fd)
{
	int r;

	if (!prog.filter || !nocaps)
		return -EINVAL;
	(void)out_fd;	/* compiled into the filter by symhelper_filter_prepare */
	r = limits(as_limit);
	if (r == 0)
		r = drop_ids(uid, gid);
	/* Not dumpable: no other process of that user (the jail runs as the
	 * same uid) may ptrace it or read its memory. */
	if (r == 0 && prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) < 0)
		r = -errno;
	if (r == 0 && prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
		r = -errno;
	if (r == 0 && prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog) < 0)
		r = -errno;
	return r;
}
