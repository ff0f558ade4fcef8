#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# tests/bench/storage.sh [OUTDIR] [RUNS] [MIB]: scratch disk set-up time
# and I/O throughput, plain dm-crypt against dm-integrity under it (a
# benchmark script, not a test: it prints numbers and asserts nothing).
# For sparse 1 GiB and 16 GiB disks, without and with integrity, the median
# of RUNS (default 3) of the storage step's time as the init logs it from
# the in-guest monotonic clock ("step storage: ok (N s)": find the disk,
# set up dm-integrity and dm-crypt, mke2fs, mount), and t(16)/t(1) per
# mode. The goal is a ratio of 1.1 or less: nothing is wiped, and nothing
# the set-up writes grows with the disk. Also the host disk space the 16 GiB
# image takes afterwards (it stays sparse). Then, on the 1 GiB disk, the
# test agent's "bench MIB" (default 64): write MIB MiB and fsync, drop the
# caches, read them back; the medians of the in-guest times as MiB/s.
set -eu
TOP=$(cd "$(dirname "$0")/../.." && pwd)
. "$TOP/tests/lib/qemu.sh"
out=${1:-$TOP/out/none}
runs=${2:-3}
mib=${3:-64}
SR_PROBE_KERNEL=$out/vmlinux
sr_accel >/dev/null
w=$(mktemp -d)
trap 'rm -rf "$w"' EXIT

median() { sort -n | awk '{ a[NR] = $1 } END { m = (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2; printf "%.3f", m }'; }

initdata() { # OUT INTEGRITY
	cat >"$1.toml" <<TOML
version = "0.1.0"
algorithm = "sha384"
[data]
"sealroot.toml" = '''
[storage]
device = "scratch0"
integrity = $2
'''
"test-storage" = "bench $mib"
TOML
	"$TOP/build/host/sealroot-initdata" -o "$1" "$1.toml" >/dev/null
}

one() { # SIZE INTEGRITY -> "setup write read" seconds
	rm -f "$w/scratch.img"
	truncate -s "$1" "$w/scratch.img"
	sr_qemu "$out/vmlinux" "$out/rootfs.img" "$(cat "$out/cmdline")" "$w/log" 300 \
		-drive "if=none,id=initdata,file=$w/initdata-$2.img,format=raw,readonly=on" \
		-device virtio-blk-device,drive=initdata \
		-drive "if=none,id=scratch,file=$w/scratch.img,format=raw" \
		-device virtio-blk-device,drive=scratch,serial=scratch0 || true
	t=$(sed -n 's/.*step storage: ok (\([0-9.]*\) s).*/\1/p' "$w/log")
	io=$(sed -n "s/.*sealroot-test: storage bench $mib MiB write+fsync \([0-9.]*\) s read \([0-9.]*\) s.*/\1 \2/p" "$w/log")
	if [ -z "$t" ] || [ -z "$io" ] || ! grep -q "sealroot-test: VERDICT PASS" "$w/log"; then
		echo "storage bench: no figures (size $1, integrity $2):" >&2
		tail -n 5 "$w/log" >&2
		exit 1
	fi
	echo "$t $io"
}

initdata "$w/initdata-false.img" false
initdata "$w/initdata-true.img" true
echo "scratch disk set-up, median of $runs (in-guest seconds; accel $SR_ACCEL_CHOSEN)"
printf '%-12s %10s %10s %10s\n' mode "1 GiB" "16 GiB" "t16/t1" >"$w/setup"
echo "I/O on the 1 GiB disk, $mib MiB, median of $runs (in-guest MiB/s)" >"$w/io"
printf '%-12s %14s %14s\n' mode "write+fsync" "read (cold)" >>"$w/io"
for integ in false true; do
	mode=plain
	[ "$integ" = true ] && mode=integrity
	for size in 1G 16G; do
		i=0
		: >"$w/times"
		while [ $i -lt "$runs" ]; do
			one "$size" "$integ" >>"$w/times"
			i=$((i + 1))
		done
		eval "t_$size=$(cut -d' ' -f1 <"$w/times" | median)"
		if [ "$size" = 1G ]; then
			wr=$(awk -v m="$mib" '{ print m / $2 }' "$w/times" | median)
			rd=$(awk -v m="$mib" '{ print m / $3 }' "$w/times" | median)
			printf '%-12s %14s %14s\n' "$mode" "$wr" "$rd" >>"$w/io"
		fi
	done
	# shellcheck disable=SC2154 # t_1G and t_16G are set by the eval above
	printf '%-12s %10s %10s %10s\n' "$mode" "$t_1G" "$t_16G" "$(awk "BEGIN { printf \"%.2f\", $t_16G / $t_1G }")" >>"$w/setup"
done
cat "$w/setup"
echo "host space used by the 16 GiB image after set-up and the I/O run: $(du -k "$w/scratch.img" | cut -f1) KiB"
cat "$w/io"
