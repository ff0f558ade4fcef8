// SPDX-License-Identifier: Apache-2.0
/*
 * The benchmark's floor: an /init that prints its start on the in-guest
 * clock (the kernel's share of the floor) and powers the VM off.
 */
#include <stdio.h>
#include <sys/reboot.h>
#include <time.h>
#include <unistd.h>

int main(void)
{
	struct timespec ts;
	char msg[64];
	int n;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	n = snprintf(msg, sizeof(msg), "floor: PID 1 at %ld.%06ld s, powering off\n",
		     (long)ts.tv_sec, ts.tv_nsec / 1000);
	if (n < 0 || write(1, msg, (size_t)n) < 0)
		return 1;
	reboot(RB_POWER_OFF);
	return 1;
}
