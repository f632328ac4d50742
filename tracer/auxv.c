/* auxv.c - the new image's auxiliary vector, rewritten on its stack at the
 * exec stop, before the loader or a static program's start code reads it.
 *
 * At PTRACE_EVENT_EXEC the new image has run no instruction and rsp points
 * at argc, followed by argv[], NULL, envp[], NULL, then the (type, value)
 * pairs up to AT_NULL (the layout create_elf_tables builds;
 * docs/kernel-facts.md#auxv-at-exec). /proc/PID/auxv is the kernel's own
 * copy (mm->saved_auxv) and keeps the original. */
#include "config.h"

#include <elf.h>
#include <errno.h>

#include "tracer/services.h"
#include "tracer/tracer_int.h"

/* Words of stack read at a time while walking. */
#define CHUNK 512

/* Find the auxv entry of type on t's fresh stack: its address, or -errno. */
static int auxv_find(struct tracer_task *t, uint64_t type, uint64_t *where)
{
	struct user_regs_struct regs;
	uint64_t w[CHUNK], p;
	int r;
	uint64_t argc;

	if ((r = tracer_getregs(t, &regs)) < 0)
		return r;
	if ((r = tracer_read_mem(t, regs.rsp, &argc, sizeof(argc))) < 0)
		return r;
	if (argc > (1u << 24))
		return -EINVAL;
	/* argv[argc] is its NULL; envp starts after it. */
	p = regs.rsp + 8 + argc * 8;
	if ((r = tracer_read_mem(t, p, w, 8)) < 0)
		return r;
	if (w[0] != 0)
		return -EINVAL;
	p += 8;
	/* envp, a page at a time: the stack's top may end right after the
	 * strings, and a read across it fails as a whole. */
	for (;;) {
		size_t words = (4096 - (p & 4095)) / 8;
		size_t i;

		if (words > CHUNK)
			words = CHUNK;
		if ((r = tracer_read_mem(t, p, w, words * 8)) < 0)
			return r;
		for (i = 0; i < words && w[i]; i++)
			p += 8;
		if (i < words) {
			p += 8;
			break;
		}
	}
	/* auxv pairs; at most a few dozen. */
	for (int k = 0; k < 128; k++, p += 16) {
		uint64_t pair[2];

		if ((r = tracer_read_mem(t, p, pair, sizeof(pair))) < 0)
			return r;
		if (pair[0] == AT_NULL)
			return -ENOENT;
		if (pair[0] == type) {
			*where = p;
			return 0;
		}
	}
	return -ENOENT;
}

int tracer_auxv_ignore(struct tracer_task *t, uint64_t type)
{
	uint64_t where, ign = AT_IGNORE;
	int r = auxv_find(t, type, &where);

	if (r < 0)
		return r;
	return tracer_write_mem(t, where, &ign, sizeof(ign));
}
