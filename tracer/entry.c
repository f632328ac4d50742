/* entry.c - a one-shot breakpoint at AT_ENTRY marks the end of the loader
 * phase: failing ld.so's own early mmap crashes ld.so itself, which is not
 * the program's bug (docs/kernel-facts.md#loader-first-mmap,
 * #at-entry-boundary). */
#include "config.h"

#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <unistd.h>

#include "tracer/tracer_int.h"

static int read_entry(pid_t tid, uint64_t *entry)
{
	char path[64];
	Elf64_auxv_t av[64];
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "/proc/%d/auxv", tid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	n = read(fd, av, sizeof(av));
	close(fd);
	if (n < 0)
		return -errno;
	for (size_t i = 0; i < (size_t)n / sizeof(av[0]); i++)
		if (av[i].a_type == AT_ENTRY) {
			*entry = av[i].a_un.a_val;
			return 0;
		}
	return -ENOENT;
}

int entry_plant(struct tracer_task *t)
{
	struct tracer_mm *mm = t->mm;
	uint64_t word;
	int r = read_entry(t->tid, &mm->entry);

	if (r == 0)
		r = tracer_peek(t, mm->entry, &word);
	if (r == 0)
		r = tracer_poke(t, mm->entry, (word & ~0xffULL) | 0xcc);
	if (r < 0)
		return r;
	mm->entry_word = word;
	mm->entry_planted = true;
	return 0;
}

int entry_check(struct tracer_task *t)
{
	struct tracer_mm *mm = t->mm;
	struct user_regs_struct regs;
	int r;

	if (!mm || !mm->entry_planted)
		return 0;
	r = tracer_getregs(t, &regs);
	if (r < 0)
		return r;
	if (regs.rip != mm->entry + 1)
		return 0;
	r = tracer_poke(t, mm->entry, mm->entry_word);
	if (r < 0)
		return r;
	regs.rip = mm->entry;
	r = tracer_setregs(t, &regs);
	if (r < 0)
		return r;
	mm->entry_planted = false;
	mm->loader = false;
	return 1;
}
