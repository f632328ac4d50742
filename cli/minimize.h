/* minimize.h - the `fzsandbox minimize` subcommand (cli/minimize.c). */
#ifndef FZ_MINIMIZE_H
#define FZ_MINIMIZE_H

/* argv[0] is "minimize". Returns the exit status; dies on bad input. */
int minimize_main(int argc, char **argv);

#endif
