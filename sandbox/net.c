/* net.c - the jail's network namespace: loopback only. */
#include "config.h"

#include <errno.h>
#include <net/if.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include "sandbox/sandbox_int.h"

/* A new network namespace has only "lo", and it is down: services that
 * bind 127.0.0.1 would fail with EADDRNOTAVAIL. */
int net_loopback_up(struct sandbox_err *e)
{
	struct ifreq ifr;
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0), r = 0;

	if (fd < 0)
		return sb_fail(e, SB_LOOPBACK, "lo", errno);
	memset(&ifr, 0, sizeof(ifr));
	memcpy(ifr.ifr_name, "lo", 3);
	if (ioctl(fd, SIOCGIFFLAGS, &ifr) < 0) {
		r = sb_fail(e, SB_LOOPBACK, "lo", errno);
	} else {
		ifr.ifr_flags |= IFF_UP | IFF_RUNNING;
		if (ioctl(fd, SIOCSIFFLAGS, &ifr) < 0)
			r = sb_fail(e, SB_LOOPBACK, "lo", errno);
	}
	close(fd);
	return r;
}
