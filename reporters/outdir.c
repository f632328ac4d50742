#include "config.h"

/* outdir.c - the output directory: mkdir -p and per-finding file copies. */

#include <errno.h>
#include <dirent.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "reporters/report_int.h"
#include "util/redact.h"
#include "util/util.h"

int report_mkdirs(const char *path)
{
	if (!path || !*path)
		return -EINVAL;
	return mkdir_p(path, 0755);
}

int report_prepare_dir(const char *out_dir)
{
	int e = report_mkdirs(out_dir);

	if (e < 0)
		return e;
	return access(out_dir, W_OK | X_OK) < 0 ? -errno : 0;
}

int report_clear_previous(const char *out_dir)
{
	char path[PATH_MAX];
	struct dirent *de;
	DIR *d;
	int e = 0;

	snprintf(path, sizeof(path), "%s/runs.jsonl", out_dir);
	if (unlink(path) < 0 && errno != ENOENT)
		return -errno;
	/* An earlier --redact's secrets do not outlive its report. */
	snprintf(path, sizeof(path), "%s/" REPORT_UNREDACTED, out_dir);
	if (unlink(path) < 0 && errno != ENOENT)
		return -errno;
	snprintf(path, sizeof(path), "%s/findings", out_dir);
	d = opendir(path);
	if (!d)
		return errno == ENOENT ? 0 : -errno;
	while ((de = readdir(d)) && e == 0) {
		char sub[PATH_MAX + 256];

		/* Only the numbered ones, which are ours. */
		if (!de->d_name[0] || strspn(de->d_name, "0123456789") != strlen(de->d_name))
			continue;
		snprintf(sub, sizeof(sub), "%s/%s", path, de->d_name);
		e = remove_tree(sub);
	}
	closedir(d);
	return e;
}

int report_copy_output(const struct report *r, int id, const char *src,
		       const char *name, char **rel)
{
	char *dir = NULL, *dst = NULL;
	int in, out, e;

	*rel = NULL;
	if (!src)
		return 0;
	in = open(src, O_RDONLY | O_CLOEXEC);
	if (in < 0)
		/* The run left no output file: nothing to keep. */
		return errno == ENOENT ? 0 : -errno;
	if (asprintf(&dir, "%s/findings/%d", r->out_dir, id) < 0) {
		dir = NULL;
		e = -ENOMEM;
		goto out;
	}
	if (asprintf(&dst, "%s/%s", dir, name) < 0) {
		dst = NULL;
		e = -ENOMEM;
		goto out;
	}
	e = report_mkdirs(dir);
	if (e)
		goto out;
	out = open(dst, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (out < 0) {
		e = -errno;
		goto out;
	}
	/* --redact: what the program printed is masked; a fuzz input is
	 * what --replay feeds it again, kept as it was. */
	e = redact_active() && strcmp(name, "input") != 0 ? redact_copy_fd(in, out) :
							      fs_copy_fd(in, out);
	if (close(out) < 0 && !e)
		e = -errno;
	if (!e && asprintf(rel, "findings/%d/%s", id, name) < 0) {
		*rel = NULL;
		e = -ENOMEM;
	}
out:
	close(in);
	free(dst);
	free(dir);
	return e;
}
