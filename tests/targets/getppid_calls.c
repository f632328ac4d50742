/* getppid_calls - test target for the tracer's services
 * (tests/unit/check_tracer_services.c): calls getppid() three times and
 * prints each result on its own line, so that a breakpoint on getppid
 * that passes a call, or makes it return a chosen value, shows in the
 * output. Nothing else: a signal left pending at its entry point kills it
 * (default action), which is how a lost signal shows. */
#include <stdio.h>
#include <unistd.h>

int main(void)
{
	for (int i = 0; i < 3; i++)
		printf("%ld\n", (long)getppid());
	return 0;
}
