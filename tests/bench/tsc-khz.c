// SPDX-License-Identifier: Apache-2.0
/*
 * tsc-khz: prints the host's TSC frequency in kHz, measured against
 * CLOCK_MONOTONIC_RAW over 200 ms. Under TCG a guest's TSC is the host's
 * (QEMU cpu_get_ticks() reads it), and a microvm guest, which has no PIT
 * to calibrate against, takes its rate from tsc_early_khz: given this
 * figure, the guest's clock keeps the host's time, and the benchmark can
 * set in-guest times beside wall-clock ones (tests/bench/boot.sh).
 */
#include <stdint.h>
#include <stdio.h>
#include <time.h>
#include <x86intrin.h>

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC_RAW, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int main(void)
{
	double t0, t1;
	uint64_t c0, c1;

	t0 = now();
	c0 = __rdtsc();
	do
		t1 = now();
	while (t1 - t0 < 0.2);
	c1 = __rdtsc();
	printf("%.0f\n", (double)(c1 - c0) / (t1 - t0) / 1e3);
	return 0;
}
