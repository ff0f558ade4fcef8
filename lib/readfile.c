// SPDX-License-Identifier: Apache-2.0
/* readfile: see readfile.h. */
#include "readfile.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <unistd.h>

enum { FIRST_CHUNK = 64 * 1024 };

int read_file(const char *path, size_t cap, uint8_t **out, size_t *len, const char **what)
{
	size_t size = 0, n = 0;
	uint8_t *buf = NULL, *nb;
	ssize_t got;
	int fd, r = 0;

	*out = NULL;
	*len = 0;
	*what = "open";
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	*what = "read";
	for (;;) {
		if (n == size) {
			/* Room for one byte more than cap: it tells "too big"
			 * from "exactly full". */
			if (size > cap) {
				r = -EFBIG;
				break;
			}
			size = size ? size * 2 : FIRST_CHUNK;
			if (size > cap + 1)
				size = cap + 1;
			nb = realloc(buf, size + 1);
			if (!nb) {
				r = -ENOMEM;
				break;
			}
			buf = nb;
		}
		got = read(fd, buf + n, size - n);
		if (got < 0 && errno == EINTR)
			continue;
		if (got < 0) {
			r = -errno;
			break;
		}
		if (got == 0)
			break;
		n += (size_t)got;
	}
	close(fd);
	if (r == 0 && n > cap)
		r = -EFBIG;
	if (r < 0) {
		free(buf);
		return r;
	}
	buf[n] = '\0';
	*out = buf;
	*len = n;
	return 0;
}
