#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# tests/bench/boot.sh [OUTDIR] [RUNS]: boot-time figures for a bundle (a
# benchmark script, not a test: it prints numbers and asserts nothing).
# Median of RUNS (default 5) of four boots:
#   - microvm: the test runner's machine (tests/lib/qemu.sh), QEMU start to
#     the agent's first line ("sealroot-test: agent running");
#   - floor: the same kernel on the same machine (the same console)
#     booting a trivial /init that prints its start on the in-guest clock
#     and powers off, QEMU start to QEMU exit; and the ratio of the two: of
#     the medians, and the median of each run's own ratio (a run's boots
#     follow each other, so a slow spell of the host weighs on both);
#   - q35: the bundle started as Kata's Go runtime starts it in the coco-dev
#     configuration (tests/lib/kata-shape.sh ks_go_coco_dev), to the marker;
#   - attested: microvm with the network and the local test KBS
#     (tests/lib/kbs.sh), the initdata asking for one resource, as
#     tests/boot/020_attest_ok does, to the marker;
# and, for each boot, what passed before the guest's clock started (QEMU
# start to the kernel's clock: the wall-clock time less the marker's own
# uptime; the floor's includes its power-off), the guest's clock at the
# marker (the floor's: at its PID 1), the kernel's time (kernel start to
# PID 1's start, the floor's too), the init's own time (PID-1 start to
# agent exec) and every step's time, from the in-guest clock in the init's
# "step X: ok (N s)" lines, so that a regression shows where it came from;
# then the sizes of the root image, the kernel and the init.
# BENCH_APPEND: words appended to the bundle's command line on the microvm
# and attested boots, to measure a choice (sealroot.verity_scan=full, say).
# BENCH_KEEP=1 keeps the work directory, with every console log.
# TCG timings vary between runs and with the machine's load: compare ratios
# and in-guest times within one run of this script.
set -eu
TOP=$(cd "$(dirname "$0")/../.." && pwd)
out=$(cd "${1:-$TOP/out/none}" && pwd)
runs=${2:-5}
w=$(mktemp -d)
[ -z "${BENCH_KEEP:-}" ] || echo "bench: keeping $w" >&2
trap '[ -n "${KBS_PID:-}" ] && kill "$KBS_PID" 2>/dev/null; [ -n "${WATCH:-}" ] && kill "$WATCH" 2>/dev/null; [ -n "${BENCH_KEEP:-}" ] || rm -rf "$w"' EXIT
# shellcheck disable=SC2034 # read by the sourced files
BUNDLE=$out CASE_WORK=$w/case
mkdir -p "$CASE_WORK"
# tests/lib/boot.sh makes the default initdata disk ($INITDATA) on sourcing.
. "$TOP/tests/lib/boot.sh"
. "$TOP/tests/lib/kbs.sh"
. "$TOP/tests/lib/kata-shape.sh"
# shellcheck disable=SC2034 # read by sr_accel
SR_PROBE_KERNEL=$out/vmlinux
sr_accel >/dev/null

# The guest's clock at the host's pace. Under TCG the guest reads the
# host's TSC (QEMU cpu_get_ticks), and microvm, with no PIT to calibrate
# against, takes the TSC's rate from tsc_early_khz; the runner's 2300000
# (tests/lib/qemu.sh) is a rate that boots, not this host's: on a 2.6 GHz
# host the guest's clock ran 13% fast, and the row "QEMU start -> kernel
# clock" (wall clock less the guest's) came out smaller for the bundle than
# for the floor. With the host's own rate the two clocks agree. (q35
# calibrates against its PIT and needs nothing.) x86_64 hosts only: the
# guest is x86_64, and only there is its TSC the host's.
tsc_khz=${SR_MACHINE_CMDLINE#*tsc_early_khz=}
tsc_khz=${tsc_khz%% *}
if [ "$(uname -m)" = x86_64 ]; then
	"${CC:-cc}" -O2 -o "$w/tsc-khz" "$TOP/tests/bench/tsc-khz.c"
	tsc_khz=$("$w/tsc-khz")
	SR_MACHINE_CMDLINE=$(printf '%s' "$SR_MACHINE_CMDLINE" | sed "s/tsc_early_khz=[0-9]*/tsc_early_khz=$tsc_khz/")
fi

now() { date +%s.%N; }
# med FILE: the median of FILE's numbers, "-" for none.
med() { if [ -s "$1" ]; then median <"$1"; else printf -; fi; }
median() { sort -n | awk '{ a[NR] = $1 } END { if (NR == 0) { printf "-"; exit } m = (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2; printf "%.3f", m }'; }

# The guest's relay to the test KBS (tests/lib/kbs.sh).
make -s -C "$TOP" build/test/kbs-fwd

# The floor (tests/bench/floor.sh).
. "$TOP/tests/bench/floor.sh"
floor_build "$w"

# The attested boot's initdata and KBS configuration (tests/boot/020);
# attest_initdata points INITDATA at its own disk: keep the default one.
plain=$INITDATA
head -c 48 /dev/urandom | base64 -w0 >"$w/secret"
attest_initdata "$w/attest.img"
kbs_config "$w/kbs.json" "$w/secret" allow "" "$w/attest.img.toml"
ks_load_bundle "$out" none

# The console of a boot timed to the marker goes through a FIFO to the
# watcher (tests/bench/watch.c), which copies it to the log and notes the
# marker's arrival while waiting in read(2): a loop of grep and sleep
# polling the log took CPU from QEMU, which the floor's boot never shared.
"${CC:-cc}" -O2 -o "$w/watch" "$TOP/tests/bench/watch.c"

# watch LOG: a new FIFO, LOG.fifo, for the next boot's console; the
# watcher copies it to LOG and writes the marker's arrival time to $w/t.
watch() {
	rm -f "$1.fifo" "$w/t"
	mkfifo "$1.fifo"
	timeout -k 5 150 "$w/watch" "$1.fifo" "$1" "sealroot-test: agent running" >"$w/t" &
	WATCH=$!
}

# record NAME LOG T0 PID: the marker time and the in-guest figures of one
# boot (QEMU's PID, its console watched into LOG), into $w/NAME.*.
record() {
	wait "$4" || true
	# A QEMU that never opened the FIFO leaves the watcher waiting in
	# open(2): a writer that comes and goes ends that; after the watcher,
	# it opens and closes a FIFO nobody reads.
	: 1<>"$2.fifo"
	wait "$WATCH" || true
	WATCH=
	# The marker's own uptime (the test agent prints it; matched
	# anywhere in a line, as the watcher matches the marker), and what
	# passed before the guest's clock started: QEMU's start, the
	# kernel's loading and its boot up to tsc_early_init.
	_m=$(sed -n 's/.*sealroot-test: agent running, pid [0-9]*, uptime \([0-9.]*\) s.*/\1/p' "$2" | head -n 1)
	if [ -s "$w/t" ]; then
		_a=$(echo "$(cat "$w/t") - $3" | bc)
		echo "$_a" >>"$w/$1.agent"
		if [ -n "$_m" ]; then
			echo "$_m" >>"$w/$1.marker"
			echo "$_a - $_m" | bc >>"$w/$1.zero"
		fi
	else
		echo "$1: no agent marker" >&2
	fi
	_s=$(sed -n 's/^\[ *\([0-9.]*\)\] sealroot: sealroot-init .* starting.*/\1/p' "$2" | head -n 1)
	_e=$(sed -n 's/^\[ *\([0-9.]*\)\] sealroot: agent: starting.*/\1/p' "$2" | head -n 1)
	[ -n "$_s" ] && [ -n "$_e" ] && echo "$_e - $_s" | bc >>"$w/$1.init"
	[ -n "$_s" ] && echo "$_s" >>"$w/$1.kernel"
	sed -n 's/.*sealroot: step \([a-z-]*\): ok (\([0-9.]*\) s).*/\1 \2/p' "$2" |
		while read -r _step _t; do echo "$_t" >>"$w/$1.step.$_step"; done
	[ -z "${BENCH_KEEP:-}" ] || cp "$2" "$w/$1.log.$i"
}

i=0
while [ "$i" -lt "$runs" ]; do
	i=$((i + 1))
	# microvm, the test runner's machine.
	LOG=$w/log
	watch "$LOG"
	t0=$(now)
	sr_qemu "$out/vmlinux" "$out/rootfs.img" "$(sr_bundle_cmdline "$out")${BENCH_APPEND:+ $BENCH_APPEND}" "$LOG.fifo" 120 \
		-drive "if=none,id=initdata,file=$plain,format=raw,readonly=on" \
		-device virtio-blk-device,drive=initdata &
	record microvm "$LOG" "$t0" $!

	# floor: start to exit.
	t0=$(now)
	floor_run "$w" "$out/vmlinux" "$w/flog"
	t1=$(now)
	_p=$(sed -n 's/.*floor: PID 1 at \([0-9.]*\) s.*/\1/p' "$w/flog" | head -n 1)
	if [ -n "$_p" ]; then
		echo "$t1 - $t0" | bc >>"$w/floor.agent"
		echo "$_p" >>"$w/floor.kernel"
		echo "$t1 - $t0 - $_p" | bc >>"$w/floor.zero"
	fi

	# q35, Kata's coco-dev command line.
	# shellcheck disable=SC2034 # read by ks_go
	KS_INITDATA=$plain KS_CONSOLE=$w/klog.fifo
	watch "$w/klog"
	t0=$(now)
	ks_run ks_go_coco_dev 120 &
	record q35 "$w/klog" "$t0" $!

	# attested: microvm, network, the test KBS.
	kbs_start "$w/kbs.json"
	LOG=$w/alog
	watch "$LOG"
	t0=$(now)
	sr_qemu "$out/vmlinux" "$out/rootfs.img" "$(sr_bundle_cmdline "$out")${BENCH_APPEND:+ $BENCH_APPEND}" "$LOG.fifo" 120 \
		-drive "if=none,id=initdata,file=$w/attest.img,format=raw,readonly=on" \
		-device virtio-blk-device,drive=initdata \
		-netdev "$(kbs_netdev)" \
		-device virtio-net-device,netdev=n0 &
	record attested "$LOG" "$t0" $!
	grep -q "step attest: ok" "$LOG" || echo "run $i: the attested boot did not attest" >&2
	kbs_stop
done

f=$(med "$w/floor.agent")
echo "sealroot boot benchmark ($(sr_accel), median of $runs runs, $(date -u +%Y-%m-%d), guest TSC at $tsc_khz kHz)${BENCH_APPEND:+, microvm and attested with: $BENCH_APPEND}"
printf '  %-38s %7s s\n' "floor: QEMU start -> exit, trivial init" "$f"
# paired NAME: the median of run i's NAME over run i's floor (the boots of
# one run follow each other, so a slow spell of the host weighs on both);
# "-" unless every run of both gave a figure.
paired() {
	if [ "$(wc -l <"$w/$1.agent" 2>/dev/null)" = "$runs" ] &&
		[ "$(wc -l <"$w/floor.agent")" = "$runs" ]; then
		paste "$w/$1.agent" "$w/floor.agent" | awk '{ printf "%.4f\n", $1 / $2 }' | median
	else
		printf -
	fi
}
# ratio A B: A / B to three places, rounded ("-" without both); bc's
# scale truncates, which showed 1.208 as 1.20.
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (a == "-" || b == "-" || b + 0 == 0) print "-"; else printf "%.3f\n", a / b }'; }
for b in microvm q35 attested; do
	a=$(med "$w/$b.agent")
	printf '  %-38s %7s s   (%s x floor; paired runs %s x)\n' "$b: QEMU start -> agent marker" "$a" \
		"$(ratio "$a" "$f")" "$(paired "$b")"
done
row() {
	printf '    %-26s' "$1"
	shift
	for _f; do printf ' %8s' "$(med "$_f")"; done
	echo
}
# Wall clock less the guest's: the floor's figure also holds its power-off.
printf '  %-29s %8s %8s %8s %8s\n' 'before the guest clock (s)' floor microvm q35 attested
row "QEMU start -> kernel clock" "$w/floor.zero" "$w/microvm.zero" "$w/q35.zero" "$w/attested.zero"
printf '  %-29s %8s %8s %8s %8s\n' 'in-guest clock (s)' floor microvm q35 attested
row "kernel start -> marker" "$w/floor.kernel" "$w/microvm.marker" "$w/q35.marker" "$w/attested.marker"
row "kernel start -> PID 1" "$w/floor.kernel" "$w/microvm.kernel" "$w/q35.kernel" "$w/attested.kernel"
row "PID 1 start -> agent exec" "$w/none" "$w/microvm.init" "$w/q35.init" "$w/attested.init"
for s in mount expedite cmdline verity kmod tee initdata net attest storage extensions verity-scan agent; do
	[ -f "$w/microvm.step.$s" ] || [ -f "$w/attested.step.$s" ] || continue
	row "step $s" "$w/none" "$w/microvm.step.$s" "$w/q35.step.$s" "$w/attested.step.$s"
done
printf '  %-29s %26s bytes\n' "rootfs.img" "$(wc -c <"$out/rootfs.img")"
printf '  %-29s %26s bytes\n' "vmlinux" "$(wc -c <"$out/vmlinux")"
printf '  %-29s %26s bytes\n' "sealroot-init" "$(wc -c <"$TOP/build/x86_64/sealroot-init")"
