#!/bin/sh
# 054_agent_forkbomb: the agent forks until the kernel refuses (pid_max),
# every child forking too, for three seconds, then dies (SIGALRM). The
# init, PID 1, survives: it reaps, stops the rest with SIGTERM and SIGKILL,
# and powers off within the time limit.
. "$TOP/tests/lib/boot.sh"
. "$TOP/tests/lib/kbs.sh"
. "$TOP/tests/lib/fault.sh"

fault_boot forkbomb sealroot.grace_ms=2000
expect_log "sealroot-test: fork bomb"
expect_log "sealroot-test: fork refused after"
expect_log "killed by signal 14"
expect_ordered_shutdown
