/* campaign_file.c - --campaign=FILE read and checked: --config's format
 * ("name = value" lines with the long option names, '#' comments) in
 * "[component NAME]" sections, plus command, share and paths. The lines
 * before the first section are every component's defaults. Every line is
 * checked here, before any component runs, so a typo in the last
 * component does not surface an hour into the campaign. */
#include "config.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/campaign_file.h"
#include "cli/die.h"
#include "cli/target.h"

int campaign_split_words(const char *s, char ***out, int *n)
{
	char *w = malloc(strlen(s) + 1);

	*out = NULL;
	*n = 0;
	if (!w)
		die("out of memory");
	for (;;) {
		size_t len = 0;

		s += strspn(s, " \t");
		if (!*s)
			break;
		while (*s && *s != ' ' && *s != '\t') {
			char q = *s;

			if (q == '\'' || q == '"') {
				for (s++; *s && *s != q; s++) {
					if (q == '"' && *s == '\\' && (s[1] == '"' || s[1] == '\\'))
						s++;
					w[len++] = *s;
				}
				if (!*s) {
					free(w);
					return -EINVAL;
				}
				s++;
			} else if (q == '\\' && s[1]) {
				w[len++] = s[1];
				s += 2;
			} else {
				w[len++] = *s++;
			}
		}
		w[len] = 0;
		options_push(out, n, w);
	}
	free(w);
	if (!*out)
		options_push(out, n, "");	/* a NULL-terminated empty vector */
	if (*n == 1 && !(*out)[0][0]) {
		free((*out)[0]);
		(*out)[0] = NULL;
		*n = 0;
	}
	return 0;
}

static char *trim(char *s)
{
	char *e;

	while (*s == ' ' || *s == '\t')
		s++;
	e = s + strlen(s);
	while (e > s && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\r' || e[-1] == '\n'))
		*--e = 0;
	return s;
}

/* "[component NAME]": NAME becomes a directory of OUT and a JUnit suite. */
static void section(struct campaign_file *cf, char *line)
{
	struct component *c, *v;
	char *name, *end = strchr(line, ']');

	if (!end || end[1])
		die("bad section line '%s' (want [component NAME])", line);
	*end = 0;
	name = trim(line + 1);
	if (strncmp(name, "component", 9) != 0 || (name[9] != ' ' && name[9] != '\t'))
		die("bad section '[%s]' (want [component NAME])", name);
	name = trim(name + 9);
	if (!*name || strlen(name) >= sizeof(c->name) ||
	    strspn(name, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-") !=
	    strlen(name) || name[0] == '.')
		die("bad component name '%s' (letters, digits, '.', '_', '-'; at most %zu)", name,
		    sizeof(c->name) - 1);
	for (int i = 0; i < cf->n; i++)
		if (strcmp(cf->v[i].name, name) == 0)
			die("component '%s' given twice (first on line %d)", name, cf->v[i].line);
	v = realloc(cf->v, (cf->n + 1) * sizeof(*v));
	if (!v)
		die("out of memory");
	cf->v = v;
	c = &v[cf->n++];
	memset(c, 0, sizeof(*c));
	snprintf(c->name, sizeof(c->name), "%s", name);
	c->share = 1;
}

/* The campaign's own keys: valid in a section only. */
static bool own_key(struct component *c, const char *name, const char *value)
{
	char *end;

	if (strcmp(name, "command") == 0) {
		if (!c)
			die("'command' belongs in a [component NAME] section");
		if (c->argv)
			die("'command' given twice for component '%s'", c->name);
		if (!value || !*value)
			die("'command' needs a value ('command = PROG ARGS...')");
		if (campaign_split_words(value, &c->argv, &c->argc) < 0)
			die("command: unterminated quote in '%s'", value);
		if (c->argc == 0)
			die("'command' needs a value ('command = PROG ARGS...')");
		free(target_resolve(c->argv[0]));	/* die()s when not found */
		return true;
	}
	if (strcmp(name, "share") == 0) {
		if (!c)
			die("'share' belongs in a [component NAME] section");
		errno = 0;
		c->share = value ? strtod(value, &end) : 0;
		if (!value || errno || end == value || *end || !(c->share > 0 && c->share <= 1e6))
			die("share: bad share '%s' (a number more than 0)", value ? value : "");
		return true;
	}
	if (strcmp(name, "paths") == 0) {
		char **globs;
		int n;

		if (!c)
			die("'paths' belongs in a [component NAME] section");
		if (!value || campaign_split_words(value, &globs, &n) < 0 || n == 0)
			die("'paths' needs globs ('paths = src/kvd/* include/kvd.h')");
		for (int i = 0; i < n; i++) {
			options_push(&c->paths, &c->npaths, globs[i]);
			free(globs[i]);
		}
		free(globs);
		return true;
	}
	return false;
}

/* The campaign owns these: each component's --out, --budget and --format
 * come from the command line. */
static const char *const campaign_owned[] = { "out", "budget", "format" };

static void option_line(struct campaign_file *cf, struct component *c, const char *name,
			const char *value)
{
	char *w;

	for (size_t i = 0; i < sizeof(campaign_owned) / sizeof(*campaign_owned); i++)
		if (strcmp(name, campaign_owned[i]) == 0)
			die("'%s' is the campaign's (give --%s on the command line%s)", name, name,
			    strcmp(name, "budget") == 0 ? "; a component has a share" : "");
	if (strcmp(name, "inject") == 0 && value && strcmp(value, "none") == 0)
		die("'inject = none' is one plain run, not a component's campaign");
	if ((value ? asprintf(&w, "--%s=%s", name, value) : asprintf(&w, "--%s", name)) < 0)
		die("out of memory");
	if (c)
		options_push(&c->words, &c->nwords, w);
	else
		options_push(&cf->defaults, &cf->ndefaults, w);
	free(w);
	w = c ? c->words[c->nwords - 1] : cf->defaults[cf->ndefaults - 1];
	/* The value from the kept word: options point into it. */
	options_config_line(c ? &c->opts : &cf->defaults_opts, name,
			    value ? w + strlen(name) + 3 : NULL);
}

/* A section is complete: checked at its own line. */
static void finish_component(const struct campaign_file *cf, const struct component *c)
{
	static char ctx[PATH_MAX + 32];

	snprintf(ctx, sizeof(ctx), "%s:%d: ", cf->path, c->line);
	die_set_context(ctx);
	if (!c->argv)
		die("component '%s' has no 'command = PROG ARGS...'", c->name);
	die_set_context(NULL);
}

void campaign_file_load(const char *path, struct campaign_file *cf)
{
	static char ctx[PATH_MAX + 32];	/* die()'s context outlives the call */
	FILE *fp = fopen(path, "re");
	char *buf = NULL;
	size_t cap = 0;
	int lineno = 0;

	memset(cf, 0, sizeof(*cf));
	cf->path = path;
	if (!fp)
		die_errno(errno, "--campaign: cannot read '%s'", path);
	while (getline(&buf, &cap, fp) >= 0) {
		struct component *c = cf->n ? &cf->v[cf->n - 1] : NULL;
		char *line = trim(buf), *name, *value = NULL, *eq;

		lineno++;
		if (!*line || *line == '#')
			continue;
		snprintf(ctx, sizeof(ctx), "%s:%d: ", path, lineno);
		die_set_context(ctx);
		if (*line == '[') {
			if (c)
				finish_component(cf, c);
			die_set_context(ctx);
			section(cf, line);
			cf->v[cf->n - 1].line = lineno;
			die_set_context(NULL);
			continue;
		}
		name = line;
		eq = strchr(line, '=');
		if (eq) {
			*eq = 0;
			value = trim(eq + 1);
			name = trim(name);
		}
		if (!own_key(c, name, value))
			option_line(cf, c, name, value);
		die_set_context(NULL);
	}
	if (ferror(fp))
		die_errno(errno, "--campaign: cannot read '%s'", path);
	fclose(fp);
	free(buf);
	if (cf->n == 0)
		die("--campaign: '%s' has no component (a '[component NAME]' section each)", path);
	finish_component(cf, &cf->v[cf->n - 1]);
}
