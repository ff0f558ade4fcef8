// SPDX-License-Identifier: Apache-2.0
/*
 * sealroot-initdata: the host side of initdata. Checks a TOML document
 * exactly as the init will (init/initdata.c, init/toml.c), writes Kata's
 * block image, and prints the digest and the values the host puts into the
 * TEE: SNP host-data and TDX mrconfigid, base64 as QEMU's options take them.
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

#include <openssl/evp.h>
#include <zlib.h>

#include "config.h"
#include "initdata.h"

static const char usage[] =
	"usage: sealroot-initdata [-o IMAGE] [--annotation] FILE.toml\n"
	"  Checks FILE as sealroot's init does and prints its digest and the\n"
	"  SNP host-data and TDX mrconfigid values (base64) that bind it.\n"
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

static char *read_file(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *buf;
	size_t n;

	if (!f)
		return NULL;
	buf = malloc(INITDATA_MAX_TOML + 2);
	if (!buf) {
		fclose(f);
		return NULL;
	}
	n = fread(buf, 1, INITDATA_MAX_TOML + 1, f);
	if (ferror(f)) {
		free(buf);
		fclose(f);
		return NULL;
	}
	fclose(f);
	buf[n] = '\0';
	*len = n;
	return buf;
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
	uint64_t n = gz_len;
	FILE *f;
	int i, ok;

	memcpy(hdr, INITDATA_MAGIC, 8);
	for (i = 0; i < 8; i++)
		hdr[8 + i] = (unsigned char)(n >> (8 * i));
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
	unsigned char *b64 = malloc(4 * ((len + 2) / 3) + 1);

	if (!b64)
		return;
	EVP_EncodeBlock(b64, data, (int)len);
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
	toml = read_file(input, &len);
	if (!toml)
		return die("%s: %s", input, strerror(errno));
	if (len > INITDATA_MAX_TOML) {
		free(toml);
		return die("%s: larger than the %s-byte cap", input, "1048576");
	}
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
	if (annotation)
		print_b64("kata-annotation", gz, gz_len);
	initdata_doc_free(&doc);
	free(toml);
	free(gz);
	return 0;
}
