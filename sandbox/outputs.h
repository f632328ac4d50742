/* outputs.h - the outputs named on the program's command line, and only
 * they, leave the jail (issue 10; sandbox/outputs.c).
 *
 * The directory of a new output file named as an argument is not bound
 * read-write: the jail sees it through an overlay (the host directory the
 * lower layer, a fresh upper directory per run), and after the run
 * without faults the named paths, regular files only, are copied from the
 * upper directory to the host. A sibling the program creates, replaces or
 * deletes in that directory stays in the upper directory.
 * Library code: 0 or -errno, never exits, never prints.
 */
#ifndef FZ_SANDBOX_OUTPUTS_H
#define FZ_SANDBOX_OUTPUTS_H

#include <stddef.h>

struct sandbox;

/* Parent, before each run: empty upper and work directories. */
int sandbox_outputs_begin(const struct sandbox *sb);
/* Parent, after the run without faults: copy each named output from the
 * run's upper directory to the host, atomically (a temporary file in the
 * host directory, then rename), owned as a file the program had written
 * there through a read-write bind would be. Returns how many named
 * outputs could not be copied (a symlink, a hard link, a device, an
 * error), each in msg with its reason; 0 when all were, or not written. */
int sandbox_outputs_copy(const struct sandbox *sb, char *msg, size_t len);
/* A finding: move the run's upper directories to dst/HOSTDIR (dst is
 * made), so the report keeps what the run wrote. 0 when there are none. */
int sandbox_outputs_keep(const struct sandbox *sb, const char *dst);
/* Parent, after a run (--check=output): how many named outputs there are
 * (0 without a jail), and output k as the run left it in its upper
 * directory, opened read-only beneath it (no symbolic link followed): an
 * fd, -ENOENT when the run did not write it, -EINVAL when it is not a
 * regular file, -ERANGE past the last; name gets its host path. */
int sandbox_outputs_count(const struct sandbox *sb);
int sandbox_outputs_open(const struct sandbox *sb, int k, char *name, size_t len);

#endif
