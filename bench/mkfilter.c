/* mkfilter.c - writes the jail's seccomp filter as compiled BPF to a file,
 * for bwrap --seccomp FD in bench/sandbox.
 *
 * It is the filter fzsandbox --inject=none --sandbox installs, built by the
 * same code (default ALLOW, sandbox_policy_add_rules, seccomp_export_bpf):
 * same rules, same bad-architecture action, same length. The deny rules
 * are SECCOMP_RET_TRACE; with no tracer attached the kernel fails such a
 * call with ENOSYS instead of stopping, which /bin/true never makes.
 * Usage: mkfilter FILE */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <seccomp.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "sandbox/policy.h"

int main(int argc, char **argv)
{
	struct sandbox_policy *p = NULL;
	scmp_filter_ctx ctx;
	int fd, r;

	if (argc != 2) {
		fprintf(stderr, "usage: mkfilter FILE\n");
		return 2;
	}
	r = sandbox_policy_new(NULL, 0, &p);
	ctx = r == 0 ? seccomp_init(SCMP_ACT_ALLOW) : NULL;
	if (!ctx) {
		fprintf(stderr, "mkfilter: policy: %s\n", strerror(r ? -r : ENOMEM));
		return 1;
	}
	r = sandbox_policy_add_rules(p, ctx, NULL);
	fd = r == 0 ? open(argv[1], O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644) : -1;
	if (fd < 0 || (r = seccomp_export_bpf(ctx, fd)) < 0 || close(fd) < 0) {
		fprintf(stderr, "mkfilter: %s: %s\n", argv[1], strerror(r < 0 ? -r : errno));
		return 1;
	}
	seccomp_release(ctx);
	sandbox_policy_free(p);
	return 0;
}
