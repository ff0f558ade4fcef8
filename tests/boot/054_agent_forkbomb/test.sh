#!/bin/sh
# 054_agent_forkbomb: the agent forks without end, every child forking
# too, for three seconds, then dies (SIGALRM, or the memory cgroup's OOM
# killer first). The bomb meets the agent cgroup's pids.max or memory.max,
# whichever comes first on this run. The init, PID 1, survives: it reaps,
# wipes the secret, stops the rest with SIGTERM and SIGKILL, and powers off
# within the time limit.
. "$TOP/tests/lib/boot.sh"
. "$TOP/tests/lib/kbs.sh"
. "$TOP/tests/lib/fault.sh"

fault_boot forkbomb sealroot.grace_ms=2000
expect_log "sealroot-test: fork bomb"
expect_log "agent: cgroup /sys/fs/cgroup/sealroot-agent: pids.max"
grep -qE "agent: pid [0-9]+ killed by signal (14|9) " "$LOG" ||
	case_fail "the agent did not end by SIGALRM or the cgroup's OOM killer"
expect_ordered_shutdown
