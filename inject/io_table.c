/* io_table.c - the fd-type fault table. A fault is offered only where the
 * kernel can really return it for that kind of file (rule 1: a false
 * positive costs more than a missed bug). */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "inject/io_table.h"

static const char *const type_names[FDT_N] = {
	[FDT_REG] = "regular file", [FDT_PIPE] = "pipe", [FDT_STREAM] = "stream socket",
	[FDT_DGRAM] = "datagram socket", [FDT_TTY] = "tty", [FDT_OTHER] = "other",
};

const char *fd_type_name(enum fd_type t)
{
	return t < FDT_N ? type_names[t] : "?";
}

/* Per fd type and direction: the faults that can happen at all. EAGAIN
 * and EINTR are further gated by the fd's mode and the signal handlers;
 * short transfers by the count. Why each entry is there:
 *  - regular files: EIO from the device; ENOSPC when the fs fills; short
 *    transfers are allowed by POSIX and happen on NFS/FUSE and at ENOSPC.
 *  - pipes: a read returns what is there; a write of at most PIPE_BUF
 *    bytes is atomic, so never short (checked below).
 *  - stream sockets: partial reads/writes, resets by the peer.
 *  - datagram sockets: a datagram is never split, so no short transfers.
 *  - ttys: EIO after hangup; reads return a line at a time. */
static const unsigned fault_table[FDT_N][2] = {
	/*                read                                   write */
	[FDT_REG] = { IOF_SHORT | IOF_EIO, IOF_SHORT | IOF_EIO | IOF_ENOSPC },
	[FDT_PIPE] = { IOF_SHORT | IOF_EAGAIN | IOF_EINTR, IOF_SHORT | IOF_EAGAIN | IOF_EINTR },
	[FDT_STREAM] = { IOF_SHORT | IOF_EAGAIN | IOF_EINTR | IOF_ECONNRESET,
			 IOF_SHORT | IOF_EAGAIN | IOF_EINTR | IOF_ECONNRESET },
	[FDT_DGRAM] = { IOF_EAGAIN | IOF_EINTR, IOF_EAGAIN | IOF_EINTR },
	[FDT_TTY] = { IOF_SHORT | IOF_EIO | IOF_EAGAIN | IOF_EINTR,
		      IOF_SHORT | IOF_EIO | IOF_EAGAIN | IOF_EINTR },
	[FDT_OTHER] = { 0, 0 },
};

unsigned io_faults_allowed(const struct fd_info *fi, const struct io_call *c)
{
	unsigned m = fault_table[fi->type][c->write];

	if (!fi->nonblock && !c->dontwait)
		m &= ~IOF_EAGAIN;
	/* Regular files never block, so EAGAIN is impossible even with
	 * O_NONBLOCK; EINTR needs an interrupting handler. */
	if (fi->type == FDT_REG)
		m &= ~(IOF_EAGAIN | IOF_EINTR);
	if (!c->interruptible || fi->nonblock)
		m &= ~IOF_EINTR;
	/* Shrinking an iovec array is not a byte count; a 1-byte transfer
	 * cannot be shorter without becoming EOF. */
	if (c->vector || c->count < 2 || c->waitall)
		m &= ~IOF_SHORT;
	if (fi->type == FDT_PIPE && c->write && c->count <= PIPE_BUF)
		m &= ~IOF_SHORT;
	/* A blocking write to a pipe, socket or tty waits until everything
	 * is transferred; it returns short only when a signal handler runs
	 * after part of it went out (even with SA_RESTART: a partial transfer
	 * is not restarted). Files are different: the disk can fill. */
	if (c->write && fi->type != FDT_REG && !fi->nonblock && !c->dontwait && !c->handled)
		m &= ~IOF_SHORT;
	/* A unix-domain stream peer that went away gives EPIPE on send, not
	 * ECONNRESET (which only its reader can see). */
	if (c->write && fi->type == FDT_STREAM && fi->family == AF_UNIX)
		m &= ~IOF_ECONNRESET;
	return m;
}

static const struct {
	unsigned bit;
	struct fault f;
} expand[] = {
	{ IOF_SHORT, { FT_SHORT, 0, 0 } },
	{ IOF_EIO, { FT_ERRNO, EIO, 0 } },
	{ IOF_ENOSPC, { FT_ERRNO, ENOSPC, 0 } },
	{ IOF_EAGAIN, { FT_ERRNO, EAGAIN, 0 } },
	{ IOF_EINTR, { FT_ERRNO, EINTR, 0 } },
	{ IOF_ECONNRESET, { FT_ERRNO, ECONNRESET, 0 } },
};

int io_faults_list(unsigned mask, struct fault *out, int max)
{
	int n = 0;

	for (size_t i = 0; i < sizeof(expand) / sizeof(expand[0]) && n < max; i++)
		if (mask & expand[i].bit)
			out[n++] = expand[i].f;
	return n;
}

bool io_fault_in(unsigned mask, const struct fault *f)
{
	for (size_t i = 0; i < sizeof(expand) / sizeof(expand[0]); i++)
		if ((mask & expand[i].bit) && expand[i].f.type == f->type &&
		    (f->type != FT_ERRNO || expand[i].f.err == f->err))
			return true;
	return false;
}

/* Type and family of the target's socket, through a pidfd_getfd copy. */
static int sock_info(pid_t pid, int fd, int *family)
{
	int pfd = (int)syscall(SYS_pidfd_open, pid, 0), dup, type = -1;
	socklen_t len = sizeof(type);

	if (pfd < 0)
		return -errno;
	dup = (int)syscall(SYS_pidfd_getfd, pfd, fd, 0);
	close(pfd);
	if (dup < 0)
		return -errno;
	if (getsockopt(dup, SOL_SOCKET, SO_TYPE, &type, &len) < 0)
		type = -errno;
	len = sizeof(*family);
	if (getsockopt(dup, SOL_SOCKET, SO_DOMAIN, family, &len) < 0)
		*family = 0;
	close(dup);
	return type;
}

static bool is_tty_major(unsigned maj)
{
	/* 4: tty/ttyS, 5: /dev/tty and ptmx, 136-143: pts. */
	return maj == 4 || maj == 5 || (maj >= 136 && maj <= 143);
}

int fd_info_read(pid_t pid, int fd, struct fd_info *fi)
{
	char path[64], line[256], *p;
	struct stat st;
	unsigned flags = 0;
	ssize_t n;
	int fdi;

	fi->family = 0;
	snprintf(path, sizeof(path), "/proc/%d/fd/%d", pid, fd);
	if (stat(path, &st) < 0)
		return -errno;
	if (S_ISREG(st.st_mode) || S_ISBLK(st.st_mode))
		fi->type = FDT_REG;
	else if (S_ISFIFO(st.st_mode))
		fi->type = FDT_PIPE;
	else if (S_ISCHR(st.st_mode) && is_tty_major(major(st.st_rdev)))
		fi->type = FDT_TTY;
	else if (S_ISSOCK(st.st_mode)) {
		int t = sock_info(pid, fd, &fi->family);

		fi->type = t == SOCK_STREAM ? FDT_STREAM : t == SOCK_DGRAM ? FDT_DGRAM : FDT_OTHER;
	} else
		fi->type = FDT_OTHER;
	/* Raw read, not stdio: this runs at every intercepted I/O call. */
	snprintf(path, sizeof(path), "/proc/%d/fdinfo/%d", pid, fd);
	fdi = open(path, O_RDONLY | O_CLOEXEC);
	if (fdi < 0)
		return -errno;
	n = read(fdi, line, sizeof(line) - 1);
	close(fdi);
	if (n < 0)
		return -errno;
	line[n] = 0;
	p = strstr(line, "flags:");
	if (!p || sscanf(p, "flags: %o", &flags) != 1)
		return -EINVAL;
	fi->nonblock = (flags & O_NONBLOCK) != 0;
	return 0;
}
