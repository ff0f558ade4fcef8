// SPDX-License-Identifier: Apache-2.0
/* unit: see unit.h. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <fcntl.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "unit.h"

char *unit_slurp(const char *path, size_t *len)
{
	struct stat st;
	char *buf;
	size_t got = 0;
	ssize_t n;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		fail_msg("open %s", path);
	assert_int_equal(fstat(fd, &st), 0);
	buf = malloc((size_t)st.st_size + 1);
	assert_non_null(buf);
	while (got < (size_t)st.st_size) {
		n = read(fd, buf + got, (size_t)st.st_size - got);
		assert_true(n > 0);
		got += (size_t)n;
	}
	close(fd);
	buf[got] = '\0';
	*len = got;
	return buf;
}

void unit_put(const char *path, const void *data, size_t len)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);

	if (fd < 0)
		fail_msg("create %s", path);
	assert_int_equal(write(fd, data, len), (ssize_t)len);
	close(fd);
}

void unit_tmpdir(char *dir, size_t cap, const char *what)
{
	snprintf(dir, cap, "/tmp/sr-%s-XXXXXX", what);
	assert_non_null(mkdtemp(dir));
}

static int remove_one(const char *path, const struct stat *st, int flag, struct FTW *f)
{
	(void)st;
	(void)flag;
	(void)f;
	return remove(path);
}

void unit_rmtree(const char *dir)
{
	assert_int_equal(nftw(dir, remove_one, 16, FTW_DEPTH | FTW_PHYS), 0);
}

static const char *const tsm_files[] = { "provider", "inblob", "outblob", "generation" };

void unit_tsm_entry(const char *dir, const char *provider, const void *outblob, size_t out_len,
		    const char *generation)
{
	const void *data[] = { provider, "", outblob, generation };
	size_t len[] = { strlen(provider), 0, out_len, strlen(generation) };
	char f[512];
	size_t i;

	for (i = 0; i < 4; i++) {
		snprintf(f, sizeof(f), "%s/%s", dir, tsm_files[i]);
		unit_put(f, data[i], len[i]);
	}
}

size_t unit_tsm_remove(const char *dir, uint8_t *in, size_t cap)
{
	char f[512];
	ssize_t n = 0;
	size_t i;
	int fd;

	memset(in, 0, cap);
	snprintf(f, sizeof(f), "%s/inblob", dir);
	fd = open(f, O_RDONLY | O_CLOEXEC);
	if (fd >= 0) {
		n = read(fd, in, cap);
		close(fd);
	}
	for (i = 0; i < 4; i++) {
		snprintf(f, sizeof(f), "%s/%s", dir, tsm_files[i]);
		unlink(f);
	}
	return n > 0 ? (size_t)n : 0;
}
