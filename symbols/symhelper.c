#include "config.h"

/* symhelper.c - one symbolization request in a confined child.
 *
 * A fork per request (not a resident helper): requests are rare (frames
 * in modules the jailed target could have written, each address once per
 * campaign thanks to untrusted.c's cache), a fresh child has no state a
 * previous hostile file could have corrupted, and killing it is the whole
 * timeout handling. Measured cost: docs/jail.md, "Untrusted modules".
 *
 * The request travels by fork itself (the fd and the addresses are in
 * the child's copy of memory); answers come back as fixed-size records on
 * a pipe, read with a deadline. Nothing the child says is trusted beyond
 * its length: strings are terminated and control characters replaced
 * before they reach a report or a terminal.
 */

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "symbols/symbols_int.h"
#include "util/util.h"

#define EXIT_STALE 3	/* the file's build-id is not the mapped one */
#define EXIT_SETUP 4	/* could not confine itself: parsed nothing */
#define AS_BUDGET (256ull << 20)

static uid_t helper_uid = 65534;
static gid_t helper_gid = 65534;

void symhelper_set_user(uid_t uid, gid_t gid)
{
	helper_uid = uid;
	helper_gid = gid;
}

static void set_unknown(struct sym_result *r)
{
	memset(r, 0, sizeof(*r));
	strcpy(r->function, "??");
}

/* --- the child --------------------------------------------------------- */

static int no_debuginfo(Dwfl_Module *mod, void **userdata, const char *modname,
			Dwarf_Addr base, const char *file_name,
			const char *debuglink_file, GElf_Word debuglink_crc,
			char **debuginfo_file_name)
{
	(void)mod, (void)userdata, (void)modname, (void)base, (void)file_name;
	(void)debuglink_file, (void)debuglink_crc, (void)debuginfo_file_name;
	/* Only what the file itself holds: the helper may open nothing. */
	return -1;
}

/* The helper's answer, or its end: nobody reads a half answer. */
static void write_all(int fd, const void *buf, size_t len)
{
	if (fs_write_all(fd, buf, len, -1) < 0)
		_exit(EXIT_FAILURE);
}

/* The module on fd 0, answers on fd 1, the tests' hold pipe on fd 2;
 * nothing else of the tracer's (report files, pidfds, other modules). */
static int place_fds(int module, int out, int hold)
{
	int m = fcntl(module, F_DUPFD, 10), o = fcntl(out, F_DUPFD, 10);
	int h = hold >= 0 ? fcntl(hold, F_DUPFD, 10) : -1;

	if (m < 0 || o < 0 || (hold >= 0 && h < 0))
		return -errno;
	if (dup2(m, 0) < 0 || dup2(o, 1) < 0 || (h >= 0 && dup2(h, 2) < 0))
		return -errno;
	if (h < 0)
		close(2);
	if (syscall(SYS_close_range, 3U, ~0U, 0U) < 0) {
		/* Before Linux 5.9: the descriptors we can know of. */
		for (int fd = 3; fd < 65536; fd++)
			close(fd);
	}
	return 0;
}

static void test_hooks(int test)
{
	char c = 'R';

	if (test & SYMH_TEST_HOLD) {
		write_all(1, &c, 1);
		/* Until the parent has looked at us and closed its end. */
		while (read(2, &c, 1) > 0)
			;
	}
	if (test & SYMH_TEST_FORBIDDEN)
		syscall(SYS_getpid);
	if (test & SYMH_TEST_SPIN)
		for (volatile unsigned long i = 0;; i++)
			;
}

static bool same_id(Dwfl_Module *mod, const unsigned char *want, size_t len)
{
	const unsigned char *bits;
	GElf_Addr vaddr;
	int n = dwfl_module_build_id(mod, &bits, &vaddr);

	return n > 0 && (size_t)n == len && memcmp(bits, want, len) == 0;
}

static void __attribute__((noreturn)) child(const struct symhelper_req *req, int out,
					    int hold, uint64_t as_limit)
{
	Dwfl_Callbacks cb = {
		.find_debuginfo = no_debuginfo,
		.section_address = dwfl_offline_section_address,
	};
	struct sym_result res[SYMHELPER_MAX];
	Dwfl_Module *mod;
	Dwarf_Addr bias;
	bool has_dwarf;
	Dwfl *dwfl;

	if (place_fds(req->fd, out, hold) < 0 ||
	    symhelper_confine(helper_uid, helper_gid, as_limit, 1) < 0)
		_exit(EXIT_SETUP);
	test_hooks(req->test);
	/* From here on the file is parsed: only the allow-list is left. */
	elf_version(EV_CURRENT);
	dwfl = dwfl_begin(&cb);
	mod = dwfl ? dwfl_report_elf(dwfl, "untrusted", "untrusted", 0, 0, true) : NULL;
	if (!mod || dwfl_report_end(dwfl, NULL, NULL) != 0)
		_exit(EXIT_FAILURE);
	if (req->build_id_len && !same_id(mod, req->build_id, req->build_id_len))
		_exit(EXIT_STALE);
	has_dwarf = dwfl_module_getdwarf(mod, &bias) != NULL;
	for (int i = 0; i < req->n; i++) {
		Dwarf_Addr cubias;
		Dwarf_Die *cu;
		int line = 0;

		struct sym_inline chain[1];
		uint64_t symoff = 0;

		set_unknown(&res[i]);
		sym_lookup(mod, req->vaddrs[i], res[i].function, sizeof(res[i].function),
			   res[i].file, sizeof(res[i].file), &line, &symoff);
		res[i].line = line;
		res[i].symoff = symoff;
		/* The innermost level only (the site's caller): the outer
		 * levels of an untrusted module's chain are not shown. */
		if (sym_inline_chain(mod, req->vaddrs[i], chain, 1) == 1 && chain[0].inlined) {
			snprintf(res[i].function, sizeof(res[i].function), "%s", chain[0].function);
			res[i].flags |= SYMR_INLINED;
		}
		/* For unwind.c's static_libc_pc: libc.a code in a static
		 * program is what no unit of a -g program covers. */
		cu = has_dwarf ? dwfl_module_addrdie(mod, req->vaddrs[i], &cubias) : NULL;
		res[i].flags |= (has_dwarf ? SYMR_DWARF : 0) |
			       (cu && dwarf_haspc(cu, req->vaddrs[i] - cubias) > 0 ? SYMR_IN_CU : 0);
	}
	write_all(1, res, req->n * sizeof(res[0]));
	_exit(EXIT_SUCCESS);
}

/* --- the tracer -------------------------------------------------------- */

/* Read up to len bytes by the deadline. Returns the count (short at EOF)
 * or -ETIMEDOUT. The tracer's 10 ms tick (TRACER_TICK_SIGNAL, when this
 * runs on a tracing thread) interrupts poll: retried. */
static ssize_t read_until(int fd, void *buf, size_t len, int64_t deadline)
{
	size_t got = 0;

	while (got < len) {
		struct pollfd p = { .fd = fd, .events = POLLIN };
		int64_t left = deadline - mono_ms();
		ssize_t n;
		int r;

		if (left <= 0)
			return -ETIMEDOUT;
		r = poll(&p, 1, (int)left);
		if (r < 0 && errno != EINTR)
			return -errno;
		if (r <= 0)
			continue;
		n = read(fd, (char *)buf + got, len - got);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		if (n == 0)
			break;
		got += n;
	}
	return got;
}

/* What the tracer already maps plus a budget that grows with the file:
 * libdw keeps the file mapped and builds its tables beside it. */
static uint64_t as_limit(int fd)
{
	unsigned long long pages = 0;
	struct stat st;
	FILE *fp = fopen("/proc/self/statm", "re");

	if (!fp)
		return 0;
	if (fscanf(fp, "%llu", &pages) != 1)
		pages = 0;
	fclose(fp);
	if (!pages || fstat(fd, &st) < 0)
		return 0;
	return pages * (uint64_t)sysconf(_SC_PAGESIZE) + AS_BUDGET + 4 * (uint64_t)st.st_size;
}

static void clean_str(char *s, size_t len)
{
	s[len - 1] = '\0';
	for (; *s; s++)
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			*s = '?';
}

static int reap(pid_t pid, bool kill_first)
{
	int st;

	if (kill_first)
		kill(pid, SIGKILL);
	while (waitpid(pid, &st, 0) < 0)
		if (errno != EINTR)
			return -errno;
	return st;
}

/* Test hook: wait for the confined child's ready byte, let the caller
 * look at it, then let it go on. */
static int hold_and_inspect(const struct symhelper_req *req, pid_t pid, int in, int *hold_w,
			    int64_t deadline)
{
	char c;
	ssize_t n = read_until(in, &c, 1, deadline);

	if (n != 1)
		return n < 0 ? (int)n : -ECHILD;
	if (req->inspect)
		req->inspect(pid, req->inspect_arg);
	close(*hold_w);
	*hold_w = -1;
	return 0;
}

int symhelper_run(const struct symhelper_req *req, struct sym_result *res)
{
	int out[2], hold[2] = { -1, -1 }, st, r, timeout;
	int64_t deadline;
	ssize_t got = 0;
	uint64_t as;
	pid_t pid;

	if (!req || !res || req->fd < 0 || req->n < 0 || req->n > SYMHELPER_MAX ||
	    req->build_id_len > 64)
		return -EINVAL;
	for (int i = 0; i < req->n; i++)
		set_unknown(&res[i]);
	timeout = req->timeout_ms > 0 ? req->timeout_ms : SYMHELPER_TIMEOUT_MS;
	r = symhelper_filter_prepare(1);
	if (r < 0)
		return r;
	/* dlopen in the tracer: the child inherits libstdc++'s demangler. */
	sym_demangle_prepare();
	as = as_limit(req->fd);
	if (pipe2(out, O_CLOEXEC) < 0)
		return -errno;
	if ((req->test & SYMH_TEST_HOLD) && pipe2(hold, O_CLOEXEC) < 0) {
		r = -errno;
		close(out[0]);
		close(out[1]);
		return r;
	}
	deadline = mono_ms() + timeout;
	pid = fork();
	if (pid == 0)
		child(req, out[1], hold[0], as);
	r = pid < 0 ? -errno : 0;
	close(out[1]);
	if (hold[0] >= 0)
		close(hold[0]);
	if (r == 0 && (req->test & SYMH_TEST_HOLD))
		r = hold_and_inspect(req, pid, out[0], &hold[1], deadline);
	if (r == 0)
		got = read_until(out[0], res, req->n * sizeof(*res), deadline);
	if (hold[1] >= 0)
		close(hold[1]);
	close(out[0]);
	if (pid < 0)
		return r;
	if (r == 0 && got < 0)
		r = (int)got;
	/* Killed on any error: a helper that stopped answering is not waited for. */
	st = reap(pid, r < 0);
	if (st < 0)
		return r < 0 ? r : st;
	if (r < 0)
		return r;
	for (ssize_t i = 0; i < got / (ssize_t)sizeof(*res); i++) {
		clean_str(res[i].function, sizeof(res[i].function));
		clean_str(res[i].file, sizeof(res[i].file));
		if (!res[i].function[0])
			strcpy(res[i].function, "??");
		if (res[i].line < 0)
			res[i].line = 0;
	}
	for (ssize_t i = got / (ssize_t)sizeof(*res); i < req->n; i++)
		set_unknown(&res[i]);
	if (WIFEXITED(st) && WEXITSTATUS(st) == EXIT_STALE)
		return -ESTALE;
	/* Every answer arrived: how the child ended after that changes
	 * nothing (a compromised one could have lied in them anyway). */
	if (got == (ssize_t)(req->n * sizeof(*res)))
		return req->n;
	return -ECHILD;
}
