/* spec.c - the --fault=SPEC grammar (fzsandbox.1, FAULT SPECIFICATIONS):
 *   CALL ':' FAULT { '@' PRED } [ '@' WHERE ] { '@' PRED }
 *   WHERE := N | 'site#' K [ ':' N ] | 'caller=' FUNC [ ':' N ]
 *   PRED  := NAME '=' VALUE   (pred_spec.c's table: exe, path, fd)
 * A step fault's '@clock=NAME' may stand before or after WHERE.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "inject/classes.h"
#include "inject/inject.h"
#include "inject/pred_args.h"

static int parse_pos(const char *s, int *out)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (errno || end == s || *end || v < 1 || v > 1000000000)
		return -EINVAL;
	*out = (int)v;
	return 0;
}

static int bad_token(char *bad, int badlen, const char *tok)
{
	snprintf(bad, badlen, "%s", tok);
	return -EINVAL;
}

/* A library call a class intercepts (an allocator call)? */
static bool library_call(const char *call)
{
	bool library;

	return class_of_call(call, &library) && library;
}

/* libc's names where the syscall's differ, as users write them. */
static const char *const call_aliases[][2] = {
	{ "pread", "pread64" },
	{ "pwrite", "pwrite64" },
};

static void canonical_call(char *call, size_t len)
{
	for (size_t i = 0; i < sizeof(call_aliases) / sizeof(*call_aliases); i++)
		if (strcmp(call, call_aliases[i][0]) == 0) {
			snprintf(call, len, "%s", call_aliases[i][1]);
			return;
		}
}

/* "@clock=NAME" belongs to a step fault (clock_step.c), wherever it
 * stands among the predicates: cut it out of buf into clk ("" none). */
static int take_clock(char *buf, char *clk, size_t len)
{
	char *p = strstr(buf, "@clock="), *end;
	size_t n;

	clk[0] = 0;
	if (!p)
		return 0;
	end = strchr(p + 1, '@');
	n = end ? (size_t)(end - p) : strlen(p);
	if (n >= len)
		return -EINVAL;
	memcpy(clk, p, n);
	clk[n] = 0;
	memmove(p, p + n, strlen(p + n) + 1);
	return 0;
}

static int parse_where(char *where, struct plan_fault *pf, int *site_id, char *bad, int badlen);

int plan_fault_parse(const char *spec, struct plan_fault *pf, int *site_id, char *bad, int badlen)
{
	char buf[512], clk[64], fault[96], *colon, *at, *where;

	memset(pf, 0, sizeof(*pf));
	pf->thread = -1;
	pf->occurrence = 1;
	*site_id = -1;
	if (strlen(spec) >= sizeof(buf))
		return bad_token(bad, badlen, spec);
	strcpy(buf, spec);
	if (take_clock(buf, clk, sizeof(clk)) < 0)
		return bad_token(bad, badlen, spec);
	at = strchr(buf, '@');
	if (at)
		*at = 0;
	colon = strchr(buf, ':');
	if (!colon || colon == buf || (size_t)(colon - buf) >= sizeof(pf->call))
		return bad_token(bad, badlen, buf);
	*colon = 0;
	strcpy(pf->call, buf);
	canonical_call(pf->call, sizeof(pf->call));
	if (!library_call(pf->call) && !syscall_by_name(pf->call))
		return bad_token(bad, badlen, pf->call);
	snprintf(fault, sizeof(fault), "%s%s", colon + 1, clk);
	if (fault_parse(fault, &pf->fault) < 0)
		return bad_token(bad, badlen, fault);
	/* A step says how far ("step" alone is only the kind). */
	if (pf->fault.type == FT_STEP && !pf->fault.count)
		return bad_token(bad, badlen, fault);
	/* Which faults make sense for which call: its rows' (fault_table.c). */
	if (!call_takes_fault(pf->call, &pf->fault))
		return bad_token(bad, badlen, colon + 1);
	/* A row's alias names its fault (malloc:ENOMEM is malloc:NULL). */
	call_fault_canonical(pf->call, &pf->fault);
	where = NULL;
	/* '@' words: predicates, and at most one WHERE. */
	for (char *w = at ? at + 1 : NULL, *next; w; w = next) {
		int r;

		if ((next = strchr(w, '@')))
			*next++ = 0;
		if (fault_pred_word(w)) {
			if ((r = fault_pred_parse(pf->call, w, &pf->pred, bad, badlen)) < 0)
				return r;
		} else if (where) {
			return bad_token(bad, badlen, w);
		} else {
			where = w;
		}
	}
	return where ? parse_where(where, pf, site_id, bad, badlen) : 0;
}

/* WHERE: which occurrence, at which site or caller. */
static int parse_where(char *where, struct plan_fault *pf, int *site_id, char *bad, int badlen)
{
	char *occ;

	if (strncmp(where, "site#", 5) == 0) {
		occ = strchr(where + 5, ':');
		if (occ)
			*occ++ = 0;
		/* Site ids start at 0, like report.json's sites[]. */
		if (where[5] == '0' && where[6] == 0)
			*site_id = 0;
		else if (parse_pos(where + 5, site_id) < 0)
			return bad_token(bad, badlen, where);
		if (occ && parse_pos(occ, &pf->occurrence) < 0)
			return bad_token(bad, badlen, occ);
		return 0;
	}
	if (strncmp(where, "caller=", 7) == 0) {
		/* C++ names hold "::": only a trailing ":digits" is the
		 * occurrence. */
		occ = strrchr(where + 7, ':');
		if (occ && (!occ[1] || strspn(occ + 1, "0123456789") != strlen(occ + 1)))
			occ = NULL;
		if (occ)
			*occ++ = 0;
		if (!where[7] || strlen(where + 7) >= sizeof(pf->caller))
			return bad_token(bad, badlen, where);
		strcpy(pf->caller, where + 7);
		if (occ && parse_pos(occ, &pf->occurrence) < 0)
			return bad_token(bad, badlen, occ);
		return 0;
	}
	if (parse_pos(where, &pf->occurrence) < 0)
		return bad_token(bad, badlen, where);
	return 0;
}
