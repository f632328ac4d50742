/* baseline.c - finding-key lists: the --baseline file that `regress` and
 * --fail-on=new read the same way, so a key accepted for one is
 * accepted for the other. */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/baseline.h"
#include "cli/die.h"

void keylist_add(struct keylist *kl, const char *key)
{
	char **v = realloc(kl->keys, (kl->n + 2) * sizeof(*kl->keys));

	if (!v)
		die("out of memory");
	kl->keys = v;
	if (!(v[kl->n] = strdup(key)))
		die("out of memory");
	v[++kl->n] = NULL;
}

void baseline_load(struct keylist *kl, const char *path, const char *who)
{
	FILE *fp = fopen(path, "re");
	char *line = NULL;
	size_t cap = 0;
	ssize_t n;

	if (!fp)
		die_errno(errno, "%s--baseline=%s", who, path);
	while ((n = getline(&line, &cap, fp)) >= 0) {
		while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r' || line[n - 1] == ' ' ||
				 line[n - 1] == '\t'))
			line[--n] = 0;
		if (!n || line[0] == '#')
			continue;
		keylist_add(kl, line);
	}
	free(line);
	fclose(fp);
}

bool keylist_has(const struct keylist *kl, const char *key)
{
	for (int i = 0; i < kl->n; i++)
		if (strcmp(kl->keys[i], key) == 0)
			return true;
	return false;
}

void keylist_free(struct keylist *kl)
{
	for (int i = 0; i < kl->n; i++)
		free(kl->keys[i]);
	free(kl->keys);
	kl->keys = NULL;
	kl->n = 0;
}
