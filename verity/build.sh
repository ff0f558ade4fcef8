#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# verity/build.sh --data FILE --out DIR [--data-dev DEV] [--hash-dev DEV]
# Formats the dm-verity hash tree of a root filesystem image and lays both
# out as Kata's measured rootfs: one MBR disk (fixed disk identifier), p1 the
# data from 1 MiB (sector 2048), p2 the hash tree right after it, both
# 4096-aligned. Writes to DIR:
#   rootfs.img     the disk (written last: its presence means the set is complete)
#   root_hash.txt  root_hash=..,salt=..,data_blocks=..,data_block_size=4096,hash_block_size=4096
#   roothash       the root hash alone
#   cmdline        root=/dev/dm-0 ... dm-mod.create="..." sealroot.roothash=...
#                  (its verity parameters come from verity/cmdline.sh)
# DEV (default /dev/vda1, /dev/vda2) are the names the guest kernel sees.
# The salt is the sha256 of the data, so the root hash is a pure function of
# the content. The root hash is the last line on stdout; progress on stderr.
# Reads: FILE; needs veritysetup, sfdisk and sha256sum. Changes: DIR only.
# Fails with "verity: ERROR: ..." and exit 1. DIR keeps its previous set,
# or lacks rootfs.img if the failure came while the new files moved in.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
STAGE=verity
# shellcheck source=build-aux/stage.sh
. "$here/../build-aux/stage.sh"
# shellcheck source=verity/cmdline.sh
. "$here/cmdline.sh"
usage="usage: build.sh --data FILE --out DIR [--data-dev DEV] [--hash-dev DEV]"
data='' out='' ddev=/dev/vda1 hdev=/dev/vda2
while [ $# -gt 0 ]; do
	case $1 in
	--data | --out | --data-dev | --hash-dev)
		[ $# -ge 2 ] || die "option $1 needs a value" ;;
	-h | --help) echo "$usage"; exit 0 ;;
	*) die "unknown option $1 ($usage)" ;;
	esac
	case $1 in
	--data) data=$2 ;;
	--out) out=$2 ;;
	--data-dev) ddev=$2 ;;
	--hash-dev) hdev=$2 ;;
	esac
	shift 2
done
{ [ -n "$data" ] && [ -n "$out" ]; } || die "$usage"
[ -f "$data" ] || die "no such file: $data"
# The names go into the kernel command line: no blanks, commas or quotes.
for d in "$ddev" "$hdev"; do
	case $d in
	'' | *[!A-Za-z0-9/_.:=-]*) die "bad device name '$d'" ;;
	esac
done
for t in veritysetup sfdisk sha256sum; do
	command -v "$t" >/dev/null || die "$t not found (apt-get install cryptsetup-bin fdisk coreutils)"
done
BS=4096
size=$(wc -c <"$data")
{ [ "$size" -gt 0 ] && [ $((size % BS)) = 0 ]; } || die "$data: size $size is not a positive multiple of $BS"
blocks=$((size / BS))

tmp=$(mktemp -d "${TMPDIR:-/tmp}/sealroot-verity.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
trap 'exit 1' HUP INT TERM

salt=$(sha256_of "$data")
veritysetup format --no-superblock --hash=sha256 --data-block-size=$BS \
	--hash-block-size=$BS --salt="$salt" "$data" "$tmp/hash" >"$tmp/format.log" ||
	die "veritysetup format failed: $(cat "$tmp/format.log")"
root=$(sed -n 's/^Root hash:[[:space:]]*//p' "$tmp/format.log")
echo "$root" | grep -qxE '[0-9a-f]{64}' || die "no root hash from veritysetup: $(cat "$tmp/format.log")"

# The disk, in 512-byte sectors: 1 MiB for the label, p1 = data, p2 = hash tree.
hsize=$(wc -c <"$tmp/hash")
hsize=$(((hsize + BS - 1) / BS * BS))
[ "$hsize" -gt 0 ] || hsize=$BS # one data block has an empty tree; keep p2 real
p1_start=2048
p1_len=$((size / 512))
p2_start=$((p1_start + p1_len))
p2_len=$((hsize / 512))
disk=$tmp/rootfs.img
truncate -s $(((p2_start + p2_len) * 512)) "$disk"
# grain 512: p1 may end off a MiB boundary and p2 must start right there.
sfdisk --quiet --no-reread --no-tell-kernel "$disk" >&2 <<EOT || die "sfdisk failed"
label: dos
label-id: 0x5ea1f00d
unit: sectors
grain: 512

start=$p1_start, size=$p1_len, type=83
start=$p2_start, size=$p2_len, type=83
EOT
dd if="$data" of="$disk" bs=512 seek=$p1_start conv=notrunc status=none
dd if="$tmp/hash" of="$disk" bs=512 seek=$p2_start conv=notrunc status=none

# Verify what we ship: cut both partitions back out of the disk (the OpenSSL
# backend needs no device-mapper).
dd if="$disk" of="$tmp/p1" bs=512 skip=$p1_start count=$p1_len status=none
dd if="$disk" of="$tmp/p2" bs=512 skip=$p2_start count=$p2_len status=none
cmp -s "$tmp/p1" "$data" || die "partition 1 differs from $data"
veritysetup verify --no-superblock --hash=sha256 --data-block-size=$BS \
	--hash-block-size=$BS --salt="$salt" --data-blocks=$blocks \
	"$tmp/p1" "$tmp/p2" "$root" >&2 || die "the disk does not verify against $root"

echo "$root" >"$tmp/roothash"
params=$(verity_params "$root" "$salt" "$blocks" $BS)
echo "$params" >"$tmp/root_hash.txt"
# dm-mod.waitfor because the kernel may run dm-init before virtio-blk has
# probed the disk.
create=$(verity_dm_create "$params" "$ddev" "$hdev")
printf '%s\n' "$VERITY_ROOT dm-mod.waitfor=$ddev,$hdev $create sealroot.roothash=$root" >"$tmp/cmdline"

# Into place: a rename within DIR each (TMPDIR may be another filesystem),
# the disk last.
mkdir -p "$out"
rm -f "$out/rootfs.img"
for f in roothash root_hash.txt cmdline rootfs.img; do
	mv "$tmp/$f" "$out/.$f.tmp"
	mv "$out/.$f.tmp" "$out/$f"
done
say "$out/rootfs.img, $blocks data blocks, root hash $root"
echo "$root"
