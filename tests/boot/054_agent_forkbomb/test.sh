#!/bin/sh
# 054_agent_forkbomb: the agent forks without end, every child forking
# too, for three seconds, then exits (its SIGALRM handler: exit 142), or
# the memory cgroup's OOM killer ends it first. The bomb meets the agent
# cgroup's pids.max or memory.max, whichever comes first on this run. The
# agent is PID 1 of its own namespace, so its exit kills every bomb
# process with it. The init, PID 1, survives: it reaps, wipes the secret,
# and powers off within the time limit.
. "$TOP/tests/lib/boot.sh"
. "$TOP/tests/lib/kbs.sh"
. "$TOP/tests/lib/fault.sh"

fault_boot forkbomb sealroot.grace_ms=2000
expect_log "sealroot-test: fork bomb"
expect_log "agent: cgroup /sys/fs/cgroup/sealroot-agent: pids.max"
grep -qE "agent: pid [0-9]+ (exited with status 142|killed by signal 9 )" "$LOG" ||
	case_fail "the agent did not end by its SIGALRM handler or the cgroup's OOM killer"
expect_ordered_shutdown
