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
#include "util/util.h"

int entry_plant(struct tracer_task *t)
{
	struct tracer_mm *mm = t->mm;
	uint64_t word;
	int r = proc_auxv_get(t->tid, AT_ENTRY, &mm->entry);

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
