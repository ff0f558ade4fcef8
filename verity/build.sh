#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# verity/build.sh --data FILE --out DIR [--data-dev DEV] [--hash-dev DEV]
# Formats the dm-verity hash tree of a root filesystem image and lays both
# out as Kata's measured rootfs: one MBR disk, p1 the data at 1 MiB, p2 the
# hash tree right after it. Writes to DIR:
#   rootfs.img     the disk
#   root_hash.txt  root_hash=..,salt=..,data_blocks=..,data_block_size=4096,hash_block_size=4096
#   roothash       the root hash alone
#   cmdline        root=/dev/dm-0 ... dm-mod.create="..." sealroot.roothash=...
# The salt is the sha256 of the data, so the root hash is a pure function of
# the content. The root hash is the last line on stdout.
set -eu
die() { echo "verity: $*" >&2; exit 1; }
data= out= ddev=/dev/vda1 hdev=/dev/vda2
while [ $# -gt 0 ]; do
	[ $# -ge 2 ] || die "option $1 needs a value"
	case $1 in
	--data) data=$2 ;;
	--out) out=$2 ;;
	--data-dev) ddev=$2 ;;
	--hash-dev) hdev=$2 ;;
	*) die "unknown option $1" ;;
	esac
	shift 2
done
[ -n "$data" ] && [ -n "$out" ] || die "usage: build.sh --data FILE --out DIR"
[ -f "$data" ] || die "no such file: $data"
BS=4096
size=$(wc -c <"$data")
[ "$size" -gt 0 ] && [ $((size % BS)) = 0 ] || die "$data: size $size is not a positive multiple of $BS"
blocks=$((size / BS))

mkdir -p "$out"
tmp=$(mktemp -d "${TMPDIR:-/tmp}/sealroot-verity.XXXXXX")
trap 'rm -rf "$tmp"' EXIT

salt=$(sha256sum "$data" | cut -d' ' -f1)
veritysetup format --no-superblock --hash=sha256 --data-block-size=$BS \
	--hash-block-size=$BS --salt="$salt" "$data" "$tmp/hash" >"$tmp/format.log"
root=$(sed -n 's/^Root hash:[[:space:]]*//p' "$tmp/format.log")
echo "$root" | grep -qE '^[0-9a-f]{64}$' || die "no root hash from veritysetup: $(cat "$tmp/format.log")"

# The disk: 1 MiB for the label, p1 = data, p2 = hash tree (in 512-byte sectors).
hsize=$(wc -c <"$tmp/hash")
hsize=$(( (hsize + BS - 1) / BS * BS ))
[ "$hsize" -gt 0 ] || hsize=$BS  # one data block has an empty tree; keep p2 real
p1_start=2048
p1_len=$((size / 512))
p2_start=$((p1_start + p1_len))
p2_len=$((hsize / 512))
disk=$tmp/rootfs.img
truncate -s $(( (p2_start + p2_len) * 512 )) "$disk"
sfdisk --quiet --no-reread --no-tell-kernel "$disk" <<EOT
label: dos
label-id: 0x5ea1f00d
unit: sectors
grain: 512

start=$p1_start, size=$p1_len, type=83
start=$p2_start, size=$p2_len, type=83
EOT
dd if="$data" of="$disk" bs=512 seek=$p1_start conv=notrunc status=none
dd if="$tmp/hash" of="$disk" bs=512 seek=$p2_start conv=notrunc status=none

# Verify what we ship: cut both partitions back out of the disk.
dd if="$disk" of="$tmp/p1" bs=512 skip=$p1_start count=$p1_len status=none
dd if="$disk" of="$tmp/p2" bs=512 skip=$p2_start count=$p2_len status=none
veritysetup verify --no-superblock --hash=sha256 --data-block-size=$BS \
	--hash-block-size=$BS --salt="$salt" --data-blocks=$blocks \
	"$tmp/p1" "$tmp/p2" "$root" >&2 || die "the disk does not verify against $root"

mv "$disk" "$out/rootfs.img"
echo "$root" >"$out/roothash"
echo "root_hash=$root,salt=$salt,data_blocks=$blocks,data_block_size=$BS,hash_block_size=$BS" >"$out/root_hash.txt"
# Kata's form (reference/kata.md); dm-mod.waitfor because the kernel may run
# dm-init before virtio-blk has probed the disk.
printf '%s\n' "root=/dev/dm-0 ro rootfstype=erofs dm-mod.waitfor=$ddev,$hdev dm-mod.create=\"dm-verity,,,ro,0 $((blocks * 8)) verity 1 $ddev $hdev $BS $BS $blocks 0 sha256 $root $salt\" sealroot.roothash=$root" >"$out/cmdline"
echo "verity: $out/rootfs.img, $blocks data blocks, root hash $root" >&2
echo "$root"
