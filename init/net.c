// SPDX-License-Identifier: Apache-2.0
/*
 * net: see net.h. Plain SIOC* ioctls on an AF_INET socket: one address and
 * one route need no netlink library.
 */
#include "net.h"

#include <arpa/inet.h>
#include <errno.h>
#include <net/if.h>
#include <net/route.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

static void set_sin(struct sockaddr *sa, uint32_t host_order)
{
	struct sockaddr_in *sin = (struct sockaddr_in *)sa;

	memset(sin, 0, sizeof(*sin));
	sin->sin_family = AF_INET;
	sin->sin_addr.s_addr = htonl(host_order);
}

static int link_up(struct boot *b, int fd, const char *ifname)
{
	struct ifreq ifr;

	memset(&ifr, 0, sizeof(ifr));
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", ifname);
	if (ioctl(fd, SIOCGIFFLAGS, &ifr) < 0)
		return boot_fail(b, -errno, "%s: get flags", ifname);
	ifr.ifr_flags |= IFF_UP;
	if (ioctl(fd, SIOCSIFFLAGS, &ifr) < 0)
		return boot_fail(b, -errno, "%s: set up", ifname);
	return 0;
}

int step_net(struct boot *b)
{
	const struct attest_config *c = &b->attest;
	struct ifreq ifr;
	struct rtentry rt;
	uint32_t mask;
	char a[16], g[16];
	int fd, r;

	fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return boot_fail(b, -errno, "socket");
	r = link_up(b, fd, "lo");
	if (r < 0 || !c->net) {
		close(fd);
		if (r == 0)
			log_info("net: loopback only (no [network] in sealroot.toml)");
		return r;
	}
	mask = c->prefix == 32 ? 0xffffffffu : ~(0xffffffffu >> c->prefix);
	memset(&ifr, 0, sizeof(ifr));
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", c->ifname);
	set_sin(&ifr.ifr_addr, c->addr);
	if (ioctl(fd, SIOCSIFADDR, &ifr) < 0) {
		r = boot_fail(b, -errno, "%s: set address", c->ifname);
		goto out;
	}
	set_sin(&ifr.ifr_netmask, mask);
	if (ioctl(fd, SIOCSIFNETMASK, &ifr) < 0) {
		r = boot_fail(b, -errno, "%s: set netmask", c->ifname);
		goto out;
	}
	r = link_up(b, fd, c->ifname);
	if (r < 0)
		goto out;
	if (c->gw) {
		memset(&rt, 0, sizeof(rt));
		set_sin(&rt.rt_dst, 0);
		set_sin(&rt.rt_genmask, 0);
		set_sin(&rt.rt_gateway, c->gw);
		rt.rt_flags = RTF_UP | RTF_GATEWAY;
		rt.rt_dev = (char *)c->ifname;
		if (ioctl(fd, SIOCADDRT, &rt) < 0 && errno != EEXIST) {
			r = boot_fail(b, -errno, "%s: add default route", c->ifname);
			goto out;
		}
	}
	inet_ntop(AF_INET, &(struct in_addr){ htonl(c->addr) }, a, sizeof(a));
	inet_ntop(AF_INET, &(struct in_addr){ htonl(c->gw) }, g, sizeof(g));
	log_info("net: %s %s/%u%s%s", c->ifname, a, c->prefix, c->gw ? " via " : "",
		 c->gw ? g : "");
out:
	close(fd);
	return r;
}
