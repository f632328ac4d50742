#include "config.h"

/* check_symhelper.c - the confined symbolization helper (symbols/
 * symhelper.c) on a real ELF of the test build (tests/targets/
 * libfzplugin.so), on corrupt ones, and what the helper process really is
 * (its /proc status while it waits, confined, before parsing); and the
 * trust rule of symbols/untrusted.c. */

#include <check.h>
#include <elfutils/libdwelf.h>
#include <errno.h>
#include <fcntl.h>
#include <gelf.h>
#include <limits.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "symbols/symbols_int.h"

static char tmpdir[64];
static char plugin[PATH_MAX];

static void setup(void)
{
	const char *b = getenv("top_builddir");

	snprintf(tmpdir, sizeof(tmpdir), "/tmp/check_symhelper.XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(tmpdir));
	snprintf(plugin, sizeof(plugin), "%s/tests/targets/libfzplugin.so", b ? b : ".");
	ck_assert_msg(access(plugin, R_OK) == 0, "no %s (make check builds it)", plugin);
}

static void teardown(void)
{
	char cmd[PATH_MAX + 16];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
	if (system(cmd) != 0)
		fprintf(stderr, "cannot remove %s\n", tmpdir);
}

static bool ends_with(const char *s, const char *suffix)
{
	size_t a = strlen(s), b = strlen(suffix);

	return a >= b && strcmp(s + a - b, suffix) == 0;
}

/* The oracle, read here with libelf: this file is the test's own. */
static uint64_t symbol_value(const char *path, const char *name)
{
	int fd = open(path, O_RDONLY);
	Elf_Scn *scn = NULL;
	uint64_t value = 0;
	Elf *elf;

	ck_assert_int_ge(fd, 0);
	elf_version(EV_CURRENT);
	elf = elf_begin(fd, ELF_C_READ, NULL);
	ck_assert_ptr_nonnull(elf);
	while ((scn = elf_nextscn(elf, scn)) && !value) {
		GElf_Shdr sh;
		Elf_Data *d;

		if (!gelf_getshdr(scn, &sh) || sh.sh_type != SHT_SYMTAB)
			continue;
		d = elf_getdata(scn, NULL);
		for (size_t i = 0; d && i < sh.sh_size / sh.sh_entsize; i++) {
			GElf_Sym s;
			const char *n;

			if (!gelf_getsym(d, (int)i, &s))
				continue;
			n = elf_strptr(elf, sh.sh_link, s.st_name);
			if (n && strcmp(n, name) == 0)
				value = s.st_value;
		}
	}
	elf_end(elf);
	close(fd);
	ck_assert_msg(value != 0, "no symbol %s in %s", name, path);
	return value;
}

static size_t file_build_id(const char *path, unsigned char *id)
{
	const void *bits;
	ssize_t n;
	int fd = open(path, O_RDONLY);
	Elf *elf;

	ck_assert_int_ge(fd, 0);
	elf_version(EV_CURRENT);
	elf = elf_begin(fd, ELF_C_READ, NULL);
	n = dwelf_elf_gnu_build_id(elf, &bits);
	ck_assert_int_gt(n, 0);
	memcpy(id, bits, n);
	elf_end(elf);
	close(fd);
	return n;
}

/* The line tests/targets/plugin.c marks: plugin_store's entry. */
static int marker_line(void)
{
	const char *s = getenv("top_srcdir");
	char path[PATH_MAX], line[512];
	int n = 0;
	FILE *fp;

	snprintf(path, sizeof(path), "%s/tests/targets/plugin.c", s ? s : ".");
	fp = fopen(path, "r");
	ck_assert_ptr_nonnull(fp);
	while (fgets(line, sizeof(line), fp)) {
		n++;
		if (strstr(line, "PLUGIN_STORE_LINE") && line[0] == '{')
			break;
	}
	fclose(fp);
	return n;
}

static long long elapsed_us(const struct timespec *t0)
{
	struct timespec t1;

	clock_gettime(CLOCK_MONOTONIC, &t1);
	return (t1.tv_sec - t0->tv_sec) * 1000000LL + (t1.tv_nsec - t0->tv_nsec) / 1000;
}

static int cmp_ll(const void *a, const void *b)
{
	long long x = *(const long long *)a, y = *(const long long *)b;

	return x < y ? -1 : x > y;
}

START_TEST(test_real_elf)
{
	uint64_t v[3] = { symbol_value(plugin, "plugin_store"),
			  symbol_value(plugin, "plugin_crash"), 0 };
	unsigned char id[64];
	struct sym_result r[3];
	struct symhelper_req q = { .vaddrs = v, .n = 3 };
	long long us[21];
	struct timespec t0;

	q.build_id_len = file_build_id(plugin, id);
	q.build_id = id;
	q.fd = open(plugin, O_RDONLY | O_CLOEXEC);
	ck_assert_int_ge(q.fd, 0);
	ck_assert_int_eq(symhelper_run(&q, r), 3);
	ck_assert_str_eq(r[0].function, "plugin_store");
	ck_assert_msg(ends_with(r[0].file, "tests/targets/plugin.c"), "file %s", r[0].file);
	ck_assert_int_eq(r[0].line, marker_line());
	ck_assert_str_eq(r[1].function, "plugin_crash");
	ck_assert_int_gt(r[1].line, r[0].line);
	/* Address 0 is no function: unknown, not an error. */
	ck_assert_str_eq(r[2].function, "??");
	ck_assert_int_eq(r[2].line, 0);

	/* What one request costs (docs/jail.md quotes it). */
	for (int i = 0; i < 21; i++) {
		clock_gettime(CLOCK_MONOTONIC, &t0);
		ck_assert_int_eq(symhelper_run(&q, r), 3);
		us[i] = elapsed_us(&t0);
	}
	qsort(us, 21, sizeof(us[0]), cmp_ll);
	fprintf(stderr, "symhelper: one request (fork, confine, parse, answer): median %lld us, "
		"max %lld us\n", us[10], us[20]);

	/* Another file than the one mapped: nothing is believed. */
	id[0] ^= 0xff;
	ck_assert_int_eq(symhelper_run(&q, r), -ESTALE);
	ck_assert_str_eq(r[0].function, "??");
	close(q.fd);
}
END_TEST

/* A copy of the plugin, cut or damaged, or no ELF at all. */
static int bad_copy(const char *name, long keep, long smash_at, const char *text)
{
	char path[PATH_MAX], cmd[2 * PATH_MAX + 64];
	int fd;

	snprintf(path, sizeof(path), "%s/%s", tmpdir, name);
	if (text) {
		FILE *fp = fopen(path, "w");

		ck_assert_ptr_nonnull(fp);
		fputs(text, fp);
		ck_assert_int_eq(fclose(fp), 0);
	} else {
		snprintf(cmd, sizeof(cmd), "cp '%s' '%s'", plugin, path);
		ck_assert_int_eq(system(cmd), 0);
		if (keep >= 0)
			ck_assert_int_eq(truncate(path, keep), 0);
	}
	fd = open(path, O_RDWR | O_CLOEXEC);
	ck_assert_int_ge(fd, 0);
	if (smash_at >= 0) {
		/* Section headers and their string table: every byte 0xff. */
		struct stat st;
		char junk[4096];

		memset(junk, 0xff, sizeof(junk));
		ck_assert_int_eq(fstat(fd, &st), 0);
		for (long off = smash_at; off < st.st_size; off += sizeof(junk))
			ck_assert_int_gt(pwrite(fd, junk, sizeof(junk), off), 0);
	}
	return fd;
}

START_TEST(test_corrupt)
{
	uint64_t v[1] = { symbol_value(plugin, "plugin_store") };
	struct sym_result r[1];
	struct symhelper_req q = { .vaddrs = v, .n = 1 };
	struct {
		const char *name;
		long keep, smash;
		const char *text;
		bool unknown;	/* must answer "??" */
	} cases[] = {
		{ "empty", 0, -1, NULL, true },
		{ "header", 64, -1, NULL, true },
		{ "half", 4096, -1, NULL, true },
		{ "text", -1, -1, "not an ELF file\n", true },
		{ "smashed", -1, 12000, NULL, false },
		{ "smashed-early", -1, 64, NULL, true },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
		struct timespec t0;
		int n;

		q.fd = bad_copy(cases[i].name, cases[i].keep, cases[i].smash, cases[i].text);
		clock_gettime(CLOCK_MONOTONIC, &t0);
		n = symhelper_run(&q, r);
		/* Answered (or refused) in time, and the strings are sane. */
		ck_assert_int_lt(elapsed_us(&t0), (SYMHELPER_TIMEOUT_MS + 1000) * 1000LL);
		ck_assert_int_le(n, 1);
		ck_assert_int_lt(strlen(r[0].function), sizeof(r[0].function));
		ck_assert_int_lt(strlen(r[0].file), sizeof(r[0].file));
		if (cases[i].unknown)
			ck_assert_msg(strcmp(r[0].function, "??") == 0 && r[0].line == 0,
				      "%s: %s:%d (n=%d)", cases[i].name, r[0].function, r[0].line, n);
		close(q.fd);
	}
}
END_TEST

/* One "Name:\tvalue" line of /proc/PID/status or a "Max ..." line of
 * /proc/PID/limits, without its name. */
static void proc_field(pid_t pid, const char *file, const char *name, char *out, size_t len)
{
	char path[64], line[512];
	FILE *fp;

	snprintf(path, sizeof(path), "/proc/%d/%s", (int)pid, file);
	fp = fopen(path, "r");
	ck_assert_ptr_nonnull(fp);
	out[0] = '\0';
	while (fgets(line, sizeof(line), fp)) {
		if (strncmp(line, name, strlen(name)) != 0)
			continue;
		snprintf(out, len, "%s", line + strlen(name) + strspn(line + strlen(name), " \t"));
		out[strcspn(out, "\n")] = '\0';
		break;
	}
	fclose(fp);
}

/* The kernel gives a non-dumpable process's /proc files to root. */
static uid_t proc_owner(pid_t pid)
{
	char path[64];
	struct stat st;

	snprintf(path, sizeof(path), "/proc/%d/mem", (int)pid);
	ck_assert_int_eq(stat(path, &st), 0);
	return st.st_uid;
}

struct seen {
	char uid[64], gid[64], groups[64], cap_eff[32], cap_prm[32], cap_inh[32];
	char cap_amb[32], cap_bnd[32], nnp[8], seccomp[8], nofile[64], core[64], cpu[64];
	uid_t proc_owner;
};

static void inspect(pid_t pid, void *arg)
{
	struct seen *s = arg;

	proc_field(pid, "status", "Uid:", s->uid, sizeof(s->uid));
	proc_field(pid, "status", "Gid:", s->gid, sizeof(s->gid));
	proc_field(pid, "status", "Groups:", s->groups, sizeof(s->groups));
	proc_field(pid, "status", "CapEff:", s->cap_eff, sizeof(s->cap_eff));
	proc_field(pid, "status", "CapPrm:", s->cap_prm, sizeof(s->cap_prm));
	proc_field(pid, "status", "CapInh:", s->cap_inh, sizeof(s->cap_inh));
	proc_field(pid, "status", "CapAmb:", s->cap_amb, sizeof(s->cap_amb));
	proc_field(pid, "status", "CapBnd:", s->cap_bnd, sizeof(s->cap_bnd));
	proc_field(pid, "status", "NoNewPrivs:", s->nnp, sizeof(s->nnp));
	proc_field(pid, "status", "Seccomp:", s->seccomp, sizeof(s->seccomp));
	proc_field(pid, "limits", "Max open files", s->nofile, sizeof(s->nofile));
	proc_field(pid, "limits", "Max core file size", s->core, sizeof(s->core));
	proc_field(pid, "limits", "Max cpu time", s->cpu, sizeof(s->cpu));
	s->proc_owner = proc_owner(pid);
}

START_TEST(test_confined)
{
	uint64_t v[1] = { symbol_value(plugin, "plugin_store") };
	struct sym_result r[1];
	struct seen s;
	struct symhelper_req q = {
		.vaddrs = v, .n = 1, .test = SYMH_TEST_HOLD, .inspect = inspect, .inspect_arg = &s,
	};
	char want[64];
	bool root = geteuid() == 0;

	memset(&s, 0, sizeof(s));
	q.fd = open(plugin, O_RDONLY | O_CLOEXEC);
	ck_assert_int_ge(q.fd, 0);
	if (root)
		symhelper_set_user(65534, 65534);
	/* Held after confining itself, inspected, then it parses as usual. */
	ck_assert_int_eq(symhelper_run(&q, r), 1);
	ck_assert_str_eq(r[0].function, "plugin_store");
	snprintf(want, sizeof(want), "%u\t%u\t%u\t%u", root ? 65534 : getuid(),
		 root ? 65534 : getuid(), root ? 65534 : getuid(), root ? 65534 : getuid());
	ck_assert_str_eq(s.uid, want);
	snprintf(want, sizeof(want), "%u\t%u\t%u\t%u", root ? 65534 : getgid(),
		 root ? 65534 : getgid(), root ? 65534 : getgid(), root ? 65534 : getgid());
	ck_assert_str_eq(s.gid, want);
	if (root) {
		ck_assert_str_eq(s.groups, "");
		ck_assert_str_eq(s.cap_bnd, "0000000000000000");
	}
	ck_assert_str_eq(s.cap_eff, "0000000000000000");
	ck_assert_str_eq(s.cap_prm, "0000000000000000");
	ck_assert_str_eq(s.cap_inh, "0000000000000000");
	ck_assert_str_eq(s.cap_amb, "0000000000000000");
	ck_assert_str_eq(s.nnp, "1");
	ck_assert_str_eq(s.seccomp, "2");	/* SECCOMP_MODE_FILTER */
	ck_assert_msg(strncmp(s.nofile, "3 ", 2) == 0, "open files: %s", s.nofile);
	ck_assert_msg(strncmp(s.core, "0 ", 2) == 0, "core: %s", s.core);
	ck_assert_msg(strncmp(s.cpu, "2 ", 2) == 0, "cpu: %s", s.cpu);
	/* Not dumpable: no process of its uid (the jail's) may ptrace it or
	 * read its memory. Only seen when that uid is not root's. */
	if (strncmp(s.uid, "0\t", 2) != 0)
		ck_assert_int_eq(s.proc_owner, 0);

	/* The filter is enforced, not only installed: one syscall outside
	 * the allow-list (getpid) and the helper is gone. */
	q.test = SYMH_TEST_FORBIDDEN;
	ck_assert_int_eq(symhelper_run(&q, r), -ECHILD);
	ck_assert_str_eq(r[0].function, "??");
	close(q.fd);
}
END_TEST

/* A parser that never finishes: killed at the deadline, reaped, "??". */
START_TEST(test_timeout)
{
	uint64_t v[1] = { 0x1000 };
	struct sym_result r[1];
	struct symhelper_req q = { .vaddrs = v, .n = 1, .test = SYMH_TEST_SPIN,
				   .timeout_ms = 300 };
	struct timespec t0;
	long long us;

	q.fd = open(plugin, O_RDONLY | O_CLOEXEC);
	ck_assert_int_ge(q.fd, 0);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	ck_assert_int_eq(symhelper_run(&q, r), -ETIMEDOUT);
	us = elapsed_us(&t0);
	ck_assert_msg(us >= 300000 && us < 1000000, "took %lld us", us);
	ck_assert_str_eq(r[0].function, "??");
	/* No helper left behind, not even a zombie. */
	ck_assert_int_eq(waitpid(-1, NULL, WNOHANG), -1);
	ck_assert_int_eq(errno, ECHILD);
	close(q.fd);
}
END_TEST

/* Only a linked regular file on a read-only mount is the host's. */
START_TEST(test_trust_rule)
{
	char path[PATH_MAX], fifo[PATH_MAX];
	int fd, ffd;

	snprintf(path, sizeof(path), "%s/lib.so", tmpdir);
	fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
	ck_assert_int_ge(fd, 0);
	ck_assert(!untrusted_fd_is_safe(fd));	/* a writable mount */
	snprintf(fifo, sizeof(fifo), "%s/fifo", tmpdir);
	ck_assert_int_eq(mkfifo(fifo, 0600), 0);
	ffd = open(fifo, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	ck_assert_int_ge(ffd, 0);
	ck_assert(!untrusted_fd_is_safe(ffd));
	close(ffd);
	/* This test runs in its own process (CK_FORK): a private mount
	 * namespace with the directory bound read-only over itself. */
	if (unshare(CLONE_NEWNS) < 0 || mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0 ||
	    mount(tmpdir, tmpdir, NULL, MS_BIND, NULL) < 0 ||
	    mount(NULL, tmpdir, NULL, MS_BIND | MS_REMOUNT | MS_RDONLY, NULL) < 0) {
		fprintf(stderr, "test_trust_rule: no mount namespace, read-only case skipped\n");
		close(fd);
		return;
	}
	close(fd);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	ck_assert_int_ge(fd, 0);
	ck_assert(untrusted_fd_is_safe(fd));
	close(fd);
	ffd = open(fifo, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	ck_assert(!untrusted_fd_is_safe(ffd));	/* read-only, but no file */
	close(ffd);
	/* A deleted file (or a memfd) is never the host's. */
	fd = memfd_create("fake-lib", MFD_CLOEXEC);
	ck_assert_int_ge(fd, 0);
	ck_assert(!untrusted_fd_is_safe(fd));
	close(fd);
	ck_assert_int_eq(umount2(tmpdir, MNT_DETACH), 0);	/* for teardown */
}
END_TEST

/* The jail's vdso is replaced by ours only when it is the same image. */
START_TEST(test_vdso)
{
	unsigned long start = 0, end;
	char line[512];
	FILE *fp = fopen("/proc/self/maps", "r");
	pid_t pid;
	Elf *elf;
	int st;

	ck_assert_ptr_nonnull(fp);
	while (fgets(line, sizeof(line), fp))
		if (strstr(line, "[vdso]") && sscanf(line, "%lx-%lx", &start, &end) == 2)
			break;
	fclose(fp);
	if (!start)
		return;	/* no vdso (vdso=0 on the kernel command line) */
	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		pause();
		_exit(0);
	}
	elf_version(EV_CURRENT);
	/* The child's vdso is at our address (fork keeps the layout). */
	elf = untrusted_vdso(pid, start);
	ck_assert_ptr_nonnull(elf);
	ck_assert_int_eq(elf_kind(elf), ELF_K_ELF);
	elf_end(elf);
	/* No ELF image there: nothing. */
	ck_assert_ptr_null(untrusted_vdso(pid, 0x10000));
	kill(pid, SIGKILL);
	ck_assert_int_eq(waitpid(pid, &st, 0), pid);
}
END_TEST

static Suite *symhelper_suite(void)
{
	Suite *s = suite_create("symhelper");
	TCase *tc = tcase_create("core");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, test_real_elf);
	tcase_add_test(tc, test_corrupt);
	tcase_add_test(tc, test_confined);
	tcase_add_test(tc, test_timeout);
	tcase_add_test(tc, test_trust_rule);
	tcase_add_test(tc, test_vdso);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(symhelper_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
