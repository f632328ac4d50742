/* cgroup.c - --memory-limit and --pids-limit: one cgroup per campaign,
 * fzsandbox-<pid>, created below fzsandbox's own cgroup, limits written
 * once; the parent writes each run's first process into it right after the
 * clone, before the child is released (so nothing the target runs escapes
 * it), and removes it at the end of the campaign.
 *
 * Each controller is looked up on its own: cgroup v2 when our v2 cgroup
 * has it enabled for its children (cgroup.subtree_control; we never enable
 * it ourselves: that fails with processes in our cgroup, and elsewhere it
 * would change the host's configuration), else a v1 hierarchy that has it
 * (memory and pids here; writable by root only). Otherwise the caller
 * falls back to rlimits (cli/runner.c). */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "sandbox/sandbox_int.h"

#define CG_NCTL 2		/* memory, pids */

struct sandbox_cgroup {
	pid_t owner;		/* only the creating process removes it */
	int n;
	int mem;		/* index of the memory controller's directory, or -1 */
	bool mem_v2;
	struct {
		char *dir;
		int procs;	/* cgroup.procs, open for the per-run write */
	} d[CG_NCTL];		/* distinct directories (v2: one for both) */
};

/* dir/file into path; false when it does not fit. */
static bool join(char *path, size_t len, const char *dir, const char *file)
{
	int n = snprintf(path, len, "%s/%s", dir, file);

	return n >= 0 && (size_t)n < len;
}

static int write_str(const char *dir, const char *file, const char *text)
{
	char path[PATH_MAX];
	size_t len = strlen(text);
	int fd, r = 0;

	if (!join(path, sizeof(path), dir, file))
		return -ENAMETOOLONG;
	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (write(fd, text, len) != (ssize_t)len)
		r = errno ? -errno : -EIO;
	close(fd);
	return r;
}

/* Is word in the list of words separated by any of seps? */
static bool has_word(const char *list, const char *word, const char *seps)
{
	size_t n = strlen(word);

	for (const char *p = list; (p = strstr(p, word)); p += n)
		if ((p == list || strchr(seps, p[-1])) && (!p[n] || strchr(seps, p[n])))
			return true;
	return false;
}

/* Our cgroup in the hierarchy with this controller: v1 line
 * "N:ctl,ctl:/path", or v2 (ctl NULL) "0::/path". */
static int own_cgroup(const char *ctl, char *path, size_t len)
{
	FILE *f = fopen("/proc/self/cgroup", "re");
	char line[1024];
	int r = -ENOENT;

	if (!f)
		return -errno;
	while (r < 0 && fgets(line, sizeof(line), f)) {
		char *c1 = strchr(line, ':'), *c2 = c1 ? strchr(c1 + 1, ':') : NULL;

		if (!c2)
			continue;
		*c2 = 0;
		line[strcspn(line, ":")] = 0;
		if (ctl ? !has_word(c1 + 1, ctl, ",") : strcmp(line, "0") != 0 || c2 != c1 + 1)
			continue;
		c2[1 + strcspn(c2 + 1, "\n")] = 0;
		snprintf(path, len, "%s", c2 + 1);
		r = 0;
	}
	fclose(f);
	return r;
}

/* The directory of our own cgroup: the mount of the hierarchy (fstype
 * cgroup with ctl among its options, or cgroup2 when ctl is NULL) joined
 * with our path below the mount's root (mountinfo field 4). */
static int own_dir(const char *ctl, char *dir, size_t len)
{
	char cg[PATH_MAX], line[4096];
	FILE *f;
	int r = own_cgroup(ctl, cg, sizeof(cg));

	if (r < 0)
		return r;
	f = fopen("/proc/self/mountinfo", "re");
	if (!f)
		return -errno;
	r = -ENOENT;
	while (r < 0 && fgets(line, sizeof(line), f)) {
		char root[PATH_MAX], mnt[PATH_MAX], fstype[64], opts[1024];
		const char *sep = strstr(line, " - ");
		size_t rl;

		if (!sep || sscanf(line, "%*s %*s %*s %4095s %4095s", root, mnt) != 2 ||
		    sscanf(sep + 3, "%63s %*s %1023s", fstype, opts) != 2)
			continue;
		if (ctl ? strcmp(fstype, "cgroup") != 0 || !has_word(opts, ctl, ",")
			: strcmp(fstype, "cgroup2") != 0)
			continue;
		rl = strcmp(root, "/") == 0 ? 0 : strlen(root);
		if (strncmp(cg, root, rl) != 0 || (cg[rl] && cg[rl] != '/'))
			continue;	/* our cgroup is not below this mount */
		if (snprintf(dir, len, "%s%s", mnt, strcmp(cg + rl, "/") == 0 ? "" : cg + rl) >= (int)len)
			r = -ENAMETOOLONG;
		else
			r = 0;
	}
	fclose(f);
	return r;
}

static bool file_has_word(const char *dir, const char *file, const char *word)
{
	char path[PATH_MAX], buf[512] = "";
	ssize_t n;
	int fd;

	if (!join(path, sizeof(path), dir, file))
		return false;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return false;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	buf[n > 0 ? n : 0] = 0;
	return has_word(buf, word, " \n");
}

/* Remove what an earlier fzsandbox left behind (killed before its clean-up):
 * fzsandbox-PID directories whose PID is gone; a busy one stays. */
static void remove_stale(const char *parent)
{
	DIR *d = opendir(parent);
	struct dirent *de;

	while (d && (de = readdir(d))) {
		char path[PATH_MAX], *end;
		long pid;

		if (strncmp(de->d_name, "fzsandbox-", 10) != 0)
			continue;
		pid = strtol(de->d_name + 10, &end, 10);
		if (*end || pid <= 0 || kill((pid_t)pid, 0) == 0 || errno != ESRCH)
			continue;
		if (join(path, sizeof(path), parent, de->d_name))
			rmdir(path);
	}
	if (d)
		closedir(d);
}

/* Where a controller can be used: v2's directory, else v1's. */
static int find_controller(const char *ctl, char *dir, size_t len, bool *v2, char *why,
			   size_t whylen)
{
	char d2[PATH_MAX];

	*v2 = false;
	if (own_dir(NULL, d2, sizeof(d2)) == 0) {
		if (file_has_word(d2, "cgroup.subtree_control", ctl)) {
			*v2 = true;
			snprintf(dir, len, "%s", d2);
			return 0;
		}
	}
	if (own_dir(ctl, dir, len) == 0)
		return 0;
	snprintf(why, whylen, "no cgroup v1 hierarchy has the %s controller and cgroup v2 "
		 "does not delegate it (%s/cgroup.subtree_control)", ctl, d2[0] ? d2 : "?");
	return -ENOENT;
}

static struct sandbox_cgroup *live;	/* for the atexit clean-up */

static void remove_at_exit(void)
{
	sandbox_cgroup_free(live);
}

int sandbox_cgroup_new(unsigned long long memory, unsigned long long pids,
		       struct sandbox_cgroup **out, char *why, size_t whylen)
{
	const char *ctls[CG_NCTL] = { "memory", "pids" };
	unsigned long long want[CG_NCTL] = { memory, pids };
	struct sandbox_cgroup *cg;
	int r = 0;

	*out = NULL;
	why[0] = 0;
	if (!memory && !pids)
		return 0;
	cg = calloc(1, sizeof(*cg));
	if (!cg)
		return -ENOMEM;
	cg->owner = getpid();
	cg->mem = -1;
	for (int i = 0; i < CG_NCTL && r == 0; i++) {
		char parent[PATH_MAX], dir[PATH_MAX], val[32];
		const char *file;
		bool v2;
		int k;

		if (!want[i])
			continue;
		r = find_controller(ctls[i], parent, sizeof(parent), &v2, why, whylen);
		if (r < 0)
			break;
		snprintf(val, sizeof(val), "fzsandbox-%d", (int)cg->owner);
		if (!join(dir, sizeof(dir), parent, val)) {
			r = -ENAMETOOLONG;
			snprintf(why, whylen, "the cgroup path is too long");
			break;
		}
		for (k = 0; k < cg->n && strcmp(cg->d[k].dir, dir) != 0; k++)
			;
		if (k == cg->n) {	/* a new directory (v2 shares one) */
			remove_stale(parent);
			if (mkdir(dir, 0755) < 0 && errno != EEXIST) {
				r = -errno;
				snprintf(why, whylen, "cannot create %s: %s", dir, strerror(-r));
				break;
			}
			cg->d[k].dir = strdup(dir);
			cg->d[k].procs = -1;
			cg->n++;
			if (!cg->d[k].dir) {
				r = -ENOMEM;
				break;
			}
		}
		if (i == 0) {
			cg->mem = k;
			cg->mem_v2 = v2;
		}
		file = i == 0 ? (v2 ? "memory.max" : "memory.limit_in_bytes") : "pids.max";
		snprintf(val, sizeof(val), "%llu", want[i]);
		r = write_str(dir, file, val);
		if (r < 0)
			snprintf(why, whylen, "cannot write %s/%s: %s", dir, file, strerror(-r));
	}
	for (int k = 0; k < cg->n && r == 0; k++) {
		char path[PATH_MAX];

		cg->d[k].procs = join(path, sizeof(path), cg->d[k].dir, "cgroup.procs")
				 ? open(path, O_WRONLY | O_CLOEXEC) : (errno = ENAMETOOLONG, -1);
		if (cg->d[k].procs < 0) {
			r = -errno;
			snprintf(why, whylen, "cannot open %s: %s", path, strerror(-r));
		}
	}
	if (r < 0) {
		sandbox_cgroup_free(cg);
		return r;
	}
	if (!live)
		atexit(remove_at_exit);
	live = cg;
	*out = cg;
	return 0;
}

int sandbox_cgroup_attach(const struct sandbox_cgroup *cg, pid_t pid, struct sandbox_err *e)
{
	char num[16];
	int len;

	if (!cg)
		return 0;
	len = snprintf(num, sizeof(num), "%d", (int)pid);
	for (int k = 0; k < cg->n; k++)
		if (pwrite(cg->d[k].procs, num, len, 0) != len)
			return sb_fail(e, SB_CGROUP, cg->d[k].dir, errno ? errno : EIO);
	return 0;
}

long sandbox_cgroup_oom_kills(const struct sandbox_cgroup *cg)
{
	char path[PATH_MAX], buf[1024];
	const char *p;
	ssize_t n;
	int fd;

	if (!cg || cg->mem < 0 ||
	    !join(path, sizeof(path), cg->d[cg->mem].dir, cg->mem_v2 ? "memory.events" : "memory.oom_control"))
		return -1;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	buf[n > 0 ? n : 0] = 0;
	p = strstr(buf, "oom_kill ");
	return p ? strtol(p + 9, NULL, 10) : -1;
}

const char *sandbox_cgroup_dir(const struct sandbox_cgroup *cg, int i)
{
	return cg && i >= 0 && i < cg->n ? cg->d[i].dir : NULL;
}

/* The runs' processes are gone (reaped) by now; the kernel may still be
 * finishing their exit, so a busy cgroup is retried for up to ~1 s. */
void sandbox_cgroup_free(struct sandbox_cgroup *cg)
{
	if (!cg || cg->owner != getpid())
		return;
	if (live == cg)
		live = NULL;
	for (int k = 0; k < cg->n; k++) {
		if (cg->d[k].procs >= 0)
			close(cg->d[k].procs);
		for (int t = 0; t < 100 && rmdir(cg->d[k].dir) < 0 && errno == EBUSY; t++)
			nanosleep(&(struct timespec){ 0, 10 * 1000 * 1000 }, NULL);
		free(cg->d[k].dir);
	}
	free(cg);
}
