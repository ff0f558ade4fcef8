// SPDX-License-Identifier: Apache-2.0
/* file: see file.h. */
#include "file.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/magic.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/vfs.h>
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

int file_write_value(const char *path, const void *data, size_t len, const char **what)
{
	const char *op;
	ssize_t w;
	int fd, r = 0;

	if (!what)
		what = &op;
	*what = "open";
	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	*what = "write";
	do
		w = write(fd, data, len);
	while (w < 0 && errno == EINTR);
	if (w < 0)
		r = -errno;
	else if ((size_t)w != len)
		r = -EIO;
	if (close(fd) < 0 && r == 0)
		r = -errno;
	return r;
}

int file_private_dir(const char *path, mode_t parent_mode, int *dfd, const char **what)
{
	char parent[256], *slash;
	struct statfs sf;
	struct stat st;
	int n;

	*dfd = -1;
	n = snprintf(parent, sizeof(parent), "%s", path);
	if (n < 0 || (size_t)n >= sizeof(parent)) {
		*what = "path too long";
		return -ENAMETOOLONG;
	}
	slash = strrchr(parent, '/');
	if (slash && slash != parent) {
		*slash = '\0';
		*what = "mkdir parent";
		if (mkdir(parent, parent_mode) < 0 && errno != EEXIST)
			return -errno;
	}
	*what = "mkdir";
	if (mkdir(path, 0700) < 0 && errno != EEXIST)
		return -errno;
	*what = "check";
	if (lstat(path, &st) < 0)
		return -errno;
	if (!S_ISDIR(st.st_mode) || st.st_uid != geteuid())
		return -ENOTDIR;
	*what = "chmod";
	if (chmod(path, 0700) < 0)
		return -errno;
	*what = "open";
	*dfd = open(path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (*dfd < 0)
		return -errno;
	*what = "check tmpfs";
	if (fstatfs(*dfd, &sf) < 0 || (unsigned long)sf.f_type != TMPFS_MAGIC) {
		close(*dfd);
		*dfd = -1;
		return -EXDEV;
	}
	return 0;
}

int file_write_new(int dfd, const char *name, const void *data, size_t len, const char **what)
{
	size_t done = 0;
	ssize_t w;
	int fd, r = 0;

	*what = "create";
	fd = openat(dfd, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0400);
	if (fd < 0)
		return -errno;
	*what = "write";
	while (done < len) {
		w = write(fd, (const char *)data + done, len - done);
		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0) {
			r = -errno;
			break;
		}
		done += (size_t)w;
	}
	if (close(fd) < 0 && r == 0)
		r = -errno;
	if (r < 0)
		unlinkat(dfd, name, 0);
	return r;
}
