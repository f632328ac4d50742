/* fuzz_header.c - a record parser for --fuzz's test (fuzz.sh): "FZ", a
 * length byte, then the record. It reads field by field, so each header
 * byte that matches makes one more read(): the syscall shape --fuzz
 * feeds back. It trusts the length: past its 16-byte record it writes
 * through a NULL pointer (standing for the overflow), only for inputs
 * starting "FZ" with a length above 16. Input on stdin, or the file
 * argv[1] (AFL's '@@'). */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static int in;

static void bad(const char *why)
{
	fprintf(stderr, "fuzz_header: %s\n", why);
	exit(1);
}

static unsigned char byte(void)
{
	unsigned char c;

	if (read(in, &c, 1) != 1)
		bad("short input");
	return c;
}

__attribute__((noinline)) static void parse_record(unsigned len)
{
	char rec[16];
	volatile char *dst = len > sizeof(rec) ? NULL : rec;
	ssize_t n = read(in, rec, len > sizeof(rec) ? sizeof(rec) : len);

	dst[0] = n > 0 ? rec[0] : 0;	/* the overflow */
	printf("record of %u bytes\n", len);
}

int main(int argc, char **argv)
{
	in = argc > 1 ? open(argv[1], O_RDONLY) : 0;
	if (in < 0)
		bad("cannot open the input");
	if (byte() != 'F' || byte() != 'Z')
		bad("not an FZ record");
	parse_record(byte());
	return 0;
}
