/* bpf_map - escape attempt: the bpf(2) attack surface. Creates a
 * one-entry array map. Outside a jail only root can (here
 * kernel.unprivileged_bpf_disabled is set). Prints "escaped bpf fd N" or
 * "contained bpf: error". */
#include <errno.h>
#include <linux/bpf.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

/* Global, never inlined or cloned, and no tail call inside: the
 * violation's stack must show it (targets build with -O2 after -O0). */
__attribute__((noipa, optimize("no-optimize-sibling-calls"))) long attempt(void)
{
	union bpf_attr a;

	memset(&a, 0, sizeof(a));
	a.map_type = BPF_MAP_TYPE_ARRAY;
	a.key_size = 4;
	a.value_size = 4;
	a.max_entries = 1;
	return syscall(SYS_bpf, BPF_MAP_CREATE, &a, sizeof(a));
}

int main(void)
{
	long fd = attempt();

	if (fd < 0)
		printf("contained bpf: %s\n", strerror(errno));
	else
		printf("escaped bpf fd %ld\n", fd);
	return 0;
}
