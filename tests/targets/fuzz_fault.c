/* fuzz_fault.c - a record parser whose bug needs an input and a fault,
 * for --fuzz-mutate=input,faults (fuzz_faults.sh): "FZ", a length byte,
 * the record, read field by field as fuzz_header's (each header byte that
 * matches makes one more read). Every outcome goes to a log file with one
 * write() from note(), whatever the input; when that write fails, the
 * error path reports the record and trusts its length: past 16 bytes it
 * writes through a NULL pointer (standing for the overflow). So it
 * crashes only on an input starting "FZ" with a length above 16 AND a
 * failed write: without faults no input crashes it, without the input no
 * fault does. (A log file, not stdout: a campaign's stdout is a pipe,
 * whose writes have no faithful error; docs/faults.md.) Input on stdin,
 * or the file argv[1] ('@@'). */
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static int in;
static unsigned rec_len;	/* the record's length byte; 0 before one */
static char *volatile nowhere;	/* a NULL the compiler cannot see through */

__attribute__((noinline)) void report_failure(void);
__attribute__((noinline)) void report_failure(void)
{
	static const char msg[] = "fuzz_fault: cannot write the log\n";
	char copy[16];

	/* One more call on the error path: its shape is new, so the loop
	 * keeps the (input, fault) pair that reached it. */
	if (write(2, msg, sizeof(msg) - 1) < 0)
		return;
	if (rec_len > sizeof(copy))
		nowhere[0] = 1;	/* the overflow */
	memset(copy, 0, sizeof(copy));
}

static void say(const char *msg)
{
	int fd = open("/tmp/fuzz_fault.log", O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);

	if (fd < 0)
		return;	/* no log, no harm */
	if (write(fd, msg, strlen(msg)) < 0)
		report_failure();
	close(fd);
}

static unsigned char byte(void)
{
	unsigned char c;

	if (read(in, &c, 1) != 1) {
		say("short input\n");
		exit(1);
	}
	return c;
}

int main(int argc, char **argv)
{
	char rec[16];

	in = argc > 1 ? open(argv[1], O_RDONLY) : 0;
	if (in < 0)
		return 2;
	if (byte() != 'F' || byte() != 'Z') {
		say("not an FZ record\n");
		return 1;
	}
	rec_len = byte();
	if (read(in, rec, rec_len > sizeof(rec) ? sizeof(rec) : rec_len) < 0)
		return 1;
	say("record parsed\n");
	return 0;
}
