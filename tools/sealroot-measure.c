// SPDX-License-Identifier: Apache-2.0
/*
 * sealroot-measure: precomputes the launch measurements a verifier expects
 * for a bundle (docs/bundles.md, reference-values.json).
 *   sealroot-measure snp --ovmf F --kernel F --initrd F --append S --vcpus N
 *                        --vcpu-type T --guest-features 0xN   -> the SNP launch digest
 *   sealroot-measure tdx ...                                   -> MRTD, RTMR1, RTMR2
 * Flags follow virtee/sev-snp-measure where they overlap. Output is hex.
 */
#include <stdio.h>
#include <string.h>

#include "measure.h"

int main(int argc, char **argv)
{
	if (argc >= 2 && strcmp(argv[1], "snp") == 0)
		return measure_snp_main(argc - 1, argv + 1);
	if (argc >= 2 && strcmp(argv[1], "tdx") == 0)
		return measure_tdx_main(argc - 1, argv + 1);
	fprintf(stderr, "usage: sealroot-measure snp|tdx [options] (--help for each)\n");
	return 2;
}
