/* io_uring_read - escape attempt: I/O through io_uring, whose operations
 * are not syscalls and so pass any syscall filter. Reads FILE (argument,
 * default /etc/passwd) with one IORING_OP_READ. Prints "escaped io_uring
 * read N bytes" or "contained io_uring STEP: error". Raw syscalls (no
 * liburing). */
#include <errno.h>
#include <fcntl.h>
#include <linux/io_uring.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

/* Global, never inlined or cloned, and no tail call inside: the
 * violation's stack must show it (targets build with -O2 after -O0). */
__attribute__((noipa, optimize("no-optimize-sibling-calls"))) int attempt(struct io_uring_params *p)
{
	return (int)syscall(SYS_io_uring_setup, 4, p);
}

int main(int argc, char **argv)
{
	const char *path = argc > 1 ? argv[1] : "/etc/passwd";
	struct io_uring_params p;
	struct io_uring_sqe *sqes;
	struct io_uring_cqe *cqe;
	unsigned *sq_tail, *sq_array, *cq_head, *cq_tail, mask;
	char buf[64], *sq, *cq;
	int ring, fd;

	memset(&p, 0, sizeof(p));
	ring = attempt(&p);
	if (ring < 0) {
		printf("contained io_uring setup: %s\n", strerror(errno));
		return 0;
	}
	fd = open(path, O_RDONLY);
	if (fd < 0) {
		printf("contained io_uring open %s: %s\n", path, strerror(errno));
		return 0;
	}
	sq = mmap(NULL, p.sq_off.array + p.sq_entries * sizeof(unsigned), PROT_READ | PROT_WRITE,
		  MAP_SHARED, ring, IORING_OFF_SQ_RING);
	cq = mmap(NULL, p.cq_off.cqes + p.cq_entries * sizeof(struct io_uring_cqe),
		  PROT_READ | PROT_WRITE, MAP_SHARED, ring, IORING_OFF_CQ_RING);
	sqes = mmap(NULL, p.sq_entries * sizeof(*sqes), PROT_READ | PROT_WRITE, MAP_SHARED, ring,
		    IORING_OFF_SQES);
	if (sq == MAP_FAILED || cq == MAP_FAILED || sqes == MAP_FAILED) {
		printf("contained io_uring mmap: %s\n", strerror(errno));
		return 0;
	}
	sq_tail = (unsigned *)(sq + p.sq_off.tail);
	sq_array = (unsigned *)(sq + p.sq_off.array);
	mask = *(unsigned *)(sq + p.sq_off.ring_mask);
	cq_head = (unsigned *)(cq + p.cq_off.head);
	cq_tail = (unsigned *)(cq + p.cq_off.tail);
	memset(&sqes[0], 0, sizeof(sqes[0]));
	sqes[0].opcode = IORING_OP_READ;
	sqes[0].fd = fd;
	sqes[0].addr = (unsigned long)buf;
	sqes[0].len = sizeof(buf);
	sq_array[*sq_tail & mask] = 0;
	__atomic_store_n(sq_tail, *sq_tail + 1, __ATOMIC_RELEASE);
	if (syscall(SYS_io_uring_enter, ring, 1, 1, IORING_ENTER_GETEVENTS, NULL, 0) < 0) {
		printf("contained io_uring enter: %s\n", strerror(errno));
		return 0;
	}
	if (__atomic_load_n(cq_tail, __ATOMIC_ACQUIRE) == *cq_head) {
		printf("contained io_uring: no completion\n");
		return 0;
	}
	cqe = (struct io_uring_cqe *)(cq + p.cq_off.cqes) +
	      (*cq_head & *(unsigned *)(cq + p.cq_off.ring_mask));
	if (cqe->res < 0)
		printf("contained io_uring read: %s\n", strerror(-cqe->res));
	else
		printf("escaped io_uring read %d bytes of %s\n", cqe->res, path);
	return 0;
}
