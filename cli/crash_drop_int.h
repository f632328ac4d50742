/* crash_drop_int.h - the state --crash-drop keeps of a crash run, shared
 * by its contents model (crash_drop.c) and its names model
 * (crash_names.c, which uses crash_drop.c's helpers, never the reverse). */
#ifndef FZ_CRASH_DROP_INT_H
#define FZ_CRASH_DROP_INT_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <sys/stat.h>
#include <sys/types.h>

/* A file's durable contents are kept in memory up to this size; a larger
 * one synced is left as the run left it (and said so). */
#define DROP_MAX_BYTES (64L << 20)
#define DROP_MAX_DEPTH 32

struct drop_file {
	dev_t dev;
	ino_t ino;
	char *rel;		/* its path at the run's start; NULL: made by the run */
	bool dirty;		/* written or truncated since its durable contents */
	bool synced;		/* data: its last fsync's contents */
	bool too_big;		/* synced, but not kept */
	long long cut;		/* the shortest truncate since; -1: none */
	char *data;
	size_t len;
};

/* A directory's durable names: its regular files' names and inodes at the
 * run's start, or at its last fsync (crash_names.c). */
struct drop_ent {
	char *name;
	ino_t ino;
};
struct drop_dir {
	dev_t dev;
	ino_t ino;
	struct drop_ent *e;
	int n;
};

struct crash_drop {
	char copy[PATH_MAX], orig[PATH_MAX];
	struct drop_file *f;
	int n, cap;
	struct drop_dir *dirs;
	int ndirs, capdirs;
};

/* The file (dev, ino), added (clean) when add and not known; NULL. */
struct drop_file *drop_find(struct crash_drop *d, dev_t dev, ino_t ino, bool add);
/* All of fd's contents (at most DROP_MAX_BYTES), or -errno. */
int drop_read_all(int fd, char **data, size_t *len);
/* What fd holds now becomes f's durable contents (an fsync). */
void drop_make_durable(struct drop_file *f, int fd);
/* Is what f holds now what a crash leaves of it (nothing dropped)? f NULL:
 * a file the run made and never wrote (empty either way). */
bool drop_data_durable(const struct drop_file *f);
/* f's durable contents in *data (malloc'd, NULL when empty); -EFBIG when
 * they are too big to have been kept, -errno. *how says which. */
int drop_durable(struct crash_drop *d, const struct drop_file *f, char **data, size_t *len,
		 const char **how);
/* Free a directory's names. */
void drop_dir_clear(struct drop_dir *dd);

/* A list of what was rolled back, for the finding ("a (how), b (how)"). */
struct drop_apply {
	char *what;
	size_t len;
	int n, err;
};
void drop_say(struct drop_apply *a, const char *rel, const char *how);

#endif
