// SPDX-License-Identifier: Apache-2.0
/*
 * kbs-fwd PORT: the QEMU guestfwd command that joins one guest connection
 * (its stdin and stdout, a socket from QEMU's user network) to the test
 * KBS on 127.0.0.1:PORT, until either side closes.
 *
 * It replaces `busybox nc`, which copies through a 1 KiB buffer: a reply
 * of 2 KiB then reached QEMU's user-mode TCP in two writes, which held the
 * second one back until the guest acknowledged the first (Nagle's rule),
 * and the guest delays that acknowledgement by up to 40 ms. A real network
 * has no such relay; what the KBS writes at once is passed on at once here.
 *
 * QEMU gives the command the guest's socket as stdin, stdout and stderr, so
 * nothing is ever printed: a refused connection reaches the guest as the
 * closed socket it is. Writes block until done, one direction at a time,
 * as busybox nc's did: a request so large that the server stops reading it
 * (the test KBS drains 8 MiB of an oversized body) is reset, not answered.
 */
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <unistd.h>

#define BUF (256 * 1024)

static char buf[BUF];

/* Copies what is readable on in to out; 0 at end of file, -1 on error. */
static int pump(int in, int out)
{
	ssize_t n = read(in, buf, sizeof(buf)), w;
	size_t off = 0;

	if (n < 0)
		return errno == EINTR || errno == EAGAIN ? 1 : -1;
	if (n == 0)
		return 0;
	while (off < (size_t)n) {
		w = write(out, buf + off, (size_t)n - off);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return -1;
		off += (size_t)w;
	}
	return 1;
}

int main(int argc, char **argv)
{
	struct sockaddr_in a = { .sin_family = AF_INET };
	struct pollfd p[2];
	char *end;
	long port;
	int s, one = 1, in_open = 1, r;

	port = argc == 2 ? strtol(argv[1], &end, 10) : -1;
	if (argc != 2 || *end || port <= 0 || port > 65535)
		return 2;
	/* A peer gone away is an error from write(), not a signal. */
	signal(SIGPIPE, SIG_IGN);
	a.sin_port = htons((unsigned short)port);
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	s = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (s < 0 || connect(s, (struct sockaddr *)&a, sizeof(a)) < 0)
		return 1;
	setsockopt(s, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	for (;;) {
		p[0] = (struct pollfd){ .fd = in_open ? 0 : -1, .events = POLLIN };
		p[1] = (struct pollfd){ .fd = s, .events = POLLIN };
		if (poll(p, 2, -1) < 0) {
			if (errno == EINTR)
				continue;
			return 1;
		}
		if (p[0].revents) {
			r = pump(0, s);
			if (r < 0)
				return 1;
			if (r == 0) {
				/* The guest is done sending: pass the half-close on. */
				shutdown(s, SHUT_WR);
				in_open = 0;
			}
		}
		if (p[1].revents) {
			r = pump(s, 1);
			if (r <= 0)
				return r < 0;
		}
	}
}
