// SPDX-License-Identifier: Apache-2.0
/*
 * Unit tests for tools/measure_snp.c: the SEV-SNP launch digest.
 *   Reads:   FIXTURES/snp/ovmf_AmdSev_suffix.bin (virtee/sev-snp-measure's fixture).
 *   Changes: a temporary directory under $TMPDIR (or /tmp), removed at the end.
 *   Failure: cmocka reports the failing assertion; refusals print their one
 *            stderr line, which the CLI tests capture and count.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/evp.h>

#include "hex.h"
#include "measure.h"
#include "measure_snp.h"
#include "unit.h"

#define FIXTURE FIXTURES "/snp/ovmf_AmdSev_suffix.bin"
#define CMDLINE "console=ttyS0 loglevel=7"

/* virtee/sev-snp-measure tests/test_guest.py, on fixtures/snp/ (see its README.md). */
#define OVMF_HASH "086e2e9149ebf45abdc3445fba5b2da8270bdbb04094d7a2c37faaa4b24af3aa16aff8c374c2a55c467a50da6d466b74"
#define LD_CMDLINE_21 "803f691094946e42068aaa3a8f9e26a5c89f36f7b73ecfb28c653360fe4b3aba7e534442e7e1e17895dfe778d0228977"
#define LD_CMDLINE_1  "6d287813eb5222d770f75005c664e34c204f385ce832cc2ce7d0d6f354454362f390ef83a92046c042e706363b4b08fa"
#define LD_EMPTY_21   "329c8ce0972ae52343b64d34a434a86f245dfd74f5ed7aae15d22efc78fb9683632b9b50e4e1d7fa41179ef98a7ef198"
#define LD_EMPTY_1    "ddc5224521617a536ee7ce9dd6224d1b58a8d4fda1c741f3ac99fc4bfa04ba6e9fc98646d4a07a9079397fa3852819b5"
/* virtee/sev-snp-measure tests/test_guest.py test_snp_with_multiple_vcpus_*: 4 x EPYC-v4, append "". */
#define LD_4VCPU_21   "4953b1fb416fa874980e8442b3706d345926d5f38879134e00813c5d7abcbe78eafe7b422907be0b4698e2414a631942"
#define LD_4VCPU_1    "5061fffb019493a903613d56d54b94912a1a2f9e4502385f5c194616753720a92441310ba6c4933de877c36e23046ad5"

/*
 * Beyond the fixture. Produced by running virtee/sev-snp-measure (git
 * 8f2b337e38bc, v0.0.13, Python 3.11, stdlib only for this path) on files
 * holding exactly what make_big_inputs() builds:
 *   sev-snp-measure.py --mode snp --ovmf ovmf3p.bin --kernel kernel.bin
 *     --initrd initrd.bin --append "console=ttyS0 root=/dev/vda1 ro quiet"
 *     --vcpus 2 --vcpu-type EPYC-Milan --guest-features 0x21
 * and the same OVMF with --vcpus 3 --vcpu-type EPYC-Genoa --guest-features 0x1
 * and no kernel; --mode snp:ovmf-hash for the 3-page OVMF hash; and
 * sha384sum of the vmsa0.bin/vmsa1.bin that --dump-vmsa wrote for the latter.
 */
#define BIG_CMDLINE     "console=ttyS0 root=/dev/vda1 ro quiet"
#define LD_BIG_MILAN_2  "efe03537cfb5e86941626732bd5ae1d86b97affbabf649864c1974187ed56fc238bacf9fc7e03dcee2280c3cddbcc74c"
#define LD_BIG_GENOA_3  "607ebd66af26813a41fd9811c85be1a4a57e42fb8e7535e38a004809e654f624a63ba293b42d71461da547220c8f966f"
#define BIG_OVMF_HASH   "00782099d5c46358cf7a5096913e758f2cebe95133eff8f3e1939450460d4a63c51efe99c503d46375e973213e423605"
#define VMSA_BSP_GENOA_1 "7d39672d1b8a3e38353a8eef23af9a14a850be7b9c80bd29898aff5cd2386719e5ce72ad660a022def56b15e5e0f899e"
#define VMSA_AP_GENOA_1  "2eb1a41390605ea8527eded2db4f86244f621bd8b4abd7791e6ea37949d43373d47725b1f20213bb83332de70d646a4f"
#define BIG_PREFIX_LEN  8192u
#define BIG_KERNEL_LEN  70000u
#define BIG_INITRD_LEN  40000u

static uint8_t fixture[SNP_PAGE_SIZE];
static char tmpdir[64];

static void assert_ld(const uint8_t ld[SNP_LD_SIZE], const char *want)
{
	char got[2 * SNP_LD_SIZE + 1];

	hex_encode(ld, SNP_LD_SIZE, got);
	assert_string_equal(got, want);
}

static void pattern(uint8_t *b, size_t n, unsigned mul, unsigned add)
{
	for (size_t i = 0; i < n; i++)
		b[i] = (uint8_t)((i * mul + add) & 0xff);
}

static void write_file(const char *path, const void *data, size_t len)
{
	FILE *f = fopen(path, "wb");

	assert_non_null(f);
	assert_int_equal(fwrite(data, 1, len, f), len);
	assert_int_equal(fclose(f), 0);
}

/* A path in the test's directory; `out` holds PATH_LEN bytes. */
#define PATH_LEN 128
static char *tmp_path(char *out, const char *name)
{
	snprintf(out, PATH_LEN, "%s/%s", tmpdir, name);
	return out;
}

static int setup(void **state)
{
	FILE *f = fopen(FIXTURE, "rb");
	const char *t = getenv("TMPDIR");

	(void)state;
	if (f == NULL || fread(fixture, 1, sizeof(fixture), f) != sizeof(fixture) || fgetc(f) != EOF) {
		fprintf(stderr, "cannot read the 4096-byte fixture %s\n", FIXTURE);
		return -1;
	}
	fclose(f);
	snprintf(tmpdir, sizeof(tmpdir), "%s/test_measure_snp.XXXXXX", t && strlen(t) < 32 ? t : "/tmp");
	return mkdtemp(tmpdir) ? 0 : -1;
}

static int teardown(void **state)
{
	(void)state;
	unit_rmtree(tmpdir);
	return 0;
}

/* Runs `sealroot-measure snp ARGS...` in process; its stdout and stderr go to out/err. */
static int run_cli(char *out, size_t outlen, char *err, size_t errlen, ...)
{
	char *argv[32] = { "snp" };
	char po[PATH_LEN], pe[PATH_LEN];
	int argc = 1, saved_out, saved_err, fo, fe, rc;
	va_list ap;
	ssize_t n;

	va_start(ap, errlen);
	for (const char *a; argc < 31 && (a = va_arg(ap, const char *)) != NULL; argc++)
		argv[argc] = (char *)a;
	argv[argc] = NULL;
	va_end(ap);
	fflush(stdout);
	fflush(stderr);
	fo = open(tmp_path(po, "stdout"), O_RDWR | O_CREAT | O_TRUNC, 0600);
	fe = open(tmp_path(pe, "stderr"), O_RDWR | O_CREAT | O_TRUNC, 0600);
	assert_true(fo >= 0 && fe >= 0);
	saved_out = dup(1);
	saved_err = dup(2);
	dup2(fo, 1);
	dup2(fe, 2);
	rc = measure_snp_main(argc, argv);
	fflush(stdout);
	fflush(stderr);
	dup2(saved_out, 1);
	dup2(saved_err, 2);
	close(saved_out);
	close(saved_err);
	n = pread(fo, out, outlen - 1, 0);
	out[n > 0 ? n : 0] = '\0';
	n = pread(fe, err, errlen - 1, 0);
	err[n > 0 ? n : 0] = '\0';
	close(fo);
	close(fe);
	return rc;
}

static unsigned lines(const char *s)
{
	unsigned n = 0;

	for (; *s; s++)
		n += *s == '\n';
	return n;
}

static void parse_fixture(struct snp_ovmf *o)
{
	assert_int_equal(snp_ovmf_parse(fixture, sizeof(fixture), o), 0);
}

static int fixture_digest(unsigned vcpus, const char *cmdline, uint64_t features, uint8_t ld[SNP_LD_SIZE])
{
	struct snp_ovmf o;
	struct snp_kernel_hashes h;
	struct snp_guest g = { .vcpus = vcpus, .guest_features = features, .hashes = &h };

	parse_fixture(&o);
	assert_int_equal(snp_vcpu_sig_by_name("EPYC-v4", &g.vcpu_sig), 0);
	/* kernel and initrd are /dev/null: empty. */
	assert_int_equal(snp_kernel_hashes_from_buffers(NULL, 0, NULL, 0, cmdline, &h), 0);
	return snp_launch_digest(&o, &g, ld);
}

/* ---- known answers ---------------------------------------------------------- */

static void test_fixture_parse(void **state)
{
	struct snp_ovmf o;

	(void)state;
	parse_fixture(&o);
	assert_int_equal(o.gpa, 0xfffff000u);
	assert_int_equal(o.reset_eip, 0x80b004);
	assert_true(o.has_hashes_table);
	assert_int_equal(o.hashes_table_gpa, 0x810c00);
	assert_int_equal(o.hashes_table_size, 0x400);
	assert_int_equal(o.n_sections, 7);
	assert_int_equal(o.sections[5].type, SNP_SECTION_KERNEL_HASHES);
	assert_int_equal(o.sections[5].gpa, 0x810000);
	assert_int_equal(o.sections[6].size, 0xf000);
}

static void test_ovmf_hash(void **state)
{
	struct snp_ovmf o;
	uint8_t ld[SNP_LD_SIZE];

	(void)state;
	parse_fixture(&o);
	assert_int_equal(snp_ovmf_hash(&o, ld), 0);
	assert_ld(ld, OVMF_HASH);
}

static void test_kat_cmdline_0x21(void **state)
{
	uint8_t ld[SNP_LD_SIZE];

	(void)state;
	assert_int_equal(fixture_digest(1, CMDLINE, 0x21, ld), 0);
	assert_ld(ld, LD_CMDLINE_21);
}

static void test_kat_cmdline_0x1(void **state)
{
	uint8_t ld[SNP_LD_SIZE];

	(void)state;
	assert_int_equal(fixture_digest(1, CMDLINE, 0x1, ld), 0);
	assert_ld(ld, LD_CMDLINE_1);
}

static void test_kat_empty_0x21(void **state)
{
	uint8_t ld[SNP_LD_SIZE];

	(void)state;
	assert_int_equal(fixture_digest(1, "", 0x21, ld), 0);
	assert_ld(ld, LD_EMPTY_21);
	/* No command line and an empty one hash alike ("\0"). */
	assert_int_equal(fixture_digest(1, NULL, 0x21, ld), 0);
	assert_ld(ld, LD_EMPTY_21);
}

static void test_kat_empty_0x1(void **state)
{
	uint8_t ld[SNP_LD_SIZE];

	(void)state;
	assert_int_equal(fixture_digest(1, "", 0x1, ld), 0);
	assert_ld(ld, LD_EMPTY_1);
}

static void test_kat_4_vcpus(void **state)
{
	uint8_t ld[SNP_LD_SIZE];

	(void)state;
	assert_int_equal(fixture_digest(4, "", 0x21, ld), 0);
	assert_ld(ld, LD_4VCPU_21);
	assert_int_equal(fixture_digest(4, "", 0x1, ld), 0);
	assert_ld(ld, LD_4VCPU_1);
}

/* A precomputed OVMF hash (--snp-ovmf-hash) stands in for the pages. */
static void test_kat_ovmf_hash_seed(void **state)
{
	struct snp_ovmf o;
	struct snp_kernel_hashes h;
	struct snp_guest g = { .vcpus = 1, .vcpu_sig = 0x800f12, .guest_features = 0x21, .hashes = &h };
	uint8_t seed[SNP_LD_SIZE], ld[SNP_LD_SIZE];

	(void)state;
	parse_fixture(&o);
	assert_int_equal(snp_ovmf_hash(&o, seed), 0);
	g.ovmf_hash = seed;
	assert_int_equal(snp_kernel_hashes_from_buffers("", 0, "", 0, "", &h), 0);
	assert_int_equal(snp_launch_digest(&o, &g, ld), 0);
	assert_ld(ld, LD_EMPTY_21);
}

static void test_cli_kats(void **state)
{
	char out[256], err[512];

	(void)state;
	assert_int_equal(run_cli(out, sizeof(out), err, sizeof(err), "--ovmf", FIXTURE, "--kernel", "/dev/null",
				 "--initrd", "/dev/null", "--append", CMDLINE, "--vcpus", "1",
				 "--vcpu-type", "EPYC-v4", "--guest-features", "0x21", NULL), 0);
	assert_string_equal(out, LD_CMDLINE_21 "\n");
	assert_string_equal(err, "");
	/* --flag=value, --vcpu-sig instead of a type, the default features 0x1. */
	assert_int_equal(run_cli(out, sizeof(out), err, sizeof(err), "--mode", "snp", "--ovmf=" FIXTURE,
				 "--kernel=/dev/null", "--vcpus=1", "--vcpu-sig=0x800f12", NULL), 0);
	assert_string_equal(out, LD_EMPTY_1 "\n");
	assert_int_equal(run_cli(out, sizeof(out), err, sizeof(err), "--ovmf", FIXTURE, "--kernel", "/dev/null",
				 "--append", "", "--vcpus", "1", "--vcpu-family", "23", "--vcpu-model", "1",
				 "--vcpu-stepping", "2", "--guest-features", "33", NULL), 0);
	assert_string_equal(out, LD_EMPTY_21 "\n");
	assert_int_equal(run_cli(out, sizeof(out), err, sizeof(err), "--mode", "snp:ovmf-hash",
				 "--ovmf", FIXTURE, NULL), 0);
	assert_string_equal(out, OVMF_HASH "\n");
	assert_int_equal(run_cli(out, sizeof(out), err, sizeof(err), "--ovmf", FIXTURE, "--kernel", "/dev/null",
				 "--vcpus", "1", "--vcpu-type", "EPYC-v4", "--guest-features", "0x21",
				 "--snp-ovmf-hash", OVMF_HASH, NULL), 0);
	assert_string_equal(out, LD_EMPTY_21 "\n");
	assert_int_equal(run_cli(out, sizeof(out), err, sizeof(err), "--help", NULL), 0);
	assert_non_null(strstr(out, "usage:"));
}

/* ---- beyond the fixture: more pages, vCPUs, a real kernel, initrd and cmdline ---- */

static uint8_t big_ovmf[BIG_PREFIX_LEN + SNP_PAGE_SIZE];
static uint8_t big_kernel[BIG_KERNEL_LEN], big_initrd[BIG_INITRD_LEN];

static void make_big_inputs(void)
{
	pattern(big_ovmf, BIG_PREFIX_LEN, 13, 1);
	memcpy(big_ovmf + BIG_PREFIX_LEN, fixture, SNP_PAGE_SIZE);
	pattern(big_kernel, sizeof(big_kernel), 31, 7);
	pattern(big_initrd, sizeof(big_initrd), 17, 3);
}

static void test_big_library(void **state)
{
	struct snp_ovmf o;
	struct snp_kernel_hashes h;
	struct snp_guest g = { .vcpus = 2, .guest_features = 0x21, .hashes = &h };
	uint8_t ld[SNP_LD_SIZE];

	(void)state;
	make_big_inputs();
	assert_int_equal(snp_ovmf_parse(big_ovmf, sizeof(big_ovmf), &o), 0);
	assert_int_equal(o.gpa, 0x100000000ull - sizeof(big_ovmf));
	assert_int_equal(snp_ovmf_hash(&o, ld), 0);
	assert_ld(ld, BIG_OVMF_HASH);

	assert_int_equal(snp_vcpu_sig_by_name("EPYC-Milan", &g.vcpu_sig), 0);
	assert_int_equal(g.vcpu_sig, 0xa00f11);
	assert_int_equal(snp_kernel_hashes_from_buffers(big_kernel, sizeof(big_kernel), big_initrd,
							sizeof(big_initrd), BIG_CMDLINE, &h), 0);
	assert_int_equal(snp_launch_digest(&o, &g, ld), 0);
	assert_ld(ld, LD_BIG_MILAN_2);

	/* No kernel: the kernel-hashes section is measured as zero pages. */
	g.hashes = NULL;
	g.vcpus = 3;
	g.guest_features = 0x1;
	assert_int_equal(snp_vcpu_sig_by_name("EPYC-Genoa", &g.vcpu_sig), 0);
	assert_int_equal(g.vcpu_sig, 0xa10f10);
	assert_int_equal(snp_launch_digest(&o, &g, ld), 0);
	assert_ld(ld, LD_BIG_GENOA_3);
}

static void test_big_vmsa(void **state)
{
	uint8_t page[SNP_PAGE_SIZE], h[SNP_LD_SIZE];
	unsigned int len;

	(void)state;
	snp_build_vmsa(page, 0xfffffff0u, 0xa10f10, 0x1);
	assert_int_equal(EVP_Digest(page, sizeof(page), h, &len, EVP_sha384(), NULL), 1);
	assert_ld(h, VMSA_BSP_GENOA_1);
	snp_build_vmsa(page, 0x80b004, 0xa10f10, 0x1);
	assert_int_equal(EVP_Digest(page, sizeof(page), h, &len, EVP_sha384(), NULL), 1);
	assert_ld(h, VMSA_AP_GENOA_1);
}

static void test_big_cli(void **state)
{
	char out[256], err[512], ovmf[PATH_LEN], kernel[PATH_LEN], initrd[PATH_LEN];

	(void)state;
	tmp_path(ovmf, "ovmf3p.bin");
	tmp_path(kernel, "kernel.bin");
	tmp_path(initrd, "initrd.bin");
	make_big_inputs();
	write_file(ovmf, big_ovmf, sizeof(big_ovmf));
	write_file(kernel, big_kernel, sizeof(big_kernel));
	write_file(initrd, big_initrd, sizeof(big_initrd));
	assert_int_equal(run_cli(out, sizeof(out), err, sizeof(err), "--ovmf", ovmf, "--kernel", kernel,
				 "--initrd", initrd, "--append", BIG_CMDLINE, "--vcpus", "2",
				 "--vcpu-type", "EPYC-Milan", "--guest-features", "0x21", NULL), 0);
	assert_string_equal(out, LD_BIG_MILAN_2 "\n");
	assert_int_equal(run_cli(out, sizeof(out), err, sizeof(err), "--ovmf", ovmf, "--vcpus", "3",
				 "--vcpu-type", "EPYC-Genoa", NULL), 0);
	assert_string_equal(out, LD_BIG_GENOA_3 "\n");
}

/* ---- vCPU signatures ------------------------------------------------------------ */

static void test_vcpu_types(void **state)
{
	static const struct { const char *name; uint32_t sig; } want[] = {
		{ "EPYC", 0x800f12 }, { "EPYC-v1", 0x800f12 }, { "EPYC-v2", 0x800f12 },
		{ "EPYC-v3", 0x800f12 }, { "EPYC-v4", 0x800f12 }, { "EPYC-IBPB", 0x800f12 },
		{ "EPYC-Rome", 0x830f10 }, { "EPYC-Rome-v3", 0x830f10 },
		{ "EPYC-Milan", 0xa00f11 }, { "EPYC-Milan-v2", 0xa00f11 },
		{ "EPYC-Genoa", 0xa10f10 }, { "EPYC-Genoa-v1", 0xa10f10 }, { "EPYC-Turin", 0xb00f00 },
	};
	uint32_t sig;

	(void)state;
	for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
		assert_int_equal(snp_vcpu_sig_by_name(want[i].name, &sig), 0);
		assert_int_equal(sig, want[i].sig);
	}
}

/* ---- refusals --------------------------------------------------------------------- */

static const uint8_t guid_metadata_le[16] = {
	0x66, 0x65, 0x88, 0xdc, 0x4a, 0x98, 0x98, 0x47, 0xa7, 0x5e, 0x55, 0x85, 0xa7, 0xbf, 0x67, 0xcc,
};
static const uint8_t guid_hash_table_le[16] = {
	0x1f, 0x37, 0x55, 0x72, 0x3b, 0x3a, 0x04, 0x4b, 0x92, 0x7b, 0x1d, 0xa6, 0xef, 0xa8, 0xd4, 0x54,
};

/* The payload of a footer table entry: it ends 18 bytes (le16 size, GUID) before the GUID's end. */
static uint8_t *entry_payload(uint8_t *img, const uint8_t guid[16], size_t payload_len)
{
	uint8_t *g = memmem(img, SNP_PAGE_SIZE, guid, 16);

	assert_non_null(g);
	return g - 2 - payload_len;
}

static void put32(uint8_t *p, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

static uint8_t *metadata(uint8_t *img)
{
	uint8_t *p = entry_payload(img, guid_metadata_le, 4);
	uint32_t off = (uint32_t)p[0] | (uint32_t)p[1] << 8;

	return img + SNP_PAGE_SIZE - off;
}

static void refuse(const uint8_t *img, size_t len)
{
	struct snp_ovmf o;

	assert_int_equal(snp_ovmf_parse(img, len, &o), -EINVAL);
}

static void test_refuse_truncated(void **state)
{
	(void)state;
	make_big_inputs();
	refuse(fixture, sizeof(fixture) - 1);
	refuse(fixture, 2048);
	refuse(fixture, 0);
	refuse(NULL, 4096);
	/* One page of the image gone: the footer is no longer where it must be. */
	refuse(big_ovmf, sizeof(big_ovmf) - SNP_PAGE_SIZE);
}

static void test_refuse_footer_guid(void **state)
{
	uint8_t img[SNP_PAGE_SIZE];

	(void)state;
	memcpy(img, fixture, sizeof(img));
	img[SNP_PAGE_SIZE - 32 - 16] ^= 0x01; /* first byte of 96b582de-... */
	refuse(img, sizeof(img));
}

static void test_refuse_footer_sizes(void **state)
{
	uint8_t img[SNP_PAGE_SIZE];
	uint8_t *fsize = img + SNP_PAGE_SIZE - 32 - 18;

	(void)state;
	memcpy(img, fixture, sizeof(img));
	fsize[0] = 17; fsize[1] = 0;           /* smaller than its own header */
	refuse(img, sizeof(img));
	fsize[0] = 0xff; fsize[1] = 0xff;      /* reaches before the image */
	refuse(img, sizeof(img));
	fsize[0] = 0x88 + 5; fsize[1] = 0;     /* 5 stray bytes before the first entry */
	refuse(img, sizeof(img));

	memcpy(img, fixture, sizeof(img));     /* an entry longer than the table */
	entry_payload(img, guid_metadata_le, 4)[4] = 0xf0;
	refuse(img, sizeof(img));
}

static void test_refuse_metadata_offset(void **state)
{
	uint8_t img[SNP_PAGE_SIZE];
	uint8_t *off;

	(void)state;
	memcpy(img, fixture, sizeof(img));
	off = entry_payload(img, guid_metadata_le, 4);
	put32(off, 0x2000);                    /* past the start of the file */
	refuse(img, sizeof(img));
	put32(off, 0xffffffffu);
	refuse(img, sizeof(img));
	put32(off, 8);                         /* the header would run past the end */
	refuse(img, sizeof(img));
	put32(off, 0x600);                     /* inside, but no "ASEV" there */
	refuse(img, sizeof(img));
}

static void test_refuse_metadata_content(void **state)
{
	uint8_t img[SNP_PAGE_SIZE], *m;

	(void)state;
	memcpy(img, fixture, sizeof(img));
	m = metadata(img);
	put32(m + 4, 0x10000);                 /* size past the end of the file */
	refuse(img, sizeof(img));

	memcpy(img, fixture, sizeof(img));
	m = metadata(img);
	put32(m + 12, 8);                      /* 8 sections in a 7-section table */
	refuse(img, sizeof(img));

	memcpy(img, fixture, sizeof(img));
	m = metadata(img);
	put32(m + 8, 2);                       /* version 2 */
	refuse(img, sizeof(img));

	memcpy(img, fixture, sizeof(img));
	m = metadata(img);
	put32(m + 16 + 8, 7);                  /* section 0: unknown type */
	refuse(img, sizeof(img));

	memcpy(img, fixture, sizeof(img));
	m = metadata(img);
	put32(m + 16, 0x800010);               /* section 0: not page-aligned */
	refuse(img, sizeof(img));

	memcpy(img, fixture, sizeof(img));
	m = metadata(img);
	put32(m + 16, 0xfffff000u);            /* section 0 (9 pages): crosses 4 GiB */
	refuse(img, sizeof(img));

	memcpy(img, fixture, sizeof(img));
	m = metadata(img);
	put32(m + 16 + 2 * 12 + 4, 0x2000);    /* the secrets section: two pages */
	refuse(img, sizeof(img));
}

static void test_refuse_kernel_without_section(void **state)
{
	uint8_t img[SNP_PAGE_SIZE], ld[SNP_LD_SIZE];
	struct snp_ovmf o;
	struct snp_kernel_hashes h = { { 0 }, { 0 }, { 0 } };
	struct snp_guest g = { .vcpus = 1, .vcpu_sig = 0x800f12, .guest_features = 1, .hashes = &h };

	(void)state;
	memcpy(img, fixture, sizeof(img));
	put32(metadata(img) + 16 + 5 * 12 + 8, SNP_SECTION_SNP_SEC_MEM);
	assert_int_equal(snp_ovmf_parse(img, sizeof(img), &o), 0);
	assert_int_equal(snp_launch_digest(&o, &g, ld), -EINVAL);
	g.hashes = NULL;                       /* without a kernel it is fine */
	assert_int_equal(snp_launch_digest(&o, &g, ld), 0);

	/* The hashes table outside the kernel-hashes page. */
	memcpy(img, fixture, sizeof(img));
	put32(entry_payload(img, guid_hash_table_le, 8), 0x811c00);
	assert_int_equal(snp_ovmf_parse(img, sizeof(img), &o), 0);
	g.hashes = &h;
	assert_int_equal(snp_launch_digest(&o, &g, ld), -EINVAL);
	/* ... or too close to the page's end for its 176 bytes. */
	put32(entry_payload(img, guid_hash_table_le, 8), 0x810f80);
	assert_int_equal(snp_ovmf_parse(img, sizeof(img), &o), 0);
	assert_int_equal(snp_launch_digest(&o, &g, ld), -EINVAL);
}

static void test_refuse_guest(void **state)
{
	uint8_t ld[SNP_LD_SIZE];
	struct snp_ovmf o;
	struct snp_guest g = { .vcpus = 0, .vcpu_sig = 0x800f12, .guest_features = 1 };

	(void)state;
	parse_fixture(&o);
	assert_int_equal(snp_launch_digest(&o, &g, ld), -EINVAL);
	g.vcpus = SNP_MAX_VCPUS + 1;
	assert_int_equal(snp_launch_digest(&o, &g, ld), -EINVAL);
	g.vcpus = 1;
	g.guest_features = 0x20;
	assert_int_equal(snp_launch_digest(&o, &g, ld), -EINVAL);
}

static void test_refuse_vcpu_type(void **state)
{
	uint32_t sig = 0;
	char out[256], err[512];

	(void)state;
	assert_int_equal(snp_vcpu_sig_by_name("EPYC-v5", &sig), -EINVAL);
	assert_int_equal(snp_vcpu_sig_by_name("epyc-v4", &sig), -EINVAL);
	assert_int_equal(snp_vcpu_sig_by_name("", &sig), -EINVAL);
	assert_int_equal(snp_vcpu_sig_by_name(NULL, &sig), -EINVAL);
	assert_int_equal(snp_cpu_sig(0x10f, 0, 0, &sig), -EINVAL);
	assert_int_equal(snp_cpu_sig(25, 0x100, 0, &sig), -EINVAL);
	assert_int_equal(snp_cpu_sig(25, 1, 16, &sig), -EINVAL);

	assert_int_equal(run_cli(out, sizeof(out), err, sizeof(err), "--ovmf", FIXTURE, "--vcpus", "1",
				 "--vcpu-type", "Opteron_G5", NULL), 2);
	assert_string_equal(out, "");
	assert_non_null(strstr(err, "Opteron_G5"));
	assert_int_equal(lines(err), 1);
}

static void test_refuse_guest_features(void **state)
{
	static const char *bad[] = {
		"", "zz", "0x", "0xg1", "-1", "+1", " 0x1", "0x1 ", "0x21_0", "021",
		"0x10000000000000001", "18446744073709551617", "0x20", "0", "0b10",
	};
	uint64_t f = 0;
	char out[256], err[512];

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_int_equal(snp_parse_guest_features(bad[i], &f), -EINVAL);
	assert_int_equal(snp_parse_guest_features(NULL, &f), -EINVAL);
	assert_int_equal(snp_parse_guest_features("0x21", &f), 0);
	assert_int_equal(f, 0x21);
	assert_int_equal(snp_parse_guest_features("33", &f), 0);
	assert_int_equal(f, 0x21);
	assert_int_equal(snp_parse_guest_features("0b100001", &f), 0);
	assert_int_equal(f, 0x21);
	assert_int_equal(snp_parse_guest_features("0XFFFFFFFFFFFFFFFF", &f), 0);
	assert_int_equal(f, UINT64_MAX);

	assert_int_equal(run_cli(out, sizeof(out), err, sizeof(err), "--ovmf", FIXTURE, "--vcpus", "1",
				 "--vcpu-type", "EPYC-v4", "--guest-features", "0x20", NULL), 2);
	assert_string_equal(out, "");
	assert_int_equal(lines(err), 1);
}

static void test_refuse_cli(void **state)
{
	char out[256], err[512], trunc[PATH_LEN], badguid[PATH_LEN];
	uint8_t img[SNP_PAGE_SIZE];
	static const struct { int rc; const char *args[12]; } cases[] = {
		{ 2, { "--vcpus", "1", "--vcpu-type", "EPYC-v4", NULL } },                   /* no --ovmf */
		{ 2, { "--ovmf", FIXTURE, "--vcpu-type", "EPYC-v4", NULL } },                /* no --vcpus */
		{ 2, { "--ovmf", FIXTURE, "--vcpus", "1", NULL } },                          /* no vCPU type */
		{ 2, { "--ovmf", FIXTURE, "--vcpus", "0", "--vcpu-type", "EPYC", NULL } },
		{ 2, { "--ovmf", FIXTURE, "--vcpus", "1x", "--vcpu-type", "EPYC", NULL } },
		{ 2, { "--ovmf", FIXTURE, "--vcpus", "1", "--vcpu-type", "EPYC", "--vcpu-sig", "1", NULL } },
		{ 2, { "--ovmf", FIXTURE, "--vcpus", "1", "--vcpu-sig", "0x100000000", NULL } },
		{ 2, { "--ovmf", FIXTURE, "--vcpus", "1", "--vcpu-family", "25", NULL } },
		{ 2, { "--ovmf", FIXTURE, "--vcpus", "1", "--vcpu-type", "EPYC", "--append", "x", NULL } },
		{ 2, { "--ovmf", FIXTURE, "--vcpus", "1", "--vcpu-type", "EPYC", "--initrd", "/dev/null", NULL } },
		{ 2, { "--ovmf", FIXTURE, "--vcpus", "1", "--vcpu-type", "EPYC", "--vcpus", "2", NULL } },
		{ 2, { "--ovmf", FIXTURE, "--vcpus", "1", "--vcpu-type", "EPYC", "--mode", "sev", NULL } },
		{ 2, { "--ovmf", FIXTURE, "--vcpus", "1", "--vcpu-type", "EPYC", "--snp-ovmf-hash", "00", NULL } },
		{ 2, { "--ovmf", FIXTURE, "--vcpus", "1", "--vcpu-type", "EPYC", "--bogus", NULL } },
		{ 2, { "--ovmf", FIXTURE, "--vcpus", NULL } },
		{ 1, { "--ovmf", "/nonexistent/ovmf.fd", "--vcpus", "1", "--vcpu-type", "EPYC", NULL } },
		{ 1, { "--ovmf", FIXTURE, "--vcpus", "1", "--vcpu-type", "EPYC", "--kernel", "/nonexistent", NULL } },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const char *const *a = cases[i].args;

		assert_int_equal(run_cli(out, sizeof(out), err, sizeof(err), a[0], a[1], a[2], a[3], a[4], a[5],
					 a[6], a[7], a[8], a[9], a[10], NULL), cases[i].rc);
		assert_string_equal(out, "");
		assert_int_equal(lines(err), 1);
	}

	tmp_path(trunc, "trunc.bin");
	tmp_path(badguid, "badguid.bin");
	write_file(trunc, fixture, 4000);
	assert_int_equal(run_cli(out, sizeof(out), err, sizeof(err), "--ovmf", trunc, "--vcpus", "1",
				 "--vcpu-type", "EPYC-v4", NULL), 1);
	assert_string_equal(out, "");
	assert_int_equal(lines(err), 1);
	assert_non_null(strstr(err, "multiple of 4096"));

	memcpy(img, fixture, sizeof(img));
	img[SNP_PAGE_SIZE - 32 - 1] ^= 0x80;   /* last byte of the footer GUID */
	write_file(badguid, img, sizeof(img));
	assert_int_equal(run_cli(out, sizeof(out), err, sizeof(err), "--ovmf", badguid, "--vcpus", "1",
				 "--vcpu-type", "EPYC-v4", NULL), 1);
	assert_string_equal(out, "");
	assert_int_equal(lines(err), 1);
	assert_non_null(strstr(err, "footer"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fixture_parse),
		cmocka_unit_test(test_ovmf_hash),
		cmocka_unit_test(test_kat_cmdline_0x21),
		cmocka_unit_test(test_kat_cmdline_0x1),
		cmocka_unit_test(test_kat_empty_0x21),
		cmocka_unit_test(test_kat_empty_0x1),
		cmocka_unit_test(test_kat_4_vcpus),
		cmocka_unit_test(test_kat_ovmf_hash_seed),
		cmocka_unit_test(test_cli_kats),
		cmocka_unit_test(test_big_library),
		cmocka_unit_test(test_big_vmsa),
		cmocka_unit_test(test_big_cli),
		cmocka_unit_test(test_vcpu_types),
		cmocka_unit_test(test_refuse_truncated),
		cmocka_unit_test(test_refuse_footer_guid),
		cmocka_unit_test(test_refuse_footer_sizes),
		cmocka_unit_test(test_refuse_metadata_offset),
		cmocka_unit_test(test_refuse_metadata_content),
		cmocka_unit_test(test_refuse_kernel_without_section),
		cmocka_unit_test(test_refuse_guest),
		cmocka_unit_test(test_refuse_vcpu_type),
		cmocka_unit_test(test_refuse_guest_features),
		cmocka_unit_test(test_refuse_cli),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
