/* fault_table.c - every fault fzsandbox injects, one row each, with the
 * precondition under which Linux or glibc really returns it and the man
 * page that says so (like strace's syscallent tables: data, not code).
 * docs/faults.md and fzsandbox(1) list these rows, generated from
 * `fzsandbox --list-faults` by docs/fault-table.sh; a test compares them.
 *
 * Rule 1: a row is there only where the real system can give that result
 * for that call on that descriptor. The kernel's checks that come first
 * decide what is left out: pread64 on a pipe is ESPIPE before any data
 * moves, recvfrom on a pipe ENOTSOCK, so those calls have no pipe rows; a
 * datagram is never split, a pipe read hands over what is queued, so no
 * short rows there. Text fields are plain ASCII without '|' or a leading
 * '.' (they become man page lines).
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "inject/fault_table.h"
#include "util/util.h"

#define RD_ALL "read readv"
#define RD_FILE "read pread64 readv"
#define RD_SOCK "read readv recvfrom recvmsg"
#define WR_ALL "write writev"
#define WR_FILE "write pwrite64 writev"
#define WR_SOCK "write writev sendto sendmsg"
/* recvmsg/sendmsg: a msghdr's iovecs are not cut (never short). */
#define RD_SOCK_BYTES "read readv recvfrom"
#define WR_SOCK_BYTES "write writev sendto"

#define OPENS "open openat openat2 creat"
#define WR_FILL "write pwrite64 writev pwritev pwritev2 copy_file_range"
#define RENAMES "rename renameat renameat2"

#define COUNT2 "count >= 2"
#define COUNT1 "count >= 1, at or past the file's end (O_APPEND, or offset >= size)"
#define COPY_SAME " (copy_file_range: both files on one file system, else EXDEV comes first)"
#define FILLS "a short write of what fits when more than one byte is asked, " \
	"then every later such write to a regular file on that file system fails (lasting)"
#define ROOM "count > room (pipes: and > PIPE_BUF)"
#define HANDLER "a handler without SA_RESTART can run"
#define HANDLER_RCV HANDLER ", or any handler with SO_RCVTIMEO set"
#define HANDLER_SND HANDLER ", or any handler with SO_SNDTIMEO set"
#define PEER_RESET "connection established, its peer fzsandbox's service driver"
#define PEER_HALF "peer (the service driver) has shut down its side (CLOSE_WAIT)"
#define RESET_BY_PEER "the peer reset the connection (its RST, sent for real): ECONNRESET once, " \
	"then EOF on reads, EPIPE and SIGPIPE on writes"
#define MEM_GONE "no memory left for it (RLIMIT_AS, strict overcommit)"
#define SOCK_FAMILIES "domain AF_UNIX, AF_INET, AF_INET6 or AF_NETLINK"
#define REFUSABLE "TCP, not connected; a loopback address, or one the namespace routes"
#define GAI_LOOKUP "a host name, not numeric nor in the hosts file, and hosts: in nsswitch.conf asks dns"
#define WAITS "poll ppoll select pselect6"
#define EPOLLS "epoll_wait epoll_pwait"
#define WAIT_SIGNAL "a handled signal arrives while it waits: EINTR with or without SA_RESTART " \
	"(never restarted); the signal really delivered"
#define SLOW_WAIT "a timeout of 1 ms to 10 s; every fd a pipe, socket or tty, none ready"
#define SLOW_PEER "a slow peer: nothing arrives in time, 0 once the whole timeout has passed; " \
	"what comes later stays queued for the next call; a handled signal still ends it early"
#define HELD_CALLS "read readv pread64 write writev pwrite64 recvfrom recvmsg sendto sendmsg " \
	"connect accept accept4 openat fsync fdatasync"
#define NOFILE_DENSE "descriptors 0..N-1 open, none above, N below RLIMIT_NOFILE"
#define NOFILE_LASTS "RLIMIT_NOFILE lowered (for real, prlimit) to N: the kernel gives EMFILE to " \
	"this call and every later one of the process that takes a descriptor (open, socket, " \
	"accept, pipe, dup...) until one is closed; children it forks or execs inherit the limit"
#define EXHAUSTED "as ENOMEM, then every later mmap/mremap/mprotect/brk candidate fails until the run ends"

const struct fault_row fault_rows[] = {
	/* io: the read/write family, by descriptor type (io_table.c). */
	{ "io", RD_FILE, false, FDC_REG, MODE_ANY, COUNT2, "short", NULL, PRE_SHORT_FILE,
	  "POSIX allows fewer bytes than asked (NFS, FUSE, a signal mid-transfer)", "read(2)" },
	{ "io", RD_FILE, false, FDC_REG, MODE_ANY, "", "EIO", NULL, PRE_NONE,
	  "a low-level I/O error from the device", "read(2)" },
	{ "io", WR_FILE, false, FDC_REG, MODE_ANY, COUNT2, "short", NULL, PRE_SHORT_FILE,
	  "the disk fills or a signal arrives mid-transfer: part is written", "write(2)" },
	{ "io", WR_FILE, false, FDC_REG, MODE_ANY, "", "EIO", NULL, PRE_NONE,
	  "a low-level I/O error from the device", "write(2)" },

	{ "io", RD_ALL, false, FDC_PIPE, MODE_NONBLOCK, "", "EAGAIN", NULL, PRE_EAGAIN,
	  "nothing queued and a writer still open", "pipe(7)" },
	{ "io", RD_ALL, false, FDC_PIPE, MODE_BLOCKING, "", "EINTR", NULL, PRE_EINTR,
	  "blocked on an empty pipe when " HANDLER, "signal(7)" },
	{ "io", WR_ALL, false, FDC_PIPE, MODE_ANY, ROOM, "short", NULL, PRE_SHORT_WRITE,
	  "non-blocking: what fits; blocking: a handled signal after part went out", "pipe(7)" },
	{ "io", WR_ALL, false, FDC_PIPE, MODE_NONBLOCK, "", "EAGAIN", NULL, PRE_EAGAIN,
	  "no room (a write of up to PIPE_BUF: less room than the count)", "pipe(7)" },
	{ "io", WR_ALL, false, FDC_PIPE, MODE_BLOCKING, "", "EINTR", NULL, PRE_EINTR,
	  "blocked on a full pipe when " HANDLER, "signal(7)" },

	{ "io", RD_SOCK_BYTES, false, FDC_STREAM, MODE_ANY, COUNT2 ", no MSG_WAITALL", "short",
	  NULL, PRE_SHORT_READ, "TCP hands over what has arrived, in any segmentation", "recv(2)" },
	{ "io", RD_SOCK, false, FDC_STREAM, MODE_NONBLOCK, "", "EAGAIN", NULL, PRE_EAGAIN,
	  "nothing received and the peer still there", "recv(2)" },
	{ "io", RD_SOCK, false, FDC_STREAM, MODE_BLOCKING, "", "EINTR", NULL, PRE_EINTR,
	  "blocked waiting for data when " HANDLER_RCV, "recv(2)" },
	/* Resets are made for real by the peer's end, so only where that end
	 * is fzsandbox's own: the service driver's (net_reset.c). */
	{ "io", RD_SOCK, false, FDC_STREAM, MODE_ANY, PEER_RESET ", nothing queued", "ECONNRESET",
	  NULL, PRE_PEER_RESET, RESET_BY_PEER, "recv(2)" },
	{ "io", WR_SOCK_BYTES, false, FDC_STREAM, MODE_ANY, ROOM, "short", NULL, PRE_SHORT_WRITE,
	  "non-blocking: what fits the send buffer; blocking: a handled signal after part went out",
	  "send(2)" },
	{ "io", WR_SOCK, false, FDC_STREAM, MODE_NONBLOCK, "", "EAGAIN", NULL, PRE_EAGAIN,
	  "the send buffer is full", "send(2)" },
	{ "io", WR_SOCK, false, FDC_STREAM, MODE_BLOCKING, "", "EINTR", NULL, PRE_EINTR,
	  "blocked on a full send buffer when " HANDLER_SND, "send(2)" },
	{ "io", WR_SOCK, false, FDC_STREAM, MODE_ANY, PEER_RESET, "ECONNRESET", NULL,
	  PRE_PEER_RESET, RESET_BY_PEER, "send(2)" },
	{ "io", WR_SOCK, false, FDC_STREAM, MODE_ANY, PEER_HALF, "EPIPE", NULL, PRE_PEER_HALF,
	  "the peer reset the connection after it shut down its side: EPIPE and SIGPIPE "
	  "(none with MSG_NOSIGNAL), from the kernel", "send(2)" },

	/* Unix stream peers: a vanished peer shows as EOF or EPIPE in states
	 * fzsandbox cannot see, so no ECONNRESET; reads hand over what is
	 * queued, so no short reads. */
	{ "io", RD_SOCK, false, FDC_USTREAM, MODE_NONBLOCK, "", "EAGAIN", NULL, PRE_EAGAIN,
	  "nothing queued and the peer still there", "unix(7)" },
	{ "io", RD_SOCK, false, FDC_USTREAM, MODE_BLOCKING, "", "EINTR", NULL, PRE_EINTR,
	  "blocked waiting for data when " HANDLER_RCV, "recv(2)" },
	{ "io", WR_SOCK_BYTES, false, FDC_USTREAM, MODE_ANY, ROOM, "short", NULL, PRE_SHORT_WRITE,
	  "non-blocking: what fits the send buffer; blocking: a handled signal after part went out",
	  "send(2)" },
	{ "io", WR_SOCK, false, FDC_USTREAM, MODE_NONBLOCK, "", "EAGAIN", NULL, PRE_EAGAIN,
	  "the send buffer is full", "unix(7)" },
	{ "io", WR_SOCK, false, FDC_USTREAM, MODE_BLOCKING, "", "EINTR", NULL, PRE_EINTR,
	  "blocked on a full send buffer when " HANDLER_SND, "send(2)" },

	/* A datagram is never split: no short transfers. */
	{ "io", RD_SOCK, false, FDC_DGRAM, MODE_NONBLOCK, "", "EAGAIN", NULL, PRE_EAGAIN,
	  "no datagram queued", "recv(2)" },
	{ "io", RD_SOCK, false, FDC_DGRAM, MODE_BLOCKING, "", "EINTR", NULL, PRE_EINTR,
	  "blocked waiting for a datagram when " HANDLER_RCV, "recv(2)" },
	{ "io", WR_SOCK, false, FDC_DGRAM, MODE_NONBLOCK, "", "EAGAIN", NULL, PRE_EAGAIN,
	  "the send buffer is full", "send(2)" },
	{ "io", WR_SOCK, false, FDC_DGRAM, MODE_BLOCKING, "", "EINTR", NULL, PRE_EINTR,
	  "blocked on a full send buffer when " HANDLER_SND, "send(2)" },

	/* A tty read returns a line at a time, never cut. */
	{ "io", RD_ALL, false, FDC_TTY, MODE_ANY, "", "EIO", NULL, PRE_NONE,
	  "a background process reading its terminal, or a device error", "read(2)" },
	{ "io", RD_ALL, false, FDC_TTY, MODE_NONBLOCK, "", "EAGAIN", NULL, PRE_EAGAIN,
	  "no input line ready", "read(2)" },
	{ "io", RD_ALL, false, FDC_TTY, MODE_BLOCKING, "", "EINTR", NULL, PRE_EINTR,
	  "blocked waiting for input when " HANDLER, "read(2)" },
	{ "io", WR_ALL, false, FDC_TTY, MODE_ANY, ROOM, "short", NULL, PRE_SHORT_WRITE,
	  "non-blocking: what fits the output buffer; blocking: a handled signal after part went out",
	  "write(2)" },
	{ "io", WR_ALL, false, FDC_TTY, MODE_ANY, "", "EIO", NULL, PRE_NONE,
	  "the terminal hung up, or a device error", "write(2)" },
	{ "io", WR_ALL, false, FDC_TTY, MODE_NONBLOCK, "", "EAGAIN", NULL, PRE_EAGAIN,
	  "the output buffer is full", "write(2)" },
	{ "io", WR_ALL, false, FDC_TTY, MODE_BLOCKING, "", "EINTR", NULL, PRE_EINTR,
	  "blocked on a full output buffer when " HANDLER, "write(2)" },

	/* alloc: the allocator's calls (breakpoints, alloc_class.c) and the
	 * syscalls that take memory from the kernel (alloc_kernel.c). */
	{ "alloc",
	  "malloc calloc realloc reallocarray aligned_alloc memalign posix_memalign valloc pvalloc",
	  true, FDC_NONE, MODE_ANY, "not realloc(p, 0), not a realloc within its block", "NULL",
	  "ENOMEM", PRE_ALLOC,
	  "no memory left: NULL and errno ENOMEM (posix_memalign returns ENOMEM)", "malloc(3)" },
	{ "alloc", "mmap", false, FDC_NONE, MODE_ANY, "anonymous, not MAP_FIXED", "ENOMEM", NULL,
	  PRE_MEM_TAKE, MEM_GONE, "mmap(2)" },
	{ "alloc", "mmap", false, FDC_NONE, MODE_ANY, "anonymous, not MAP_FIXED", "exhaust", NULL,
	  PRE_MEM_TAKE, EXHAUSTED, "mmap(2)" },
	{ "alloc", "mremap", false, FDC_NONE, MODE_ANY, "new size > old size", "ENOMEM", NULL,
	  PRE_MEM_TAKE, MEM_GONE, "mremap(2)" },
	{ "alloc", "mremap", false, FDC_NONE, MODE_ANY, "new size > old size", "exhaust", NULL,
	  PRE_MEM_TAKE, EXHAUSTED, "mremap(2)" },
	{ "alloc", "mprotect", false, FDC_NONE, MODE_ANY, "adds PROT_WRITE", "ENOMEM", NULL,
	  PRE_MEM_TAKE, "a private mapping made writable is charged to overcommit", "mprotect(2)" },
	{ "alloc", "mprotect", false, FDC_NONE, MODE_ANY, "adds PROT_WRITE", "exhaust", NULL,
	  PRE_MEM_TAKE, EXHAUSTED, "mprotect(2)" },
	{ "alloc", "brk", false, FDC_NONE, MODE_ANY, "above the current break", "ENOMEM", NULL,
	  PRE_MEM_TAKE, "the break stays where it is and is returned (glibc's sbrk says ENOMEM)",
	  "brk(2)" },
	{ "alloc", "brk", false, FDC_NONE, MODE_ANY, "above the current break", "exhaust", NULL,
	  PRE_MEM_TAKE, EXHAUSTED, "brk(2)" },

	/* proc: new tasks, new images, new descriptors (proc_class.c). No
	 * execve EAGAIN (only after a set*uid() over RLIMIT_NPROC), no
	 * dup2/dup3 EMFILE (they never give it), no getrandom errno (never
	 * EAGAIN or EINTR after boot; glibc's arc4random aborts on one). */
	{ "proc", "clone clone3 fork vfork", false, FDC_NONE, MODE_ANY, "", "EAGAIN", NULL,
	  PRE_NONE, "RLIMIT_NPROC reached, or the pid or thread limit (pid_max, threads-max)",
	  "clone(2)" },
	{ "proc", "clone clone3 fork vfork", false, FDC_NONE, MODE_ANY, "", "ENOMEM", NULL,
	  PRE_NONE, "the kernel could not allocate the new task's structures", "clone(2)" },
	{ "proc", "execve execveat", false, FDC_NONE, MODE_ANY, "", "ENOMEM", NULL, PRE_NONE,
	  "insufficient kernel memory", "execve(2)" },
	{ "proc", "pipe pipe2", false, FDC_NONE, MODE_ANY, "", "EMFILE", NULL, PRE_NONE,
	  "RLIMIT_NOFILE descriptors already open", "pipe(2)" },
	{ "proc", "dup", false, FDC_NONE, MODE_ANY, "", "EMFILE", NULL, PRE_NONE,
	  "RLIMIT_NOFILE descriptors already open", "dup(2)" },
	{ "proc", "pipe pipe2 dup", false, FDC_NONE, MODE_ANY, NOFILE_DENSE "; --fault only",
	  "exhaust", NULL, PRE_NOFILE, NOFILE_LASTS, "getrlimit(2)" },
	{ "proc", "fcntl", false, FDC_NONE, MODE_ANY, "cmd F_DUPFD or F_DUPFD_CLOEXEC", "EMFILE",
	  NULL, PRE_DUPFD, "RLIMIT_NOFILE descriptors already open", "fcntl(2)" },

	/* fs: the open family (fs_class.c). No ENOENT: a name that is not
	 * there already gives it for real, and one that is could only vanish
	 * by another process's unlink, which fzsandbox cannot know is
	 * possible. No EXDEV (only with RESOLVE_BENEATH/RESOLVE_IN_ROOT's
	 * escapes or a rename), no ENOSPC without a new name: nothing is
	 * allocated on the device then. */
	{ "fs", OPENS, false, FDC_NONE, MODE_ANY, "", "EACCES", NULL, PRE_NONE,
	  "a permission check fails: search on a directory of the path, the file's mode, "
	  "write on the directory for a new name, or an LSM (which binds root too)",
	  "open(2)" },
	{ "fs", OPENS, false, FDC_NONE, MODE_ANY, "", "EMFILE", NULL, PRE_NONE,
	  "RLIMIT_NOFILE descriptors already open", "open(2)" },
	{ "fs", OPENS, false, FDC_NONE, MODE_ANY, "", "ENFILE", NULL, PRE_NONE,
	  "the system-wide limit on open files (fs.file-max) reached", "open(2)" },
	{ "fs", OPENS, false, FDC_NONE, MODE_ANY, "O_CREAT (creat) of a name that does not exist",
	  "ENOSPC", NULL, PRE_NEW_NAME, "no room on the device for the new file (blocks or inodes)",
	  "open(2)" },
	/* Descriptors exhausted for real (fs_nofile.c): the kernel keeps it. */
	{ "fs", OPENS, false, FDC_NONE, MODE_ANY, NOFILE_DENSE, "exhaust", NULL, PRE_NOFILE,
	  NOFILE_LASTS, "getrlimit(2)" },
	/* close runs: the descriptor is released, then the error returned. */
	{ "fs", "close", false, FDC_REG, MODE_ANY, "open for writing, not on procfs, sysfs...", "EIO",
	  NULL, PRE_CLOSE_FILE,
	  "a write-back failed (the flush of NFS, CIFS, FUSE at close); the descriptor is released "
	  "all the same", "close(2)" },
	{ "fs", "close", false, FDC_REG, MODE_ANY,
	  "open for writing, not on procfs, sysfs...; a handler installed (SA_RESTART or not)",
	  "EINTR", NULL, PRE_CLOSE_INTR,
	  "a handled signal interrupts the flush (FUSE; NFS waits only for fatal signals), never "
	  "restarted; the descriptor is released all the same, and the signal really delivered",
	  "close(2)" },
	/* The full disk (fs_write.c): the write that fills it writes what
	 * fits, and every later write to a regular file on that file system
	 * fails, for the whole tree, until the run ends. io keeps a write's
	 * short transfers and EIO. */
	{ "fs", WR_FILL, false, FDC_REG, MODE_ANY, COUNT1 COPY_SAME, "ENOSPC", NULL, PRE_FILL,
	  "the file system fills: " FILLS, "write(2)" },
	{ "fs", WR_FILL, false, FDC_REG, MODE_ANY, COUNT1 COPY_SAME, "EDQUOT", NULL, PRE_FILL,
	  "the user's block quota is used up: " FILLS, "write(2)" },
	{ "fs", WR_FILL, false, FDC_REG, MODE_ANY, "count >= 1, below the process's RLIMIT_FSIZE",
	  "EFBIG", NULL, PRE_FSIZE,
	  "RLIMIT_FSIZE lowered (for real, prlimit) to where half of the write ends: the kernel "
	  "cuts it there, then each write of the process at or past the limit sends SIGXFSZ "
	  "(default: it dies) and fails with EFBIG if SIGXFSZ is ignored, blocked or handled",
	  "setrlimit(2)" },
	{ "fs", "fallocate", false, FDC_REG, MODE_ANY, "mode 0 or FALLOC_FL_KEEP_SIZE, past the end", "ENOSPC",
	  NULL, PRE_FALLOC, "not enough room for the range (a smaller write may still fit)",
	  "fallocate(2)" },
	/* The data is lost with the error (Linux >= 4.13, errseq_t): an
	 * EIO that kept it would be the impossible result (fs_lost.c). */
	{ "fs", "fsync fdatasync", false, FDC_REG, MODE_ANY, "on a disk file system", "EIO", NULL,
	  PRE_FSYNC_LOST,
	  "the write-back of the file's data failed: the data written since its last good fsync is "
	  "dropped from the file (old bytes back, zeros past the old end), the error reported once "
	  "to each open file (in the jail the others fail their next fsync once), a retried "
	  "fsync succeeds (lasting)", "fsync(2)" },
	/* Names: EIO from a directory block that cannot be read or written,
	 * or a file system shut down after an error (ext4 returns EIO from
	 * every namespace call then). ENOSPC only where a new directory entry
	 * or directory is made: never from unlink, which frees room. */
	{ "fs", RENAMES, false, FDC_NONE, MODE_ANY, "", "EIO", NULL, PRE_NONE,
	  "a directory block cannot be read or written, or the file system was shut down",
	  "rename(3p)" },
	{ "fs", RENAMES, false, FDC_NONE, MODE_ANY, "old name exists, new one does not, not RENAME_EXCHANGE",
	  "ENOSPC", NULL, PRE_NEW_TARGET, "no room for the new directory entry", "rename(2)" },
	{ "fs", "mkdir mkdirat", false, FDC_NONE, MODE_ANY, "", "EIO", NULL, PRE_NONE,
	  "a directory block cannot be read or written, or the file system was shut down",
	  "ext4_mkdir() in fs/ext4/namei.c" },
	{ "fs", "mkdir mkdirat", false, FDC_NONE, MODE_ANY, "a name that does not exist", "ENOSPC",
	  NULL, PRE_NEW_DIR, "no room on the device for the new directory", "mkdir(2)" },
	{ "fs", "unlink unlinkat rmdir", false, FDC_NONE, MODE_ANY, "", "EIO", NULL, PRE_NONE,
	  "a directory block or the inode cannot be read or written", "unlink(2)" },

	/* net: new sockets, accepted connections, refused connects
	 * (net_class.c, net_connect.c). The kernel takes the descriptor and
	 * allocates the new socket before it dequeues a connection, so a
	 * failed accept leaves it queued for the next one
	 * (docs/kernel-facts.md#accept-fails-before-dequeue). No accept
	 * ENOBUFS (no path of net/socket.c or inet_accept returns it), no
	 * ECONNABORTED (a connection reset before accept is still accepted),
	 * no socket ENOBUFS for AF_UNIX or AF_NETLINK (their allocation
	 * failure is ENOMEM), no socketpair ENOMEM (socketpair(2) does not
	 * list it). connect's refusal is the kernel's own: the
	 * address is pointed at a loopback port nothing listens on. */
	{ "net", "socket", false, FDC_NONE, MODE_ANY, SOCK_FAMILIES, "EMFILE", NULL,
	  PRE_SOCK_DOMAIN, "RLIMIT_NOFILE descriptors already open", "socket(2)" },
	{ "net", "socket", false, FDC_NONE, MODE_ANY, SOCK_FAMILIES, "ENFILE", NULL,
	  PRE_SOCK_DOMAIN, "the system-wide limit on open files (fs.file-max) reached",
	  "socket(2)" },
	{ "net", "socket", false, FDC_NONE, MODE_ANY, SOCK_FAMILIES, "ENOMEM", NULL,
	  PRE_SOCK_DOMAIN, "no kernel memory for the socket or its file", "socket(2)" },
	{ "net", "socket", false, FDC_NONE, MODE_ANY, "domain AF_INET or AF_INET6", "ENOBUFS",
	  NULL, PRE_INET_DOMAIN, "the protocol's socket could not be allocated (inet_create)",
	  "socket(2)" },
	{ "net", "socketpair", false, FDC_NONE, MODE_ANY, "domain AF_UNIX", "EMFILE", NULL,
	  PRE_UNIX_PAIR, "fewer than two descriptors left under RLIMIT_NOFILE",
	  "socketpair(2)" },
	{ "net", "socketpair", false, FDC_NONE, MODE_ANY, "domain AF_UNIX", "ENFILE", NULL,
	  PRE_UNIX_PAIR, "the system-wide limit on open files (fs.file-max) reached",
	  "socketpair(2)" },
	{ "net", "accept accept4", false, FDC_NONE, MODE_ANY, "fd is a socket", "EMFILE", NULL,
	  PRE_SOCKET_FD, "RLIMIT_NOFILE descriptors already open; the connection stays queued",
	  "accept(2)" },
	{ "net", "accept accept4", false, FDC_NONE, MODE_ANY, "fd is a socket", "ENFILE", NULL,
	  PRE_SOCKET_FD, "fs.file-max reached; the connection stays queued", "accept(2)" },
	{ "net", "accept accept4", false, FDC_NONE, MODE_ANY, "fd is a socket", "ENOMEM", NULL,
	  PRE_SOCKET_FD, "no kernel memory for the new socket's file; the connection stays queued",
	  "accept(2)" },
	/* The same exhaustion as fs's at the opens (fs_nofile.c), --fault
	 * only: the connection stays queued, as at a real limit. */
	{ "net", "socket socketpair accept accept4", false, FDC_NONE, MODE_ANY,
	  NOFILE_DENSE "; --fault only", "exhaust", NULL, PRE_NOFILE, NOFILE_LASTS, "getrlimit(2)" },
	{ "net", "connect", false, FDC_STREAM, MODE_ANY, REFUSABLE, "ECONNREFUSED", NULL,
	  PRE_REFUSABLE,
	  "nothing listens on the port (or a firewall rejects): the kernel refuses a "
	  "loopback port nothing listens on; non-blocking: EINPROGRESS, then poll and SO_ERROR",
	  "connect(2)" },
	/* getaddrinfo, at the call (a breakpoint, net_gai.c): it returns
	 * the code, *res untouched. No EAI_SYSTEM row (it needs errno set):
	 * a socket fault inside it gives EAI_SYSTEM for real. */
	{ "net", "getaddrinfo", true, FDC_NONE, MODE_ANY, "", "EAI_MEMORY", NULL, PRE_NONE,
	  "out of memory for the results (glibc allocates them)", "getaddrinfo(3)" },
	{ "net", "getaddrinfo", true, FDC_NONE, MODE_ANY, GAI_LOOKUP, "EAI_AGAIN", NULL,
	  PRE_GAI_LOOKUP, "the name server returned a temporary failure (or none answered)",
	  "getaddrinfo(3)" },
	{ "net", "getaddrinfo", true, FDC_NONE, MODE_ANY, GAI_LOOKUP, "EAI_NONAME", NULL,
	  PRE_GAI_LOOKUP, "the name server says the name does not exist", "getaddrinfo(3)" },

	/* clock: steps of the tree's time, from one read on (clock_class.c,
	 * clock_step.c); the vDSO is hidden so every read stops. The plan
	 * tries +1h and -1h on REALTIME and +1h on MONOTONIC at each read;
	 * --fault takes any step=[+-]DUR[@clock=NAME]. No backward MONOTONIC
	 * or BOOTTIME: no kernel interface moves them back. No CPU-time
	 * clocks: nothing steps them. */
	{ "clock", "clock_gettime", false, FDC_NONE, MODE_ANY,
	  "clock REALTIME, REALTIME_COARSE, REALTIME_ALARM or TAI", "step", NULL, PRE_CLOCK_READ,
	  "the time is set (settimeofday, clock_settime, an NTP step): forward or back, "
	  "seen by every later read in the tree", "clock_gettime(2)" },
	{ "clock", "gettimeofday time", false, FDC_NONE, MODE_ANY, "", "step", NULL, PRE_CLOCK_READ,
	  "the time is set (settimeofday, clock_settime, an NTP step): forward or back, "
	  "seen by every later read in the tree", "gettimeofday(2)" },
	{ "clock", "clock_gettime", false, FDC_NONE, MODE_ANY,
	  "clock MONOTONIC, MONOTONIC_RAW, MONOTONIC_COARSE, BOOTTIME or BOOTTIME_ALARM", "step",
	  NULL, PRE_CLOCK_READ,
	  "forward only: the tree did not run for that long (SIGSTOP, a paused VM: every clock "
	  "moves on) or was suspended (BOOTTIME and REALTIME move on)", "clock_gettime(2)" },
	/* delay: waits that end otherwise than the program expects (delay_class.c,
	 * delay_wait.c). EINTR really delivers a handled signal before the
	 * call runs and lets the kernel return it (the time left in
	 * nanosleep's rem is the kernel's), only where the call is really
	 * blocked then: nothing ready, no connection queued, no child
	 * waitable. poll, select, epoll_wait and nanosleep fail with EINTR
	 * even with SA_RESTART; accept, wait4 and waitid restart then (no
	 * row: nothing to see). recv and send's EINTR are io's rows. No
	 * connect EINTR: a loopback connect completes inside the call (the
	 * jail has no other network), so no signal can catch it waiting.
	 * The timeout: the call waits its timeout out on no descriptor at
	 * all, so what is queued stays queued; only where a slow peer can
	 * explain it (no timer, signalfd or eventfd waited on, nothing
	 * ready yet); a handled signal still ends the wait early. */
	{ "delay", WAITS, false, FDC_NONE, MODE_ANY, "a timeout other than 0, nothing ready", "EINTR",
	  NULL, PRE_WAIT_INTR, WAIT_SIGNAL, "signal(7)" },
	{ "delay", EPOLLS, false, FDC_NONE, MODE_ANY, "a timeout other than 0, nothing ready", "EINTR",
	  NULL, PRE_WAIT_INTR, WAIT_SIGNAL, "epoll_wait(2)" },
	{ "delay", "nanosleep clock_nanosleep", false, FDC_NONE, MODE_ANY,
	  "a relative time > 0 (not TIMER_ABSTIME)", "EINTR", NULL, PRE_SLEEP_INTR,
	  "a handled signal arrives during the sleep: EINTR with or without SA_RESTART, the time "
	  "left in rem", "nanosleep(2)" },
	{ "delay", "accept accept4", false, FDC_NONE, MODE_BLOCKING,
	  "a listening socket, nothing queued", "EINTR", NULL, PRE_ACCEPT_INTR,
	  "a handler without SA_RESTART runs while it waits (any handler with SO_RCVTIMEO set); "
	  "with SA_RESTART it restarts", "signal(7)" },
	{ "delay", "wait4 waitid", false, FDC_NONE, MODE_BLOCKING,
	  "no WNOHANG; a child, none waitable yet", "EINTR", NULL, PRE_CHILD_INTR,
	  "a handler without SA_RESTART runs while it waits; with SA_RESTART it restarts",
	  "signal(7)" },
	{ "delay", WAITS, false, FDC_NONE, MODE_ANY, SLOW_WAIT, "timeout", NULL, PRE_WAIT_TIMEOUT,
	  SLOW_PEER " (the sets or revents cleared)", "poll(2)" },
	{ "delay", EPOLLS, false, FDC_NONE, MODE_ANY, SLOW_WAIT, "timeout", NULL, PRE_WAIT_TIMEOUT,
	  SLOW_PEER, "epoll_wait(2)" },
	/* Latency (delay_hold.c): the thread held at the call's entry, the
	 * rest of the tree running on; the call then runs for real. */
	{ "delay", HELD_CALLS, false, FDC_NONE, MODE_ANY, "--fault only, DUR up to 1h", "delay", NULL,
	  PRE_HOLD,
	  "the call starts DUR late: its thread did not run meanwhile (a major page fault on "
	  "swapped-out memory, CPU throttling), the rest of the tree ran on; signals to the "
	  "thread are handled after, the call's result is the kernel's", "sched(7)" },
};

const int n_fault_rows = (int)ARRAY_SIZE(fault_rows);

static const char *const fd_names[FDC_N] = {
	[FDC_NONE] = "-", [FDC_REG] = "regular file", [FDC_PIPE] = "pipe",
	[FDC_STREAM] = "TCP stream socket", [FDC_USTREAM] = "unix stream socket",
	[FDC_DGRAM] = "datagram socket", [FDC_TTY] = "tty",
};

static const char *const mode_names[MODE_N] = {
	[MODE_ANY] = "any", [MODE_NONBLOCK] = "non-blocking", [MODE_BLOCKING] = "blocking",
};

const char *fd_cond_name(enum fd_cond c)
{
	return c < FDC_N ? fd_names[c] : "?";
}

const char *mode_cond_name(enum mode_cond m)
{
	return m < MODE_N ? mode_names[m] : "?";
}

bool fault_row_has_call(const struct fault_row *r, const char *call)
{
	size_t n = strlen(call);

	for (const char *p = r->calls; (p = strstr(p, call)); p += n)
		if ((p == r->calls || p[-1] == ' ') && (p[n] == ' ' || p[n] == 0))
			return true;
	return false;
}

static bool same_kind(const char *name, const struct fault *f)
{
	struct fault w;

	return name && fault_parse(name, &w) == 0 && w.type == f->type &&
	       (f->type != FT_ERRNO || w.err == f->err);
}

bool fault_row_has_fault(const struct fault_row *r, const struct fault *f)
{
	return same_kind(r->fault, f) || same_kind(r->alias, f);
}

bool fault_lasts(const char *call, const struct fault *f)
{
	/* Descriptors exhausted: the kernel itself fails the later calls
	 * (fs_nofile.c), nothing for the tracer to do there. */
	for (int i = 0; i < n_fault_rows; i++)
		if (fault_rows[i].pre == PRE_NOFILE && fault_row_has_call(&fault_rows[i], call) &&
		    fault_row_has_fault(&fault_rows[i], f))
			return false;
	/* Exhausted memory, and a clock step: every later read is shifted. */
	if (f->type == FT_EXHAUST || f->type == FT_STEP)
		return true;
	for (int i = 0; i < n_fault_rows; i++)
		if ((fault_rows[i].pre == PRE_FILL || fault_rows[i].pre == PRE_FSYNC_LOST) &&
		    fault_row_has_call(&fault_rows[i], call) &&
		    fault_row_has_fault(&fault_rows[i], f))
			return true;
	return false;
}

static const char *or_dash(const char *s)
{
	return s && s[0] ? s : "-";
}

char *inject_fault_row(int i, char *buf, int len)
{
	const struct fault_row *r;

	if (i < 0 || i >= n_fault_rows)
		return NULL;
	r = &fault_rows[i];
	snprintf(buf, len, "%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s", r->cls, r->calls,
		 fd_cond_name(r->fd), mode_cond_name(r->mode), or_dash(r->size), r->fault,
		 or_dash(r->alias), r->when, r->man);
	return buf;
}
