/* target.h - what is run: resolved program path and its environment. */
#ifndef FZ_TARGET_H
#define FZ_TARGET_H

#include "cli/options.h"

/* Resolve argv[0] through PATH; die() if missing or not executable.
 * Returns a malloc'd absolute-or-relative path that execve accepts. */
char *target_resolve(const char *prog);
/* The target's environment: ours, edited by --clear-env/--unsetenv/
 * --setenv, plus the ASan options LeakSanitizer needs under ptrace. */
char **target_environment(const struct options *o, char **base);

/* fzsandbox's own path, for the replay lines it prints. */
const char *target_self_path(void);

#endif
