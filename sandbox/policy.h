/* policy.h - the jail's seccomp deny policy (issue 5, second layer).
 *
 * The tracer's own filter has TRACE rules for the syscalls the fault
 * classes inject into; with a jail it also gets this policy's rules:
 * syscalls that reach the kernel's attack surface or leave the jail
 * (ptrace, modules, bpf, keyrings, the mount family, namespaces, io_uring,
 * TIOCSTI, every non-native ABI). A denied call stops the tracee (a TRACE
 * rule tagged POLICY_TAG_*), the tracer asks its gate (sandbox_policy_gate:
 * sandbox_policy_check()), reports it as a violation and fails it with
 * EPERM. clone3 is the
 * exception: its flags sit in a struct seccomp cannot read, so it gets
 * ENOSYS from the filter itself and glibc falls back to clone, whose flags
 * are checked. It is not a violation (every threaded program does it).
 *
 * The deny list is data (policy.c): named groups of syscalls with
 * argument conditions. --allow-syscall=NAME (or @GROUP) relaxes one.
 * Library code: -errno, never exits.
 */
#ifndef FZ_SANDBOX_POLICY_H
#define FZ_SANDBOX_POLICY_H

#include <seccomp.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* SCMP_ACT_TRACE data of the policy's rules, keeping them apart from the
 * fault classes' rules (which carry the syscall number, < 0x8000) in a
 * dump of the filter. The tracer does not read it: the gate decides from
 * PTRACE_GET_SYSCALL_INFO's arch and nr (docs/design.md, the filter). */
#define POLICY_TAG_DENY 0x8000		/* | the syscall number */
#define POLICY_TAG_BADARCH 0xffff	/* i386 (int 0x80) and x32 */

struct sandbox_policy;

/* Can --allow-syscall relax NAME (a syscall name or "@group")? 0;
 * -ENOENT when it is no syscall or group, -EINVAL when the policy does not
 * deny it. */
int sandbox_policy_allowable(const char *name);
/* The policy minus the nallow names in allow (each allowable). */
int sandbox_policy_new(char *const *allow, int nallow, struct sandbox_policy **out);
void sandbox_policy_free(struct sandbox_policy *p);
/* Distinct for every policy made in this process; 0 for NULL (a cache of
 * compiled filters compares it, not the address, which can be reused). */
unsigned long sandbox_policy_serial(const struct sandbox_policy *p);

/* Add the policy's rules and bad-architecture action to a filter whose
 * default action is ALLOW. traced: the syscalls that already have an
 * unconditional TRACE rule (they stop anyway; the check below decides). */
int sandbox_policy_add_rules(const struct sandbox_policy *p, scmp_filter_ctx ctx,
			     const uint8_t *traced);

/* At a seccomp stop (PTRACE_GET_SYSCALL_INFO's arch, nr, args): 0 when
 * the policy lets the call run, else the errno to fail it with; *report
 * says whether that is a violation (false for clone3's ENOSYS). */
int sandbox_policy_check(const struct sandbox_policy *p, uint32_t arch, int nr,
			 const uint64_t *args, bool *report);
/* The call as made, "ioctl(0, 0x5412, 0x7ffd1c)" or "i386:getpid(...)",
 * for the violation's detail line; its name ends at the '('. */
char *sandbox_policy_format(uint32_t arch, int nr, const uint64_t *args, char *buf, int len);
/* The i-th syscall name of the deny table, NULL past its end (for the unit
 * test that checks every name is in the syscall table). */
const char *sandbox_policy_deny_name(size_t i);

/* The policy as the tracer's gate (tracer/tracer.h): its rules go into the
 * filter, every stop is checked, a refusal that is a violation comes with
 * the call as made. p must outlive the gate. */
struct tracer_gate;
void sandbox_policy_gate(const struct sandbox_policy *p, struct tracer_gate *out);

#endif
