// SPDX-License-Identifier: Apache-2.0
/*
 * watch FIFO LOG MARKER: the benchmark's console reader. Copies FIFO (a
 * guest's console, from QEMU) to LOG until QEMU closes it, and prints the
 * wall-clock time (CLOCK_REALTIME, as `date +%s.%N`) at which MARKER first
 * arrived. Exits 0 once MARKER was seen and the FIFO ended, 1 if it never
 * came, 2 on a usage or I/O error.
 *
 * It waits in read(2), so it takes no CPU from QEMU while the guest boots.
 * A shell loop of grep and sleep polling the log every 10 ms did, on a
 * 2-core host: in ten paired microvm boots the marker came a median 0.09 s
 * later on the guest's clock with the polling than with this watcher
 * (docs/performance.md).
 *
 * QEMU writes its console without blocking and drops what a full pipe does
 * not take: the FIFO is made big enough for a whole boot's console (1 MiB).
 */
#define _GNU_SOURCE /* memmem */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

enum { CHUNK = 65536, MARKER_MAX = 256, PIPE_SIZE = 1 << 20 };

static int write_all(int fd, const char *p, size_t n)
{
	while (n > 0) {
		ssize_t w = write(fd, p, n);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return -1;
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

int main(int argc, char **argv)
{
	/* The last MARKER_MAX - 1 bytes of the previous read, then a read:
	 * a marker split across two reads is still found. */
	static char buf[MARKER_MAX + CHUNK];
	size_t mlen, keep = 0, have;
	struct timespec ts;
	int in, out, found = 0;
	ssize_t n;

	if (argc != 4 || (mlen = strlen(argv[3])) == 0 || mlen >= MARKER_MAX) {
		fprintf(stderr, "usage: watch FIFO LOG MARKER (MARKER 1 to %d bytes)\n",
			MARKER_MAX - 1);
		return 2;
	}
	out = open(argv[2], O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (out < 0) {
		perror(argv[2]);
		return 2;
	}
	in = open(argv[1], O_RDONLY | O_CLOEXEC);
	if (in < 0) {
		perror(argv[1]);
		return 2;
	}
	if (fcntl(in, F_SETPIPE_SZ, PIPE_SIZE) < 0) {
		perror("F_SETPIPE_SZ");
		return 2;
	}
	for (;;) {
		n = read(in, buf + keep, CHUNK);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			perror(argv[1]);
			return 2;
		}
		if (n == 0)
			break;
		if (!found && memmem(buf, keep + (size_t)n, argv[3], mlen)) {
			clock_gettime(CLOCK_REALTIME, &ts);
			printf("%lld.%09ld\n", (long long)ts.tv_sec, ts.tv_nsec);
			if (fflush(stdout) != 0)
				return 2;
			found = 1;
		}
		if (write_all(out, buf + keep, (size_t)n) < 0) {
			perror(argv[2]);
			return 2;
		}
		have = keep + (size_t)n;
		keep = have < mlen - 1 ? have : mlen - 1;
		memmove(buf, buf + have - keep, keep);
	}
	return found ? 0 : 1;
}
