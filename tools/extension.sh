#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# extension: builds a Kata guest extension image from a directory, in Kata's
# format (kata-containers docs/design/composable-vm-images.md, "Image build";
# tools/osbuilder/image-builder/image_builder.sh, commit 7c6ba40c): an MBR
# disk, p1 an erofs of DIR, p2 its dm-verity hash tree made with
# --no-superblock, so all parameters travel on the kernel command line as
# kata.extension.<NAME>.verity_params. With --unmeasured, p1 only and no
# parameters (Kata's MEASURED_ROOTFS=no; the guest then logs it as
# unmeasured).
# Usage: extension.sh [--unmeasured] NAME DIR OUTDIR
#   NAME: 1..10 of [a-z0-9_-], starting with a letter or digit (the
#   virtio-blk serial extension-NAME holds at most 20 bytes).
# Writes OUTDIR/extension-NAME.img, OUTDIR/verity_params (the value, empty
# for an unmeasured image) and OUTDIR/extension.json; prints the
# verity_params value on stdout. Reproducible, like the root:
# SOURCE_DATE_EPOCH (default: the last commit's time) for every mtime, root
# ownership, fixed modes, a fixed erofs UUID, the salt from the content.
# Reads: DIR. Changes: OUTDIR only. On failure: "extension: ERROR: ...",
# exit 2 for wrong arguments, else 1; OUTDIR keeps its previous image.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
STAGE=extension
# shellcheck source=tools/common.sh
. "$top/tools/common.sh"
# shellcheck source=verity/cmdline.sh
. "$top/verity/cmdline.sh"
# shellcheck source=build-aux/reproducible.sh
. "$top/build-aux/reproducible.sh"
usage() { usage_die "usage: extension.sh [--unmeasured] NAME DIR OUTDIR"; }
measured=yes
if [ "${1:-}" = --unmeasured ]; then
	measured=no
	shift
fi
[ $# = 3 ] || usage
name=$1 dir=$2 out=$3
# lib/extension.c extension_name_ok(), which the guest applies.
printf '%s' "$name" | grep -qxE '[a-z0-9][a-z0-9_-]{0,9}' ||
	usage_die "extension name '$name' is not 1..10 of [a-z0-9_-] starting with a letter or digit"
[ -d "$dir" ] || usage_die "no such directory: $dir"
command -v mkfs.erofs >/dev/null || die "mkfs.erofs not found (apt-get install erofs-utils)"
sde_set

tmp=$(mktemp -d "${TMPDIR:-/tmp}/sealroot-extension.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
trap 'exit 1' HUP INT TERM

# A copy with fixed modes and times: neither the umask nor the inputs' modes
# (setuid and setgid bits included) or mtimes may leak into the image.
# Device nodes, FIFOs and sockets are refused.
mkdir "$tmp/tree"
cp -RP "$dir/." "$tmp/tree/" || die "cannot copy $dir"
bad=$(find "$tmp/tree" \( -type b -o -type c -o -type p -o -type s \) -print | head -n 1)
[ -z "$bad" ] || die "$dir holds a device, FIFO or socket (${bad#"$tmp/tree/"}): not in an extension"
tree_fix_modes "$tmp/tree"
tree_fix_times "$tmp/tree"
mkfs.erofs --quiet -T"$SOURCE_DATE_EPOCH" -U5ea1f00d-0000-4000-8000-00000000e700 --all-root -x-1 \
	"$tmp/data.erofs" "$tmp/tree" >&2 || die "mkfs.erofs failed"
size=$(wc -c <"$tmp/data.erofs")
[ $((size % 4096)) = 0 ] || die "erofs image size $size is not a multiple of 4096"

mkdir -p "$out"
img=$out/extension-$name.img
if [ "$measured" = yes ]; then
	# verity/build.sh lays out exactly Kata's measured disk (p1 data from
	# sector 2048, p2 the tree right after, --no-superblock) and verifies it.
	verity_out=$tmp/verity
	"$top/verity/build.sh" --data "$tmp/data.erofs" --out "$verity_out" >/dev/null
	params=$(cat "$verity_out/root_hash.txt")
	mv "$verity_out/rootfs.img" "$tmp/disk"
else
	params=
	p1_len=$((size / 512))
	truncate -s $(((2048 + p1_len) * 512)) "$tmp/disk"
	sfdisk --quiet --no-reread --no-tell-kernel "$tmp/disk" >&2 <<EOT || die "sfdisk failed"
label: dos
label-id: 0x5ea1f00d
unit: sectors
grain: 512

start=2048, size=$p1_len, type=83
EOT
	dd if="$tmp/data.erofs" of="$tmp/disk" bs=512 seek=2048 conv=notrunc status=none
fi
printf '%s\n' "$params" >"$tmp/verity_params"
root_hash=null
[ -z "$params" ] || root_hash=$(json_str "$(verity_param "$params" root_hash)")
{
	echo '{'
	echo "  \"name\": $(json_str "$name"),"
	echo "  \"measured\": $([ "$measured" = yes ] && echo true || echo false),"
	echo "  \"image\": $(json_str "extension-$name.img"),"
	echo "  \"sha256\": \"$(sha256_of "$tmp/disk")\","
	echo "  \"root_hash\": $root_hash,"
	echo "  \"verity_params\": $(json_str "$params"),"
	echo "  \"kernel_param\": $(json_str "kata.extension.$name.verity_params${params:+=$params}")"
	echo '}'
} >"$tmp/extension.json"
for f in verity_params extension.json; do
	mv "$tmp/$f" "$out/.$f.tmp"
	mv "$out/.$f.tmp" "$out/$f"
done
mv "$tmp/disk" "$out/.img.tmp"
mv "$out/.img.tmp" "$img"
if [ -n "$params" ]; then say "$img (measured, root hash $(verity_param "$params" root_hash))"; else say "$img (unmeasured)"; fi
printf '%s\n' "$params"
