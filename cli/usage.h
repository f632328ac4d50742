/* usage.h - --help and --list-classes (usage.c). */
#ifndef FZ_CLI_USAGE_H
#define FZ_CLI_USAGE_H

void options_usage(void);
void options_list_classes(void);

#endif
