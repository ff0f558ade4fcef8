// SPDX-License-Identifier: Apache-2.0
/*
 * sealroot-initdata: the host side of initdata. Checks a TOML document
 * exactly as the init will (the same lib/initdata_format.c, lib/toml.c and
 * lib/config.c), writes Kata's block image, and prints the digest and the
 * values that bind it: SNP host-data and TDX mrconfigid, base64 as QEMU's
 * options take them, and the measured command-line key
 * sealroot.initdata_digest=<alg>:<hex> (what tools/se-image.sh --initdata
 * seals into an IBM SE parmfile).
 *
 *   sealroot-initdata [-o IMAGE] [--annotation] FILE.toml
 *
 * The image is reproducible: the gzip header carries the name initdata.toml,
 * mtime 0 and OS 3 (Unix), and deflate level 9.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <zlib.h>

#include "base64.h"
#include "byteorder.h"
#include "config.h"
#include "hex.h"
#include "initdata_format.h"
#include "readfile.h"

static const char usage[] =
	"usage: sealroot-initdata [-o IMAGE] [--annotation] FILE.toml\n"
	"  Checks FILE as sealroot's init does and prints its digest and the\n"
	"  SNP host-data and TDX mrconfigid values (base64) that bind it, and the\n"
	"  kernel command-line key sealroot.initdata_digest=<alg>:<hex> (cmdline-key).\n"
	"  -o IMAGE       write Kata's initdata block image (attach as a raw disk)\n"
	"  --annotation   also print base64(gzip(FILE)), the value of Kata's\n"
	"                 io.katacontainers.config.hypervisor.cc_init_data\n";

static int die(const char *fmt, const char *a, const char *b)
{
	fprintf(stderr, "sealroot-initdata: ");
	fprintf(stderr, fmt, a, b);
	fputc('\n', stderr);
	return 1;
}

/* gzip with a fixed header, so the image depends on the bytes alone. */
static int gzip(const char *in, size_t len, unsigned char **out, size_t *out_len)
{
	gz_header h;
	z_stream z;
	unsigned char *buf;
	size_t cap = compressBound((uLong)len) + 64;
	int r;

	buf = malloc(cap);
	if (!buf)
		return -ENOMEM;
	memset(&z, 0, sizeof(z));
	memset(&h, 0, sizeof(h));
	if (deflateInit2(&z, 9, Z_DEFLATED, 16 + MAX_WBITS, 9, Z_DEFAULT_STRATEGY) != Z_OK) {
		free(buf);
		return -ENOMEM;
	}
	h.name = (Bytef *)"initdata.toml";
	h.time = 0;
	h.os = 3;
	deflateSetHeader(&z, &h);
	z.next_in = (Bytef *)in;
	z.avail_in = (uInt)len;
	z.next_out = buf;
	z.avail_out = (uInt)cap;
	r = deflate(&z, Z_FINISH);
	*out_len = z.total_out;
	deflateEnd(&z);
	if (r != Z_STREAM_END) {
		free(buf);
		return -EIO;
	}
	*out = buf;
	return 0;
}

static int write_image(const char *path, const unsigned char *gz, size_t gz_len)
{
	unsigned char hdr[INITDATA_HEADER], pad[INITDATA_ALIGN] = { 0 };
	size_t total = INITDATA_HEADER + gz_len, padding;
	FILE *f;
	int ok;

	memcpy(hdr, INITDATA_MAGIC, 8);
	put_le64(hdr + 8, gz_len);
	padding = (INITDATA_ALIGN - total % INITDATA_ALIGN) % INITDATA_ALIGN;
	f = fopen(path, "wb");
	if (!f)
		return -errno;
	ok = fwrite(hdr, 1, sizeof(hdr), f) == sizeof(hdr) &&
	     fwrite(gz, 1, gz_len, f) == gz_len &&
	     fwrite(pad, 1, padding, f) == padding;
	if (fclose(f) != 0 || !ok)
		return -EIO;
	return 0;
}

static void print_b64(const char *name, const unsigned char *data, size_t len)
{
	char *b64 = b64_encode(data, len);

	if (!b64)
		return;
	printf("%s: %s\n", name, b64);
	free(b64);
}

int main(int argc, char **argv)
{
	const char *image = NULL, *input = NULL;
	unsigned char *gz = NULL, field[48];
	uint8_t digest[INITDATA_DIGEST_MAX];
	char err[INITDATA_ERR], hex[2 * INITDATA_DIGEST_MAX + 1];
	struct initdata_doc doc;
	int i, annotation = 0, r;
	size_t len, gz_len;
	const char *op;
	uint8_t *bytes;
	char *toml;

	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "-o") == 0 && i + 1 < argc)
			image = argv[++i];
		else if (strcmp(argv[i], "--annotation") == 0)
			annotation = 1;
		else if (strcmp(argv[i], "-h") == 0 || strcmp(argv[i], "--help") == 0) {
			fputs(usage, stdout);
			return 0;
		} else if (argv[i][0] != '-' && !input)
			input = argv[i];
		else {
			fputs(usage, stderr);
			return 2;
		}
	}
	if (!input) {
		fputs(usage, stderr);
		return 2;
	}
	r = read_file(input, INITDATA_MAX_TOML, &bytes, &len, &op);
	if (r == -EFBIG)
		return die("%s: larger than the %s-byte cap", input, "1048576");
	if (r < 0)
		return die("%s: %s", input, strerror(-r));
	toml = (char *)bytes;
	r = initdata_doc_parse(toml, len, &doc, err, sizeof(err));
	if (r < 0) {
		free(toml);
		return die("%s: %s", input, err);
	}
	{
		/* sealroot.toml, the KBS URL and certificate: as the init reads them. */
		static struct attest_config conf;

		r = config_parse(&doc, &conf, err, sizeof(err));
		if (r < 0) {
			initdata_doc_free(&doc);
			free(toml);
			return die("%s: %s", input, err);
		}
	}
	if (initdata_digest(doc.alg, toml, len, digest) < 0) {
		initdata_doc_free(&doc);
		free(toml);
		return die("%s: %s digest failed", input, initdata_alg_name(doc.alg));
	}
	r = gzip(toml, len, &gz, &gz_len);
	if (r == 0 && gz_len > INITDATA_MAX_GZIP)
		r = -EFBIG;
	if (r == 0 && image)
		r = write_image(image, gz, gz_len);
	if (r < 0) {
		die("%s: %s", image ? image : "gzip", strerror(-r));
		initdata_doc_free(&doc);
		free(toml);
		free(gz);
		return 1;
	}
	hex_encode(digest, initdata_alg_size(doc.alg), hex);
	printf("algorithm: %s\n", initdata_alg_name(doc.alg));
	printf("digest: %s\n", hex);
	initdata_fit(digest, initdata_alg_size(doc.alg), field, 32);
	print_b64("snp-host-data", field, 32);
	initdata_fit(digest, initdata_alg_size(doc.alg), field, 48);
	print_b64("tdx-mrconfigid", field, 48);
	printf("cmdline-key: sealroot.initdata_digest=%s:%s\n", initdata_alg_name(doc.alg), hex);
	if (annotation)
		print_b64("kata-annotation", gz, gz_len);
	initdata_doc_free(&doc);
	free(toml);
	free(gz);
	return 0;
}
