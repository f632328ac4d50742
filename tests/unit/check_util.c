/* check_util.c - util/: the shared clock, directory and /proc helpers. */
#include "config.h"

#include <check.h>
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/auxv.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util/util.h"

static char base[PATH_MAX];

static void setup(void)
{
	snprintf(base, sizeof(base), "%s/fzutil.XXXXXX", getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
	ck_assert_ptr_nonnull(mkdtemp(base));
}

static void teardown(void)
{
	remove_tree(base);
}

START_TEST(clock_monotonic)
{
	int64_t a = mono_us(), b;

	usleep(2000);
	b = mono_us();
	ck_assert_int_ge(b - a, 2000);
	ck_assert_int_le(mono_ms() - b / 1000, 1000);
}
END_TEST

START_TEST(mkdir_p_and_remove_tree)
{
	char p[PATH_MAX + 64], f[PATH_MAX + 80];
	struct stat st;
	int fd;

	snprintf(p, sizeof(p), "%s/a/b/c", base);
	ck_assert_int_eq(mkdir_p(p, 0755), 0);
	ck_assert_int_eq(mkdir_p(p, 0755), 0);	/* existing: fine */
	ck_assert_int_eq(stat(p, &st), 0);
	ck_assert(S_ISDIR(st.st_mode));
	snprintf(f, sizeof(f), "%s/file", p);
	fd = open(f, O_CREAT | O_WRONLY | O_CLOEXEC, 0600);
	ck_assert_int_ge(fd, 0);
	close(fd);
	/* A file in the way is an error, not a silent success. */
	snprintf(f, sizeof(f), "%s/file/x", p);
	ck_assert_int_eq(mkdir_p(f, 0755), -ENOTDIR);
	/* A directory a run left without permissions is still removed. */
	snprintf(f, sizeof(f), "%s/a/b", base);
	ck_assert_int_eq(chmod(f, 0), 0);
	snprintf(f, sizeof(f), "%s/a", base);
	ck_assert_int_eq(remove_tree(f), 0);
	ck_assert_int_eq(lstat(f, &st), -1);
	ck_assert_int_eq(remove_tree(f), 0);	/* missing: fine */
}
END_TEST

START_TEST(remove_tree_keeps_symlink_targets)
{
	char d[PATH_MAX + 16], keep[PATH_MAX + 16], l[PATH_MAX + 32];
	struct stat st;

	snprintf(d, sizeof(d), "%s/d", base);
	snprintf(keep, sizeof(keep), "%s/keep", base);
	snprintf(l, sizeof(l), "%s/d/link", base);
	ck_assert_int_eq(mkdir(d, 0755), 0);
	ck_assert_int_eq(mkdir(keep, 0755), 0);
	ck_assert_int_eq(symlink(keep, l), 0);
	ck_assert_int_eq(remove_tree(d), 0);
	ck_assert_int_eq(stat(keep, &st), 0);
}
END_TEST

/* Sorted, without . and .., and a bound that refuses a bigger directory. */
START_TEST(dir_names_sorted_and_bounded)
{
	static const char *const made[] = { "c", "a", "b" };
	char p[PATH_MAX + 16], **names;
	int fd, n;

	for (size_t i = 0; i < ARRAY_SIZE(made); i++) {
		snprintf(p, sizeof(p), "%s/%s", base, made[i]);
		ck_assert_int_eq(mkdir(p, 0755), 0);
	}
	fd = open(base, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(dir_names(fd, 0, &names, &n), 0);
	ck_assert_int_eq(n, 3);
	ck_assert_str_eq(names[0], "a");
	ck_assert_str_eq(names[2], "c");
	ck_assert_ptr_null(names[3]);
	dir_names_free(names, n);
	ck_assert_int_eq(dir_names(fd, 3, &names, &n), 0);	/* read again: from the top */
	ck_assert_int_eq(n, 3);
	dir_names_free(names, n);
	ck_assert_int_eq(dir_names(fd, 2, &names, &n), -E2BIG);
	ck_assert_int_eq(n, 0);
	close(fd);
}
END_TEST

START_TEST(status_of_self)
{
	struct proc_status ps;
	sigset_t set, old;

	sigemptyset(&set);
	sigaddset(&set, SIGUSR2);
	ck_assert_int_eq(sigprocmask(SIG_BLOCK, &set, &old), 0);
	ck_assert_int_eq(proc_status_read(getpid(), &ps), 0);
	sigprocmask(SIG_SETMASK, &old, NULL);
	ck_assert_int_eq(ps.tgid, getpid());
	ck_assert_int_gt(ps.ns_tgid, 0);
	ck_assert(ps.sig_blk & (1ULL << (SIGUSR2 - 1)));
	ck_assert_int_lt(proc_status_read(INT_MAX, &ps), 0);
}
END_TEST

struct find {
	uint64_t addr;
	char path[PATH_MAX];
	int seen;
};

static int find_addr(const struct proc_map *m, void *arg)
{
	struct find *f = arg;

	f->seen++;
	if (f->addr < m->lo || f->addr >= m->hi)
		return 0;
	snprintf(f->path, sizeof(f->path), "%s", m->path);
	return 1;
}

START_TEST(maps_of_self)
{
	struct find f = { .addr = (uint64_t)(uintptr_t)&f };
	char self[PATH_MAX];
	ssize_t n;

	ck_assert_int_eq(proc_maps_each(0, find_addr, &f), 1);
	ck_assert_str_eq(f.path, "[stack]");
	f = (struct find){ .addr = (uint64_t)(uintptr_t)find_addr };
	ck_assert_int_eq(proc_maps_each(getpid(), find_addr, &f), 1);
	n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	ck_assert_int_gt(n, 0);
	self[n] = 0;
	ck_assert_str_eq(f.path, self);
	f = (struct find){ .addr = 0 };
	ck_assert_int_eq(proc_maps_each(0, find_addr, &f), 0);	/* no match: all seen */
	ck_assert_int_gt(f.seen, 3);
}
END_TEST

START_TEST(auxv_of_self)
{
	uint64_t v = 0;

	ck_assert_int_eq(proc_auxv_get(0, AT_PAGESZ, &v), 0);
	ck_assert_uint_eq(v, (uint64_t)getauxval(AT_PAGESZ));
	ck_assert_int_eq(proc_auxv_get(getpid(), AT_ENTRY, &v), 0);
	ck_assert_uint_eq(v, (uint64_t)getauxval(AT_ENTRY));
	ck_assert_int_eq(proc_auxv_get(0, 0x7fff, &v), -ENOENT);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("util");
	TCase *tc = tcase_create("util");
	SRunner *sr;
	int nf;

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, clock_monotonic);
	tcase_add_test(tc, mkdir_p_and_remove_tree);
	tcase_add_test(tc, remove_tree_keeps_symlink_targets);
	tcase_add_test(tc, dir_names_sorted_and_bounded);
	tcase_add_test(tc, status_of_self);
	tcase_add_test(tc, maps_of_self);
	tcase_add_test(tc, auxv_of_self);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	nf = srunner_ntests_failed(sr);
	srunner_free(sr);
	return nf ? 1 : 0;
}
