// SPDX-License-Identifier: Apache-2.0
/* The benchmark's floor: an /init that only powers the VM off. */
#include <sys/reboot.h>
#include <unistd.h>

int main(void)
{
	static const char msg[] = "floor: powering off\n";

	if (write(1, msg, sizeof(msg) - 1) < 0)
		return 1;
	reboot(RB_POWER_OFF);
	return 1;
}
