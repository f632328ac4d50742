/* cpu_pick.h - a CPU no other process is bound to (cpu_pick.c). */
#ifndef FZ_CLI_CPU_PICK_H
#define FZ_CLI_CPU_PICK_H

/* The first CPU fzsandbox may run on that no other process is bound to
 * alone; -1 when every one is. */
int cpu_pick_free(void);

#endif
