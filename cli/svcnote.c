/* svcnote.c - a service that never served must not pass for a tested
 * one: lighttpd failing to open its error log exits right after listen()
 * and every "finding" is its set-up failing. The notes say so, with the
 * program's own words (its stderr's last lines). */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "cli/duration.h"
#include "cli/svcnote.h"
#include "util/redact.h"

#define TAIL_READ 4096		/* bytes read from the end of the file */
#define SHOW_BYTES 200		/* of a reply, before "..." */

char *escape_bytes(const void *p, size_t n, char *buf, size_t len)
{
	static const char named[][2] = { { '\n', 'n' }, { '\r', 'r' }, { '\t', 't' },
					 { '\\', '\\' } };
	const unsigned char *c = p;
	size_t o = 0;

	if (!len)
		return buf;
	for (size_t i = 0; i < n; i++) {
		char e[8];
		size_t k;

		snprintf(e, sizeof(e), c[i] >= 0x20 && c[i] < 0x7f ? "%c" : "\\x%02x", c[i]);
		for (k = 0; k < sizeof(named) / sizeof(named[0]); k++)
			if (c[i] == (unsigned char)named[k][0])
				snprintf(e, sizeof(e), "\\%c", named[k][1]);
		if (o + strlen(e) >= len)
			break;
		memcpy(buf + o, e, strlen(e));
		o += strlen(e);
	}
	buf[o] = 0;
	return buf;
}

char *output_tail(const char *path, int nlines, char *buf, size_t len)
{
	char data[TAIL_READ + 1], *lines[16], *s, *save = NULL;
	size_t n;
	int k = 0;
	FILE *f;

	if (len)
		buf[0] = 0;
	f = path ? fopen(path, "re") : NULL;
	if (!f)
		return buf;
	/* The end of a long log is what says why it stopped. */
	if (fseek(f, 0, SEEK_END) == 0 && ftell(f) > TAIL_READ)
		(void)fseek(f, -TAIL_READ, SEEK_END);
	else
		rewind(f);
	n = fread(data, 1, TAIL_READ, f);
	fclose(f);
	data[n] = 0;
	for (s = strtok_r(data, "\n", &save); s; s = strtok_r(NULL, "\n", &save)) {
		size_t l = strlen(s);

		while (l && strchr(" \t\r", s[l - 1]))
			s[--l] = 0;	/* CRLF logs */
		if (!l)
			continue;
		/* Masked whole, before it is escaped and cut (--redact). */
		if (redact_line(s, l + 1) > 0)
			l = strlen(s);
		if (k == (int)(sizeof(lines) / sizeof(lines[0])))
			memmove(lines, lines + 1, --k * sizeof(lines[0]));
		lines[k++] = s;
	}
	for (int i = k > nlines ? k - nlines : 0, o = 0; i < k && (size_t)o + 4 < len; i++) {
		if (o) {
			snprintf(buf + o, len - o, " | ");
			o += 3;
		}
		escape_bytes(lines[i], strlen(lines[i]), buf + o, len - o);
		o += strlen(buf + o);
	}
	return buf;
}

bool service_note_clean(const struct options *o, const char *prog, const struct service_result *s,
			const struct run_result *res, const char *stderr_path)
{
	char tail[512], rt[32], how[96];

	if (!s->ready || s->replied >= o->nrequests)
		return true;
	/* How it ended says which fix applies: a service that exited on
	 * its own failed its set-up; one still running was slow or mute. */
	if (res->end == RUN_EXITED && !res->stopped)
		snprintf(how, sizeof(how), "it exited with status %d on its own", res->exit_status);
	else if (res->end == RUN_SIGNALED && !res->stopped)
		snprintf(how, sizeof(how), "it died of signal %d", res->signal);
	else
		snprintf(how, sizeof(how), "it was still running when stopped");
	fprintf(stderr, "fzsandbox: note: the run without faults served %d of %d requests "
		"(%d sent, %d replied, %d timed out after --reply-timeout=%s); %s%s; "
		"every finding is marked (report.json: clean_run_served false)\n",
		s->replied, o->nrequests, s->sent, s->replied, s->timeouts,
		format_duration(o->reply_timeout_ms, rt, sizeof(rt)), how,
		s->timeouts ? " (a service slow to start under tracing needs a longer "
			      "--reply-timeout)" : "");
	output_tail(stderr_path, 3, tail, sizeof(tail));
	if (tail[0])
		fprintf(stderr, "fzsandbox: note: '%s' stderr ends: %s\n", prog, tail);
	return false;
}

void service_show_replies(const struct options *o, const struct service_result *s)
{
	static const char *const state[] = {
		[REPLY_UNSENT] = "not sent", [REPLY_DONE] = "replied",
		[REPLY_TIMEOUT] = "timed out", [REPLY_CUT] = "cut short",
	};
	char text[4 * SHOW_BYTES + 1];
	int n = o->nrequests < SERVICE_KEEP_REPLIES ? o->nrequests : SERVICE_KEEP_REPLIES;

	/* Past nreplies: never reached (zeroed, "not sent"). */
	for (int i = 0; i < n; i++) {
		const struct service_reply *r = &s->replies[i];
		size_t shown = r->len < SHOW_BYTES ? r->len : SHOW_BYTES;

		escape_bytes(r->head, shown, text, sizeof(text));
		fprintf(stderr, "fzsandbox: reply %d (%s): %s, %zu byte%s: '%s'%s\n", i + 1,
			o->requests[i], state[r->state], r->len, r->len == 1 ? "" : "s", text,
			r->len > shown ? "..." : "");
	}
	if (o->nrequests > n)
		fprintf(stderr, "fzsandbox: (%d more replies not shown)\n", o->nrequests - n);
}
