// SPDX-License-Identifier: Apache-2.0
/*
 * tpm-extend: drives init/tee_tpm.c against swtpm over TCP, so that the
 * hand-marshalled TPM2_PCR_Extend is checked by an independent TPM and read
 * back with tpm2-tools (tests/shell/test_tpm.sh).
 *   tpm-extend PORT PCR HEX-SHA256
 * Exit 0 on success; on failure prints the init's error text, exit 1.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "tee.h"

int main(int argc, char **argv)
{
	struct sockaddr_in sa;
	uint8_t digest[32];
	char err[256];
	unsigned v;
	int fd, i;

	if (argc != 4 || strlen(argv[3]) != 64) {
		fprintf(stderr, "usage: tpm-extend PORT PCR HEX-SHA256\n");
		return 2;
	}
	for (i = 0; i < 32; i++) {
		if (sscanf(argv[3] + 2 * i, "%2x", &v) != 1)
			return 2;
		digest[i] = (uint8_t)v;
	}
	memset(&sa, 0, sizeof(sa));
	sa.sin_family = AF_INET;
	sa.sin_port = htons((uint16_t)atoi(argv[1]));
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	fd = socket(AF_INET, SOCK_STREAM, 0);
	if (fd < 0 || connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		perror("tpm-extend: connect");
		return 1;
	}
	if (tpm_pcr_extend_fd(fd, (uint32_t)atoi(argv[2]), digest, err, sizeof(err)) < 0) {
		printf("%s\n", err);
		return 1;
	}
	close(fd);
	return 0;
}
