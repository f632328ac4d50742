#include "config.h"

/* check_tracer_services.c - tracer/services.h on a real traced program:
 * tests/targets/getppid_calls runs as one episode of a tracer session
 * (tracer_session_run) with hooks of this file, which use the services at
 * its entry point, at a seccomp stop and at breakpoint hits. What the hooks saw is recorded and checked after
 * the run, together with what the program printed and how it ended. */

#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/ptrace.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "tracer/services.h"

#define BP_ID 7

struct ctx {
	bool signal_first;	/* leave a SIGUSR1 pending before the calls */
	unsigned bp_flags;
	int entries;
	pid_t pid;
	/* remote syscalls at the entry point */
	int getpid_rc, mmap_rc, munmap_rc, near_rc, clone_rc;
	int64_t getpid_ret, mmap_ret, munmap_ret;
	uint64_t near_addr, entry_rip;
	bool rw_ok, unmapped, regs_same, raw_same;
	/* at a seccomp stop */
	int busy_rc;
	bool busy_tried;
	/* breakpoints */
	struct tracer_sym syms[3];
	struct tracer_image img;
	int find_rc, add_rc, alias_rc, alias_other, plant_rc, hits, pass_fail;
	struct tracer_bps *bps;
};

/* --- Running the target ------------------------------------------------- */

struct outcome {
	int rc;
	struct run_result res;
	char out[256];
};

static void run_target(struct tracer_hooks *h, const uint8_t *trace_set, struct outcome *o)
{
	static char *const envp[] = { "PATH=/usr/bin:/bin", NULL };
	const char *b = getenv("top_builddir");
	char prog[4096], tmpl[] = "/tmp/fzsvc.XXXXXX";
	char *argv[] = { prog, NULL };
	struct tracer_opts opts;
	struct tracer_episode ep = { .stdout_fd = -1, .stderr_fd = -1 };
	struct tracer_session *sess;
	ssize_t n;
	int fd = mkstemp(tmpl);

	ck_assert_int_ge(fd, 0);
	unlink(tmpl);
	snprintf(prog, sizeof(prog), "%s/tests/targets/getppid_calls", b ? b : ".");
	memset(&opts, 0, sizeof(opts));
	opts.argv = argv;
	opts.envp = envp;
	opts.trace_set = trace_set;
	opts.timeout_ms = 20000;
	opts.grace_ms = 1000;
	opts.cpu = -1;
	opts.hooks = h;
	memset(o, 0, sizeof(*o));
	ep.stdout_fd = fd;
	o->rc = tracer_session_new(&opts, &sess);
	if (o->rc == 0) {
		o->rc = tracer_session_run(sess, &ep, NULL, &o->res);
		tracer_session_free(sess);
	}
	n = pread(fd, o->out, sizeof(o->out) - 1, 0);
	o->out[n > 0 ? n : 0] = 0;
	close(fd);
}

static void want_ppids(const struct outcome *o, long first)
{
	char want[128];
	long p = (long)getpid();	/* the session forks the target */

	snprintf(want, sizeof(want), "%ld\n%ld\n%ld\n", first ? first : p, p, p);
	ck_assert_str_eq(o->out, want);
}

/* --- Remote syscalls ---------------------------------------------------- */

static int entry_remote(void *arg, struct tracer_task *t)
{
	struct ctx *c = arg;
	struct user_regs_struct before, after, raw;
	uint64_t a[6] = { 0 };
	uint64_t mm[6] = { 0, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
			   (uint64_t)-1, 0 };
	int64_t ret;
	char buf[8];

	c->entries++;
	c->pid = tracer_task_pid(t);
	if (c->signal_first)
		syscall(SYS_tgkill, tracer_task_pid(t), tracer_task_tid(t), SIGUSR1);
	tracer_getregs(t, &before);
	c->entry_rip = before.rip;
	c->getpid_rc = tracer_remote_syscall(t, SYS_getpid, a, &c->getpid_ret);
	c->mmap_rc = tracer_remote_syscall(t, SYS_mmap, mm, &c->mmap_ret);
	if (c->mmap_rc == 0 && c->mmap_ret > 0) {
		uint64_t addr = (uint64_t)c->mmap_ret;

		c->rw_ok = tracer_write_mem(t, addr, "remote!", 8) == 0 &&
			   tracer_read_mem(t, addr, buf, 8) == 0 && memcmp(buf, "remote!", 8) == 0;
		a[0] = addr;
		a[1] = 4096;
		c->munmap_rc = tracer_remote_syscall(t, SYS_munmap, a, &c->munmap_ret);
		c->unmapped = tracer_read_mem(t, addr, buf, 8) < 0;
	}
	c->near_rc = tracer_remote_mmap_near(t, before.rip, 100, PROT_READ, &c->near_addr);
	memset(a, 0, sizeof(a));
	c->clone_rc = tracer_remote_syscall(t, SYS_clone, a, &ret);
	tracer_getregs(t, &after);
	ptrace(PTRACE_GETREGS, tracer_task_tid(t), 0, &raw);
	c->regs_same = memcmp(&before, &after, sizeof(before)) == 0;
	c->raw_same = memcmp(&before, &raw, sizeof(raw)) == 0;
	return 0;
}

START_TEST(remote_syscall)
{
	struct ctx c = { 0 };
	struct tracer_hooks h = { .ctx = &c, .on_entry = entry_remote };
	struct outcome o;
	uint64_t dist;

	run_target(&h, NULL, &o);
	ck_assert_int_eq(o.rc, 0);
	ck_assert_int_eq(c.entries, 1);
	ck_assert_int_eq(c.getpid_rc, 0);
	/* the target's pid, not ours: it ran in the target */
	ck_assert_int_eq(c.getpid_ret, c.pid);
	ck_assert_int_ne(c.getpid_ret, getpid());
	ck_assert_int_eq(c.mmap_rc, 0);
	ck_assert(c.mmap_ret > 0);
	ck_assert(c.rw_ok);
	ck_assert_int_eq(c.munmap_rc, 0);
	ck_assert_int_eq(c.munmap_ret, 0);
	ck_assert(c.unmapped);
	/* near the code: in rel32 reach */
	ck_assert_int_eq(c.near_rc, 0);
	dist = c.near_addr > c.entry_rip ? c.near_addr - c.entry_rip : c.entry_rip - c.near_addr;
	ck_assert_uint_lt(dist, 1ULL << 31);
	ck_assert_uint_eq(c.near_addr & 4095, 0);
	/* a call whose events belong to the loop is refused */
	ck_assert_int_eq(c.clone_rc, -EINVAL);
	/* registers put back, and the tracer's cache says so */
	ck_assert(c.regs_same);
	ck_assert(c.raw_same);
	/* the program ran on as if nothing happened */
	ck_assert_int_eq(o.res.end, RUN_EXITED);
	ck_assert_int_eq(o.res.exit_status, 0);
	want_ppids(&o, 0);
}
END_TEST

/* A signal pending when the calls run is not lost: the program still gets
 * it (and dies of it: no handler at its entry point). */
START_TEST(remote_keeps_signal)
{
	struct ctx c = { .signal_first = true };
	struct tracer_hooks h = { .ctx = &c, .on_entry = entry_remote };
	struct outcome o;

	run_target(&h, NULL, &o);
	ck_assert_int_eq(o.rc, 0);
	ck_assert_int_eq(c.getpid_rc, 0);
	ck_assert_int_eq(c.mmap_rc, 0);
	ck_assert(c.regs_same);
	ck_assert_int_eq(o.res.exit_status, 128 + SIGUSR1);
	ck_assert_str_eq(o.out, "");
}
END_TEST

static int syscall_busy(void *arg, struct tracer_task *t, const struct syscall_stop *s)
{
	struct ctx *c = arg;
	uint64_t a[6] = { 0 };
	int64_t ret;

	if (s->nr != SYS_getppid || c->busy_tried)
		return 0;
	c->busy_tried = true;
	c->busy_rc = tracer_remote_syscall(t, SYS_getpid, a, &ret);
	return 0;
}

/* Inside a syscall (a seccomp stop) the kernel would finish or restart
 * that call around ours: refused, and the traced call is unharmed. */
START_TEST(remote_busy_in_syscall)
{
	static uint8_t set[SYSCALL_MAX / 8];
	struct ctx c = { 0 };
	struct tracer_hooks h = { .ctx = &c, .on_syscall = syscall_busy };
	struct outcome o;

	set[SYS_getppid / 8] |= 1 << (SYS_getppid % 8);
	run_target(&h, set, &o);
	ck_assert_int_eq(o.rc, 0);
	ck_assert(c.busy_tried);
	ck_assert_int_eq(c.busy_rc, -EBUSY);
	ck_assert_int_eq(o.res.exit_status, 0);
	want_ppids(&o, 0);
}
END_TEST

/* --- Symbols and breakpoints -------------------------------------------- */

static int entry_plant(void *arg, struct tracer_task *t)
{
	struct ctx *c = arg;
	struct tracer_bp_info info;
	char why[256];

	c->entries++;
	c->syms[0] = (struct tracer_sym){ .name = "getppid" };
	c->syms[1] = (struct tracer_sym){ .name = "errno", .flags = TRACER_SYM_TLS };
	c->syms[2] = (struct tracer_sym){ .name = "fz_no_such_function" };
	c->find_rc = tracer_find_symbols(t, c->syms, 3, NULL, &c->img, why, sizeof(why));
	if (c->find_rc < 0 || !c->syms[0].found)
		return 0;
	c->bps = tracer_bps_new();
	c->add_rc = tracer_bp_add(c->bps, t, c->syms[0].value, BP_ID, c->bp_flags, &info);
	c->alias_rc = tracer_bp_add(c->bps, t, c->syms[0].value, BP_ID + 1, 0, &info);
	c->alias_other = info.other;
	c->plant_rc = tracer_bps_plant(c->bps, t, NULL, NULL);
	return 0;
}

/* The first call returns 4242 at once, the others are passed. */
static int trap_bp(void *arg, struct tracer_task *t)
{
	struct ctx *c = arg;
	struct user_regs_struct regs;
	uint64_t addr;
	int id;

	if (!c->bps || tracer_getregs(t, &regs) < 0)
		return 0;
	id = tracer_bp_hit(c->bps, &regs, &addr);
	if (id < 0)
		return 0;
	if (id != BP_ID || addr != c->syms[0].value)
		return -EINVAL;
	if (c->hits++ == 0)
		c->pass_fail |= tracer_bp_return(t, &regs, 4242) < 0;
	else
		c->pass_fail |= tracer_bp_pass(c->bps, t, &regs, addr) < 0;
	return 1;
}

START_TEST(breakpoint)
{
	struct ctx c = { .bp_flags = _i ? TRACER_BP_OOL : 0 };
	struct tracer_hooks h = { .ctx = &c, .on_entry = entry_plant, .on_trap = trap_bp };
	struct outcome o;

	run_target(&h, NULL, &o);
	ck_assert_int_eq(o.rc, 0);
	ck_assert_int_eq(c.entries, 1);
	/* the look-up: dynamic program, getppid and errno in libc */
	ck_assert_int_eq(c.find_rc, 0);
	ck_assert(!c.img.is_static);
	ck_assert(c.syms[0].found);
	ck_assert(!c.syms[0].ifunc);
	ck_assert_ptr_nonnull(strstr(c.syms[0].obj, "libc"));
	ck_assert(c.syms[1].found);
	ck_assert(!c.syms[2].found);
	/* one breakpoint per address: the second is an alias */
	ck_assert_int_eq(c.add_rc, 0);
	ck_assert_int_eq(c.alias_rc, -EEXIST);
	ck_assert_int_eq(c.alias_other, BP_ID);
	ck_assert_int_eq(c.plant_rc, 0);
	/* every call hit it; the first returned 4242, the rest really ran */
	ck_assert_int_eq(c.hits, 3);
	ck_assert_int_eq(c.pass_fail, 0);
	ck_assert_int_eq(o.res.end, RUN_EXITED);
	ck_assert_int_eq(o.res.exit_status, 0);
	want_ppids(&o, 4242);
	tracer_bps_free(c.bps);
}
END_TEST

static Suite *services_suite(void)
{
	Suite *s = suite_create("tracer_services");
	TCase *tc = tcase_create("traced");

	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, remote_syscall);
	tcase_add_test(tc, remote_keeps_signal);
	tcase_add_test(tc, remote_busy_in_syscall);
	/* 0: emulated when the first insn allows it; 1: out of line */
	tcase_add_loop_test(tc, breakpoint, 0, 2);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	const char *why = NULL;
	SRunner *sr;
	int failed;

	if (tracer_probe(&why) < 0) {
		printf("SKIP: cannot trace here: %s\n", why ? why : "?");
		return 77;
	}
	sr = srunner_create(services_suite());
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
