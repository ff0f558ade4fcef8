// SPDX-License-Identifier: Apache-2.0
/* blockdev: see blockdev.h. */
#include "blockdev.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "file.h"

int blockdev_attr(const char *dir, const char *name, const char *attr, char *buf, size_t cap)
{
	char path[512], *nl;
	size_t len;
	int r;

	snprintf(path, sizeof(path), "%s/%s/%s", dir, name, attr);
	r = file_read_all(path, buf, cap, &len);
	if (r < 0)
		return r;
	nl = strchr(buf, '\n');
	if (nl)
		*nl = '\0';
	for (size_t n = strlen(buf); n > 0 && buf[n - 1] == ' '; n--)
		buf[n - 1] = '\0';
	return 0;
}

bool blockdev_name_ok(const char *n)
{
	return n[0] != '.' && strlen(n) < 32;
}

int blockdev_has_entries(const char *dir, const char *name, const char *sub, const char *prefix)
{
	char path[512];
	struct dirent *e;
	DIR *d;
	int found = 0;

	snprintf(path, sizeof(path), "%s/%s/%s", dir, name, sub);
	d = opendir(path);
	if (!d)
		return errno == ENOENT ? 0 : -errno;
	while ((e = readdir(d))) {
		if (e->d_name[0] == '.')
			continue;
		if (!prefix || strncmp(e->d_name, prefix, strlen(prefix)) == 0) {
			found = 1;
			break;
		}
	}
	closedir(d);
	return found;
}

int blockdev_by_serial(const char *sys_block, const char *serial, char *name, size_t cap,
		       char *err, size_t errlen)
{
	char s[128];
	struct dirent *e;
	int found = 0;
	DIR *d = opendir(sys_block);

	if (!d) {
		snprintf(err, errlen, "%s: %s", sys_block, strerror(errno));
		return -errno;
	}
	while ((e = readdir(d))) {
		if (e->d_name[0] == '.' || !blockdev_name_ok(e->d_name))
			continue;
		if (blockdev_attr(sys_block, e->d_name, "serial", s, sizeof(s)) < 0 &&
		    blockdev_attr(sys_block, e->d_name, "device/serial", s, sizeof(s)) < 0)
			continue;
		if (strcmp(s, serial) != 0)
			continue;
		if (found++) {
			snprintf(err, errlen, "two disks have the serial \"%s\" (%s and %s)", serial,
				 name, e->d_name);
			closedir(d);
			return -EEXIST;
		}
		snprintf(name, cap, "%s", e->d_name);
	}
	closedir(d);
	if (!found) {
		snprintf(err, errlen, "no disk has the serial \"%s\"", serial);
		return -ENOENT;
	}
	return 0;
}
