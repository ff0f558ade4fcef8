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
if [ -n "$initdata" ]; then
	sr_qemu "$out/vmlinux" "$out/rootfs.img" "$(sr_bundle_cmdline "$out")" "$log" "$t" \
		-drive "if=none,id=initdata,file=$initdata,format=raw,readonly=on" \
		-device virtio-blk-device,drive=initdata || rc=$?
else
	sr_qemu "$out/vmlinux" "$out/rootfs.img" "$(sr_bundle_cmdline "$out")" "$log" "$t" || rc=$?
fi
sleep 0.3
kill "$tailpid" 2>/dev/null || true
cat "$log.qemu" >&2
case $rc in
0) echo "QEMU exited cleanly (the guest powered off)" >&2 ;;
124) echo "QEMU was stopped by the ${t}s time limit" >&2 ;;
*) echo "QEMU exited with $rc" >&2 ;;
esac
exit "$rc"
