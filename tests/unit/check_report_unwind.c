/* check_report_unwind.c - unit tests of symbols/' unwinder on a real
 * stopped child and of module names across mount namespaces; run by
 * check_report.c's suite (its fixture makes tmpdir). */
#include "config.h"

#include <check.h>
#include <elfutils/libdwelf.h>
#include <gelf.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/ptrace.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "reporters/report.h"
#include "symbols/symbols.h"

extern char tmpdir[64];
void check_report_unwind_tests(TCase *tc);

static volatile int marker_sink;

/* Not inlined, cloned (".isra") or a tail call: a frame of its own. */
__attribute__((noinline, noipa)) static int fz_test_marker(void)
{
	int r = raise(SIGSTOP);

	marker_sink++;
	return r;
}

__attribute__((noinline, noipa)) static int fz_test_marker2(void)
{
	int r = raise(SIGSTOP);

	marker_sink++;
	return r;
}

static pid_t stopped_child(void)
{
	pid_t pid = fork();
	int st;

	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		if (ptrace(PTRACE_TRACEME, 0, NULL, NULL) < 0)
			_exit(2);
		fz_test_marker();
		fz_test_marker2();
		_exit(0);
	}
	ck_assert_int_eq(waitpid(pid, &st, 0), pid);
	ck_assert_msg(WIFSTOPPED(st) && WSTOPSIG(st) == SIGSTOP, "child status %#x", st);
	return pid;
}

static void kill_child(pid_t pid)
{
	int st;

	kill(pid, SIGKILL);
	waitpid(pid, &st, 0);
}

static bool ends_with(const char *s, const char *suffix)
{
	size_t a = strlen(s), b = strlen(suffix);

	return a >= b && strcmp(s + a - b, suffix) == 0;
}

START_TEST(test_unwind_child)
{
	pid_t pid = stopped_child();
	struct frame frames[FRAME_MAX], caller, again;
	struct unwinder *u;
	int i, n, st, depth, mark = -1;

	ck_assert_int_eq(unwinder_new(pid, &u), 0);
	n = unwinder_stack(u, pid, frames, FRAME_MAX);
	ck_assert_int_ge(n, 3);
	for (i = 0; i < n; i++) {
		if (strcmp(frames[i].function, "fz_test_marker") == 0 && mark < 0)
			mark = i;
	}
	for (i = 0; i < n && mark < 0; i++)
		fprintf(stderr, "#%d %s %s:%d %s\n", i, frames[i].function, frames[i].file,
			frames[i].line, frames[i].module);
	ck_assert_msg(mark > 0, "no fz_test_marker frame (top: %s)", frames[0].function);
	ck_assert_msg(ends_with(frames[mark].file, "check_report_unwind.c"), "file %s",
		      frames[mark].file);
	ck_assert_int_gt(frames[mark].line, 0);
	ck_assert(!frames[mark].system);
	ck_assert_int_eq(strlen(frames[mark].build_id), 40);
	ck_assert(ends_with(frames[mark].module, "check_report"));
	for (i = 0; i < mark; i++)
		ck_assert_msg(frames[i].system, "frame %d %s (%s) not system", i,
			      frames[i].function, frames[i].module);

	/* The hot path stops at the same frame; the result is stable. */
	depth = unwinder_caller(u, pid, &caller);
	ck_assert_int_eq(depth, mark);
	ck_assert_str_eq(caller.function, "fz_test_marker");
	ck_assert(caller.pc == frames[mark].pc);
	ck_assert(caller.offset == frames[mark].offset);
	unwinder_refresh(u);
	ck_assert_int_eq(unwinder_caller(u, pid, &again), mark);
	ck_assert(again.pc == caller.pc);
	ck_assert_int_eq(unwinder_symbolize(u, caller.pc, true, &again), 0);
	ck_assert_str_eq(again.function, "fz_test_marker");
	ck_assert_int_eq(unwinder_symbolize(u, 8, false, &again), -ENOENT);
	ck_assert_str_eq(again.function, "??");

	/* Next stop, same unwinder: nothing of the old stack may stick. */
	ck_assert_int_eq(ptrace(PTRACE_CONT, pid, NULL, NULL), 0);
	ck_assert_int_eq(waitpid(pid, &st, 0), pid);
	ck_assert(WIFSTOPPED(st) && WSTOPSIG(st) == SIGSTOP);
	ck_assert_int_eq(unwinder_caller(u, pid, &again), mark);
	ck_assert_str_eq(again.function, "fz_test_marker2");
	n = unwinder_stack(u, pid, frames, FRAME_MAX);
	ck_assert_int_gt(n, mark);
	ck_assert_str_eq(frames[mark].function, "fz_test_marker2");
	/* Its caller (stopped_child, or the test if that was inlined). */
	ck_assert(!frames[mark + 1].system);
	ck_assert(ends_with(frames[mark + 1].file, "check_report_unwind.c"));
	ck_assert_int_gt(frames[mark + 1].line, 0);
	/* Frames are capped at max. */
	ck_assert_int_eq(unwinder_stack(u, pid, frames, 2), 2);
	unwinder_free(u);
	kill_child(pid);

	/* A task that is not a stopped tracee: an error, not a crash. */
	ck_assert_int_lt(unwinder_new(999999999, &u), 0);
}
END_TEST

static uint64_t map_start(pid_t pid, const char *suffix)
{
	char path[64], line[512];
	unsigned long long start = 0;
	FILE *fp;

	snprintf(path, sizeof(path), "/proc/%d/maps", (int)pid);
	fp = fopen(path, "r");
	ck_assert_ptr_nonnull(fp);
	while (fgets(line, sizeof(line), fp)) {
		line[strcspn(line, "\n")] = '\0';
		if (ends_with(line, suffix) && sscanf(line, "%llx-", &start) == 1)
			break;
		start = 0;
	}
	fclose(fp);
	ck_assert_msg(start != 0, "no mapping of %s", suffix);
	return start;
}

static void file_build_id(const char *path, char *hex, size_t len)
{
	const unsigned char *id;
	ssize_t n, i;
	Elf *elf;
	int fd = open(path, O_RDONLY);

	ck_assert_int_ge(fd, 0);
	elf_version(EV_CURRENT);
	elf = elf_begin(fd, ELF_C_READ, NULL);
	ck_assert_ptr_nonnull(elf);
	n = dwelf_elf_gnu_build_id(elf, (const void **)&id);
	ck_assert_int_gt(n, 0);
	hex[0] = '\0';
	for (i = 0; i < n && (size_t)(2 * i + 2) < len; i++)
		snprintf(hex + 2 * i, 3, "%02x", id[i]);
	elf_end(elf);
	close(fd);
}

/* docs/kernel-facts.md#module-namespace: a jailed target's module path
 * names another file in the tracer's mount namespace. Its symbols must
 * come from the file the target mapped. Needs CAP_SYS_ADMIN for the
 * private mount namespace. */
START_TEST(test_module_namespace)
{
	char prog[128], real[128], cmd[512], want[41], other[41];
	struct unwinder *u;
	struct frame f;
	pid_t pid;
	int st;

	snprintf(prog, sizeof(prog), "%s/prog", tmpdir);
	snprintf(real, sizeof(real), "%s/real", tmpdir);
	snprintf(cmd, sizeof(cmd), "cp /bin/sleep %s && cp /bin/true %s", real, prog);
	ck_assert_int_eq(system(cmd), 0);
	file_build_id(real, want, sizeof(want));
	file_build_id(prog, other, sizeof(other));
	ck_assert_str_ne(want, other);
	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		/* Here, prog is sleep; for the tracer it stays true. */
		if (unshare(CLONE_NEWNS) < 0 ||
		    mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0 ||
		    mount(real, prog, NULL, MS_BIND, NULL) < 0)
			_exit(77);
		if (ptrace(PTRACE_TRACEME, 0, NULL, NULL) == 0)
			execl(prog, "prog", "100", (char *)NULL);
		_exit(127);
	}
	ck_assert_int_eq(waitpid(pid, &st, 0), pid);
	if (WIFEXITED(st) && WEXITSTATUS(st) == 77) {
		fprintf(stderr, "test_module_namespace: no mount namespace, skipped\n");
		return;
	}
	ck_assert_msg(WIFSTOPPED(st) && WSTOPSIG(st) == SIGTRAP, "status %#x", st);
	ck_assert_int_eq(unwinder_new(pid, &u), 0);
	ck_assert_int_eq(unwinder_symbolize(u, map_start(pid, "/prog") + 0x10, false, &f), 0);
	ck_assert_str_eq(f.module, prog);
	ck_assert_str_eq(f.build_id, want);
	unwinder_free(u);
	kill_child(pid);
}
END_TEST


void check_report_unwind_tests(TCase *tc)
{
	tcase_add_test(tc, test_unwind_child);
	tcase_add_test(tc, test_module_namespace);
}
