/* policy.c - the jail's seccomp deny policy as data: named groups of
 * syscalls (systemd's @groups are the model), each with the condition on
 * its arguments that makes a call a violation. policy.h says how the
 * filter and the tracer use it. */
#include "config.h"

#include <errno.h>
#include <inttypes.h>
#include <linux/audit.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <sys/ioctl.h>
#include <sys/stat.h>

#include "sandbox/policy.h"
#include "tracer/syscalls.h"
#include "tracer/tracer.h"

#ifndef CLONE_NEWTIME
#define CLONE_NEWTIME 0x00000080
#endif
#define X32_SYSCALL_BIT 0x40000000u
#ifndef __O_TMPFILE
#define __O_TMPFILE 020000000
#endif
/* Set-user-ID only: set-group-ID is everyday on directories (shared
 * group directories, cp -a, tar, install -d -m 2775), and seccomp cannot
 * tell a directory from a file by a path. */
#define SETID S_ISUID

/* Every namespace a call may create. clone(2) cannot create a time
 * namespace: its low byte (CSIGNAL, where CLONE_NEWTIME's bit is) is the
 * exit signal. */
#define NS_CLONE (CLONE_NEWNS | CLONE_NEWCGROUP | CLONE_NEWUTS | CLONE_NEWIPC | \
		  CLONE_NEWUSER | CLONE_NEWPID | CLONE_NEWNET)
#define NS_ALL (NS_CLONE | CLONE_NEWTIME)

enum deny_when {
	D_ALWAYS,	/* every call */
	D_FLAGS,	/* args[arg] has a bit of val[0] */
	D_CMD,		/* (unsigned int)args[arg] is val[0] or val[1] */
	D_ENOSYS,	/* every call, ENOSYS from the filter, not a violation */
	D_CREATE,	/* args[arg] has a bit of val[0] and args[arg + 1] one of val[1] */
};

struct deny {
	const char *name;
	const char *group;
	uint8_t nargs;		/* for the detail line */
	uint8_t when;		/* enum deny_when */
	uint8_t arg;
	uint64_t val[2];
	uint8_t octal;		/* 1 + the index of a mode argument, printed in octal; 0: none */
};

struct deny_group {
	const char *name;
	const char *why;
};

static const struct deny_group groups[] = {
	{ "@debug", "reads or writes another process's memory" },
	{ "@kernel", "loads code into the kernel or widens its attack surface" },
	{ "@keyring", "reaches the kernel keyrings, shared beyond the jail" },
	{ "@mount", "changes or creates mounts (the jail's root and binds)" },
	{ "@namespace", "enters or creates namespaces" },
	{ "@handle", "opens files by handle, past the jail's root" },
	{ "@io_uring", "does I/O that no syscall filter sees" },
	{ "@tty", "types into or controls a terminal" },
	/* Root's binds are idmapped (idmap.c): a file the jail creates there
	 * is host root's, and a set-user-ID one would be a way out. */
	{ "@setid", "makes a set-user-ID file, which the host would honour" },
};

static const struct deny deny_table[] = {
	{ "ptrace", "@debug", 4, D_ALWAYS, 0, { 0 }, 0 },
	{ "process_vm_readv", "@debug", 6, D_ALWAYS, 0, { 0 }, 0 },
	{ "process_vm_writev", "@debug", 6, D_ALWAYS, 0, { 0 }, 0 },
	{ "kexec_load", "@kernel", 4, D_ALWAYS, 0, { 0 }, 0 },
	{ "kexec_file_load", "@kernel", 5, D_ALWAYS, 0, { 0 }, 0 },
	{ "init_module", "@kernel", 3, D_ALWAYS, 0, { 0 }, 0 },
	{ "finit_module", "@kernel", 3, D_ALWAYS, 0, { 0 }, 0 },
	{ "delete_module", "@kernel", 2, D_ALWAYS, 0, { 0 }, 0 },
	{ "bpf", "@kernel", 3, D_ALWAYS, 0, { 0 }, 0 },
	{ "perf_event_open", "@kernel", 5, D_ALWAYS, 0, { 0 }, 0 },
	{ "userfaultfd", "@kernel", 1, D_ALWAYS, 0, { 0 }, 0 },
	{ "keyctl", "@keyring", 5, D_ALWAYS, 0, { 0 }, 0 },
	{ "add_key", "@keyring", 5, D_ALWAYS, 0, { 0 }, 0 },
	{ "request_key", "@keyring", 4, D_ALWAYS, 0, { 0 }, 0 },
	{ "mount", "@mount", 5, D_ALWAYS, 0, { 0 }, 0 },
	{ "umount2", "@mount", 2, D_ALWAYS, 0, { 0 }, 0 },
	{ "pivot_root", "@mount", 2, D_ALWAYS, 0, { 0 }, 0 },
	{ "move_mount", "@mount", 5, D_ALWAYS, 0, { 0 }, 0 },
	{ "open_tree", "@mount", 3, D_ALWAYS, 0, { 0 }, 0 },
	{ "fsopen", "@mount", 2, D_ALWAYS, 0, { 0 }, 0 },
	{ "fsmount", "@mount", 3, D_ALWAYS, 0, { 0 }, 0 },
	{ "fsconfig", "@mount", 5, D_ALWAYS, 0, { 0 }, 0 },
	{ "fspick", "@mount", 3, D_ALWAYS, 0, { 0 }, 0 },
	{ "mount_setattr", "@mount", 5, D_ALWAYS, 0, { 0 }, 0 },
	{ "open_tree_attr", "@mount", 5, D_ALWAYS, 0, { 0 }, 0 },
	{ "setns", "@namespace", 2, D_ALWAYS, 0, { 0 }, 0 },
	{ "unshare", "@namespace", 1, D_FLAGS, 0, { NS_ALL }, 0 },
	{ "clone", "@namespace", 5, D_FLAGS, 0, { NS_CLONE }, 0 },
	{ "clone3", "@namespace", 2, D_ENOSYS, 0, { 0 }, 0 },
	{ "open_by_handle_at", "@handle", 3, D_ALWAYS, 0, { 0 }, 0 },
	/* As on a kernel without io_uring: libuv, liburing users and the
	 * like probe it and fall back to plain syscalls, so a violation
	 * would flag every such correct program. Without a ring the other
	 * two have nothing to act on; they stay violations. */
	{ "io_uring_setup", "@io_uring", 2, D_ENOSYS, 0, { 0 }, 0 },
	{ "io_uring_enter", "@io_uring", 6, D_ALWAYS, 0, { 0 }, 0 },
	{ "io_uring_register", "@io_uring", 4, D_ALWAYS, 0, { 0 }, 0 },
	{ "ioctl", "@tty", 3, D_CMD, 1, { TIOCSTI, TIOCLINUX }, 0 },
	{ "chmod", "@setid", 2, D_FLAGS, 1, { SETID }, 2 },
	{ "fchmod", "@setid", 2, D_FLAGS, 1, { SETID }, 2 },
	{ "fchmodat", "@setid", 3, D_FLAGS, 2, { SETID }, 3 },
	{ "fchmodat2", "@setid", 4, D_FLAGS, 2, { SETID }, 3 },
	{ "creat", "@setid", 2, D_FLAGS, 1, { SETID }, 2 },
	{ "mknod", "@setid", 3, D_FLAGS, 1, { SETID }, 2 },
	{ "mknodat", "@setid", 4, D_FLAGS, 2, { SETID }, 3 },
	/* The mode counts only when the call creates (glibc passes 0
	 * otherwise, but a raw call may leave anything there). */
	{ "open", "@setid", 3, D_CREATE, 1, { O_CREAT | __O_TMPFILE, SETID }, 3 },
	{ "openat", "@setid", 4, D_CREATE, 2, { O_CREAT | __O_TMPFILE, SETID }, 4 },
	/* Its flags and mode sit in a structure seccomp cannot read: ENOSYS,
	 * as before Linux 5.6, and callers fall back to openat. */
	{ "openat2", "@setid", 4, D_ENOSYS, 0, { 0 }, 0 },
};

#define NDENY (sizeof(deny_table) / sizeof(deny_table[0]))

struct sandbox_policy {
	unsigned long serial;
	const struct deny *row[SYSCALL_MAX];	/* NULL: not denied */
};

static unsigned long serials;

const char *sandbox_policy_deny_name(size_t i)
{
	return i < NDENY ? deny_table[i].name : NULL;
}

static const struct deny *deny_by_name(const char *name)
{
	for (size_t i = 0; i < NDENY; i++)
		if (strcmp(deny_table[i].name, name) == 0)
			return &deny_table[i];
	return NULL;
}

static bool is_group(const char *name)
{
	for (size_t i = 0; i < sizeof(groups) / sizeof(groups[0]); i++)
		if (strcmp(groups[i].name, name) == 0)
			return true;
	return false;
}

int sandbox_policy_allowable(const char *name)
{
	if (name[0] == '@')
		return is_group(name) ? 0 : -ENOENT;
	if (deny_by_name(name))
		return 0;
	return syscall_by_name(name) ? -EINVAL : -ENOENT;
}

static bool allowed(const struct deny *d, char *const *allow, int nallow)
{
	for (int i = 0; i < nallow; i++)
		if (strcmp(allow[i], d->name) == 0 || strcmp(allow[i], d->group) == 0)
			return true;
	return false;
}

int sandbox_policy_new(char *const *allow, int nallow, struct sandbox_policy **out)
{
	struct sandbox_policy *p = calloc(1, sizeof(*p));

	*out = NULL;
	if (!p)
		return -ENOMEM;
	for (int i = 0; i < nallow; i++)
		if (sandbox_policy_allowable(allow[i]) < 0) {
			free(p);
			return -EINVAL;
		}
	for (size_t i = 0; i < NDENY; i++) {
		const struct syscall_ent *e = syscall_by_name(deny_table[i].name);

		/* Every name is in the generated table (kernel headers 6.1). */
		if (!e) {
			free(p);
			return -ENOSYS;
		}
		if (!allowed(&deny_table[i], allow, nallow))
			p->row[e->nr] = &deny_table[i];
	}
	p->serial = ++serials;
	*out = p;
	return 0;
}

void sandbox_policy_free(struct sandbox_policy *p)
{
	free(p);
}

unsigned long sandbox_policy_serial(const struct sandbox_policy *p)
{
	return p ? p->serial : 0;
}

static bool is_traced(const uint8_t *traced, int nr)
{
	return traced && (traced[nr / 8] & (1 << (nr % 8)));
}

/* One rule per namespace bit: libseccomp compares for equality only, so
 * "any of these bits" is one MASKED_EQ per bit. */
static int add_flag_rules(scmp_filter_ctx ctx, int nr, const struct deny *d)
{
	for (int bit = 0; bit < 64; bit++) {
		uint64_t m = 1ULL << bit;
		struct scmp_arg_cmp c = { d->arg, SCMP_CMP_MASKED_EQ, m, m };
		int r;

		if (!(d->val[0] & m))
			continue;
		r = seccomp_rule_add_array(ctx, SCMP_ACT_TRACE(POLICY_TAG_DENY | nr), nr, 1, &c);
		if (r < 0)
			return r;
	}
	return 0;
}

/* Every pair of a flag bit and a mode bit: one rule each (libseccomp
 * ANDs the comparisons of one rule, and compares masked equality only). */
static int add_create_rules(scmp_filter_ctx ctx, int nr, const struct deny *d)
{
	for (int fb = 0; fb < 64; fb++) {
		uint64_t f = 1ULL << fb;

		if (!(d->val[0] & f))
			continue;
		for (int mb = 0; mb < 64; mb++) {
			uint64_t m = 1ULL << mb;
			struct scmp_arg_cmp c[2] = {
				{ d->arg, SCMP_CMP_MASKED_EQ, f, f },
				{ d->arg + 1u, SCMP_CMP_MASKED_EQ, m, m },
			};
			int r;

			if (!(d->val[1] & m))
				continue;
			r = seccomp_rule_add_array(ctx, SCMP_ACT_TRACE(POLICY_TAG_DENY | nr), nr, 2, c);
			if (r < 0)
				return r;
		}
	}
	return 0;
}

/* ioctl's command is an unsigned int: the kernel ignores the upper half of
 * the register, so the rule must too (else TIOCSTI | 1 << 32 slips by). */
static int add_cmd_rules(scmp_filter_ctx ctx, int nr, const struct deny *d)
{
	for (int i = 0; i < 2; i++) {
		struct scmp_arg_cmp c = { d->arg, SCMP_CMP_MASKED_EQ, 0xffffffffULL, d->val[i] };
		int r = seccomp_rule_add_array(ctx, SCMP_ACT_TRACE(POLICY_TAG_DENY | nr), nr, 1, &c);

		if (r < 0)
			return r;
	}
	return 0;
}

int sandbox_policy_add_rules(const struct sandbox_policy *p, scmp_filter_ctx ctx,
			     const uint8_t *traced)
{
	/* i386 (int 0x80) and x32 (nr | 0x40000000) calls fail libseccomp's
	 * architecture check: they stop too, and the tracer tells them apart
	 * by PTRACE_GET_SYSCALL_INFO's arch and nr. */
	int r = seccomp_attr_set(ctx, SCMP_FLTATR_ACT_BADARCH, SCMP_ACT_TRACE(POLICY_TAG_BADARCH));

	for (int nr = 0; r == 0 && nr < SYSCALL_MAX; nr++) {
		const struct deny *d = p->row[nr];

		/* A traced syscall stops anyway: sandbox_policy_check decides. */
		if (!d || is_traced(traced, nr))
			continue;
		switch (d->when) {
		case D_ALWAYS:
			r = seccomp_rule_add(ctx, SCMP_ACT_TRACE(POLICY_TAG_DENY | nr), nr, 0);
			break;
		case D_FLAGS:
			r = add_flag_rules(ctx, nr, d);
			break;
		case D_CMD:
			r = add_cmd_rules(ctx, nr, d);
			break;
		case D_CREATE:
			r = add_create_rules(ctx, nr, d);
			break;
		case D_ENOSYS:
			r = seccomp_rule_add(ctx, SCMP_ACT_ERRNO(ENOSYS), nr, 0);
			break;
		}
	}
	return r;
}

int sandbox_policy_check(const struct sandbox_policy *p, uint32_t arch, int nr,
			 const uint64_t *args, bool *report)
{
	const struct deny *d;

	*report = true;
	/* syscall(-1) also fails the filter's x32 check; the kernel gives
	 * it ENOSYS and it reaches nothing. */
	if (arch == AUDIT_ARCH_X86_64 && nr == -1)
		return 0;
	if (arch != AUDIT_ARCH_X86_64 || ((uint32_t)nr & X32_SYSCALL_BIT))
		return EPERM;
	d = nr >= 0 && nr < SYSCALL_MAX ? p->row[nr] : NULL;
	if (!d)
		return 0;
	switch (d->when) {
	case D_FLAGS:
		return args[d->arg] & d->val[0] ? EPERM : 0;
	case D_CREATE:
		return args[d->arg] & d->val[0] && args[d->arg + 1] & d->val[1] ? EPERM : 0;
	case D_CMD:
		return (uint32_t)args[d->arg] == d->val[0] || (uint32_t)args[d->arg] == d->val[1] ?
			EPERM : 0;
	case D_ENOSYS:
		*report = false;
		return ENOSYS;
	default:
		return EPERM;
	}
}

/* Small numbers in decimal (fds, requests, lengths), the rest (flags,
 * pointers, ioctl commands) in hex. */
static int format_args(char *buf, int len, const uint64_t *args, int nargs, int octal)
{
	int n = 0;

	for (int i = 0; i < nargs && n < len; i++) {
		int64_t v = (int64_t)args[i];
		const char *sep = i ? ", " : "";

		if (i + 1 == octal)
			n += snprintf(buf + n, len - n, "%s0%" PRIo64, sep, args[i] & 07777);
		else if (v >= -4096 && v <= 4096)
			n += snprintf(buf + n, len - n, "%s%" PRId64, sep, v);
		else
			n += snprintf(buf + n, len - n, "%s%#" PRIx64, sep, args[i]);
	}
	return n;
}

char *sandbox_policy_format(uint32_t arch, int nr, const uint64_t *args, char *buf, int len)
{
	const struct syscall_ent *e;
	const struct deny *d;
	char *name;
	int n;

	if (arch != AUDIT_ARCH_X86_64 || ((uint32_t)nr & X32_SYSCALL_BIT)) {
		bool i386 = arch == AUDIT_ARCH_I386;

		/* libseccomp's tables name the other ABIs' numbers. */
		name = seccomp_syscall_resolve_num_arch(i386 ? SCMP_ARCH_X86 : SCMP_ARCH_X32, nr);
		if (name)
			snprintf(buf, len, "%s:%s(...)", i386 ? "i386" : "x32", name);
		else
			snprintf(buf, len, "%s:%#x(...)", i386 ? "i386" : "x32", (unsigned)nr);
		free(name);
		return buf;
	}
	e = syscall_by_nr(nr);
	if (!e) {
		snprintf(buf, len, "syscall_%d(...)", nr);
		return buf;
	}
	d = deny_by_name(e->name);
	n = snprintf(buf, len, "%s(", e->name);
	if (n < len)
		n += format_args(buf + n, len - n, args, d ? d->nargs : e->nargs, d ? d->octal : 0);
	if (n < len)
		snprintf(buf + n, len - n, ")");
	return buf;
}

static int gate_check(void *ctx, const struct syscall_stop *s, char *line, size_t len)
{
	bool report;
	int err = sandbox_policy_check(ctx, s->arch, s->nr, s->args, &report);

	if (err && report)
		sandbox_policy_format(s->arch, s->nr, s->args, line, (int)len);
	return err;
}

static int gate_rules(void *ctx, void *filter, const uint8_t *traced)
{
	return sandbox_policy_add_rules(ctx, filter, traced);
}

void sandbox_policy_gate(const struct sandbox_policy *p, struct tracer_gate *out)
{
	*out = (struct tracer_gate){
		.ctx = (void *)p,
		.check = gate_check,
		.add_rules = gate_rules,
		.rules_id = sandbox_policy_serial(p),
	};
}
