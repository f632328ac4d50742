/* outcomes_cmd.h - `fzsandbox outcomes OUT`: the outcome table again. */
#ifndef FZ_OUTCOMES_CMD_H
#define FZ_OUTCOMES_CMD_H

/* argv[0] is "outcomes". Returns the exit status (die()s on bad input). */
int outcomes_main(int argc, char **argv);

#endif
