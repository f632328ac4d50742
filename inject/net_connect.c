/* net_connect.c - connect refused by the kernel itself. At the entry of a
 * TCP connect the program's sockaddr is rewritten to a loopback address
 * on a port nothing listens on (same family, same length) and the call
 * runs: the kernel sends the SYN, gets the RST and refuses, so a blocking
 * connect returns ECONNREFUSED, a non-blocking one EINPROGRESS and then
 * poll (POLLOUT|POLLERR|POLLHUP), SO_ERROR, a second connect and
 * getpeername say what they say after a real refusal. The program's
 * bytes are put back at the exit (tracer_write_mem writes read-only
 * memory too), so a retry goes where it always went.
 *
 * Only where a refusal could be real (PRE_REFUSABLE): a TCP socket that
 * is neither connected, connecting nor listening (TCP_CLOSE), not bound
 * to a device other than lo, with the loopback up in its namespace, to a
 * destination that namespace can reach (a loopback address, or one its
 * routing table covers: in the jail's own namespace anything else fails
 * with ENETUNREACH, never ECONNREFUSED). The port is the lowest one
 * nothing listens on; in fzsandbox's own namespace (--no-sandbox,
 * --net=host), where a firewall might drop instead of refuse, it is
 * first tried by a real connect. */
#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <net/if.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "inject/net_class.h"
#include "tracer/services.h"
#include "util/util.h"

static bool getint(int fd, int level, int opt, int *v)
{
	socklen_t len = sizeof(*v);

	return getsockopt(fd, level, opt, v, &len) == 0;
}

/* The socket itself, seen through a duplicate: its family (0 if it is no
 * unconnected TCP socket that could reach the loopback). */
static int tcp_closed_family(int dup)
{
	struct tcp_info ti;
	socklen_t len = sizeof(ti);
	char dev[IFNAMSIZ] = "";
	socklen_t dlen = sizeof(dev);
	struct ifreq ifr;
	int type, proto, family;

	if (!getint(dup, SOL_SOCKET, SO_TYPE, &type) || type != SOCK_STREAM ||
	    !getint(dup, SOL_SOCKET, SO_PROTOCOL, &proto) || proto != IPPROTO_TCP ||
	    !getint(dup, SOL_SOCKET, SO_DOMAIN, &family) ||
	    (family != AF_INET && family != AF_INET6))
		return 0;
	if (getsockopt(dup, IPPROTO_TCP, TCP_INFO, &ti, &len) < 0 || ti.tcpi_state != TCP_CLOSE)
		return 0;
	if (getsockopt(dup, SOL_SOCKET, SO_BINDTODEVICE, dev, &dlen) < 0 ||
	    (dlen > 0 && dev[0] && strcmp(dev, "lo") != 0))
		return 0;
	/* An ioctl on a socket asks the socket's own network namespace. */
	memset(&ifr, 0, sizeof(ifr));
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "lo");
	if (ioctl(dup, SIOCGIFFLAGS, &ifr) < 0 || !(ifr.ifr_flags & IFF_UP))
		return 0;
	return family;
}

static bool v4_loopback(in_addr_t a)
{
	return (ntohl(a) >> 24) == 127 || a == htonl(INADDR_ANY);
}

/* A route of the namespace (/proc/PID/net/route) that covers a. */
static bool v4_routed(pid_t pid, in_addr_t a)
{
	char p[64], line[256], ifc[32];
	unsigned dst, gw, flags, mask, ign;
	bool found = false;
	FILE *f;

	snprintf(p, sizeof(p), "/proc/%d/net/route", (int)pid);
	if (!(f = fopen(p, "re")))
		return false;
	while (!found && fgets(line, sizeof(line), f))
		if (sscanf(line, "%31s %x %x %x %u %u %u %x", ifc, &dst, &gw, &flags, &ign, &ign,
			   &ign, &mask) == 8)
			found = (flags & 1) && (a & mask) == dst;	/* RTF_UP */
	fclose(f);
	return found;
}

static int hex_nibble(char c)
{
	return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

static bool parse_hex16(const char *s, uint8_t out[16])
{
	for (int i = 0; i < 16; i++) {
		int h = hex_nibble(s[2 * i]), l = hex_nibble(s[2 * i + 1]);

		if (h < 0 || l < 0)
			return false;
		out[i] = (uint8_t)(h << 4 | l);
	}
	return true;
}

static bool prefix_match(const uint8_t *a, const uint8_t *b, unsigned bits)
{
	unsigned full = bits / 8, rest = bits % 8;

	if (bits > 128 || memcmp(a, b, full) != 0)
		return false;
	return !rest || ((a[full] ^ b[full]) & (0xff00 >> rest) & 0xff) == 0;
}

/* /proc/PID/net/ipv6_route: "dst plen src plen hop metric ref use flags
 * dev"; an up route that is not a reject route (the default unreachable
 * one) and covers a. */
static bool v6_routed(pid_t pid, const struct in6_addr *a)
{
	char p[64], line[320], dst[40], src[40], hop[40], dev[32];
	unsigned plen, splen, metric, ref, use, flags;
	bool found = false;
	uint8_t d[16];
	FILE *f;

	snprintf(p, sizeof(p), "/proc/%d/net/ipv6_route", (int)pid);
	if (!(f = fopen(p, "re")))
		return false;
	while (!found && fgets(line, sizeof(line), f))
		if (sscanf(line, "%32s %x %32s %x %32s %x %x %x %x %31s", dst, &plen, src, &splen, hop,
			   &metric, &ref, &use, &flags, dev) == 10 &&
		    (flags & 0x1) && !(flags & 0x200) && parse_hex16(dst, d))
			found = prefix_match(d, a->s6_addr, plen);
	fclose(f);
	return found;
}

/* ::1 is configured (lo up, IPv6 not disabled). */
static bool v6_has_loopback(pid_t pid)
{
	char p[64], line[160];
	bool found = false;
	FILE *f;

	snprintf(p, sizeof(p), "/proc/%d/net/if_inet6", (int)pid);
	if (!(f = fopen(p, "re")))
		return false;
	while (!found && fgets(line, sizeof(line), f))
		found = strncmp(line, "00000000000000000000000000000001 ", 33) == 0;
	fclose(f);
	return found;
}

static bool v6_refusable(pid_t pid, int dup, const struct sockaddr_in6 *a, struct sockaddr_in6 *to)
{
	const struct in6_addr *d = &a->sin6_addr;
	int v6only = 0;

	memset(to, 0, sizeof(*to));
	to->sin6_family = AF_INET6;
	if (IN6_IS_ADDR_V4MAPPED(d)) {
		in_addr_t v4;

		memcpy(&v4, &d->s6_addr[12], 4);
		if (!getint(dup, IPPROTO_IPV6, IPV6_V6ONLY, &v6only) || v6only ||
		    !(v4_loopback(v4) || v4_routed(pid, v4)))
			return false;
		to->sin6_addr.s6_addr[10] = to->sin6_addr.s6_addr[11] = 0xff;
		v4 = htonl(INADDR_LOOPBACK);
		memcpy(&to->sin6_addr.s6_addr[12], &v4, 4);
		return true;
	}
	if (!v6_has_loopback(pid))
		return false;
	to->sin6_addr = in6addr_loopback;
	return IN6_IS_ADDR_LOOPBACK(d) || IN6_IS_ADDR_UNSPECIFIED(d) || v6_routed(pid, d);
}

bool net_connect_refusable(struct tracer_task *t, const struct syscall_stop *s,
			   struct net_redirect *rd)
{
	pid_t pid = tracer_task_pid(t);
	uint64_t alen = (uint32_t)s->args[2];	/* a socklen_t */
	union net_addr a;
	int dup, family;
	bool ok = false;

	memset(rd, 0, sizeof(*rd));
	if (alen < sizeof(struct sockaddr_in) || alen > 128)
		return false;
	dup = tracer_grab_fd(t, (int)(int32_t)s->args[0]);
	if (dup < 0)
		return false;
	family = tcp_closed_family(dup);
	rd->addr = s->args[1];
	rd->len = alen < sizeof(a) ? alen : sizeof(a);
	memset(&a, 0, sizeof(a));
	if (family && tracer_read_mem(t, rd->addr, &a, rd->len) == 0 &&
	    a.v4.sin_family == family) {
		if (family == AF_INET) {
			rd->len = sizeof(a.v4);
			rd->to.v4.sin_family = AF_INET;
			rd->to.v4.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
			ok = v4_loopback(a.v4.sin_addr.s_addr) || v4_routed(pid, a.v4.sin_addr.s_addr);
		} else if (alen >= 24) {	/* SIN6_LEN_RFC2133 */
			ok = v6_refusable(pid, dup, &a.v6, &rd->to.v6);
		}
	}
	close(dup);
	return ok;
}

/* The listening ports of the namespace (/proc/PID/net/tcp and tcp6,
 * state 0A), as a bitmap. */
static void listening_ports(pid_t pid, uint8_t *bits)
{
	static const char *const files[] = { "tcp", "tcp6" };
	char p[64], line[256];

	for (size_t i = 0; i < ARRAY_SIZE(files); i++) {
		FILE *f;

		snprintf(p, sizeof(p), "/proc/%d/net/%s", (int)pid, files[i]);
		if (!(f = fopen(p, "re")))
			continue;
		while (fgets(line, sizeof(line), f)) {
			unsigned port, st;
			char *c = strchr(line, ':');

			/* "sl: local:port remote:port st ..." */
			if (c && (c = strchr(c + 1, ':')) &&
			    sscanf(c + 1, "%x %*s %x", &port, &st) == 2 && st == 0x0A && port < 65536)
				bits[port / 8] |= (uint8_t)(1u << (port % 8));
		}
		fclose(f);
	}
}

/* Is the tracee in our own network namespace (--no-sandbox, --net=host)? */
static bool our_netns(pid_t pid)
{
	char p[64];
	struct stat a, b;

	snprintf(p, sizeof(p), "/proc/%d/ns/net", (int)pid);
	return stat(p, &a) == 0 && stat("/proc/self/ns/net", &b) == 0 && a.st_ino == b.st_ino &&
	       a.st_dev == b.st_dev;
}

/* In our namespace a firewall may drop what the jail's fresh one would
 * refuse: connect there ourselves and see the RST (loopback answers at
 * once; 200 ms is plenty). */
static bool refuses(const union net_addr *to)
{
	int family = to->v4.sin_family;
	socklen_t len = family == AF_INET ? sizeof(to->v4) : sizeof(to->v6);
	int s = socket(family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0), err = 0;
	struct pollfd p = { s, POLLOUT, 0 };
	socklen_t elen = sizeof(err);
	bool refused = false;

	if (s < 0)
		return false;
	if (connect(s, (const struct sockaddr *)to, len) < 0) {
		if (errno == ECONNREFUSED)
			refused = true;
		else if (errno == EINPROGRESS && poll(&p, 1, 200) == 1 &&
			 getsockopt(s, SOL_SOCKET, SO_ERROR, &err, &elen) == 0)
			refused = err == ECONNREFUSED;
	}
	close(s);
	return refused;
}

static void set_port(union net_addr *to, unsigned port)
{
	if (to->v4.sin_family == AF_INET)
		to->v4.sin_port = htons((uint16_t)port);
	else
		to->v6.sin6_port = htons((uint16_t)port);
}

/* The lowest port nothing listens on (below 1024 nobody in the jail may
 * bind; on the host one listening there is rare and seen here) that
 * refuses; port set in *to. In our own namespace a few are tried by a
 * real connect. 0 if none. */
static unsigned refusing_port(pid_t pid, union net_addr *to)
{
	uint8_t bits[65536 / 8] = { 0 };
	bool probe = our_netns(pid);
	int tries = 0;

	listening_ports(pid, bits);
	for (unsigned p = 1; p < 65536 && tries < 8; p++) {
		if (bits[p / 8] & (1u << (p % 8)))
			continue;
		set_port(to, p);
		if (!probe || refuses(to))
			return p;
		tries++;
	}
	fz_debug("net: no loopback port refuses here: connect not failed");
	return 0;
}

static struct net_pend *slot(struct net_run *run, pid_t tid, bool add)
{
	struct net_pend *free_slot = NULL;

	for (size_t i = 0; i < ARRAY_SIZE(run->pend); i++) {
		if (run->pend[i].tid == tid)
			return &run->pend[i];
		if (!run->pend[i].tid && !free_slot)
			free_slot = &run->pend[i];
	}
	return add ? free_slot : NULL;
}

int net_connect_refuse(struct net_run *run, struct tracer_task *t, const struct net_redirect *rd)
{
	struct net_pend *p = slot(run, tracer_task_tid(t), true);
	union net_addr to = rd->to;
	unsigned port = refusing_port(tracer_task_pid(t), &to);
	int r;

	if (!p || !port)
		return -ENOSPC;
	memset(&p->orig, 0, sizeof(p->orig));
	if ((r = tracer_read_mem(t, rd->addr, &p->orig, rd->len)) < 0 ||
	    (r = tracer_want_exit(t)) < 0)
		return r;
	if ((r = tracer_write_mem(t, rd->addr, &to, rd->len)) < 0)
		return r;
	p->tid = tracer_task_tid(t);
	p->addr = rd->addr;
	p->len = rd->len;
	fz_debug("net: connect of %d to port %u of the loopback", (int)p->tid, port);
	return 0;
}

int net_connect_on_exit(struct inject *inj, int cls, struct tracer_task *t,
			const struct syscall_stop *s, int64_t ret)
{
	struct net_run *run = inj_run_state(inj, cls);
	struct net_pend *p = run ? slot(run, tracer_task_tid(t), false) : NULL;
	int r;

	(void)ret;
	if (!p || !s->ent || strcmp(s->ent->name, "connect") != 0)
		return 0;
	p->tid = 0;
	if ((r = tracer_write_mem(t, p->addr, &p->orig, p->len)) < 0)
		fz_debug("net: connect's address not put back: %s", strerror(-r));
	return r;
}
