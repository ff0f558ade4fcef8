#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# tests/bench/code.sh [OUTDIR]: how much guest code each part of a boot
# runs for the first time (a benchmark script, not a test: it prints
# figures and asserts nothing).
#
# Under TCG, QEMU translates each block of guest code the first time it
# runs, and a boot is mostly code that runs once: the time of an init step
# follows the code it runs for the first time far more than the work it
# does (docs/performance.md, "This round, on a second machine"). That
# count barely moves with the host's load, where every timing does, so it
# shows a change of a few milliseconds that boot.sh's timings cannot. One
# boot of each, with QEMU's translation log (-d in_asm), counting the
# guest instructions of every translated block:
#   - floor: the floor of boot.sh (the same kernel and machine, a trivial
#     /init), kernel start to the /init's first instruction;
#   - microvm: the bundle as the test runner boots it, kernel start to the
#     init's first instruction, then the init's time split at the first
#     run of each step's function (init/main.c's table), up to the agent's
#     first instruction; kernel code and user code apart. Kernel work that
#     runs beside the init (timers, RCU, workqueues) counts in the step
#     during which it first ran.
# The step functions' addresses come from the init's link map
# (build/<arch>/sealroot-init.map); the init and agent in the image must be
# those of build/: the script checks, and stops when they are not. The
# figures depend on the QEMU version and CPU model, which it prints; compare
# runs on one machine.
set -eu
TOP=$(cd "$(dirname "$0")/../.." && pwd)
out=$(cd "${1:-$TOP/out/none}" && pwd)
bld=$TOP/build/x86_64
w=$(mktemp -d)
trap 'rm -rf "$w"' EXIT
# Translation counts need TCG (tests/lib/qemu.sh reads this).
export SEALROOT_ACCEL=tcg
# shellcheck disable=SC2034 # read by the sourced files
BUNDLE=$out CASE_WORK=$w/case
mkdir -p "$CASE_WORK"
. "$TOP/tests/lib/boot.sh"
sr_accel >/dev/null

# The image's init and agent must be build/'s, whose map gives the steps.
# The root's data partition starts at sector 2048 (verity/build.sh).
sectors=$(sed -n 's/.*dm-mod.create="dm-verity,,,ro,0 \([0-9]*\) verity.*/\1/p' "$out/cmdline")
[ -n "$sectors" ] || { echo "code.sh: no dm-verity root in $out/cmdline" >&2; exit 1; }
dd if="$out/rootfs.img" of="$w/root.erofs" bs=512 skip=2048 count="$sectors" status=none
fsck.erofs --extract="$w/root" "$w/root.erofs" >/dev/null 2>&1 ||
	{ echo "code.sh: cannot extract $out/rootfs.img" >&2; exit 1; }
for f in sbin/init:sealroot-init usr/bin/kata-agent:test-agent; do
	cmp -s "$w/root/${f%%:*}" "$bld/${f#*:}" ||
		{ echo "code.sh: /${f%%:*} in $out is not $bld/${f#*:}: make image first" >&2; exit 1; }
done

entry() { readelf -h "$1" | sed -n 's/.*Entry point address: *0x\([0-9a-f]*\).*/\1/p'; }
# addr NUMBER: an address as QEMU's log prints a user one: 0x and 8 or
# more hex digits.
addr() { printf '0x%08x' "$1"; }

# The markers, "ADDRESS NAME", in the order a boot reaches them: the init's
# entry, each step's function in init/main.c's table order, the agent's
# child (agent_namespaces), and the agent's entry, which ends the count.
awk -f "$TOP/tools/linkmap.awk" "$bld/sealroot-init.map" >"$w/sections"
fn_addr() { awk -v s=".text.$1" '$5 == s { print $1; exit }' "$w/sections"; }
{
	echo "$(addr "0x$(entry "$bld/sealroot-init")") PID 1 start (exec, first lines)"
	sed -n 's/^\t{ "\([a-z-]*\)", *\(step_[a-z_]*\) },$/\1 \2/p' "$TOP/init/main.c" |
		while read -r name fn; do
			a=$(fn_addr "$fn")
			[ -n "$a" ] || { echo "code.sh: $fn is not in the link map" >&2; exit 1; }
			echo "$(addr "$a") step $name"
		done
	a=$(fn_addr agent_namespaces)
	[ -n "$a" ] || { echo "code.sh: agent_namespaces is not in the link map" >&2; exit 1; }
	echo "$(addr "$a") agent's child (namespaces, exec)"
	echo "$(addr "0x$(entry "$bld/test-agent")") END"
} >"$w/marks"
[ "$(wc -l <"$w/marks")" -ge 4 ] || { echo "code.sh: no steps found in init/main.c" >&2; exit 1; }

# The floor of boot.sh (tests/bench/floor.sh).
. "$TOP/tests/bench/floor.sh"
floor_build "$w"
echo "$(addr "0x$(entry "$w/init")") END" >"$w/floor.marks"

# count MARKS LOG: one "NAME KERNEL USER" line per part, in the order of
# the boot, from QEMU's in_asm LOG; fails unless the log reached every
# marker. An instruction line starts with its address; a kernel address
# has 16 digits and starts with ffffffff. Nothing is counted before the
# kernel's first instruction at such an address: the firmware, and the
# kernel's entry code that runs at physical addresses, the same in both
# boots. A part starts at the first run of the next marker's address,
# taken only in order, so another program that runs code at one of those
# addresses cannot start a part early.
count() {
	awk 'NR == FNR { ma[++nm] = $1; mn[nm] = substr($0, length($1) + 2); next }
	/^0x[0-9a-f]+:/ {
		a = substr($1, 1, length($1) - 1)
		if (length(a) == 18 && substr(a, 1, 10) == "0xffffffff") {
			if (part == "") { part = "kernel start -> PID 1"; order[++n] = part; j = 1 }
			k[part]++
			next
		}
		if (part == "") next
		if (a == ma[j]) {
			if (mn[j] == "END") { done = 1; exit }
			part = mn[j++]; order[++n] = part
		}
		u[part]++
	}
	END {
		if (!done) { print "code.sh: the log never reached " mn[j] > "/dev/stderr"; exit 1 }
		for (i = 1; i <= n; i++) printf "%s\t%d\t%d\n", order[i], k[order[i]], u[order[i]]
	}' "$1" "$2"
}

floor_run "$w" "$out/vmlinux" "$w/flog" -d in_asm -D "$w/floor.asm"
grep -q "floor: PID 1 at" "$w/flog" || { echo "code.sh: the floor did not boot" >&2; exit 1; }
count "$w/floor.marks" "$w/floor.asm" >"$w/floor.parts"

LOG=$w/log
sr_qemu "$out/vmlinux" "$out/rootfs.img" "$(sr_bundle_cmdline "$out")" "$LOG" 120 \
	-drive "if=none,id=initdata,file=$INITDATA,format=raw,readonly=on" \
	-device virtio-blk-device,drive=initdata \
	-d in_asm -D "$w/microvm.asm" || true
grep -q "sealroot-test: agent running" "$LOG" || { echo "code.sh: the bundle did not reach its agent" >&2; exit 1; }
count "$w/marks" "$w/microvm.asm" >"$w/microvm.parts"

echo "sealroot first-run code (guest instructions translated by TCG, one boot each," \
	"$(qemu-system-x86_64 --version | sed -n '1s/.*version \([^ ]*\).*/QEMU \1/p'), -cpu $(sr_cpu tcg), $(date -u +%Y-%m-%d))"
printf '  %-38s %8s %8s\n' "" kernel user
f=$(awk -F '\t' 'NR == 1 { print $2 }' "$w/floor.parts")
printf '  %-38s %8s %8s\n' "floor: kernel start -> PID 1" "$f" -
awk -F '\t' 'NR == 1 { printf "  %-38s %8d %8s\n", "microvm: " $1, $2, "-"; next }
	{ printf "    %-36s %8d %8d\n", $1, $2, $3; k += $2; u += $3 }
	END { printf "    %-36s %8d %8d\n", "PID 1 start -> agent exec, in all", k, u }' "$w/microvm.parts"
awk -F '\t' -v f="$f" '{ t += $2 + $3 } END { printf "  %-38s %8d  (%.2f x the floor)\n", "microvm, in all, to the agent", t, t / f }' "$w/microvm.parts"
