/* merge_cmd.h - the `fzsandbox merge` subcommand (cli/merge_cmd.c). */
#ifndef FZ_MERGE_CMD_H
#define FZ_MERGE_CMD_H

/* argv[0] is "merge". Returns the exit status; dies on bad input. */
int merge_main(int argc, char **argv);

#endif
