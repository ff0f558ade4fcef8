// SPDX-License-Identifier: Apache-2.0
/*
 * initdata: see initdata.h. The block format and the document checks are
 * lib/initdata_format.c; the binding is the TEE's (tee.h).
 * Kata's agent scans /dev/vd* and /dev/sd* for the magic; so does this,
 * once: the kernel finishes its asynchronous SCSI scans before it starts
 * PID 1, and virtio-blk probes synchronously. Two devices with the magic
 * are an error, not a choice: the host would be picking for us.
 */
#include "initdata.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "config.h"
#include "file.h"
#include "hex.h"
#include "initdata_format.h"
#include "tee.h"

static int read_at(int fd, void *buf, size_t n, off_t off)
{
	size_t got = 0;
	ssize_t r;

	while (got < n) {
		r = pread(fd, (char *)buf + got, n - got, off + (off_t)got);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			return -errno;
		if (r == 0)
			return -EIO;
		got += (size_t)r;
	}
	return 0;
}

static int dev_size(int fd, uint64_t *size)
{
	struct stat st;

	if (fstat(fd, &st) < 0)
		return -errno;
	if (S_ISBLK(st.st_mode))
		return ioctl(fd, BLKGETSIZE64, size) < 0 ? -errno : 0;
	/* Regular files stand in for disks in the unit tests. */
	if (S_ISREG(st.st_mode)) {
		*size = (uint64_t)st.st_size;
		return 0;
	}
	return -ENODEV;
}

static int disk_filter(const struct dirent *d)
{
	return strncmp(d->d_name, "vd", 2) == 0 || strncmp(d->d_name, "sd", 2) == 0;
}

/*
 * Finds the one disk with the magic. Returns 1 with *fd open and *len set,
 * 0 when there is none, or a failure.
 */
static int find_device(struct boot *b, int *fd_out, uint64_t *len)
{
	struct dirent **list = NULL;
	char path[PATH_MAX_SR], err[INITDATA_ERR];
	uint8_t hdr[INITDATA_HEADER];
	uint64_t size, n;
	int i, count, fd, r = 0;

	*fd_out = -1;
	count = scandir(b->path.sys_block, &list, disk_filter, alphasort);
	if (count < 0)
		return boot_fail(b, -errno, "scan %s", b->path.sys_block);
	for (i = 0; i < count; i++) {
		if (r < 0)
			continue;
		fd = snprintf(path, sizeof(path), "%s/%s", b->path.dev, list[i]->d_name);
		if (fd < 0 || (size_t)fd >= sizeof(path))
			continue;
		fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
		if (fd < 0) {
			/* An absent medium cannot be the initdata device. */
			log_errno(-errno, "initdata: skip %s", path);
			continue;
		}
		if (dev_size(fd, &size) < 0 || size < INITDATA_HEADER ||
		    read_at(fd, hdr, sizeof(hdr), 0) < 0) {
			close(fd);
			continue;
		}
		r = initdata_header(hdr, size, &n, err, sizeof(err));
		if (r == 0) {
			close(fd);
			continue;
		}
		if (r < 0) {
			close(fd);
			boot_fail(b, 0, "%s: %s", path, err);
			continue;
		}
		if (*fd_out >= 0) {
			close(fd);
			r = boot_fail(b, 0, "two initdata devices, %s and %s; refusing to choose",
				      b->initdata.device, path);
			continue;
		}
		*fd_out = fd;
		*len = n;
		memcpy(b->initdata.device, path, sizeof(path));
		r = 0;
	}
	for (i = 0; i < count; i++)
		free(list[i]);
	free(list);
	if (r < 0) {
		if (*fd_out >= 0)
			close(*fd_out);
		*fd_out = -1;
		return r;
	}
	return *fd_out >= 0;
}

/*
 * sealroot.initdata_digest: the measured command line names the digest of
 * the document, checked over the decompressed bytes before any of them is
 * parsed, with the key's algorithm.
 */
static int check_cmdline_digest(struct boot *b)
{
	const struct cmdline_config *c = &b->cfg;
	struct initdata_state *s = &b->initdata;
	const char *alg = initdata_alg_name(c->initdata_digest_alg);
	size_t n = initdata_alg_size(c->initdata_digest_alg);
	char have_hex[2 * INITDATA_DIGEST_MAX + 1], want_hex[2 * INITDATA_DIGEST_MAX + 1];
	uint8_t have[INITDATA_DIGEST_MAX];

	if (initdata_digest(c->initdata_digest_alg, s->toml, s->toml_len, have) < 0)
		return boot_fail(b, -EIO, "%s digest", alg);
	if (memcmp(have, c->initdata_digest, n) == 0)
		return 0;
	hex_encode(have, n, have_hex);
	hex_encode(c->initdata_digest, n, want_hex);
	return boot_fail(b, 0, "%s: %s %s does not match sealroot.initdata_digest %s", s->device,
			 alg, have_hex, want_hex);
}

/*
 * The TEE binds the digest; or the measured command line did
 * (check_cmdline_digest); or the TEE says why nothing can, unless it binds
 * only through the sealed command line and the key is missing: fatal.
 */
static int bind(struct boot *b)
{
	struct initdata_state *s = &b->initdata;
	const struct tee_ops *t = b->tee;
	char err[INITDATA_ERR];
	int r;

	if (b->cfg.initdata_digest_set) {
		log_info("initdata: bound: the measured command line's sealroot.initdata_digest "
			 "matches");
		s->bound = true;
	}
	if (t->bind) {
		r = t->bind(&b->path, s->doc.alg, s->digest, s->digest_len, err, sizeof(err));
		if (r < 0)
			return boot_fail(b, 0, "%s", err);
		s->bound = true;
		return 0;
	}
	if (s->bound)
		return 0;
	if (t->sealed_cmdline_only)
		return boot_fail(b, 0, "%s binds initdata only through its sealed command line, "
				 "which has no sealroot.initdata_digest: seal the parmfile with the "
				 "digest (tools/se-image.sh --initdata FILE.toml)", t->label);
	log_info("initdata: not bound: %s", t->unbound);
	return 0;
}

int initdata_expose(struct boot *b)
{
	const struct toml_node *data = b->initdata.doc.data;
	const char *dir = b->path.initdata_dir, *name, *val, *what;
	size_t i, nlen, vlen;
	int dfd, r;

	r = file_private_dir(dir, 0755, &dfd, &what);
	if (r == -EXDEV)
		return boot_fail(b, 0, "%s is not on tmpfs", dir);
	if (r < 0)
		return boot_fail(b, r, "%s %s", what, dir);
	r = file_write_new(dfd, "initdata.toml", b->initdata.toml, b->initdata.toml_len, &what);
	if (r < 0)
		boot_fail(b, r, "%s %s/initdata.toml", what, dir);
	for (i = 0; r == 0 && data && i < toml_count(data); i++) {
		name = toml_key(data, i, &nlen);
		val = toml_string(toml_at(data, i), &vlen);
		/* initdata_doc_parse() checked every name; check again where
		 * it matters, right before the name becomes a path. */
		if (!initdata_name_ok(name, nlen) || !val) {
			r = boot_fail(b, 0, "data entry %zu is not a plain file name", i + 1);
			break;
		}
		r = file_write_new(dfd, name, val, vlen, &what);
		if (r < 0)
			boot_fail(b, r, "%s %s/%s", what, dir, name);
	}
	close(dfd);
	if (r < 0)
		return r;
	log_info("initdata: wrote %zu files to %s", 1 + (data ? toml_count(data) : 0), dir);
	return 0;
}

int step_initdata(struct boot *b)
{
	struct initdata_state *s = &b->initdata;
	char err[INITDATA_ERR], hex[2 * INITDATA_DIGEST_MAX + 1];
	uint8_t *gz;
	uint64_t len = 0;
	int fd, r;

	/* A step may run again (unit tests do); start from nothing. */
	initdata_doc_free(&s->doc);
	free(s->toml);
	memset(s, 0, sizeof(*s));
	if (!b->tee)
		return boot_fail(b, 0, "no TEE detected (the tee step runs first)");
	r = find_device(b, &fd, &len);
	if (r < 0)
		return r;
	if (r == 0) {
		if (b->cfg.initdata_digest_set)
			return boot_fail(b, 0, "no initdata device on %s/vd* or %s/sd*, but the "
					 "command line names one (sealroot.initdata_digest)",
					 b->path.dev, b->path.dev);
		if (b->cfg.initdata_required)
			return boot_fail(b, 0, "no initdata device on %s/vd* or %s/sd* "
					 "(required unless the command line has sealroot.initdata=optional)",
					 b->path.dev, b->path.dev);
		log_info("initdata: none attached (optional by the command line)");
		/* No initdata must look like none in the TEE's evidence too. */
		if (b->tee->no_initdata && b->tee->no_initdata(&b->path, err, sizeof(err)) < 0)
			return boot_fail(b, 0, "%s", err);
		return 0;
	}
	gz = malloc((size_t)len);
	if (!gz) {
		close(fd);
		return boot_fail(b, -ENOMEM, "initdata: %llu bytes", (unsigned long long)len);
	}
	r = read_at(fd, gz, (size_t)len, INITDATA_HEADER);
	close(fd);
	if (r < 0) {
		free(gz);
		return boot_fail(b, r, "read %s", s->device);
	}
	r = initdata_gunzip(gz, (size_t)len, &s->toml, &s->toml_len, err, sizeof(err));
	free(gz);
	if (r < 0)
		return boot_fail(b, 0, "%s: %s", s->device, err);
	r = b->cfg.initdata_digest_set ? check_cmdline_digest(b) : 0;
	if (r < 0)
		return r;
	r = initdata_doc_parse(s->toml, s->toml_len, &s->doc, err, sizeof(err));
	if (r < 0)
		return boot_fail(b, 0, "%s: %s", s->device, err);
	if (b->cfg.initdata_digest_set && s->doc.alg != b->cfg.initdata_digest_alg)
		return boot_fail(b, 0, "%s: the document's algorithm %s is not that of "
				 "sealroot.initdata_digest (%s)", s->device,
				 initdata_alg_name(s->doc.alg),
				 initdata_alg_name(b->cfg.initdata_digest_alg));
	r = config_parse(&s->doc, &b->attest, err, sizeof(err));
	if (r < 0)
		return boot_fail(b, 0, "%s: %s", s->device, err);
	s->digest_len = initdata_alg_size(s->doc.alg);
	if (initdata_digest(s->doc.alg, s->toml, s->toml_len, s->digest) < 0)
		return boot_fail(b, -EIO, "%s digest", initdata_alg_name(s->doc.alg));
	s->present = true;
	hex_encode(s->digest, s->digest_len, hex);
	log_info("initdata: %s: %zu bytes (gzip %llu), %s %s", s->device, s->toml_len,
		 (unsigned long long)len, initdata_alg_name(s->doc.alg), hex);
	r = bind(b);
	if (r < 0)
		return r;
	return initdata_expose(b);
}
