/* regress.h - the `fzsandbox regress` subcommand (cli/regress.c). */
#ifndef FZ_REGRESS_H
#define FZ_REGRESS_H

/* argv[0] is "regress". Returns the exit status; dies on bad input. */
int regress_main(int argc, char **argv);

#include <stdbool.h>

/* --store=DIR (store NULL: none): the findings of out_dir's report.json
 * into the store, a line on stderr unless quiet; dies on error. */
void store_findings(const char *store, const char *out_dir, bool quiet);

#endif
