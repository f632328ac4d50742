/* standalone.h - --inject=none: the program once in the jail, no fault,
 * its own stdio and exit status (like bwrap; fzsandbox(1), EXIT STATUS). */
#ifndef FZ_STANDALONE_H
#define FZ_STANDALONE_H

#include "cli/options.h"

/* Returns the exit status: the program's own, 128+N on signal N, 124 on
 * --timeout, --violation-exit's N on a sandbox violation; fzsandbox's own
 * failures exit 125 (126/127: the program cannot be executed / is not
 * found) from inside (cli/die.h). */
int standalone_run(struct options *o, char **environ_base);

#endif
