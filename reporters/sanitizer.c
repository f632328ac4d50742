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

/* "    #0 0x55d0c1 in copy_name /src/foo.c:12:5" or "... (/lib/libc.so.6+0x2a)" */
static void parse_frame(const char *line, struct thread_stack *st)
{
	struct frame *f;
	const char *in = strstr(line, " in "), *p;
	uint64_t pc = 0;

	if (st->nframes >= FRAME_MAX || sscanf(line, " #%*d 0x%" SCNx64, &pc) != 1)
		return;
	f = &st->frames[st->nframes++];
	memset(f, 0, sizeof(*f));
	f->pc = pc;
	snprintf(f->function, sizeof(f->function), "??");
	if (!in)
		return;
	in += 4;
	p = strchr(in, ' ');
	snprintf(f->function, sizeof(f->function), "%.*s", p ? (int)(p - in) : (int)strcspn(in, "\n"), in);
	if (!p)
		return;
	p++;
	if (*p == '(') {
		snprintf(f->module, sizeof(f->module), "%.*s", (int)strcspn(p + 1, "+)"), p + 1);
	} else {
		char file[192];
		int line_no = 0;
		const char *c = strchr(p, ':');

		if (c && (size_t)(c - p) < sizeof(file)) {
			snprintf(file, sizeof(file), "%.*s", (int)(c - p), p);
			line_no = atoi(c + 1);
			snprintf(f->file, sizeof(f->file), "%s", file);
			f->line = line_no;
		}
	}
	/* The report names functions, not modules: recognise the runtime's
	 * and libc's start-up frames by name, or the module when shown. */
	f->system = strstr(f->function, "__interceptor_") == f->function ||
		    strstr(f->function, "__asan_") == f->function ||
		    strstr(f->function, "__ubsan_") == f->function ||
		    strstr(f->function, "__libc_start_") == f->function ||
		    strcmp(f->function, "_start") == 0 ||
		    (f->module[0] && unwind_is_system_module(f->module));
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
	return found;
}
