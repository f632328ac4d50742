/* fs_disk.c - is a descriptor's file one a disk fault can reach?
 *
 * The fs class's faults (a full disk, a failed write-back reported by
 * fsync or close) come from a file system that stores data. The kernel's
 * own file systems (procfs, sysfs, cgroupfs, ...) store nothing: a write
 * to /proc/self/comm never gets ENOSPC, their files have no flush, fsync
 * does nothing there. Their files are regular files to stat(2), so the
 * file system is asked (fstatfs of the file behind /proc/PID/fd/N). A
 * file system a program's data may live on in production (tmpfs, ext4,
 * NFS, FUSE...) keeps every fault: the program cannot know.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <unistd.h>

#include "inject/fs_class.h"
#include "util/util.h"

/* The kernel's own file systems (linux/magic.h), none backed by storage. */
static const struct {
	unsigned long magic;
	const char *name;
} virtual_fs[] = {
	{ 0x9fa0, "proc" },
	{ 0x62656572, "sysfs" },
	{ 0x27e0eb, "cgroup" },
	{ 0x63677270, "cgroup2" },
	{ 0x64626720, "debugfs" },
	{ 0x74726163, "tracefs" },
	{ 0x73636673, "securityfs" },
	{ 0xcafe4a11, "bpf" },
	{ 0x6165676c, "pstore" },
	{ 0xde5e81e4, "efivarfs" },
	{ 0x62656570, "configfs" },
	{ 0x42494e4d, "binfmt_misc" },
	{ 0x1cd1, "devpts" },
	{ 0x50495045, "pipefs" },
	{ 0x534f434b, "sockfs" },
	{ 0x09041934, "anon_inode" },
	{ 0x19800202, "mqueue" },	/* mqueue_flush_file never fails */
	{ 0xf97cff8c, "selinuxfs" },
	{ 0x65735543, "fusectl" },
	{ 0x6e736673, "nsfs" },
};

bool fs_fd_on_disk(pid_t pid, int fd, struct stat *st)
{
	char p[64];
	struct statfs sfs;
	bool ok;
	int h;

	if (fd < 0)
		return false;
	/* One look-up for both answers: another thread's dup2 between a
	 * stat and a statfs of the path could show two files. */
	snprintf(p, sizeof(p), "/proc/%d/fd/%d", (int)pid, fd);
	h = open(p, O_PATH | O_CLOEXEC);
	if (h < 0)
		return false;
	ok = fstat(h, st) == 0 && S_ISREG(st->st_mode) && fstatfs(h, &sfs) == 0;
	close(h);
	for (size_t i = 0; ok && i < ARRAY_SIZE(virtual_fs); i++)
		if ((unsigned long)sfs.f_type == virtual_fs[i].magic)
			ok = false;
	return ok;
}

int fs_fd_flags(pid_t pid, int fd, unsigned long *flags)
{
	char p[64], line[128];
	int got = 0;
	FILE *f;

	snprintf(p, sizeof(p), "/proc/%d/fdinfo/%d", (int)pid, fd);
	if (!(f = fopen(p, "re")))
		return -errno;
	while (fgets(line, sizeof(line), f))
		got += sscanf(line, "flags: %lo", flags) == 1;
	fclose(f);
	return got == 1 ? 0 : -EINVAL;
}
