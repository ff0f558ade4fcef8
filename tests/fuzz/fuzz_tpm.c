// SPDX-License-Identifier: Apache-2.0
/*
 * libFuzzer harness: the TPM 2.0 response parsers of lib/tpm2.c. Without a
 * confidential-computing TEE the host provides the vTPM, so every response
 * byte is the host's. The init's fd is one end of an AF_UNIX SOCK_SEQPACKET
 * pair, which keeps message boundaries as /dev/tpmrm0 does (one read, one
 * response); the harness queues the responses on the other end before the
 * call, then shuts its sending side, so a read past them sees end of file
 * instead of blocking. Both ends are non-blocking: nothing can hang.
 * Input: byte 0 picks the command, the rest is a list of responses, each
 * a 16-bit big-endian length and that many bytes (at most 256 of them; a
 * response longer than 4096 bytes is cut by the read, as a device would):
 *   0: tpm_pcr_read_all()    (TPM2_PCR_Read, one call per up to 8 PCRs)
 *   1: tpm_quote()           (TPM2_Quote over all 24 PCRs)
 *   2: tpm_ak_spki()         (TPM2_ReadPublic of the AK, to DER)
 *   3: tpm_pcr_extend_fd()   (TPM2_PCR_Extend; tpm_transact() and its retries)
 * usleep() is defined here as a counter, so retry warnings cost no time.
 * Checks: each command the init sent is well formed (size, tag, code; the
 * PCR selection only shrinks); a success returns only bytes the TPM sent
 * (PCR values, attestation and signature, in their caps) or a usable RSA
 * key of 2048 bits or more in DER; a failure is a negative errno with a
 * reason and no output; at most 10 tries per command, and a command is
 * sent again only after a retry warning.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <openssl/evp.h>
#include <openssl/x509.h>

#include "byteorder.h"
#include "tpm2.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

enum { MAX_RESPONSES = 256 };

static unsigned sleeps;

/* tpm_transact() sleeps between retries; the sleep itself is not under test. */
int usleep(useconds_t us)
{
	(void)us;
	sleeps++;
	return 0;
}

/* The responses as queued: for "this came from the TPM" checks. */
static const uint8_t *resp_data;
static size_t resp_size;

static bool from_tpm(const uint8_t *b, size_t n)
{
	return n == 0 || memmem(resp_data, resp_size, b, n) != NULL;
}

/* Queues the responses on sv; returns how many. */
static unsigned queue(int sv, const uint8_t *p, size_t n)
{
	unsigned count = 0;
	size_t len;

	while (n >= 2 && count < MAX_RESPONSES) {
		len = be16(p);
		p += 2;
		n -= 2;
		if (len > n)
			len = n;
		if (send(sv, p, len, MSG_DONTWAIT | MSG_NOSIGNAL) < 0)
			break; /* the socket is full: the rest is not sent */
		p += len;
		n -= len;
		count++;
	}
	return count;
}

/*
 * Reads back the commands the init sent: each well formed for cc, at most
 * 10 of the same before the next differs (retries), the PCR_Read
 * selections only shrinking. Returns how many.
 */
static unsigned commands(int sv, uint32_t cc)
{
	uint8_t cmd[TPM_CMD_MAX + 1], prev[3] = { 0xff, 0xff, 0xff };
	unsigned count = 0;
	ssize_t n;

	while ((n = recv(sv, cmd, sizeof(cmd), MSG_DONTWAIT)) > 0) {
		if (n < 10 || n > TPM_CMD_MAX || be32(cmd + 2) != (uint32_t)n || be32(cmd + 6) != cc)
			abort();
		if (be16(cmd) != (cc == 0x17E || cc == 0x173 ? 0x8001 : 0x8002))
			abort();
		if (cc == 0x17E) {
			/* count 1, SHA-256, sizeofSelect 3, a non-empty subset of the last. */
			if (n != 20 || be32(cmd + 10) != 1 || be16(cmd + 14) != 0x000B || cmd[16] != 3)
				abort();
			if (!(cmd[17] | cmd[18] | cmd[19]) || (cmd[17] & ~prev[0]) ||
			    (cmd[18] & ~prev[1]) || (cmd[19] & ~prev[2]))
				abort();
			memcpy(prev, cmd + 17, 3);
		}
		count++;
	}
	return count;
}

static void check_err(int r, const char *err, size_t errlen)
{
	if (r >= 0 || !memchr(err, '\0', errlen) || !err[0])
		abort();
	if (r != -EIO && r != -EINVAL && r != -EAGAIN && r != -EPIPE && r != -ECONNRESET &&
	    r != -EMSGSIZE && r != -ENOBUFS)
		abort();
}

static void pcr_read(int fd, unsigned sent)
{
	static uint8_t pcrs[TPM_PCRS][32];
	char err[256];
	unsigned i;
	int r;

	memset(err, 'x', sizeof(err));
	r = tpm_pcr_read_all(fd, pcrs, err, sizeof(err));
	if (r < 0) {
		check_err(r, err, sizeof(err));
		return;
	}
	if (r != 0 || sent == 0)
		abort();
	for (i = 0; i < TPM_PCRS; i++)
		if (!from_tpm(pcrs[i], 32))
			abort(); /* every PCR value is one the TPM sent */
}

static void quote(int fd)
{
	static const uint8_t qd[TPM_QD_MAX] = "fuzz qualifying data: report data of the KBS nonce";
	uint8_t *attest = malloc(TPM_ATTEST_MAX), *sig = malloc(TPM_SIG_MAX);
	size_t alen = 7777, slen = 7777;
	char err[256];
	int r;

	if (!attest || !sig)
		abort();
	memset(err, 'x', sizeof(err));
	r = tpm_quote(fd, TPM_AK_HANDLE, qd, sizeof(qd), attest, &alen, sig, &slen, err,
		      sizeof(err));
	if (r < 0) {
		check_err(r, err, sizeof(err));
		if (alen != 7777 || slen != 7777)
			abort(); /* nothing half-written */
	} else {
		if (r != 0 || alen > TPM_ATTEST_MAX || slen > TPM_SIG_MAX || slen < 6)
			abort();
		if (!from_tpm(attest, alen) || !from_tpm(sig, slen))
			abort();
		if (be16(sig) == 0x0010)
			abort(); /* TPM_ALG_NULL is no signature */
	}
	free(attest);
	free(sig);
}

static void ak(int fd)
{
	uint8_t *der = NULL;
	const unsigned char *p;
	size_t len = 0;
	EVP_PKEY *k;
	char err[256];
	int r;

	memset(err, 'x', sizeof(err));
	r = tpm_ak_spki(fd, TPM_AK_HANDLE, &der, &len, err, sizeof(err));
	if (r < 0) {
		check_err(r, err, sizeof(err));
		if (der || len)
			abort();
		return;
	}
	if (r != 0 || !der || len == 0)
		abort();
	p = der;
	k = d2i_PUBKEY(NULL, &p, (long)len);
	if (!k || p != der + len || EVP_PKEY_get_base_id(k) != EVP_PKEY_RSA)
		abort();
	/* tpm_ak_spki() refuses "an RSA key of" less than 2048 bits. */
	if (EVP_PKEY_get_bits(k) < 2048)
		abort();
	EVP_PKEY_free(k);
	free(der);
}

static void extend(int fd)
{
	static const uint8_t digest[32] = "initdata digest, 32 bytes long.";
	char err[256];
	int r;

	memset(err, 'x', sizeof(err));
	r = tpm_pcr_extend_fd(fd, 8, digest, err, sizeof(err));
	if (r < 0)
		check_err(r, err, sizeof(err));
	else if (r != 0)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const uint32_t cc[] = { 0x17E, 0x158, 0x173, 0x182 };
	unsigned sent, got, which;
	int sv[2];

	if (size < 1)
		return 0;
	which = data[0] % 4;
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_NONBLOCK | SOCK_CLOEXEC, 0, sv) < 0)
		abort();
	resp_data = data + 1;
	resp_size = size - 1;
	sent = queue(sv[1], data + 1, size - 1);
	shutdown(sv[1], SHUT_WR);
	sleeps = 0;
	switch (which) {
	case 0:
		pcr_read(sv[0], sent);
		break;
	case 1:
		quote(sv[0]);
		break;
	case 2:
		ak(sv[0]);
		break;
	default:
		extend(sv[0]);
		break;
	}
	got = commands(sv[1], cc[which]);
	if (got == 0 || sleeps > 10 * got)
		abort();
	if (which != 0 && (got > 10 || sleeps > 10))
		abort(); /* at most 10 tries of one command */
	/*
	 * A command is sent again only after a retry warning, which is one
	 * response: so one command per response, plus the one that found none.
	 */
	if (got > sent + 1)
		abort();
	close(sv[0]);
	close(sv[1]);
	return 0;
}
