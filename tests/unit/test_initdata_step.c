// SPDX-License-Identifier: Apache-2.0
/*
 * Unit tests for the initdata step (init/initdata.c, after the tee step):
 * finding the device among fake disks (regular files standing in for
 * /dev/vd*), measuring, binding through fake TDX and SNP interfaces, and
 * writing the files. Every failure case also checks that nothing at all
 * was written. The binding through the measured command line
 * (sealroot.initdata_digest) and IBM SE's refusal without it run here with a
 * fake /dev/uv; the no-initdata checks run against a fake SNP device (this
 * file's ioctl()), fake TDX measurement files, and a fake TPM (a raw pty
 * whose other end the test reads).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <termios.h>
#include <unistd.h>
#include <zlib.h>

#include "hex.h"
#include "initdata.h"
#include "tee.h"
#include "unit.h"

#define TMPFS_MAGIC_ 0x01021994UL

static char root[64];
static char pbuf[16][256];
static struct boot B;

/* The test directory is not tmpfs; say it is, unless a test says not. */
static int fake_not_tmpfs;
int __real_fstatfs(int fd, struct statfs *sf);
int __wrap_fstatfs(int fd, struct statfs *sf)
{
	int r = __real_fstatfs(fd, sf);

	if (r == 0 && !fake_not_tmpfs)
		sf->f_type = (__typeof__(sf->f_type))TMPFS_MAGIC_;
	return r;
}

/*
 * A fake SNP guest device: ioctl() is wrapped (WRAP_initdata_step in the
 * Makefile), so the init's SNP_GET_REPORT (init/tee/snp.c) lands here.
 * With snp_report set it answers like linux drivers/virt/coco/sev-guest;
 * any other call goes to the real ioctl().
 */
struct snp_report_req_ {
	uint8_t user_data[64];
	uint32_t vmpl;
	uint8_t rsvd[28];
};
struct snp_guest_request_ioctl_ {
	uint8_t msg_version;
	uint64_t req_data;
	uint64_t resp_data;
	uint64_t exitinfo2;
};
#define SNP_GET_REPORT_ _IOWR('S', 0x0, struct snp_guest_request_ioctl_)
static uint8_t *snp_report;
static uint8_t snp_user_data[64];
static int snp_calls;

int __real_ioctl(int fd, unsigned long req, ...);
int __wrap_ioctl(int fd, unsigned long req, ...)
{
	va_list ap;
	void *arg;

	va_start(ap, req);
	arg = va_arg(ap, void *);
	va_end(ap);
	if (snp_report && req == SNP_GET_REPORT_) {
		struct snp_guest_request_ioctl_ *io = arg;
		struct snp_report_req_ *rq = (void *)(uintptr_t)io->req_data;
		uint8_t *resp = (void *)(uintptr_t)io->resp_data;
		uint32_t status = 0, size = SNP_REPORT_SIZE;

		snp_calls++;
		memcpy(snp_user_data, rq->user_data, 64);
		memcpy(resp, &status, 4);
		memcpy(resp + 4, &size, 4);
		memcpy(resp + 0x20, snp_report, SNP_REPORT_SIZE);
		return 0;
	}
	return __real_ioctl(fd, req, arg);
}

static const char *at(int i, const char *rel)
{
	snprintf(pbuf[i], sizeof(pbuf[i]), "%s/%s", root, rel);
	return pbuf[i];
}

/* A disk "name" in sys/block and dev, holding data (len bytes) padded to 4 KiB. */
static void disk(const char *name, const void *data, size_t len)
{
	char p[300];
	uint8_t *img = calloc(1, len + 4096);

	memcpy(img, data, len);
	snprintf(p, sizeof(p), "%s/sys/block/%s", root, name);
	assert_int_equal(mkdir(p, 0755), 0);
	snprintf(p, sizeof(p), "%s/dev/%s", root, name);
	unit_put(p, img, len + (4096 - len % 4096));
	free(img);
}

/* Kata's block: magic, u64 LE length (or a forced one), gzip(text). */
static size_t block(const char *text, size_t text_len, uint64_t force_len, int cut,
		    uint8_t *out)
{
	z_stream z;
	uint64_t n;
	int i;

	memset(&z, 0, sizeof(z));
	assert_int_equal(deflateInit2(&z, 9, Z_DEFLATED, 16 + MAX_WBITS, 8, Z_DEFAULT_STRATEGY), Z_OK);
	z.next_in = (Bytef *)text;
	z.avail_in = (uInt)text_len;
	z.next_out = out + 16;
	z.avail_out = 200000;
	assert_int_equal(deflate(&z, Z_FINISH), Z_STREAM_END);
	n = z.total_out - (uint64_t)cut;
	deflateEnd(&z);
	memcpy(out, "initdata", 8);
	for (i = 0; i < 8; i++)
		out[8 + i] = (uint8_t)((force_len ? force_len : n) >> (8 * i));
	return 16 + (size_t)n;
}

static const char doc[] =
	"version = \"0.1.0\"\n"
	"algorithm = \"sha384\"\n"
	"[data]\n"
	"\"aa.toml\" = '''\n[token_configs.kbs]\nurl = \"http://127.0.0.1:8080\"\n'''\n"
	"\"policy.rego\" = \"package agent_policy\\n\"\n";

static void initdata_disk(const char *name, const char *text)
{
	static uint8_t img[300000];
	size_t n = block(text, strlen(text), 0, 0, img);

	disk(name, img, n);
}

static int setup(void **state)
{
	(void)state;
	unit_tmpdir(root, sizeof(root), "initdata");
	assert_int_equal(mkdir(at(0, "sys"), 0755), 0);
	assert_int_equal(mkdir(at(0, "sys/block"), 0755), 0);
	assert_int_equal(mkdir(at(0, "dev"), 0755), 0);
	assert_int_equal(mkdir(at(0, "run"), 0755), 0);
	boot_init(&B);
	B.path.sys_block = at(1, "sys/block");
	B.path.dev = at(2, "dev");
	B.path.initdata_dir = at(3, "run/confidential-containers/initdata");
	B.path.cpuinfo = at(4, "cpuinfo");
	B.path.tsm_report = at(5, "tsm");
	B.path.sev_guest = at(6, "sev-guest");
	B.path.tdx_guest = at(7, "tdx_guest");
	B.path.tdx_measurements = at(8, "measurements");
	B.path.uv = at(9, "uv");
	B.path.tpm = at(10, "tpmrm0");
	/* vda: the root disk, no magic. */
	disk("vda", "\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0", 16);
	fake_not_tmpfs = 0;
	snp_report = NULL;
	snp_calls = 0;
	return 0;
}

static int tpm_master = -1, tpm_slave = -1;

static int teardown(void **state)
{
	(void)state;
	if (tpm_master >= 0)
		close(tpm_master);
	if (tpm_slave >= 0)
		close(tpm_slave);
	tpm_master = tpm_slave = -1;
	unit_rmtree(root);
	free(B.initdata.toml);
	initdata_doc_free(&B.initdata.doc);
	return 0;
}

/* Nothing was written: run/ is still empty. */
static void assert_nothing_written(void)
{
	DIR *d = opendir(at(11, "run"));
	struct dirent *e;
	int n = 0;

	assert_non_null(d);
	while ((e = readdir(d)))
		if (strcmp(e->d_name, ".") && strcmp(e->d_name, ".."))
			n++;
	closedir(d);
	assert_int_equal(n, 0);
	assert_int_equal(access(at(12, "etc"), F_OK), -1);
}

/* The tee step, which the initdata step needs, then the initdata step. */
static int run_steps(void)
{
	int r = step_tee(&B);

	return r < 0 ? r : step_initdata(&B);
}

static void expect_fail(const char *reason_part)
{
	assert_true(run_steps() < 0);
	if (!strstr(B.reason, reason_part))
		fail_msg("reason \"%s\" lacks \"%s\"", B.reason, reason_part);
	assert_nothing_written();
}

static void assert_file(const char *rel, const char *want, size_t want_len)
{
	struct stat st;
	size_t len;
	char *got;

	assert_int_equal(lstat(at(13, rel), &st), 0);
	assert_true(S_ISREG(st.st_mode));
	assert_int_equal(st.st_mode & 07777, 0400);
	got = unit_slurp(at(13, rel), &len);
	assert_int_equal(len, want_len);
	assert_memory_equal(got, want, len);
	free(got);
}

static void test_ok(void **state)
{
	struct stat st;
	char hex[97];

	(void)state;
	initdata_disk("vdb", doc);
	assert_int_equal(run_steps(), 0);
	assert_true(B.initdata.present);
	assert_false(B.initdata.bound); /* sample: no TEE here */
	assert_string_equal(B.tee->name, "sample");
	assert_string_equal(B.initdata.device, at(14, "dev/vdb"));
	assert_int_equal(B.initdata.digest_len, 48);
	hex_encode(B.initdata.digest, 48, hex);
	/* printf '%s' "$doc" | sha384sum */
	assert_string_equal(hex, "a413e223f56b56436fd4961a9d5eafe7abe702989d3ae05b"
				 "1ed3dab238c34254983802c7f1d78b5de136172115e44d64");
	assert_int_equal(lstat(at(13, "run/confidential-containers/initdata"), &st), 0);
	assert_int_equal(st.st_mode & 07777, 0700);
	assert_file("run/confidential-containers/initdata/initdata.toml", doc, strlen(doc));
	assert_file("run/confidential-containers/initdata/aa.toml",
		    "[token_configs.kbs]\nurl = \"http://127.0.0.1:8080\"\n", 50);
	assert_file("run/confidential-containers/initdata/policy.rego", "package agent_policy\n", 21);
}

static void test_missing(void **state)
{
	(void)state;
	expect_fail("no initdata device on");
	assert_non_null(strstr(B.reason, "sealroot.initdata=optional"));
	/* A disk with something else on it is not an initdata device. */
	disk("vdb", "initdatX\x10\0\0\0\0\0\0\0", 16);
	expect_fail("no initdata device on");
	B.cfg.initdata_required = false;
	assert_int_equal(run_steps(), 0);
	assert_false(B.initdata.present);
	assert_nothing_written();
}

static void test_scsi_and_order(void **state)
{
	(void)state;
	/* sd* disks are scanned too; other block devices are not. */
	disk("loop0", "initdata\xff\xff\0\0\0\0\0\0", 16);
	initdata_disk("sdb", doc);
	assert_int_equal(run_steps(), 0);
	assert_string_equal(B.initdata.device, at(14, "dev/sdb"));
}

static void test_two_devices(void **state)
{
	(void)state;
	initdata_disk("vdb", doc);
	initdata_disk("vdc", doc);
	expect_fail("two initdata devices");
	assert_non_null(strstr(B.reason, "dev/vdb and "));
}

static void test_bad_length(void **state)
{
	static uint8_t img[300000];
	size_t n;

	(void)state;
	/* The length field says more than the device holds. */
	n = block(doc, strlen(doc), 1u << 17, 0, img);
	disk("vdb", img, n);
	expect_fail("runs past the end of the");
	/* Over the cap. */
	teardown(NULL);
	setup(NULL);
	n = block(doc, strlen(doc), (1u << 18) + 1, 0, img);
	disk("vdb", img, n);
	expect_fail("exceeds the 262144-byte cap");
}

static void test_truncated_gzip(void **state)
{
	static uint8_t img[300000];
	size_t n;

	(void)state;
	n = block(doc, strlen(doc), 0, 9, img);
	disk("vdb", img, n);
	expect_fail("gzip stream is truncated");
}

static void test_bad_documents(void **state)
{
	(void)state;
	initdata_disk("vdb", "version = \"0.1.0\"\nalgorithm = \"sha384\"\n[data]\nx = 'a\n");
	expect_fail("TOML line 4 column");
	teardown(NULL);
	setup(NULL);
	initdata_disk("vdb", "version = \"0.1.0\"\nalgorithm = \"sha1\"\n");
	expect_fail("unknown algorithm \"sha1\"");
	teardown(NULL);
	setup(NULL);
	initdata_disk("vdb", "version = \"0.1.0\"\nalgorithm = \"sha384\"\n[data]\n"
		      "\"ok.txt\" = \"fine\"\n\"../etc/passwd\" = \"root::0:0::/:/bin/sh\"\n");
	expect_fail("data entry \"../etc/passwd\" is not a plain file name");
}

static void test_not_tmpfs(void **state)
{
	(void)state;
	initdata_disk("vdb", doc);
	fake_not_tmpfs = 1;
	assert_true(run_steps() < 0);
	assert_non_null(strstr(B.reason, "is not on tmpfs"));
	assert_int_equal(access(at(13, "run/confidential-containers/initdata/initdata.toml"), F_OK), -1);
}

/* ---- binding ------------------------------------------------------------------------ */

static void digest_of_doc(uint8_t *d)
{
	assert_int_equal(initdata_digest(ALG_SHA384, doc, strlen(doc), d), 0);
}

static void test_tdx_bound(void **state)
{
	uint8_t d[48];

	(void)state;
	digest_of_doc(d);
	unit_put(B.path.cpuinfo, "flags\t\t: fpu tdx_guest\n", 24);
	assert_int_equal(mkdir(B.path.tdx_measurements, 0755), 0);
	unit_put(at(15, "measurements/mrconfigid"), d, 48);
	initdata_disk("vdb", doc);
	assert_int_equal(run_steps(), 0);
	assert_true(B.initdata.bound);
	assert_string_equal(B.tee->name, "tdx");
}

static void test_tdx_mismatch(void **state)
{
	uint8_t d[48];

	(void)state;
	digest_of_doc(d);
	d[47] ^= 1;
	unit_put(B.path.cpuinfo, "flags\t\t: fpu tdx_guest\n", 24);
	assert_int_equal(mkdir(B.path.tdx_measurements, 0755), 0);
	unit_put(at(15, "measurements/mrconfigid"), d, 48);
	initdata_disk("vdb", doc);
	expect_fail("TDX MRCONFIGID a413e223");
	assert_non_null(strstr(B.reason, "does not match the initdata digest a413e223"));
}

/*
 * A zero MRCONFIGID with initdata is fatal, never an RTMR2 fallback: an
 * extension without an event-log entry fails Trustee's MRCONFIGID check and
 * its CCEL replay of RTMR2 both (confidential-containers/trustee
 * deps/verifier/src/tdx/mod.rs, verify_evidence: regularize_data(...,
 * "MRCONFIGID") and ccel.replay_and_match, commit 78962cd4). Even with the
 * RTMR file there, nothing is extended.
 */
static void test_tdx_zero_mrconfigid_is_fatal(void **state)
{
	uint8_t zero[48] = { 0 };
	size_t len;
	char *got;

	(void)state;
	unit_put(B.path.cpuinfo, "flags\t\t: fpu tdx_guest\n", 24);
	assert_int_equal(mkdir(B.path.tdx_measurements, 0755), 0);
	unit_put(at(15, "measurements/mrconfigid"), zero, 48);
	unit_put(at(15, "measurements/rtmr2:sha384"), "", 0);
	initdata_disk("vdb", doc);
	expect_fail("TDX MRCONFIGID is not set: the host must launch the TD with the initdata "
		    "digest as MRCONFIGID (QEMU >= 10.1: -object tdx-guest,mrconfigid=");
	assert_false(B.initdata.bound);
	got = unit_slurp(at(15, "measurements/rtmr2:sha384"), &len);
	assert_int_equal(len, 0);
	free(got);
	assert_nothing_written();
}

static void test_snp(void **state)
{
	(void)state;
	/* /dev/sev-guest that is not a device: the report request fails closed. */
	unit_put(B.path.cpuinfo, "flags\t\t: fpu sev_snp\n", 22);
	unit_put(B.path.sev_guest, "", 0);
	initdata_disk("vdb", doc);
	expect_fail("SNP report: SNP_GET_REPORT on");
}

static void test_tpm_needs_sha256(void **state)
{
	(void)state;
	unit_put(B.path.tpm, "", 0);
	initdata_disk("vdb", doc);
	expect_fail("the algorithm must be sha256, not sha384");
}

/* ---- sealroot.initdata_digest and IBM SE (issue 16, finding 1) ------------------- */

/* The digest of text as the command-line key's value. */
static void cmdline_digest(enum initdata_alg alg, const char *text)
{
	B.cfg.initdata_digest_set = true;
	B.cfg.initdata_digest_alg = alg;
	assert_int_equal(initdata_digest(alg, text, strlen(text), B.cfg.initdata_digest), 0);
}

/* The owner's document with the host's policy: aa.toml (the KBS) kept. */
static const char forged[] =
	"version = \"0.1.0\"\n"
	"algorithm = \"sha384\"\n"
	"[data]\n"
	"\"aa.toml\" = '''\n[token_configs.kbs]\nurl = \"http://127.0.0.1:8080\"\n'''\n"
	"\"policy.rego\" = \"package agent_policy\\ndefault AllowRequestsFailingPolicy := true\\n\"\n";

static void se(void)
{
	unit_put(B.path.uv, "", 0);
}

/* On SE the initdata is bound only through the sealed parmfile: without
 * the key, initdata is fatal, with the fix in the message (it was logged
 * "not bound" and written). */
static void test_se_without_cmdline_digest_fails_closed(void **state)
{
	(void)state;
	se();
	initdata_disk("vdb", doc);
	expect_fail("IBM SE binds initdata only through its sealed command line, which has no "
		    "sealroot.initdata_digest");
	assert_string_equal(B.tee->name, "se");
	assert_non_null(strstr(B.reason, "tools/se-image.sh --initdata FILE.toml"));
	assert_false(B.initdata.bound);
}

static void test_se_cmdline_digest_bound(void **state)
{
	(void)state;
	se();
	cmdline_digest(ALG_SHA384, doc);
	initdata_disk("vdb", doc);
	assert_int_equal(run_steps(), 0);
	assert_string_equal(B.tee->name, "se");
	assert_true(B.initdata.bound);
	assert_file("run/confidential-containers/initdata/policy.rego", "package agent_policy\n", 21);
	/* SE with no initdata and no key: nothing to check. */
	teardown(NULL);
	setup(NULL);
	se();
	B.cfg.initdata_required = false;
	assert_int_equal(run_steps(), 0);
	assert_false(B.initdata.present);
	assert_nothing_written();
}

/* The host keeps aa.toml and swaps policy.rego: one FATAL naming both
 * digests, nothing written; on every TEE (here SE and no TEE). */
static void test_cmdline_digest_mismatch(void **state)
{
	uint8_t d[48];
	char hex[97];

	(void)state;
	se();
	cmdline_digest(ALG_SHA384, doc);
	initdata_disk("vdb", forged);
	expect_fail("does not match sealroot.initdata_digest a413e223f56b56436fd4961a9d5eafe7abe70298"
		    "9d3ae05b1ed3dab238c34254983802c7f1d78b5de136172115e44d64");
	assert_int_equal(initdata_digest(ALG_SHA384, forged, strlen(forged), d), 0);
	hex_encode(d, 48, hex);
	assert_non_null(strstr(B.reason, hex));
	assert_non_null(strstr(B.reason, "dev/vdb: sha384 "));
	assert_false(B.initdata.present);
	teardown(NULL);
	setup(NULL);
	cmdline_digest(ALG_SHA384, doc);
	initdata_disk("vdb", forged);
	expect_fail("does not match sealroot.initdata_digest a413e223");
	assert_string_equal(B.tee->name, "sample");
}

/* Checked before the TOML is parsed: a document the parser would refuse
 * fails on the digest, not in the parser. */
static void test_cmdline_digest_before_parse(void **state)
{
	(void)state;
	cmdline_digest(ALG_SHA384, doc);
	initdata_disk("vdb", "version = \"0.1.0\"\nalgorithm = \"sha384\"\n[data]\nx = 'a\n");
	expect_fail("does not match sealroot.initdata_digest");
	assert_null(strstr(B.reason, "TOML"));
}

/* The key's algorithm must be the document's: a sha256 key that matches a
 * sha384 document's bytes is still refused. */
static void test_cmdline_digest_algorithm(void **state)
{
	(void)state;
	cmdline_digest(ALG_SHA256, doc);
	initdata_disk("vdb", doc);
	expect_fail("the document's algorithm sha384 is not that of sealroot.initdata_digest (sha256)");
	/* The match, where no TEE binds (sample): bound by the command line. */
	teardown(NULL);
	setup(NULL);
	cmdline_digest(ALG_SHA384, doc);
	initdata_disk("vdb", doc);
	assert_int_equal(run_steps(), 0);
	assert_true(B.initdata.bound);
}

/* The key without a disk is fatal, even with sealroot.initdata=optional. */
static void test_cmdline_digest_without_disk(void **state)
{
	(void)state;
	se();
	cmdline_digest(ALG_SHA384, doc);
	B.cfg.initdata_required = false;
	expect_fail("no initdata device on");
	assert_non_null(strstr(B.reason, "but the command line names one (sealroot.initdata_digest)"));
}

/* ---- no initdata: the TEE must say none too (issue 16, finding 4) ------------------ */

static void snp(uint8_t *report)
{
	unit_put(B.path.cpuinfo, "flags\t\t: fpu sev_snp\n", 22);
	unit_put(B.path.sev_guest, "", 0);
	snp_report = report;
	B.cfg.initdata_required = false;
}

static void test_none_snp_host_data(void **state)
{
	static uint8_t report[SNP_REPORT_SIZE];
	uint8_t zero[64] = { 0 };
	size_t i;

	(void)state;
	/* The host set HOST_DATA to an owner's digest and attached nothing. */
	memset(report, 0x5a, sizeof(report));
	for (i = 0; i < 32; i++)
		report[SNP_HOST_DATA_OFF + i] = (uint8_t)(0xa0 + i);
	snp(report);
	expect_fail("SNP HOST_DATA a0a1a2a3a4a5a6a7a8a9aaabacadaeafb0b1b2b3b4b5b6b7b8b9babbbcbdbebf "
		    "is set, but no initdata is attached");
	assert_int_equal(snp_calls, 1);
	assert_memory_equal(snp_user_data, zero, 64);
	/* One byte is enough. */
	memset(report + SNP_HOST_DATA_OFF, 0, 32);
	report[SNP_HOST_DATA_OFF + 31] = 1;
	expect_fail("SNP HOST_DATA 00000000000000000000000000000000000000000000000000000000000000"
		    "01 is set");
	/* All zero: no initdata, and the TEE agrees. */
	memset(report + SNP_HOST_DATA_OFF, 0, 32);
	assert_int_equal(run_steps(), 0);
	assert_false(B.initdata.present);
	assert_nothing_written();
	/* No report at all fails closed. */
	snp_report = NULL;
	expect_fail("SNP report: SNP_GET_REPORT on");
}

static void tdx_mrconfigid(const uint8_t *v)
{
	unit_put(B.path.cpuinfo, "flags\t\t: fpu tdx_guest\n", 24);
	assert_int_equal(mkdir(B.path.tdx_measurements, 0755), 0);
	unit_put(at(15, "measurements/mrconfigid"), v, 48);
	B.cfg.initdata_required = false;
}

static void test_none_tdx_mrconfigid(void **state)
{
	uint8_t v[48] = { 0 };
	size_t len;
	char *got;

	(void)state;
	v[0] = 0x5f;
	tdx_mrconfigid(v);
	unit_put(at(15, "measurements/rtmr2:sha384"), "", 0);
	expect_fail("TDX MRCONFIGID 5f0000");
	assert_non_null(strstr(B.reason, "is set, but no initdata is attached"));
	/* Nothing was extended either. */
	got = unit_slurp(at(15, "measurements/rtmr2:sha384"), &len);
	assert_int_equal(len, 0);
	free(got);
}

/* MRCONFIGID zero and no initdata: the boot goes on, and nothing is
 * extended into RTMR2 (the verifier replays it from the event log). */
static void test_none_tdx_zero_passes(void **state)
{
	static const uint8_t zero[48] = { 0 };
	size_t len;
	char *got;

	(void)state;
	tdx_mrconfigid(zero);
	unit_put(at(15, "measurements/rtmr2:sha384"), "", 0);
	assert_int_equal(run_steps(), 0);
	got = unit_slurp(at(15, "measurements/rtmr2:sha384"), &len);
	assert_int_equal(len, 0);
	free(got);
	assert_nothing_written();
}

/* A TPM whose device is a raw pty: the answer is queued first, and what
 * the init sends is read from the other end. */
static void fake_tpm(void)
{
	static const uint8_t ok[] = { 0x80, 0x02, 0, 0, 0, 19, 0, 0, 0, 0,
				      0, 0, 0, 0, 0, 0, 1, 0, 0 };
	static char name[64];
	struct termios t;

	tpm_master = posix_openpt(O_RDWR | O_NOCTTY);
	assert_true(tpm_master >= 0);
	assert_int_equal(grantpt(tpm_master), 0);
	assert_int_equal(unlockpt(tpm_master), 0);
	assert_int_equal(ptsname_r(tpm_master, name, sizeof(name)), 0);
	tpm_slave = open(name, O_RDWR | O_NOCTTY);
	assert_true(tpm_slave >= 0);
	assert_int_equal(tcgetattr(tpm_slave, &t), 0);
	cfmakeraw(&t);
	assert_int_equal(tcsetattr(tpm_slave, TCSANOW, &t), 0);
	assert_int_equal(write(tpm_master, ok, sizeof(ok)), (ssize_t)sizeof(ok));
	B.path.tpm = name;
}

static void test_none_tpm_extends_event(void **state)
{
	uint8_t want[128], got[256], event[32];

	(void)state;
	fake_tpm();
	B.cfg.initdata_required = false;
	assert_int_equal(run_steps(), 0);
	assert_string_equal(B.tee->name, "tpm");
	/* printf 'sealroot: no initdata' | sha256sum */
	assert_int_equal(hex_decode("72042a675be2ed12711fbe14acf03d4eae6ad786cabce9f9cd3fba57dfe37377",
				    event, 32), 0);
	assert_int_equal(tpm_marshal_pcr_extend(want, 8, event), 65);
	/* Exactly one command: PCR_Extend of PCR8 with the event. */
	assert_int_equal(fcntl(tpm_master, F_SETFL, O_NONBLOCK), 0);
	assert_int_equal(read(tpm_master, got, sizeof(got)), 65);
	assert_memory_equal(got, want, 65);
	assert_int_equal(read(tpm_master, got, sizeof(got)), -1);
	assert_nothing_written();
}

/* The write step checks each name again right before it becomes a path,
 * although the document parser refuses such names: fed a document that
 * did not come through that parser, "../x" is refused and nothing is
 * written outside the initdata directory (review: the re-check was
 * unreachable through the parser, so no test could reach it). */
static void test_write_rechecks_names(void **state)
{
	static const char text[] = "[data]\n\"../x\" = \"escape\"\n\"ok\" = \"v\"\n";
	struct toml_error te;

	(void)state;
	B.initdata.doc.root = toml_parse(text, strlen(text), &te);
	assert_non_null(B.initdata.doc.root);
	B.initdata.doc.data = toml_get(B.initdata.doc.root, "data");
	assert_non_null(B.initdata.doc.data);
	B.initdata.toml = strdup(text);
	B.initdata.toml_len = strlen(text);
	assert_true(initdata_expose(&B) < 0);
	assert_non_null(strstr(B.reason, "data entry 1 is not a plain file name"));
	assert_int_equal(access(at(0, "run/confidential-containers/x"), F_OK), -1);
	assert_int_equal(access(at(0, "run/confidential-containers/initdata/ok"), F_OK), -1);
}

int main(void)
{
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
	const struct CMUnitTest tests[] = {
		T(test_ok),
		T(test_write_rechecks_names),
		T(test_missing),
		T(test_scsi_and_order),
		T(test_two_devices),
		T(test_bad_length),
		T(test_truncated_gzip),
		T(test_bad_documents),
		T(test_not_tmpfs),
		T(test_tdx_bound),
		T(test_tdx_mismatch),
		T(test_tdx_zero_mrconfigid_is_fatal),
		T(test_snp),
		T(test_tpm_needs_sha256),
		T(test_se_without_cmdline_digest_fails_closed),
		T(test_se_cmdline_digest_bound),
		T(test_cmdline_digest_mismatch),
		T(test_cmdline_digest_before_parse),
		T(test_cmdline_digest_algorithm),
		T(test_cmdline_digest_without_disk),
		T(test_none_snp_host_data),
		T(test_none_tdx_mrconfigid),
		T(test_none_tdx_zero_passes),
		T(test_none_tpm_extends_event),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
