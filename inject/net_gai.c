/* net_gai.c - getaddrinfo failed at the call, as glibc fails it: a
 * breakpoint on the definition the program binds to (the tracer's link
 * map look-up, as the allocator breakpoints find malloc), planted at the
 * entry point and never lifted; a failed call returns the EAI_* code at
 * once, *res untouched, as glibc's error returns leave it.
 *
 * EAI_MEMORY at any call: glibc allocates every result. EAI_AGAIN and
 * EAI_NONAME only where a name server is asked (PRE_GAI_LOOKUP): a host
 * name (not numeric, no AI_NUMERICHOST), not in the hosts file as the
 * program sees it, with a "hosts:" line in nsswitch.conf naming dns or
 * resolve (none at all: glibc's default asks dns). A numeric address or a
 * name the hosts file answers never reaches a name server. Both files
 * are read inside the program's root (the jail's). No EAI_SYSTEM yet: it
 * needs errno written too. */
#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "inject/fault_table.h"
#include "inject/net_class.h"
#include "symbols/symbols.h"
#include "tracer/services.h"
#include "util/util.h"

struct net_mm {
	struct tracer_bps *bps;	/* NULL: not planted (no getaddrinfo) */
	bool armed;		/* looked for it once */
};

int net_gai_mm_new(void **state)
{
	*state = calloc(1, sizeof(struct net_mm));
	return *state ? 0 : -ENOMEM;
}

int net_gai_mm_fork(const void *parent, void **child)
{
	const struct net_mm *p = parent;
	struct net_mm *c = calloc(1, sizeof(*c));

	if (!c)
		return -ENOMEM;
	c->armed = p->armed;
	/* The child has the parent's int3 bytes: it needs their copy. */
	if (p->bps && tracer_bps_fork(p->bps, &c->bps) < 0) {
		free(c);
		return -ENOMEM;
	}
	*child = c;
	return 0;
}

void net_gai_mm_free(void *state)
{
	struct net_mm *m = state;

	if (m->bps)
		tracer_bps_free(m->bps);
	free(m);
}

/* A program without getaddrinfo (or whose definer cannot be parsed) is
 * no problem of the class: its other faults still act. */
int net_gai_on_entry(struct inject *inj, int cls, struct tracer_task *t)
{
	struct net_mm *m = inj_mm_state(t, cls);
	struct tracer_sym sym = { .name = "getaddrinfo" };
	struct tracer_image img;
	char why[256] = "";
	int r;

	(void)inj;
	if (!m || m->armed)
		return 0;
	m->armed = true;
	r = tracer_find_symbols(t, &sym, 1, unwind_open_module, &img, why, sizeof(why));
	if (r < 0 || !sym.found || sym.ifunc) {
		fz_debug("net: getaddrinfo not failed: %s", r < 0 ? why : "no definition");
		return 0;
	}
	if (!(m->bps = tracer_bps_new()))
		return -ENOMEM;
	if ((r = tracer_bp_add(m->bps, t, sym.value, 0, 0, NULL)) < 0 ||
	    (r = tracer_bps_plant(m->bps, t, NULL, NULL)) < 0) {
		fz_debug("net: no breakpoint on getaddrinfo in %s: %s", sym.obj, strerror(-r));
		tracer_bps_free(m->bps);
		m->bps = NULL;
		return 0;
	}
	fz_debug("net: getaddrinfo at %#lx in %s", (unsigned long)sym.value, sym.obj);
	return 0;
}

static FILE *open_etc(pid_t pid, const char *path)
{
	int fd = unwind_open_in_root(pid, path);
	FILE *f;

	if (fd < 0)
		return NULL;
	if (!(f = fdopen(fd, "r")))
		close(fd);
	return f;
}

/* Does the hosts file name node (a name or alias of some line)? */
static bool in_hosts(pid_t pid, const char *node)
{
	FILE *f = open_etc(pid, "/etc/hosts");
	char line[512], *save, *w;
	bool found = false;

	if (!f)
		return false;
	while (!found && fgets(line, sizeof(line), f)) {
		line[strcspn(line, "#\n")] = 0;
		if (!strtok_r(line, " \t", &save))	/* the address */
			continue;
		while (!found && (w = strtok_r(NULL, " \t", &save)))
			found = strcasecmp(w, node) == 0;
	}
	fclose(f);
	return found;
}

/* Does nsswitch.conf's hosts: line ask a name server? */
static bool asks_dns(pid_t pid)
{
	FILE *f = open_etc(pid, "/etc/nsswitch.conf");
	char line[512], *save, *w;
	bool hosts = false, dns = false;

	if (!f)
		return true;	/* glibc's default: dns [!UNAVAIL=return] files */
	while (!hosts && fgets(line, sizeof(line), f)) {
		line[strcspn(line, "#\n")] = 0;
		if (!(w = strtok_r(line, " \t", &save)) || strcmp(w, "hosts:") != 0)
			continue;
		hosts = true;
		while (!dns && (w = strtok_r(NULL, " \t", &save)))
			dns = strcmp(w, "dns") == 0 || strcmp(w, "resolve") == 0;
	}
	fclose(f);
	return hosts ? dns : true;
}

static bool gai_lookup(struct tracer_task *t, const struct user_regs_struct *r)
{
	char node[256];
	int flags = 0;
	size_t n;
	struct in_addr a4;
	struct in6_addr a6;

	if (!r->rdi || tracer_read_str(t, r->rdi, node, sizeof(node)) < 0 || !node[0])
		return false;
	if (r->rdx && tracer_read_mem(t, r->rdx, &flags, sizeof(flags)) < 0)
		return false;
	/* glibc parses numeric forms itself (inet_aton's too, scoped IPv6). */
	if ((flags & AI_NUMERICHOST) || inet_aton(node, &a4) || inet_pton(AF_INET6, node, &a6) == 1 ||
	    strchr(node, '%'))
		return false;
	n = strlen(node);
	if (n > 1 && node[n - 1] == '.')
		node[n - 1] = 0;
	return asks_dns(tracer_task_pid(t)) && !in_hosts(tracer_task_pid(t), node);
}

static int gai_fail(void *arg, struct tracer_task *t, struct fault *f)
{
	return tracer_bp_return(t, arg, (uint64_t)(int64_t)f->err);
}

int net_gai_on_trap(struct inject *inj, int cls, struct tracer_task *t)
{
	struct net_mm *m = inj_mm_state(t, cls);
	struct inj_call c = { .cls = cls, .name = "getaddrinfo" };
	struct user_regs_struct regs;
	struct fault opts[4];
	uint64_t addr;
	int n = 0, lookup = -1;

	if (!m || !m->bps || tracer_getregs(t, &regs) < 0 || tracer_bp_hit(m->bps, &regs, &addr) < 0)
		return 0;
	/* Nothing of the function has run: [rsp] is the return address. */
	if (inj_may_fail(inj, c.name) && tracer_peek(t, regs.rsp, &c.ret_addr) == 0) {
		for (int i = 0; i < n_fault_rows && n < 4; i++) {
			const struct fault_row *r = &fault_rows[i];

			if (strcmp(r->cls, "net") != 0 || !r->library ||
			    !fault_row_has_call(r, c.name))
				continue;
			if (r->pre == PRE_GAI_LOOKUP && lookup < 0)
				lookup = gai_lookup(t, &regs);
			if ((r->pre == PRE_NONE || (r->pre == PRE_GAI_LOOKUP && lookup)) &&
			    fault_parse(r->fault, &opts[n]) == 0)
				n++;
		}
		if (inj_decide(inj, t, &c, opts, n, gai_fail, &regs))
			return 1;
	}
	return tracer_bp_pass(m->bps, t, &regs, addr) < 0 ? -EIO : 1;
}
