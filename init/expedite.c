// SPDX-License-Identifier: Apache-2.0
/* expedite: see expedite.h. */
#include "expedite.h"

#include "file.h"
#include "log.h"

int step_expedite(struct boot *b)
{
	const char *path = b->path.rcu_expedited;
	char value[16];
	size_t len;
	int r;

	b->rcu_expedited = false;
	if (!path)
		return 0;
	r = file_read_all(path, value, sizeof(value), &len);
	if (r < 0) {
		log_errno(r, "expedite: %s left as it is", path);
		return 0;
	}
	if (len > 0 && value[0] != '0') {
		log_info("expedite: RCU grace periods already expedited (the command line's "
			 "rcupdate.rcu_expedited), left so");
		return 0;
	}
	r = file_write_value(path, "1", 1, NULL);
	if (r < 0) {
		log_errno(r, "expedite: %s left as it is", path);
		return 0;
	}
	b->rcu_expedited = true;
	log_info("expedite: RCU grace periods expedited until the agent starts");
	return 0;
}

int expedite_end(const char *path)
{
	return file_write_value(path, "0", 1, NULL);
}
