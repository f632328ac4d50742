#ifndef FZ_DURATION_H
#define FZ_DURATION_H
/* "250ms", "2s", "1.5s", "3m", "1h" into milliseconds: the unit is
 * required. Returns 0, -EDOM for a number without a unit, or -EINVAL. */
int parse_duration(const char *s, long *ms);
/* The value of duration option opt (e.g. "--budget"), or die() with one
 * line saying what is wrong with it: every duration option's one parser. */
long duration_arg(const char *opt, const char *v);
/* Format ms back as the shortest exact form ("2s", "250ms"). */
char *format_duration(long ms, char *buf, int len);
#endif
