#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# PID-1 behaviour of the init's test build under `unshare -fp`: the init is
# PID 1 of a fresh PID namespace, with a shell script as its agent.
# The test build differs from the real init only in that poweroff exits, and
# that SEALROOT_STEPS, SEALROOT_AGENT, SEALROOT_GRACE_MS, SEALROOT_RCU_EXPEDITED
# and SEALROOT_PROC pick steps, paths and settings (init/main.c test_select).

TOP=$(cd "$(dirname "$0")/../.." && pwd)
INIT=${SEALROOT_TEST_INIT:-$TOP/build/test/sealroot-init-test}

oneTimeSetUp() {
	[ -x "$INIT" ] || fail "no test init at $INIT (make test-bins)"
	WORK=$(mktemp -d)
	# What the agent scripts share; they source it from beside themselves.
	cat >"$WORK/agent-lib.sh" <<'LIB'
# orphans N: N children that double-fork, so N grandchildren are orphaned
# onto PID 1 and exit at once; then 1 s for PID 1 to reap them.
orphans() {
	i=0
	while [ $i -lt "$1" ]; do
		( /bin/true & )
		i=$((i + 1))
	done
	sleep 1
}
# state PID: the one-letter state of PID (R, S, T, Z, ...).
state() {
	read -r line <"/proc/$1/stat" 2>/dev/null || return 1
	line=${line##*) }
	echo "${line%% *}"
}
# zombies: how many processes are zombies now.
zombies() {
	z=0
	for s in /proc/[0-9]*; do
		[ "$(state "${s#/proc/}")" = Z ] && z=$((z + 1))
	done
	echo "$z"
}
LIB
}

oneTimeTearDown() {
	rm -rf "$WORK"
}

# run_init AGENT_SCRIPT [GRACE_MS]: runs the init as PID 1 of a new PID
# namespace, output in $WORK/out, exit code in $RC.
run_init() {
	SEALROOT_STEPS=agent SEALROOT_AGENT=$1 SEALROOT_GRACE_MS=${2:-2000} \
		timeout 60 unshare -fp --mount-proc "$INIT" >"$WORK/out" 2>&1
	RC=$?
}

# run_init_signalled AGENT_SCRIPT GRACE_MS SIGNAL: as run_init, and once
# the agent has written "$AGENT_SCRIPT.ready", sends SIGNAL to the
# namespace's PID 1 (unshare's child), then waits for the init's end.
run_init_signalled() {
	rm -f "$1.ready"
	SEALROOT_STEPS=agent SEALROOT_AGENT=$1 SEALROOT_GRACE_MS=$2 \
		timeout 60 unshare -fp --mount-proc "$INIT" >"$WORK/out" 2>&1 &
	bg=$!
	i=0
	while [ ! -e "$1.ready" ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
	ns_init=$(pgrep -P "$(pgrep -P $bg -x unshare)" -x sealroot-init-t)
	[ -z "$ns_init" ] && ns_init=$(pgrep -f "^$INIT\$" | head -n 1)
	assertNotNull "found the namespace's PID 1" "$ns_init"
	kill -"$3" "$ns_init"
	wait $bg
	RC=$?
}

# run_expedite STEPS RCU_FILE AGENT: as run_init, with SEALROOT_STEPS=STEPS
# and the RCU switch (expedite.h) at RCU_FILE.
run_expedite() {
	SEALROOT_STEPS=$1 SEALROOT_RCU_EXPEDITED=$2 SEALROOT_AGENT=$3 \
		timeout 60 unshare -fp --mount-proc "$INIT" >"$WORK/out" 2>&1
	RC=$?
}

# rcu_agent: an agent that prints the switch at $WORK/rcu as it starts.
rcu_agent() {
	agent rcu.sh <<AG
#!/bin/sh
echo "agent saw rcu_expedited=\$(cat "$WORK/rcu")"
AG
}

agent() {
	f=$WORK/$1
	cat >"$f"
	chmod 0755 "$f"
	echo "$f"
}

test_zombies_are_reaped() {
	# 50 double-forked children: each grandchild is orphaned onto PID 1
	# and exits at once. After 1 s none may be left as a zombie.
	a=$(agent zombies.sh <<'AG'
#!/bin/sh
. "$(dirname "$0")/agent-lib.sh"
orphans 50
z=$(zombies)
echo "zombies=$z"
exit "$z"
AG
)
	run_init "$a"
	assertEquals "init exit code" 0 "$RC"
	assertContains "$(cat "$WORK/out")" "zombies=0"
	assertContains "$(cat "$WORK/out")" "exited with status 0"
}

test_stress_1000_double_forks() {
	# Two rounds of 1,000 short-lived children that double-fork, so 1,000
	# orphans per round land on PID 1. After each round and 1 s: no zombie.
	# PID 1's resident memory after round 2 is not above round 1's (plus
	# one page for noise): reaping does not leak.
	a=$(agent stress.sh <<'AG'
#!/bin/sh
. "$(dirname "$0")/agent-lib.sh"
round() {
	orphans 1000
	z=$(zombies)
	rss=$(sed -n 's/^VmRSS:[[:space:]]*\([0-9]*\) kB/\1/p' /proc/1/status)
	echo "round $1: zombies=$z rss_kb=$rss"
}
round 1
round 2
AG
)
	run_init "$a"
	out=$(cat "$WORK/out")
	assertEquals "init exit code: $out" 0 "$RC"
	assertContains "$out" "round 1: zombies=0 "
	assertContains "$out" "round 2: zombies=0 "
	r1=$(printf '%s\n' "$out" | sed -n 's/^round 1: .*rss_kb=\([0-9]*\)$/\1/p')
	r2=$(printf '%s\n' "$out" | sed -n 's/^round 2: .*rss_kb=\([0-9]*\)$/\1/p')
	assertNotNull "PID 1's RSS was read" "$r1"
	assertTrue "PID 1's RSS grew from $r1 kB to $r2 kB" "[ '$r2' -le $((r1 + 4)) ]"
}

test_sigterm_reaches_agent() {
	a=$(agent term.sh <<'AG'
#!/bin/sh
trap 'echo "agent: got SIGTERM"; exit 0' TERM
echo ready >"$0.ready"
while :; do sleep 0.1; done
AG
)
	run_init_signalled "$a" 2000 TERM
	out=$(cat "$WORK/out")
	assertEquals "init exit code" 0 "$RC"
	assertContains "$out" "forwarding signal 15 to the agent"
	assertContains "$out" "agent: got SIGTERM"
	assertContains "$out" "shutdown: complete"
}

test_agent_exit_leads_to_shutdown() {
	a=$(agent exit7.sh <<'AG'
#!/bin/sh
echo "agent: bye"
exit 7
AG
)
	run_init "$a"
	out=$(cat "$WORK/out")
	assertEquals "init exit code" 0 "$RC"
	assertContains "$out" "exited with status 7"
	# The order: agent exit, then shutdown, then poweroff, and nothing after.
	assertEquals "order" "exited with status 7|shutdown: stopping|shutdown: complete|poweroff" \
		"$(grep -o 'exited with status 7\|shutdown: stopping\|shutdown: complete\|poweroff' "$WORK/out" | paste -sd'|')"
	assertEquals "poweroff is the last line" 1 "$(tail -n 1 "$WORK/out" | grep -c poweroff)"
}

test_agent_crash_leads_to_shutdown() {
	# A real fault: the agent is PID 1 of its own PID namespace, and the
	# kernel drops a signal sent to such a process that has no handler for
	# it (kill -SEGV $$ would do nothing), but never a CPU fault's.
	a=$(agent crash.sh <<'AG'
#!/bin/sh
exec python3 -c 'import ctypes; ctypes.string_at(0)'
AG
)
	run_init "$a"
	assertEquals "init exit code" 0 "$RC"
	assertContains "$(cat "$WORK/out")" "killed by signal 11"
	assertContains "$(cat "$WORK/out")" "shutdown: complete"
}

test_agent_runs_in_init_mode() {
	# The agent is PID 1 of a PID namespace of its own, with a /proc of
	# that namespace, and no session of its own: the kata-agent takes init
	# mode from getpid() == 1 and calls setsid() itself, which fails for a
	# session leader (kata-containers 7c6ba40c src/agent/src/main.rs main,
	# init_agent_as_init).
	a=$(agent ns.sh <<'AG'
#!/bin/sh
set -- /proc/[0-9]*
echo "pid=$$ ppid=$PPID procs=$#"
python3 -c 'import os; print("sid_leader=%d" % (os.getsid(0) == os.getpid())); os.setsid(); print("setsid=ok")'
AG
)
	run_init "$a"
	out=$(cat "$WORK/out")
	assertEquals "init exit code" 0 "$RC"
	# Its /proc shows its own namespace: itself alone, not PID 1 above it.
	assertContains "$out" "pid=1 ppid=0 procs=1"
	assertContains "$out" "sid_leader=0"
	assertContains "$out" "setsid=ok"
}

test_rcu_expedited_for_the_boot_only() {
	# expedite.h: step expedite writes 1 to the kernel's rcu_expedited;
	# the agent's child writes 0 back before the exec, so the agent reads 0.
	printf '0\n' >"$WORK/rcu"
	a=$(rcu_agent)
	run_expedite expedite "$WORK/rcu" "$a"
	assertEquals "after step expedite alone" 1 "$(cat "$WORK/rcu")"
	assertContains "$(cat "$WORK/out")" "expedite: RCU grace periods expedited until the agent starts"
	printf '0\n' >"$WORK/rcu"
	run_expedite expedite,agent "$WORK/rcu" "$a"
	assertEquals "init exit code" 0 "$RC"
	assertContains "$(cat "$WORK/out")" "agent saw rcu_expedited=0"
	assertEquals "after the agent's start" 0 "$(cat "$WORK/rcu")"
}

test_rcu_expedited_left_on_when_the_command_line_chose_it() {
	# Kata's Go runtime boots with rcupdate.rcu_expedited=1
	# (kata-containers 7c6ba40c src/runtime/virtcontainers/qemu_amd64.go
	# kernelParams): the init leaves it on, and the agent finds it on.
	printf '1\n' >"$WORK/rcu"
	run_expedite expedite,agent "$WORK/rcu" "$(rcu_agent)"
	assertEquals "init exit code" 0 "$RC"
	assertContains "$(cat "$WORK/out")" "expedite: RCU grace periods already expedited"
	assertContains "$(cat "$WORK/out")" "agent saw rcu_expedited=1"
	assertEquals "after the agent's start" 1 "$(cat "$WORK/rcu")"
}

test_rcu_expedited_not_turned_off_is_fatal() {
	# The agent's child cannot turn off what step expedite turned on: the
	# agent never starts. Here the file lies in the directory the child
	# mounts its own proc on (SEALROOT_PROC), so it is gone in the child.
	mkdir -p "$WORK/proc-rcu"
	a=$(agent rcu-never.sh <<'AG'
#!/bin/sh
echo "agent: started"
AG
)
	SEALROOT_STEPS=expedite,agent SEALROOT_AGENT=$a SEALROOT_PROC=$WORK/proc-rcu \
		SEALROOT_RCU_EXPEDITED=$WORK/proc-rcu/rcu timeout 60 unshare -fp --mount-proc \
		sh -c 'mount -t tmpfs none "$1" && printf "0\n" >"$1/rcu" && exec "$2"' sh \
		"$WORK/proc-rcu" "$INIT" >"$WORK/out" 2>&1
	RC=$?
	out=$(cat "$WORK/out")
	assertEquals "init exit code" 1 "$RC"
	assertContains "$out" "expedite: RCU grace periods expedited until the agent starts"
	assertContains "$out" "sealroot: FATAL agent: turning RCU expediting off for $a: No such file or directory"
	assertNotContains "$out" "agent: started"
}

test_rcu_expedited_unwritable_is_not_fatal() {
	# A kernel without the file (or refusing the value) costs time, never
	# the boot: one line, and the agent still starts.
	a=$(agent rcu-missing.sh <<'AG'
#!/bin/sh
echo "agent: started"
AG
)
	run_expedite expedite,agent "$WORK/no-such-dir/rcu" "$a"
	assertEquals "init exit code" 0 "$RC"
	assertContains "$(cat "$WORK/out")" "expedite: $WORK/no-such-dir/rcu left as it is: No such file or directory"
	assertContains "$(cat "$WORK/out")" "agent: started"
	assertNotContains "$(cat "$WORK/out")" "FATAL"
	assertFalse "nothing was created" "[ -e '$WORK/no-such-dir' ]"
}

test_agent_ignoring_sigterm_is_killed_after_grace() {
	# No TERM handler: as PID 1 of its namespace the agent never sees the
	# forwarded SIGTERM; after the grace period PID 1 sends SIGKILL.
	a=$(agent deaf.sh <<'AG'
#!/bin/sh
echo ready >"$0.ready"
while :; do sleep 0.1; done
AG
)
	run_init_signalled "$a" 500 TERM
	out=$(cat "$WORK/out")
	assertEquals "init exit code" 0 "$RC"
	assertContains "$out" "forwarding signal 15 to the agent"
	assertContains "$out" "the agent did not stop within 500 ms, sending SIGKILL"
	assertContains "$out" "killed by signal 9"
	assertContains "$out" "shutdown: complete"
}

test_agent_descendants_die_with_agent() {
	# The agent leaves a child that ignores SIGTERM and one that has
	# stopped itself, then exits. They are in its PID namespace, which the
	# kernel empties with SIGKILL when its first process exits: nothing is
	# left for the shutdown's SIGTERM/SIGKILL sweep.
	# The agent waits for both children to be in place: it used to exit
	# at times before the stubborn one had printed its line.
	a=$(agent leaver.sh <<'AG'
#!/bin/sh
. "$(dirname "$0")/agent-lib.sh"
up=$(dirname "$0")/stubborn.up
rm -f "$up"
sh -c "trap '' TERM; echo stubborn started; : >'$up'; while :; do sleep 0.1; done" &
sh -c 'kill -STOP $$; while :; do sleep 0.1; done' &
c=$!
i=0
while { [ "$(state $c)" != T ] || [ ! -e "$up" ]; } && [ $i -lt 100 ]; do
	sleep 0.05
	i=$((i + 1))
done
echo "child $c: $(state $c)"
exit 0
AG
)
	run_init "$a" 300
	out=$(cat "$WORK/out")
	assertEquals "init exit code" 0 "$RC"
	assertContains "$out" "stubborn started"
	assertContains "$out" ": T"
	assertContains "$out" "exited with status 0"
	assertNotContains "$out" "processes left"
	assertContains "$out" "shutdown: complete"
}

test_missing_agent_is_fatal() {
	run_init "$WORK/no-such-agent"
	out=$(cat "$WORK/out")
	assertEquals "init exit code" 1 "$RC"
	assertContains "$out" "sealroot: FATAL agent: $WORK/no-such-agent: No such file or directory"
	assertNotContains "$out" "shutdown: complete"
}

test_unexecutable_agent_is_fatal() {
	printf 'not a program' >"$WORK/noexec"
	chmod 0644 "$WORK/noexec"
	run_init "$WORK/noexec"
	assertEquals "init exit code" 1 "$RC"
	assertContains "$(cat "$WORK/out")" "sealroot: FATAL agent: exec $WORK/noexec: Permission denied"
}

# run_wipe AGENT: the init as PID 1, as run_init, inside a mount namespace of
# its own with a fresh tmpfs on /run (never the host's /run). Before the init
# starts, /run/sealroot/secrets holds a 16-byte secret ".key" and /run/keep
# a file outside it; this shell keeps ".key" open (fd 7), as a process that
# outlives the wipe would. Prints "left:" with what is left in the secrets
# directory ("no directory" when it is gone), "read:" with the bytes read through fd 7 in hex, "keep:" with
# /run/keep; the init's output goes to $WORK/out and its exit code to $RC.
run_wipe() {
	# shellcheck disable=SC2016 # expanded by the inner shell
	res=$(SEALROOT_STEPS=agent SEALROOT_AGENT=$1 SEALROOT_GRACE_MS=2000 \
		timeout 60 unshare -m sh -c '
		mount -t tmpfs tmpfs /run || exit 90
		mkdir -p /run/sealroot/secrets || exit 91
		printf "sixteen byte key" >/run/sealroot/secrets/.key
		printf "not a secret" >/run/keep
		exec 7</run/sealroot/secrets/.key
		unshare -fp --mount-proc "$0" >"$1" 2>&1
		echo "rc=$?"
		if [ -e /run/sealroot/secrets ]; then
			echo "left:$(ls -A /run/sealroot/secrets)"
		else
			echo "left:no directory"
		fi
		echo "read:$(od -An -v -tx1 <&7 | tr -d " \n")"
		echo "keep:$(cat /run/keep)"' "$INIT" "$WORK/out")
	RC=$(printf '%s\n' "$res" | sed -n 's/^rc=//p')
}

# shutdown: a secret kept open reads as zeros of its length afterwards,
# dot-file or not, and /run/keep beside it keeps its bytes.
test_shutdown_wipe_zeros_open_secret() {
	a=$(agent bye.sh <<'AG'
#!/bin/sh
exit 0
AG
)
	run_wipe "$a"
	out=$(cat "$WORK/out")
	assertEquals "init exit code: $out" 0 "$RC"
	assertContains "$out" "shutdown: wiped 1 secret file from /run/sealroot/secrets"
	assertContains "$res" "read:00000000000000000000000000000000"
	assertContains "$res" "keep:not a secret"
	assertContains "$res" "left:no directory"
}

# The fatal path (here: no agent) wipes the same way before its FATAL line.
test_fatal_wipe_zeros_open_secret() {
	run_wipe "$WORK/no-such-agent"
	out=$(cat "$WORK/out")
	assertEquals "init exit code: $out" 1 "$RC"
	assertContains "$out" "sealroot: FATAL agent: $WORK/no-such-agent: No such file or directory"
	assertContains "$res" "read:00000000000000000000000000000000"
	assertContains "$res" "keep:not a secret"
	assertContains "$res" "left:no directory"
}

. shunit2
