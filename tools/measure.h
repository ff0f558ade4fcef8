/* SPDX-License-Identifier: Apache-2.0 */
/*
 * measure: the launch-measurement calculators behind `sealroot-measure`
 * (measure_snp.c, measure_tdx.c). Each takes the arguments after its
 * subcommand name (argv[0] is "snp" or "tdx"), prints hex to stdout and
 * returns the process exit status (0 ok, 1 bad input, 2 usage).
 */
#ifndef SEALROOT_MEASURE_H
#define SEALROOT_MEASURE_H

int measure_snp_main(int argc, char **argv);
int measure_tdx_main(int argc, char **argv);

#endif
