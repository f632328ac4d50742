/* runlog.c - OUT/runs.jsonl: which faults every run injected and what
 * became of it, one line per run, appended as the campaign goes (a killed
 * campaign still leaves the runs so far). */
#include "config.h"

#include <errno.h>
#include <json-c/json.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>

#include "reporters/report_int.h"

struct runlog {
	FILE *fp;
};

int runlog_open(const char *out_dir, struct runlog **out)
{
	char path[PATH_MAX];
	struct runlog *l = calloc(1, sizeof(*l));

	if (!l)
		return -ENOMEM;
	snprintf(path, sizeof(path), "%s/runs.jsonl", out_dir);
	l->fp = fopen(path, "we");
	if (!l->fp) {
		int e = -errno;

		free(l);
		return e;
	}
	*out = l;
	return 0;
}

int runlog_write(struct runlog *l, int run, const char *mode, const struct fault_rec *faults,
		 int nfaults, const char *outcome, int finding, const struct run_service *svc,
		 int64_t us)
{
	json_object *o = json_object_new_object(), *fa = json_object_new_array();
	int r = 0;

	if (!o || !fa) {
		json_object_put(o);
		json_object_put(fa);
		return -ENOMEM;
	}
	json_object_object_add(o, "run", json_object_new_int(run));
	json_object_object_add(o, "mode", json_object_new_string(mode));
	for (int i = 0; i < nfaults; i++) {
		json_object *f = json_object_new_object();

		json_object_object_add(f, "call", json_object_new_string(faults[i].call));
		json_object_object_add(f, "fault", json_object_new_string(faults[i].fault));
		json_object_object_add(f, "site", json_object_new_string(faults[i].site));
		json_object_object_add(f, "site_id", json_object_new_int(faults[i].site_id));
		json_object_object_add(f, "thread", json_object_new_int(faults[i].thread));
		json_object_object_add(f, "occurrence", json_object_new_int(faults[i].occurrence));
		json_object_object_add(f, "caller", json_object_new_string(faults[i].caller));
		if (faults[i].exe[0])
			json_object_object_add(f, "exe", json_object_new_string(faults[i].exe));
		json_object_array_add(fa, f);
	}
	json_object_object_add(o, "faults", fa);
	json_object_object_add(o, "outcome", json_object_new_string(outcome));
	json_object_object_add(o, "finding", finding > 0 ? json_object_new_int(finding) : NULL);
	if (us >= 0)
		json_object_object_add(o, "ms", json_object_new_double((double)(us / 10) / 100));
	if (svc) {
		json_object *s = json_object_new_object();

		json_object_object_add(s, "listened", json_object_new_boolean(svc->listened));
		json_object_object_add(s, "requests", json_object_new_int(svc->requests));
		json_object_object_add(s, "sent", json_object_new_int(svc->sent));
		json_object_object_add(s, "replied", json_object_new_int(svc->replied));
		json_object_object_add(s, "timeouts", json_object_new_int(svc->timeouts));
		json_object_object_add(o, "service", s);
	}
	if (report_redact_json(o) < 0)
		r = -ENOMEM;
	else if (fprintf(l->fp, "%s\n", json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN |
						       JSON_C_TO_STRING_NOSLASHESCAPE)) < 0 ||
	    fflush(l->fp) != 0)
		r = -EIO;
	json_object_put(o);
	return r;
}

void runlog_close(struct runlog *l)
{
	if (!l)
		return;
	fclose(l->fp);
	free(l);
}
