/* aflmap.h - AFL++'s shared-memory edge map of a program built with
 * afl-cc, read after every fuzz run as the loop's feedback beside the
 * syscall shape (docs/fuzzing.md, "The feedback"). cli/ only.
 *
 * Where the map lives (a SysV segment the runtime shmats by the id in
 * __AFL_SHM_ID): without the jail, one of ours, attached here and marked
 * for removal at once; in the jail, one the target makes in the jail's
 * IPC namespace before it execs (sandbox_launch.shm_size). It is read
 * through a process that has it attached: a parked template, after each
 * child it forked (and cleared there before the next); an exec'd run's
 * processes, each at its exit_group stop, its fatal signal or its
 * --timeout kill (the last one read wins). */
#ifndef FZ_CLI_AFLMAP_H
#define FZ_CLI_AFLMAP_H

#include <stdint.h>
#include <sys/types.h>

#include "cli/options.h"
#include "inject/inject.h"
#include "sandbox/sandbox.h"

struct aflmap;
struct run_exec;
struct fb_map;

/* --fuzz with --feedback auto or afl, the program at path built with
 * afl-cc: its map, and env with __AFL_SHM_ID (and AFL_MAP_SIZE past
 * 64 KiB) for the traced runs; NULL otherwise. die()s: --feedback=afl
 * for a program without AFL++'s runtime, a segment that cannot be made. */
struct aflmap *aflmap_new(const struct options *o, const char *path, char **env, bool jail);
void aflmap_free(struct aflmap *a);
/* The environment the traced runs exec with (env as given without a map). */
char **aflmap_env(struct aflmap *a, char **env);
/* The jail's part (shm_size, shm_id), and the engine's exit_group hook. */
void aflmap_launch(struct aflmap *a, struct sandbox_launch *l);
void aflmap_inject(struct aflmap *a, struct inject_config *cfg);
/* A -j worker: a segment of its own (without the jail; the jail's is
 * each run's anyway). */
void aflmap_rehome(struct aflmap *a);
/* Around one episode; tmpl: the parked template the run is forked from,
 * 0 when it execs. */
void aflmap_begin(struct aflmap *a, pid_t tmpl);
void aflmap_end(struct aflmap *a, pid_t tmpl);
/* An exec'd run in the jail: pid, stopped with its memory whole (at a
 * fatal signal, or killed at --timeout), read as at its exit_group. */
void aflmap_read_from(struct aflmap *a, pid_t pid);
/* The last run's map as sparse cells (feedback.h), into *cells (valid
 * until the next run) and its size in *size (0: no map): how many. */
uint32_t aflmap_cells(struct aflmap *a, const uint32_t **cells, uint32_t *size);
/* A run taken in as the scheduler's maps (at most 2), as --feedback
 * says: how many. */
int aflmap_maps(const struct options *o, const struct run_exec *x, struct fb_map *maps);
#endif
