// SPDX-License-Identifier: Apache-2.0
/*
 * tpm-tool: drives lib/tpm2.c (the commands init/tee/tpm.c sends) against swtpm over TCP, so that the
 * hand-marshalled commands are checked by an independent TPM, and their
 * results by tpm2-tools and Python (tests/shell/test_tpm.sh).
 *   tpm-tool PORT extend PCR HEX-SHA256
 *   tpm-tool PORT quote HEX-1..64-BYTES OUTDIR (writes message, signature,
 *                                              pcrs (24 x 32 bytes), ak.der)
 * Exit 0 on success; on failure prints the init's error text, exit 1.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "tpm2.h"

static int hex(const char *s, uint8_t *out, size_t n)
{
	unsigned v;
	size_t i;

	if (strlen(s) != 2 * n)
		return -1;
	for (i = 0; i < n; i++) {
		if (sscanf(s + 2 * i, "%2x", &v) != 1)
			return -1;
		out[i] = (uint8_t)v;
	}
	return 0;
}

static int save(const char *dir, const char *name, const void *d, size_t n)
{
	char path[512];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "wb");
	if (!f || fwrite(d, 1, n, f) != n || fclose(f) != 0)
		return -1;
	return 0;
}

int main(int argc, char **argv)
{
	static uint8_t attest[TPM_ATTEST_MAX], sig[TPM_SIG_MAX], pcrs[TPM_PCRS][32];
	struct sockaddr_in sa;
	uint8_t digest[TPM_QD_MAX], *der = NULL;
	size_t alen, slen, dlen;
	char err[256];
	int fd;

	if (argc < 5) {
		fprintf(stderr, "usage: tpm-tool PORT extend PCR HEX | PORT quote HEX OUTDIR\n");
		return 2;
	}
	memset(&sa, 0, sizeof(sa));
	sa.sin_family = AF_INET;
	sa.sin_port = htons((uint16_t)atoi(argv[1]));
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	fd = socket(AF_INET, SOCK_STREAM, 0);
	if (fd < 0 || connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		perror("tpm-tool: connect");
		return 1;
	}
	if (strcmp(argv[2], "extend") == 0) {
		if (hex(argv[4], digest, 32) < 0)
			return 2;
		if (tpm_pcr_extend_fd(fd, (uint32_t)atoi(argv[3]), digest, err, sizeof(err)) < 0) {
			printf("%s\n", err);
			return 1;
		}
	} else if (strcmp(argv[2], "quote") == 0 && argc == 5) {
		size_t qd_len = strlen(argv[3]) / 2;

		if (qd_len == 0 || qd_len > TPM_QD_MAX || hex(argv[3], digest, qd_len) < 0)
			return 2;
		if (tpm_pcr_read_all(fd, pcrs, err, sizeof(err)) < 0 ||
		    tpm_quote(fd, TPM_AK_HANDLE, digest, qd_len, attest, &alen, sig, &slen, err,
			      sizeof(err)) < 0 ||
		    tpm_ak_spki(fd, TPM_AK_HANDLE, &der, &dlen, err, sizeof(err)) < 0) {
			printf("%s\n", err);
			return 1;
		}
		if (save(argv[4], "message", attest, alen) < 0 || save(argv[4], "signature", sig, slen) < 0 ||
		    save(argv[4], "pcrs", pcrs, sizeof(pcrs)) < 0 || save(argv[4], "ak.der", der, dlen) < 0) {
			perror("tpm-tool: save");
			return 1;
		}
		free(der);
	} else {
		return 2;
	}
	close(fd);
	return 0;
}
