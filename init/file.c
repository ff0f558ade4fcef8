// SPDX-License-Identifier: Apache-2.0
/* file: see file.h. */
#include "file.h"

#include <errno.h>
#include <fcntl.h>
#include <unistd.h>

int file_read_all(const char *path, char *buf, size_t size, size_t *len)
{
	size_t n = 0;
	ssize_t r;
	int fd, e = 0;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	for (;;) {
		/* One byte more than fits tells "too big" from "exactly full". */
		r = read(fd, buf + n, size - n);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			e = -errno;
			break;
		}
		if (r == 0)
			break;
		n += (size_t)r;
		if (n == size) {
			e = -EFBIG;
			break;
		}
	}
	close(fd);
	if (e < 0)
		return e;
	buf[n] = '\0';
	*len = n;
	return 0;
}
