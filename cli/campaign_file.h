/* campaign_file.h - --campaign=FILE: several components, one after
 * another, each a child fzsandbox with its own options, command and share
 * of --budget, then one combined report (docs/ci.md, "Campaign files"). */
#ifndef FZ_CAMPAIGN_FILE_H
#define FZ_CAMPAIGN_FILE_H

#include "cli/options.h"
#include "reporters/report.h"

/* A share is multiplied by this when the component's paths match a file
 * changed since --changed-from's revision. */
#define CAMPAIGN_CHANGED_FACTOR 4

struct component {
	char name[64];
	int line;		/* its "[component NAME]" line */
	char **words;		/* its options as "--name=value", NULL-terminated */
	int nwords;
	char **argv;		/* command = PROG ARGS, NULL-terminated */
	int argc;
	char **paths;		/* paths = GLOB..., NULL-terminated */
	int npaths;
	double share;
	struct options opts;	/* its lines applied: checked before anything runs */
	struct report_component rc;
};

struct campaign_file {
	const char *path;
	char *text;		/* the file; words are copies */
	char **defaults;	/* the lines before the first section, as words */
	int ndefaults;
	struct options defaults_opts;
	struct component *v;
	int n;
};

/* campaign_file.c: read and check FILE: die() with "FILE:LINE: ..." on
 * bad input (an unknown key, a section without command, no section...). */
void campaign_file_load(const char *path, struct campaign_file *cf);
/* The words of s as a shell would split them without expansions: spaces
 * and tabs separate, '...' and "..." quote, backslash escapes (not in
 * '...'). NULL-terminated, *n words; -EINVAL for an unterminated quote. */
int campaign_split_words(const char *s, char ***out, int *n);

/* Set in the environment of the invocation that checks a component's
 * command line: it exits 0 after parsing, or 2 with the line. */
#define CAMPAIGN_PARSE_ONLY_ENV "FZSANDBOX_CAMPAIGN_PARSE_ONLY"

/* campaign_drive.c: run the campaign o->campaign names; the exit status. */
int campaign_file_run(struct options *o);

#endif
