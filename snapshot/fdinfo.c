/* fdinfo.c - what /proc/self/fdinfo/N says of one of our copies of the
 * template's descriptors: the same open file description, so the same
 * flock() and OFD locks (shown for the description whoever took them),
 * the same epoll interest list, the same timer's ticks. Formats checked on
 * this kernel (docs/kernel-facts.md#shared-descriptions). */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "snapshot/snapshot_int.h"
#include "util/util.h"

#define FDINFO_MAX (1 << 20)

/* "lock:\t1: FLOCK  ADVISORY  WRITE 29967 fe:00:10962686 0 EOF"; a
 * waiter's line has "->" after the id and is not the description's. */
static void parse_lock(struct snap_fdinfo *fi, const char *line)
{
	char kind[16], mode[16], type[16], start[24], end[24];
	size_t n;

	if (strstr(line, "->") ||
	    sscanf(line, "lock: %*d: %15s %15s %15s %*s %*s %23s %23s", kind, mode, type, start,
		   end) != 5)
		return;
	if (strcmp(kind, "FLOCK") == 0) {
		fi->flock = strcmp(type, "WRITE") == 0 ? LOCK_EX : LOCK_SH;
		return;
	}
	if (strcmp(kind, "OFDLCK") != 0)
		return;		/* POSIX locks are the process's, not shared */
	n = strlen(fi->ofd);
	snprintf(fi->ofd + n, sizeof(fi->ofd) - n, "%c %s %s;", type[0], start, end);
}

/* "tfd:        4 events: 40000019 data: 1122334455667788  pos:0 ino:40e sdev:10";
 * sdev is the kernel's dev_t (major << 20 | minor). */
static int parse_epi(struct snap_fdinfo *fi, const char *line)
{
	struct snap_epi e;
	unsigned long long data, ino;
	unsigned sdev;

	if (sscanf(line, "tfd: %d events: %x data: %llx pos:%*d ino:%llx sdev:%x", &e.tfd,
		   &e.events, &data, &ino, &sdev) != 5)
		return -EPROTO;
	if (fi->nepi == SNAP_MAX_EPI)
		return -E2BIG;
	if (!fi->epi && !(fi->epi = calloc(SNAP_MAX_EPI, sizeof(*fi->epi))))
		return -ENOMEM;
	e.data = data;
	e.ino = ino;
	e.dev = makedev(sdev >> 20, sdev & 0xfffff);
	fi->epi[fi->nepi++] = e;
	return 0;
}

int snap_fdinfo_read(int copy, struct snap_fdinfo *fi)
{
	char path[64], *buf, *line, *save = NULL;
	size_t len;
	int r;

	memset(fi, 0, sizeof(*fi));
	snprintf(path, sizeof(path), "/proc/self/fdinfo/%d", copy);
	if ((r = fs_read_file(path, FDINFO_MAX, (void **)&buf, &len)) < 0)
		return r;
	for (line = strtok_r(buf, "\n", &save); line && r == 0; line = strtok_r(NULL, "\n", &save)) {
		if (strncmp(line, "lock:", 5) == 0)
			parse_lock(fi, line);
		else if (strncmp(line, "tfd:", 4) == 0)
			r = parse_epi(fi, line);
		else if (strncmp(line, "ticks:", 6) == 0)
			fi->ticks = strtoull(line + 6, NULL, 10);
		else if (strncmp(line, "clockid:", 8) == 0)
			fi->clockid = (int)strtol(line + 8, NULL, 10);
		else if (strncmp(line, "settime flags:", 14) == 0)
			fi->settime_flags = (int)strtol(line + 14, NULL, 8);
	}
	free(buf);
	if (r < 0)
		snap_fdinfo_free(fi);
	return r;
}

void snap_fdinfo_free(struct snap_fdinfo *fi)
{
	free(fi->epi);
	fi->epi = NULL;
	fi->nepi = 0;
}

/* Sockets by their type; the anonymous inodes by the name their link
 * shows ("anon_inode:[timerfd]"): they all share one inode. */
static const struct {
	const char *link;
	enum snap_kind kind;
} anon_kinds[] = {
	{ "anon_inode:[timerfd]", SNAP_TIMERFD },
	{ "anon_inode:[eventpoll]", SNAP_EPOLL },
};

enum snap_kind snap_fd_kind(int copy)
{
	char path[64], link[64];
	struct stat st;
	ssize_t n;

	if (fstat(copy, &st) == 0 && S_ISSOCK(st.st_mode))
		return SNAP_SOCK;
	snprintf(path, sizeof(path), "/proc/self/fd/%d", copy);
	if ((n = readlink(path, link, sizeof(link) - 1)) < 0)
		return SNAP_OTHER;
	link[n] = 0;
	for (size_t i = 0; i < ARRAY_SIZE(anon_kinds); i++)
		if (strcmp(link, anon_kinds[i].link) == 0)
			return anon_kinds[i].kind;
	return SNAP_OTHER;
}
