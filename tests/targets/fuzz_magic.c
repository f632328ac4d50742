/* fuzz_magic.c - a crash behind a 4-byte magic compared in memory, byte
 * by byte, for --fuzz's AFL++ map test (fuzz_aflmap.sh): the input is
 * read in one read() and nothing else is called before the end, so
 * every input makes the same syscalls whatever prefix of "EQIa" it has:
 * the syscall shape cannot lead the loop there, an afl-cc build's edge
 * map can (each byte that matches is one more branch taken). Input on
 * stdin. */
#include <stdio.h>
#include <unistd.h>

int main(void)
{
	unsigned char buf[64];
	volatile int *p = NULL;
	ssize_t n = read(0, buf, sizeof(buf));
	volatile int ok = 0;	/* a store per byte matched: a branch each */

	if (n >= 4 && buf[0] == 'E') {
		ok = 1;
		if (buf[1] == 'Q') {
			ok = 2;
			if (buf[2] == 'I') {
				ok = 3;
				if (buf[3] == 'a')
					*p = 1;	/* the crash */
			}
		}
	}
	/* The same call for every input: no syscall says how far it got. */
	return 0;
}
