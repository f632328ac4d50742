/* syscall_roles.h - the hand-written half of the syscall table: what each
 * argument of each x86_64 syscall is, and the classes the fault engine
 * uses. Keyed by name: numbers come only from the generated syscallent.h.
 * Internal to tracer/ (syscalls.c joins the two) and its unit test. */
#ifndef FZ_SYSCALL_ROLES_H
#define FZ_SYSCALL_ROLES_H

#include <stddef.h>
#include <stdint.h>

struct syscall_role {
	const char *name;
	uint8_t nargs;
	uint8_t args[6];	/* enum arg_kind; A_NONE past nargs */
	int8_t len_arg;		/* see struct syscall_ent */
	uint32_t flags;		/* SC_* */
};

extern const struct syscall_role syscall_roles[];
extern const size_t syscall_nroles;

#endif
