/* usage.h - --help, --list-classes and --list-faults (usage.c). */
#ifndef FZ_CLI_USAGE_H
#define FZ_CLI_USAGE_H

void options_usage(void);
void options_list_classes(void);
void options_list_faults(void);

#endif
