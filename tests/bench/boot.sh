#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# tests/bench/boot.sh [OUTDIR] [RUNS]: boot-time figures for a bundle (a
# benchmark script, not a test: it prints numbers and asserts nothing).
# Median of RUNS (default 5) of:
#   - QEMU start to the agent's first line ("sealroot-test: agent running");
#   - the same kernel booting a trivial /init that only powers off (floor),
#     QEMU start to QEMU exit, and the ratio of the two;
#   - the init's own time, PID-1 start to agent exec, from the in-guest
#     monotonic timestamps the init logs, and the initdata step's share;
# and the sizes of the root image, the kernel and the init.
# TCG timings vary ~30% between runs: compare the ratio within one run.
set -eu
TOP=$(cd "$(dirname "$0")/../.." && pwd)
. "$TOP/tests/lib/qemu.sh"
out=${1:-$TOP/out/none}
runs=${2:-5}
SR_PROBE_KERNEL=$out/vmlinux
sr_accel >/dev/null
w=$(mktemp -d)
trap '[ -n "${BENCH_KEEP:-}" ] || rm -rf "$w"' EXIT

now() { date +%s.%N; }
median() { sort -n | awk '{ a[NR] = $1 } END { m = (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2; printf "%.3f", m }'; }

# The init requires an initdata disk: the example one.
"$TOP/build/host/sealroot-initdata" -o "$w/initdata.img" "$TOP/tests/boot/initdata.toml" >/dev/null

# The floor initramfs: one static binary as /init, plus /dev/console.
musl-gcc -static -O2 -o "$w/init" "$TOP/tests/bench/floor-init.c"
mkdir -p "$w/ir/dev"
cp "$w/init" "$w/ir/init"
mknod -m 600 "$w/ir/dev/console" c 5 1
(cd "$w/ir" && find . | sort | cpio -o -H newc --quiet) >"$w/floor.cpio"

# wait_for LOG PATTERN PID: seconds until PATTERN shows in LOG (or QEMU ends).
wait_for() {
	while kill -0 "$3" 2>/dev/null; do
		grep -qF "$2" "$1" 2>/dev/null && return 0
		sleep 0.01
	done
	grep -qF "$2" "$1" 2>/dev/null
}

i=0
while [ "$i" -lt "$runs" ]; do
	i=$((i + 1))
	# sealroot: start to the agent marker.
	: >"$w/log"
	t0=$(now)
	sr_qemu "$out/vmlinux" "$out/rootfs.img" "$(sr_bundle_cmdline "$out")" "$w/log" 120 \
		-drive "if=none,id=initdata,file=$w/initdata.img,format=raw,readonly=on" \
		-device virtio-blk-device,drive=initdata &
	pid=$!
	if wait_for "$w/log" "sealroot-test: agent running" "$pid"; then
		t1=$(now)
		echo "$t1 - $t0" | bc >>"$w/t_agent"
	else
		echo "run $i: no agent marker" >&2
	fi
	wait "$pid" || true
	# In-guest: PID-1 start to agent exec.
	s=$(sed -n 's/^\[ *\([0-9.]*\)\] sealroot: sealroot-init .* starting.*/\1/p' "$w/log" | head -n 1)
	e=$(sed -n 's/^\[ *\([0-9.]*\)\] sealroot: agent: starting.*/\1/p' "$w/log" | head -n 1)
	[ -n "$s" ] && [ -n "$e" ] && echo "$e - $s" | bc >>"$w/t_init"
	[ -n "$s" ] && echo "$s" >>"$w/t_kernel"
	sed -n 's/.*sealroot: step initdata: ok (\([0-9.]*\) s).*/\1/p' "$w/log" >>"$w/t_initdata"

	# floor: start to exit.
	t0=$(now)
	timeout -k 5 60 qemu-system-x86_64 -M microvm,acpi=on -accel "$SR_ACCEL_CHOSEN" -cpu max -smp 1 -m 256M \
		-nodefaults -no-user-config -nographic -no-reboot -serial "file:$w/flog" -monitor none \
		-kernel "$out/vmlinux" -initrd "$w/floor.cpio" \
		-append "$SR_MACHINE_CMDLINE rdinit=/init panic=-1 quiet" </dev/null >/dev/null 2>&1 || true
	t1=$(now)
	grep -q "floor: powering off" "$w/flog" && echo "$t1 - $t0" | bc >>"$w/t_floor"
done

a=$(median <"$w/t_agent")
f=$(median <"$w/t_floor")
echo "sealroot boot benchmark ($(sr_accel), median of $runs runs, $(date -u +%Y-%m-%d))"
printf '  QEMU start -> agent marker      %8s s\n' "$a"
printf '  QEMU start -> exit, trivial init %7s s   (floor)\n' "$f"
printf '  ratio agent marker / floor      %8s\n' "$(echo "scale=2; $a / $f" | bc)"
printf '  kernel start -> PID 1 (in-guest)%8s s\n' "$(median <"$w/t_kernel")"
printf '  PID 1 start -> agent exec       %8s s   (in-guest clock)\n' "$(median <"$w/t_init")"
printf '  of which the initdata step      %8s s\n' "$(median <"$w/t_initdata")"
printf '  rootfs.img                      %8s bytes\n' "$(wc -c <"$out/rootfs.img")"
printf '  vmlinux                         %8s bytes\n' "$(wc -c <"$out/vmlinux")"
printf '  sealroot-init                   %8s bytes\n' "$(wc -c <"$TOP/build/x86_64/sealroot-init")"
