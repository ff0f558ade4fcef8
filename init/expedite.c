// SPDX-License-Identifier: Apache-2.0
/* expedite: see expedite.h. */
#include "expedite.h"

#include "file.h"
#include "log.h"

static int set(const char *path, char value)
{
	int r = path ? file_write_value(path, &value, 1, NULL) : 0;

	if (r < 0)
		log_errno(r, "expedite: %s left as it is", path);
	return r;
}

int step_expedite(struct boot *b)
{
	if (b->path.rcu_expedited && set(b->path.rcu_expedited, '1') == 0)
		log_info("expedite: RCU grace periods expedited until the agent starts");
	return 0;
}

void expedite_end(const char *path)
{
	set(path, '0');
}
