/* sanitizer.c - parse sanitizer text reports. A sanitizer-built program
 * usually exits non-zero after printing its report (or aborts): the report
 * is the finding, its own stack is the frames. */
#include "config.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "reporters/report_int.h"
#include "util/util.h"

static const char *const headers[] = {
	"ERROR: AddressSanitizer: ", "ERROR: MemorySanitizer: ", "WARNING: MemorySanitizer: ",
	"WARNING: ThreadSanitizer: ", "ERROR: UndefinedBehaviorSanitizer: ",
	"ERROR: HWAddressSanitizer: ",
};

static void parse_kind(const char *p, char *kind, int kindlen)
{
	int n = 0;

	while (p[n] && p[n] != ' ' && p[n] != '\n' && p[n] != ':' && n < kindlen - 1)
		n++;
	snprintf(kind, kindlen, "%.*s", n, p);
}

/* "(/lib/libc.so.6+0x2a)" at the end of a frame line: module and offset
 * (ASan's "(%m+%o)", which fzsandbox asks for in ASAN_OPTIONS, or its
 * own form for a frame it could not symbolize). Returns where it starts,
 * or NULL. */
static const char *module_suffix(const char *in, struct frame *f)
{
	size_t len = strcspn(in, "\n");
	const char *open, *plus;
	char *end;

	if (len < 4 || in[len - 1] != ')')
		return NULL;
	for (open = in + len - 1; open > in && *open != '('; open--)
		;
	plus = strrchr(open, '+');
	if (*open != '(' || !plus || plus > in + len || strncmp(plus, "+0x", 3) != 0)
		return NULL;
	f->offset = strtoull(plus + 3, &end, 16);
	if (*end != ')')
		return NULL;
	snprintf(f->module, sizeof(f->module), "%.*s", (int)(plus - open - 1), open + 1);
	return open;
}

/* "    #0 0x55d0c1 in copy_name /src/foo.c:12:5 (/src/foo+0x1367)", the
 * source "<null>" when unknown; without the module part as ASan prints
 * by default, or "    #4 0x55d0 in _start (/src/foo+0x14a0)". */
static void parse_frame(const char *line, struct thread_stack *st)
{
	struct frame *f;
	const char *in = strstr(line, " in "), *mod, *src, *end;
	uint64_t pc = 0;

	if (st->nframes >= FRAME_MAX || sscanf(line, " #%*d 0x%" SCNx64, &pc) != 1)
		return;
	f = &st->frames[st->nframes++];
	memset(f, 0, sizeof(*f));
	f->pc = pc;
	snprintf(f->function, sizeof(f->function), "??");
	mod = module_suffix(in ? in : line, f);
	if (!in)
		return;
	in += 4;
	end = mod ? mod : in + strcspn(in, "\n");
	while (end > in && end[-1] == ' ')
		end--;
	/* The source is the last word (C++ names have spaces, paths seldom):
	 * "file:line[:col]" or "<null>"; none when the module took its place. */
	src = end;
	while (src > in && src[-1] != ' ')
		src--;
	if (src > in && (strcmp(src, "<null>") == 0 || strncmp(src, "<null>", 6) == 0 ||
			 memchr(src, ':', end - src))) {
		const char *c = memchr(src, ':', end - src);

		if (c && (size_t)(c - src) < sizeof(f->file)) {
			snprintf(f->file, sizeof(f->file), "%.*s", (int)(c - src), src);
			f->line = atoi(c + 1);
		}
		end = src - 1;
	}
	snprintf(f->function, sizeof(f->function), "%.*s", (int)(end - in), in);
	if (!f->function[0])
		snprintf(f->function, sizeof(f->function), "??");
	/* The report names functions, and modules when asked to: recognise
	 * the runtime's and libc's frames by module, or by name. */
	f->system = strstr(f->function, "__interceptor_") == f->function ||
		    strstr(f->function, "__asan_") == f->function ||
		    strstr(f->function, "__ubsan_") == f->function ||
		    strstr(f->function, "__libc_start_") == f->function ||
		    strcmp(f->function, "_start") == 0 ||
		    (f->module[0] && unwind_is_system_module(f->module)) ||
		    strncmp(f->file, "/usr/include/", 13) == 0;
}

/* The sanitizer's symbolizer prints each inline level as a frame of its
 * own with the same pc: all but the last of such a run were inlined. */
static void mark_inlined(struct thread_stack *st)
{
	for (int i = 0; i + 1 < st->nframes; i++)
		st->frames[i].inlined = st->frames[i].pc && st->frames[i].pc == st->frames[i + 1].pc;
}

int sanitizer_scan(const char *path, char *kind, int kindlen, struct thread_stack *stack)
{
	FILE *fp = fopen(path, "re");
	char line[1024];
	int found = 0, in_stack = 0;

	if (!fp)
		return -errno;
	memset(stack, 0, sizeof(*stack));
	while (fgets(line, sizeof(line), fp)) {
		const char *rt = strstr(line, ": runtime error: ");

		if (!found) {
			for (size_t i = 0; i < ARRAY_SIZE(headers); i++) {
				const char *h = strstr(line, headers[i]);

				if (h) {
					parse_kind(h + strlen(headers[i]), kind, kindlen);
					found = 1;
				}
			}
			if (!found && rt) {
				/* UBSan without a stack: "file:line:col: runtime error: ..." */
				struct frame *f = &stack->frames[0];
				const char *c = strchr(line, ':');

				snprintf(kind, kindlen, "runtime-error");
				memset(f, 0, sizeof(*f));
				snprintf(f->function, sizeof(f->function), "??");
				if (c) {
					snprintf(f->file, sizeof(f->file), "%.*s", (int)(c - line), line);
					f->line = atoi(c + 1);
				}
				stack->nframes = 1;
				found = 1;
			}
			continue;
		}
		if (strstr(line, "    #") == line) {
			if (!in_stack && stack->nframes == 1 && !stack->frames[0].pc)
				stack->nframes = 0;	/* UBSan line frame: a real stack follows */
			in_stack = 1;
			parse_frame(line, stack);
		} else if (in_stack) {
			break;	/* only the first stack: where it happened */
		}
	}
	fclose(fp);
	mark_inlined(stack);
	return found;
}
