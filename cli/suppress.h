/* suppress.h - the --suppress=FILE format (fzsandbox.1, SUPPRESSIONS):
 *   # comment
 *   site KEY|FUNCTION       never fail this site
 *   finding FUNCTION        do not report findings whose top non-system
 *                           frame is in FUNCTION
 */
#ifndef FZ_SUPPRESS_H
#define FZ_SUPPRESS_H

#include <stdbool.h>

#include "cli/options.h"
#include "reporters/report.h"

/* Load the file: sites go to o->exclude; finding functions are returned
 * (NULL-terminated). die()s naming the file and line on bad input. */
char **suppress_load(const char *path, struct options *o);
bool suppress_finding(char *const *functions, const struct run_finding *f);

#endif
