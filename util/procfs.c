/* procfs.c - the one reader of each /proc file fzsandbox looks at. */
#include "config.h"

#include <dirent.h>
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "util/util.h"

static FILE *proc_open(pid_t pid, const char *what)
{
	char path[64];

	if (pid)
		snprintf(path, sizeof(path), "/proc/%d/%s", (int)pid, what);
	else
		snprintf(path, sizeof(path), "/proc/self/%s", what);
	return fopen(path, "re");
}

/* The last number of a "NStgid:\t1234\t5" line: the innermost namespace. */
static pid_t last_number(const char *p)
{
	pid_t last = -1;

	for (char *end; *p && *p != '\n'; p = end) {
		long v = strtol(p, &end, 10);

		if (end == p)
			break;
		last = (pid_t)v;
	}
	return last;
}

int proc_status_read(pid_t tid, struct proc_status *ps)
{
	char line[512];
	unsigned long long v;
	FILE *f = proc_open(tid, "status");

	memset(ps, 0, sizeof(*ps));
	ps->tgid = ps->ns_tgid = -1;
	if (!f)
		return -errno;
	while (fgets(line, sizeof(line), f)) {
		int t;

		if (sscanf(line, "Tgid: %d", &t) == 1)
			ps->tgid = t;
		else if (strncmp(line, "NStgid:", 7) == 0)
			ps->ns_tgid = last_number(line + 7);
		else if (sscanf(line, "SigBlk: %llx", &v) == 1)
			ps->sig_blk = v;
		else if (sscanf(line, "SigIgn: %llx", &v) == 1)
			ps->sig_ign = v;
		else if (sscanf(line, "SigCgt: %llx", &v) == 1)
			ps->sig_cgt = v;
	}
	fclose(f);
	/* A task reaped between open and read leaves an empty file. */
	return ps->tgid > 0 ? 0 : -ESRCH;
}

int proc_maps_each(pid_t pid, int (*fn)(const struct proc_map *m, void *arg), void *arg)
{
	char line[PATH_MAX + 128];
	FILE *f = proc_open(pid, "maps");
	int rc = 0;

	if (!f)
		return -errno;
	while (!rc && fgets(line, sizeof(line), f)) {
		struct proc_map m = { 0 };
		unsigned long long ino;
		int pos = 0;
		size_t n;

		if (sscanf(line, "%" SCNx64 "-%" SCNx64 " %4s %" SCNx64 " %*s %llu %n",
			   &m.lo, &m.hi, m.perms, &m.offset, &ino, &pos) < 5)
			continue;
		m.inode = ino;
		n = strlen(line);
		if (n && line[n - 1] == '\n')
			line[n - 1] = 0;
		m.path = pos > 0 ? line + pos : "";
		rc = fn(&m, arg);
	}
	fclose(f);
	return rc;
}

int proc_auxv_get(pid_t pid, uint64_t type, uint64_t *val)
{
	char path[64];
	Elf64_auxv_t av[128];
	ssize_t n;
	int fd;

	if (pid)
		snprintf(path, sizeof(path), "/proc/%d/auxv", (int)pid);
	else
		snprintf(path, sizeof(path), "/proc/self/auxv");
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	n = read(fd, av, sizeof(av));
	close(fd);
	if (n < 0)
		return -errno;
	for (size_t i = 0; i < (size_t)n / sizeof(av[0]) && av[i].a_type != AT_NULL; i++)
		if (av[i].a_type == type) {
			*val = av[i].a_un.a_val;
			return 0;
		}
	return -ENOENT;
}

/* The pid namespace of pid ("" not known). */
static void pidns_of(pid_t pid, char *buf, size_t len)
{
	char p[64];
	ssize_t n;

	snprintf(p, sizeof(p), "/proc/%d/ns/pid", (int)pid);
	n = readlink(p, buf, len - 1);
	buf[n > 0 ? n : 0] = 0;
}

void proc_each_jailmate(pid_t pid, void (*fn)(pid_t pid, void *arg), void *arg)
{
	char ns[64], mine[64], other[64];
	struct dirent *de;
	DIR *dir;

	fn(pid, arg);
	pidns_of(pid, ns, sizeof(ns));
	pidns_of(getpid(), mine, sizeof(mine));
	if (!ns[0] || strcmp(ns, mine) == 0 || !(dir = opendir("/proc")))
		return;
	while ((de = readdir(dir))) {
		pid_t o = (pid_t)atoi(de->d_name);

		if (o <= 0 || o == pid)
			continue;
		pidns_of(o, other, sizeof(other));
		if (strcmp(other, ns) == 0)
			fn(o, arg);
	}
	closedir(dir);
}
