#!/bin/sh
# 053_agent_ignores_sigterm: the agent leaves a child that ignores SIGTERM
# and exits. The agent is PID 1 of its own PID namespace, which the kernel
# empties with SIGKILL when the agent exits: the child does not outlive it,
# and the shutdown's SIGTERM/SIGKILL sweep (grace sealroot.grace_ms=1000)
# finds nothing left.
. "$TOP/tests/lib/boot.sh"
. "$TOP/tests/lib/kbs.sh"
. "$TOP/tests/lib/fault.sh"

fault_boot ignore-term sealroot.grace_ms=1000
expect_log "sealroot-test: child"
expect_log "ignores SIGTERM"
expect_log "sealroot-test: agent exits, leaving its child"
expect_log "agent: pid"
expect_log "shutdown: stopping all processes (grace 1000 ms)"
expect_no_log "processes left after the grace period"
expect_ordered_shutdown
