// SPDX-License-Identifier: Apache-2.0
/*
 * Unit tests for init/tee.c and the TEE files in init/tee/. There is no
 * TEE on the build machine: the device paths point into a temporary
 * directory, ioctl() is wrapped to answer with report layouts built from
 * the ABI offsets, and configfs-tsm's report directory is populated when
 * the code creates it (as configfs does).
 * The ioctl numbers are checked against the kernel's own uapi header where
 * the build machine has one (linux/sev-guest.h).
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
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <linux/sev-guest.h>

#include "snp_certs.h"
#include "tee.h"
#include "unit.h"

static char root[64];
static struct paths P;
static char pbuf[10][256];

/* ---- fakes ------------------------------------------------------------------- */

static const char *at(int i, const char *rel)
{
	snprintf(pbuf[i], sizeof(pbuf[i]), "%s/%s", root, rel);
	return pbuf[i];
}

/* A report with a recognisable pattern and HOST_DATA = 0xA0 + i. */
static uint8_t snp_report[SNP_REPORT_SIZE];
static uint8_t tdreport[TDX_REPORT_SIZE];

static void make_reports(void)
{
	size_t i;

	for (i = 0; i < sizeof(snp_report); i++)
		snp_report[i] = (uint8_t)(i * 7);
	for (i = 0; i < SNP_HOST_DATA_SIZE; i++)
		snp_report[SNP_HOST_DATA_OFF + i] = (uint8_t)(0xA0 + i);
	for (i = 0; i < sizeof(tdreport); i++)
		tdreport[i] = (uint8_t)(i * 13);
	for (i = 0; i < TDX_MR_SIZE; i++)
		tdreport[TDX_MRCONFIGID_OFF + i] = (uint8_t)(0xC0 + i);
}

/* configfs-tsm: what the kernel shows in a fresh report entry. */
static const char *tsm_provider = "sev_guest\n";
static const char *tsm_generation = "1\n";
static size_t tsm_outblob_len = SNP_REPORT_SIZE;
static int rmdir_calls;

int __real_mkdir(const char *path, mode_t mode);
int __wrap_mkdir(const char *path, mode_t mode)
{
	int r = __real_mkdir(path, mode);

	if (r == 0 && strncmp(path, P.tsm_report, strlen(P.tsm_report)) == 0)
		unit_tsm_entry(path, tsm_provider, snp_report, tsm_outblob_len, tsm_generation);
	return r;
}

/* configfs removes the attributes with the directory; a tmpdir does not. */
static uint8_t last_inblob[64];
int __real_rmdir(const char *path);
int __wrap_rmdir(const char *path)
{
	rmdir_calls++;
	unit_tsm_remove(path, last_inblob, sizeof(last_inblob));
	return __real_rmdir(path);
}

/* ioctl: answers SNP_GET_REPORT, SNP_GET_EXT_REPORT and TDX_CMD_GET_REPORT0
 * like the drivers. */
static int ioctl_errno;
static uint32_t snp_status, snp_size = SNP_REPORT_SIZE;
static unsigned long last_request;
static uint8_t last_user_data[64];
static uint8_t last_msg_version;
static int ioctl_calls;
/* SNP_GET_EXT_REPORT: the host's table, and how much room it says it needs. */
static const uint8_t *ext_certs;
static size_t ext_certs_len;
static uint32_t ext_need, ext_seen_len;

int __real_ioctl(int fd, unsigned long req, ...);
int __wrap_ioctl(int fd, unsigned long req, ...)
{
	va_list ap;
	void *arg;

	(void)fd;
	va_start(ap, req);
	arg = va_arg(ap, void *);
	va_end(ap);
	last_request = req;
	ioctl_calls++;
	if (ioctl_errno) {
		errno = ioctl_errno;
		return -1;
	}
	if (req == SNP_GET_REPORT) {
		struct snp_guest_request_ioctl *io = arg;
		struct snp_report_req *rq = (void *)(uintptr_t)io->req_data;
		uint8_t *resp = (void *)(uintptr_t)io->resp_data;

		last_msg_version = io->msg_version;
		memcpy(last_user_data, rq->user_data, 64);
		memcpy(resp, &snp_status, 4);
		memcpy(resp + 4, &snp_size, 4);
		memcpy(resp + 0x20, snp_report, SNP_REPORT_SIZE);
		return 0;
	}
	if (req == SNP_GET_EXT_REPORT) {
		struct snp_guest_request_ioctl *io = arg;
		struct snp_ext_report_req *rq = (void *)(uintptr_t)io->req_data;
		uint8_t *resp = (void *)(uintptr_t)io->resp_data;

		ext_seen_len = rq->certs_len;
		last_msg_version = io->msg_version;
		memcpy(last_user_data, rq->data.user_data, 64);
		/* linux get_ext_report(): too small a buffer is -EIO, the VMM's
		 * INVALID_LEN and the length needed, and no report. */
		if (ext_need > rq->certs_len) {
			rq->certs_len = ext_need;
			io->exitinfo2 = (uint64_t)SNP_GUEST_VMM_ERR_INVALID_LEN << SNP_GUEST_VMM_ERR_SHIFT;
			errno = EIO;
			return -1;
		}
		assert_true(ext_certs_len <= rq->certs_len);
		if (ext_certs_len)
			memcpy((void *)(uintptr_t)rq->certs_address, ext_certs, ext_certs_len);
		memcpy(resp, &snp_status, 4);
		memcpy(resp + 4, &snp_size, 4);
		memcpy(resp + 0x20, snp_report, SNP_REPORT_SIZE);
		return 0;
	}
	if (req == _IOWR('T', 1, uint8_t[64 + 1024])) {
		uint8_t *rq = arg;

		memcpy(last_user_data, rq, 64);
		memcpy(rq + 64, tdreport, TDX_REPORT_SIZE);
		return 0;
	}
	errno = ENOTTY;
	return -1;
}

static int setup(void **state)
{
	(void)state;
	unit_tmpdir(root, sizeof(root), "tee");
	memset(&P, 0, sizeof(P));
	P.cpuinfo = strdup(at(0, "cpuinfo"));
	P.tsm_report = strdup(at(1, "tsm"));
	P.sev_guest = strdup(at(2, "sev-guest"));
	P.tdx_guest = strdup(at(3, "tdx_guest"));
	P.tdx_measurements = strdup(at(4, "measurements"));
	P.uv = strdup(at(5, "uv"));
	P.tpm = strdup(at(6, "tpmrm0"));
	make_reports();
	tsm_provider = "sev_guest\n";
	tsm_generation = "1\n";
	tsm_outblob_len = SNP_REPORT_SIZE;
	ioctl_errno = 0;
	snp_status = 0;
	snp_size = SNP_REPORT_SIZE;
	rmdir_calls = 0;
	ioctl_calls = 0;
	ext_certs = NULL;
	ext_certs_len = 0;
	ext_need = 0;
	ext_seen_len = 0;
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	unit_rmtree(root);
	free((void *)P.cpuinfo);
	free((void *)P.tsm_report);
	free((void *)P.sev_guest);
	free((void *)P.tdx_guest);
	free((void *)P.tdx_measurements);
	free((void *)P.uv);
	free((void *)P.tpm);
	return 0;
}

/* ---- detection ------------------------------------------------------------------- */

/* The name of the TEE detected with this cpuinfo (NULL: none). */
static const char *detect(const char *cpuinfo)
{
	const struct tee_ops *t = NULL;
	char err[256];

	if (cpuinfo)
		unit_put(P.cpuinfo, cpuinfo, strlen(cpuinfo));
	assert_int_equal(tee_detect(&P, &t, err, sizeof(err)), 0);
	assert_non_null(t);
	return t->name;
}

static void test_detect_flags(void **state)
{
	const struct tee_ops *t;
	char err[256];

	(void)state;
	assert_string_equal(detect(NULL), "sample"); /* no cpuinfo at all */
	assert_string_equal(detect("processor\t: 0\nflags\t\t: fpu vme sse2\n"), "sample");
	assert_string_equal(detect("processor\t: 0\nflags\t\t: fpu tdx_guest sse2\n"), "tdx");
	assert_string_equal(detect("flags\t\t: fpu sse2 sev_snp\nbogomips: 1\n"), "snp");
	/* Whole words only, and only on the flags line. */
	assert_string_equal(detect("flags\t\t: fpu xsev_snp sev_snp_x\n"), "sample");
	assert_string_equal(detect("model name\t: sev_snp tdx_guest\nflags\t\t: fpu\n"), "sample");
	unit_put(P.cpuinfo, "flags\t\t: tdx_guest sev_snp\n", 28);
	assert_int_equal(tee_detect(&P, &t, err, sizeof(err)), -EINVAL);
	assert_string_equal(err, "both TDX and SNP are advertised; refusing to pick one");
	/* The table: each TEE by its KBS name. */
	assert_string_equal(tee_by_name("sample")->name, "sample");
	assert_true(tee_by_name("sample")->sample);
	assert_string_equal(tee_by_name("snp")->label, "SNP");
	assert_null(tee_by_name("cca"));
}

/* How each TEE binds initdata, and what it checks without it (issue 16,
 * findings 1 and 4): every TEE binds, binds only through the sealed command
 * line, or says why nothing can; where the host sets a launch field or a
 * register takes the digest, "no initdata" is checked too. */
static void test_binding_table(void **state)
{
	static const char *const names[] = { "tdx", "snp", "se", "tpm", "sample" };
	const struct tee_ops *t;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		t = tee_by_name(names[i]);
		assert_non_null(t);
		assert_true(!!t->bind + t->sealed_cmdline_only + !!t->unbound == 1);
	}
	/* SE: the sealed parmfile, never "not bound". */
	t = tee_by_name("se");
	assert_true(t->sealed_cmdline_only);
	assert_null(t->bind);
	assert_null(t->unbound);
	assert_null(t->no_initdata);
	assert_non_null(tee_by_name("snp")->no_initdata);
	assert_non_null(tee_by_name("tdx")->no_initdata);
	assert_non_null(tee_by_name("tpm")->no_initdata);
	assert_null(tee_by_name("sample")->no_initdata);
}

static void test_field_zero(void **state)
{
	uint8_t f[48] = { 0 };
	char err[256] = "";

	(void)state;
	assert_int_equal(tee_field_zero(err, sizeof(err), "TDX MRCONFIGID", f, 48), 0);
	assert_string_equal(err, "");
	f[47] = 0x80;
	assert_int_equal(tee_field_zero(err, sizeof(err), "TDX MRCONFIGID", f, 48), -EINVAL);
	assert_non_null(strstr(err, "TDX MRCONFIGID 0000"));
	assert_non_null(strstr(err, "0080 is set, but no initdata is attached: without initdata "
				    "it must be zero"));
}

static void test_detect_devices(void **state)
{
	(void)state;
	unit_put(P.tpm, "", 0);
	assert_string_equal(detect("flags\t\t: fpu\n"), "tpm");
	unit_put(P.uv, "", 0);
	assert_string_equal(detect("flags\t\t: fpu\n"), "se");
	unit_put(P.sev_guest, "", 0);
	assert_string_equal(detect("flags\t\t: fpu\n"), "snp");
	unlink(P.sev_guest);
	unit_put(P.tdx_guest, "", 0);
	assert_string_equal(detect("flags\t\t: fpu\n"), "tdx");
}

/* ---- SNP ------------------------------------------------------------------------- */

static void test_snp_ioctl_number(void **state)
{
	(void)state;
	/* Our restated struct gives the kernel header's request number. */
	assert_int_equal(sizeof(struct snp_guest_request_ioctl), 32);
	assert_int_equal(sizeof(struct snp_report_req), 96);
	assert_int_equal(sizeof(struct snp_report_resp), 4000);
	assert_int_equal(sizeof(struct snp_ext_report_req), 112);
	/* The driver takes at most SEV_FW_BLOB_MAX_SIZE, in whole pages. */
	assert_int_equal(SNP_EXT_CERTS, 0x4000);
	assert_int_equal(SNP_EXT_CERTS % 4096, 0);
}

static void test_snp_legacy_ok(void **state)
{
	uint8_t ud[64], rep[SNP_REPORT_SIZE];
	char err[256];
	size_t i;

	(void)state;
	for (i = 0; i < 64; i++)
		ud[i] = (uint8_t)(0x55 ^ i);
	unit_put(P.sev_guest, "", 0);
	assert_int_equal(snp_get_report(&P, ud, rep, err, sizeof(err)), 0);
	assert_int_equal(last_request, SNP_GET_REPORT);
	assert_int_equal(last_msg_version, 1);
	assert_memory_equal(last_user_data, ud, 64);
	assert_memory_equal(rep, snp_report, SNP_REPORT_SIZE);
	assert_int_equal(rep[SNP_HOST_DATA_OFF], 0xA0);
}

static void test_snp_legacy_errors(void **state)
{
	uint8_t ud[64] = { 0 }, rep[SNP_REPORT_SIZE];
	char err[256];

	(void)state;
	assert_int_equal(snp_get_report(&P, ud, rep, err, sizeof(err)), -ENOENT);
	assert_non_null(strstr(err, "sev-guest: No such file or directory"));
	unit_put(P.sev_guest, "", 0);
	snp_status = 0x16;
	assert_int_equal(snp_get_report(&P, ud, rep, err, sizeof(err)), -EIO);
	assert_string_equal(err, "SNP_GET_REPORT status 0x16");
	snp_status = 0;
	snp_size = 1000;
	assert_int_equal(snp_get_report(&P, ud, rep, err, sizeof(err)), -EINVAL);
	assert_string_equal(err, "SNP_GET_REPORT report_size 1000, want 1184");
	snp_size = SNP_REPORT_SIZE;
	ioctl_errno = EIO;
	assert_int_equal(snp_get_report(&P, ud, rep, err, sizeof(err)), -EIO);
	assert_non_null(strstr(err, "SNP_GET_REPORT on"));
}

static void test_snp_tsm_ok(void **state)
{
	uint8_t ud[64], rep[SNP_REPORT_SIZE];
	char err[256];
	size_t i;

	(void)state;
	for (i = 0; i < 64; i++)
		ud[i] = (uint8_t)i;
	assert_int_equal(mkdir(P.tsm_report, 0755), 0);
	/* configfs-tsm is preferred even when the legacy device exists. */
	unit_put(P.sev_guest, "", 0);
	last_request = 0;
	assert_int_equal(snp_get_report(&P, ud, rep, err, sizeof(err)), 0);
	assert_int_equal(last_request, 0);
	assert_memory_equal(rep, snp_report, SNP_REPORT_SIZE);
	assert_memory_equal(last_inblob, ud, 64);
	assert_int_equal(rmdir_calls, 1);
}

static void test_snp_tsm_errors(void **state)
{
	uint8_t ud[64] = { 0 }, rep[SNP_REPORT_SIZE];
	char err[256];

	(void)state;
	assert_int_equal(mkdir(P.tsm_report, 0755), 0);
	tsm_provider = "tdx_guest\n";
	assert_int_equal(snp_get_report(&P, ud, rep, err, sizeof(err)), -ENODEV);
	assert_string_equal(err, "configfs-tsm provider is \"tdx_guest\n\", not sev_guest");
	tsm_provider = "sev_guest\n";
	tsm_generation = "2\n";
	assert_int_equal(snp_get_report(&P, ud, rep, err, sizeof(err)), -EBUSY);
	assert_string_equal(err, "configfs-tsm generation is 2\n, want 1: another writer raced");
	tsm_generation = "1\n";
	tsm_outblob_len = 1000;
	assert_int_equal(snp_get_report(&P, ud, rep, err, sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "is 1000 bytes, want 1184"));
	/* Every attempt removed its report entry. */
	assert_int_equal(rmdir_calls, 3);
}

/* SNP_GET_EXT_REPORT on /dev/sev-guest: the report and the host's table. */
static void test_snp_ext_ok(void **state)
{
	static uint8_t certs[SNP_CERTS_MAX], table[100];
	uint8_t ud[64], rep[SNP_REPORT_SIZE];
	char err[256];
	size_t n = 99, i;

	(void)state;
	for (i = 0; i < 64; i++)
		ud[i] = (uint8_t)(0x33 ^ i);
	for (i = 0; i < sizeof(table); i++)
		table[i] = (uint8_t)(i + 1);
	unit_put(P.sev_guest, "", 0);
	ext_certs = table;
	ext_certs_len = sizeof(table);
	memset(certs, 0xEE, sizeof(certs));
	assert_int_equal(snp_get_report_certs(&P, ud, rep, certs, sizeof(certs), &n, err,
					      sizeof(err)), 0);
	assert_int_equal(last_request, SNP_GET_EXT_REPORT);
	assert_int_equal(ioctl_calls, 1);
	assert_int_equal(last_msg_version, 1);
	assert_int_equal(ext_seen_len, 16384);
	assert_memory_equal(last_user_data, ud, 64);
	assert_memory_equal(rep, snp_report, SNP_REPORT_SIZE);
	/* The whole buffer: the host's bytes, then the zeros it was cleared to. */
	assert_int_equal(n, 16384);
	assert_memory_equal(certs, table, sizeof(table));
	for (i = sizeof(table); i < n; i++)
		assert_int_equal(certs[i], 0);

	/* The host gives none: a buffer of zeros (the table's terminator). */
	ext_certs_len = 0;
	memset(certs, 0xEE, sizeof(certs));
	assert_int_equal(snp_get_report_certs(&P, ud, rep, certs, sizeof(certs), &n, err,
					      sizeof(err)), 0);
	assert_int_equal(n, 16384);
	for (i = 0; i < n; i++)
		assert_int_equal(certs[i], 0);

	/* snp_get_report (bind, no_initdata) still asks for no certificates. */
	assert_int_equal(snp_get_report(&P, ud, rep, err, sizeof(err)), 0);
	assert_int_equal(last_request, SNP_GET_REPORT);
}

static void test_snp_ext_fallback_and_errors(void **state)
{
	static uint8_t certs[SNP_CERTS_MAX];
	uint8_t ud[64] = { 0 }, rep[SNP_REPORT_SIZE];
	char err[256];
	size_t n = 99;

	(void)state;
	unit_put(P.sev_guest, "", 0);
	/* More certificates than the driver takes: the report without them. */
	ext_need = 5 * 4096;
	assert_int_equal(snp_get_report_certs(&P, ud, rep, certs, sizeof(certs), &n, err,
					      sizeof(err)), 0);
	assert_int_equal(ioctl_calls, 2);
	assert_int_equal(last_request, SNP_GET_REPORT);
	assert_int_equal(n, 0);
	assert_memory_equal(rep, snp_report, SNP_REPORT_SIZE);
	ext_need = 0;

	snp_status = 0x16;
	assert_int_equal(snp_get_report_certs(&P, ud, rep, certs, sizeof(certs), &n, err,
					      sizeof(err)), -EIO);
	assert_string_equal(err, "SNP_GET_EXT_REPORT status 0x16");
	assert_int_equal(n, 0);
	snp_status = 0;
	snp_size = 1000;
	assert_int_equal(snp_get_report_certs(&P, ud, rep, certs, sizeof(certs), &n, err,
					      sizeof(err)), -EINVAL);
	assert_string_equal(err, "SNP_GET_EXT_REPORT report_size 1000, want 1184");
	snp_size = SNP_REPORT_SIZE;
	/* Any other failure is fatal, not a fallback. */
	ioctl_calls = 0;
	ioctl_errno = EIO;
	assert_int_equal(snp_get_report_certs(&P, ud, rep, certs, sizeof(certs), &n, err,
					      sizeof(err)), -EIO);
	assert_non_null(strstr(err, "SNP_GET_EXT_REPORT on"));
	assert_int_equal(ioctl_calls, 1);
	ioctl_errno = 0;
	/* A buffer smaller than the driver's. */
	assert_int_equal(snp_get_report_certs(&P, ud, rep, certs, 16383, &n, err, sizeof(err)),
			 -EINVAL);
	assert_string_equal(err, "SNP certificate buffer of 16383 bytes, want 16384");

	/* configfs-tsm without an auxblob: no certificates, no ioctl. */
	assert_int_equal(mkdir(P.tsm_report, 0755), 0);
	ioctl_calls = 0;
	n = 99;
	assert_int_equal(snp_get_report_certs(&P, ud, rep, certs, sizeof(certs), &n, err,
					      sizeof(err)), 0);
	assert_int_equal(n, 0);
	assert_int_equal(ioctl_calls, 0);
	assert_int_equal(rmdir_calls, 1);
}

/* ---- TDX ------------------------------------------------------------------------- */

static void test_tdx_sysfs(void **state)
{
	uint8_t want[48], got[48];
	char err[256];
	size_t i;

	(void)state;
	for (i = 0; i < 48; i++)
		want[i] = (uint8_t)(0x30 + i);
	assert_int_equal(mkdir(P.tdx_measurements, 0755), 0);
	unit_put(at(7, "measurements/mrconfigid"), want, 48);
	assert_int_equal(tdx_get_mrconfigid(&P, got, err, sizeof(err)), 0);
	assert_memory_equal(got, want, 48);
	/* A file of the wrong size is an error, not a fallback. */
	unit_put(at(7, "measurements/mrconfigid"), want, 47);
	assert_int_equal(tdx_get_mrconfigid(&P, got, err, sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "is not 48 bytes"));
	unit_put(at(7, "measurements/mrconfigid"), "0123456789012345678901234567890123456789012345678", 49);
	assert_int_equal(tdx_get_mrconfigid(&P, got, err, sizeof(err)), -EINVAL);
}

static void test_tdx_tdreport(void **state)
{
	uint8_t got[48], ud[64], rep[TDX_REPORT_SIZE];
	char err[256];
	size_t i;

	(void)state;
	/* No sysfs file: MRCONFIGID comes from a TDREPORT at offset 576. */
	unit_put(P.tdx_guest, "", 0);
	assert_int_equal(tdx_get_mrconfigid(&P, got, err, sizeof(err)), 0);
	for (i = 0; i < 48; i++)
		assert_int_equal(got[i], 0xC0 + i);
	for (i = 0; i < 64; i++)
		ud[i] = (uint8_t)(200 - i);
	assert_int_equal(tdx_get_report(&P, ud, rep, err, sizeof(err)), 0);
	assert_memory_equal(last_user_data, ud, 64);
	assert_memory_equal(rep, tdreport, TDX_REPORT_SIZE);
	ioctl_errno = EINVAL;
	assert_int_equal(tdx_get_mrconfigid(&P, got, err, sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "TDX_CMD_GET_REPORT0"));
}

/* ---- TPM ------------------------------------------------------------------------- */

static const uint8_t extend_cmd_head[] = {
	0x80, 0x02,             /* TPM_ST_SESSIONS */
	0x00, 0x00, 0x00, 0x41, /* commandSize 65 */
	0x00, 0x00, 0x01, 0x82, /* TPM_CC_PCR_Extend */
	0x00, 0x00, 0x00, 0x08, /* PCR 8 */
	0x00, 0x00, 0x00, 0x09, /* authorizationSize */
	0x40, 0x00, 0x00, 0x09, /* TPM_RS_PW */
	0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x01, /* one digest */
	0x00, 0x0b,             /* TPM_ALG_SHA256 */
};

static void test_tpm_marshal(void **state)
{
	uint8_t buf[128], d[32];
	size_t i;

	(void)state;
	for (i = 0; i < 32; i++)
		d[i] = (uint8_t)(0xf0 ^ i);
	assert_int_equal(tpm_marshal_pcr_extend(buf, 8, d), 65);
	assert_memory_equal(buf, extend_cmd_head, sizeof(extend_cmd_head));
	assert_memory_equal(buf + sizeof(extend_cmd_head), d, 32);
}

static void tpm_reply(const uint8_t *resp, size_t len, int expect, const char *msg)
{
	uint8_t d[32] = { 1 }, cmd[128];
	char err[256] = "";
	int sv[2];

	assert_int_equal(socketpair(AF_UNIX, SOCK_SEQPACKET, 0, sv), 0);
	/* The TPM answers as soon as it reads; queue the answer first. */
	assert_int_equal(write(sv[1], resp, len), (ssize_t)len);
	assert_int_equal(tpm_pcr_extend_fd(sv[0], 8, d, err, sizeof(err)), expect);
	if (msg)
		assert_string_equal(err, msg);
	assert_int_equal(read(sv[1], cmd, sizeof(cmd)), 65);
	assert_memory_equal(cmd, extend_cmd_head, sizeof(extend_cmd_head));
	close(sv[0]);
	close(sv[1]);
}

static void test_tpm_transact(void **state)
{
	static const uint8_t ok[] = { 0x80, 0x02, 0, 0, 0, 19, 0, 0, 0, 0,
				      0, 0, 0, 0, 0, 0, 1, 0, 0 };
	static const uint8_t fail[] = { 0x80, 0x01, 0, 0, 0, 10, 0, 0, 0x01, 0x8b };
	static const uint8_t bad_size[] = { 0x80, 0x01, 0, 0, 0, 12, 0, 0, 0, 0 };
	static const uint8_t short_hdr[] = { 0x80, 0x01, 0, 0, 0 };

	(void)state;
	tpm_reply(ok, sizeof(ok), 0, NULL);
	tpm_reply(fail, sizeof(fail), -EIO, "TPM response code 0x18b");
	tpm_reply(bad_size, sizeof(bad_size), -EIO, "TPM response size field 12, read 10 bytes");
	tpm_reply(short_hdr, sizeof(short_hdr), -EIO, "TPM response of 5 bytes is shorter than its header");
}

static void test_tpm_no_device(void **state)
{
	uint8_t d[32] = { 0 };
	char err[256];

	(void)state;
	assert_int_equal(tpm_pcr_extend(P.tpm, 8, d, err, sizeof(err)), -ENOENT);
	assert_non_null(strstr(err, "tpmrm0: No such file or directory"));
}

int main(void)
{
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
	const struct CMUnitTest tests[] = {
		T(test_detect_flags),
		T(test_detect_devices),
		T(test_snp_ioctl_number),
		T(test_snp_legacy_ok),
		T(test_snp_legacy_errors),
		T(test_snp_tsm_ok),
		T(test_snp_tsm_errors),
		T(test_snp_ext_ok),
		T(test_snp_ext_fallback_and_errors),
		T(test_tdx_sysfs),
		T(test_tdx_tdreport),
		T(test_binding_table),
		T(test_field_zero),
		T(test_tpm_marshal),
		T(test_tpm_transact),
		T(test_tpm_no_device),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
