#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# Boots a bundle (out/<tee>) in QEMU with the console on this terminal.
# Usage: tests/lib/boot-bundle.sh out/none [timeout-seconds] [initdata.img]
# The initdata image, when given, is attached read-only as the second
# virtio disk (make boot passes build/<tee>/initdata.img).
set -eu
here=$(cd "$(dirname "$0")" && pwd)
. "$here/qemu.sh"
out=${1:?usage: boot-bundle.sh OUTDIR [TIMEOUT] [INITDATA_IMG]}
t=${2:-120}
initdata=${3:-}
log=$(mktemp)
trap 'rm -f "$log" "$log.qemu"' EXIT
SR_PROBE_KERNEL=$out/vmlinux
echo "booting $out under $(sr_accel) (time limit ${t}s)" >&2
# Follow the console file while QEMU runs.
tail -n +1 -f "$log" &
tailpid=$!
rc=0
set --
if [ -n "$initdata" ]; then
	set -- "$@" -drive "if=none,id=initdata,file=$initdata,format=raw,readonly=on" \
		-device virtio-blk-device,drive=initdata
fi
# SR_KBS_PORT: one user network (restrict=on) whose only reachable address,
# 10.0.2.100:8080, is forwarded to that port on 127.0.0.1 (tools/demo-boot.sh).
if [ -n "${SR_KBS_PORT:-}" ]; then
	set -- "$@" -netdev \
		"user,id=n0,restrict=on,guestfwd=tcp:10.0.2.100:8080-cmd:/bin/busybox nc 127.0.0.1 $SR_KBS_PORT" \
		-device virtio-net-device,netdev=n0
fi
sr_qemu "$out/vmlinux" "$out/rootfs.img" "$(sr_bundle_cmdline "$out")" "$log" "$t" "$@" || rc=$?
sleep 0.3
kill "$tailpid" 2>/dev/null || true
cat "$log.qemu" >&2
case $rc in
0) echo "QEMU exited cleanly (the guest powered off)" >&2 ;;
124) echo "QEMU was stopped by the ${t}s time limit" >&2 ;;
*) echo "QEMU exited with $rc" >&2 ;;
esac
exit "$rc"
