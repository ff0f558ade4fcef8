#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# shunit2 tests for verity/build.sh: root-hash stability, the command-line
# format, the disk layout, and that the shipped disk verifies (and a flipped
# byte does not). A small erofs image stands in for the root: no full build.
# Run alone: sh tests/shell/test_verity.sh
TOP=$(cd "$(dirname "$0")/../.." && pwd)
VERITY=${VERITY:-$TOP/verity/build.sh}

oneTimeSetUp() {
	W=$(mktemp -d)
	mkdir -p "$W/tree"
	head -c 1000000 /dev/urandom >"$W/tree/blob"
	echo hello >"$W/tree/hello"
	mkfs.erofs --quiet -T0 -U5ea1f00d-0000-4000-8000-000000000001 "$W/data.img" "$W/tree"
	"$VERITY" --data "$W/data.img" --out "$W/a" >"$W/a.stdout" 2>/dev/null ||
		fail "verity/build.sh failed"
}

oneTimeTearDown() {
	rm -rf "$W"
}

# Every test reads the first build: without it, fail rather than compare
# empty strings.
setUp() {
	{ [ -s "$W/a/roothash" ] && [ -s "$W/a/rootfs.img" ]; } || fail "no first build in $W/a"
}

flip_byte() { # FILE OFFSET: invert one byte in place
	_b=$(od -An -tu1 -j "$2" -N 1 "$1" | tr -d ' ')
	# shellcheck disable=SC2059
	printf "\\$(printf '%03o' $((_b ^ 255)))" | dd of="$1" bs=1 seek="$2" conv=notrunc status=none
}

verify() { # DATA HASH ROOTHASH: the parameters the guest kernel gets
	veritysetup verify --no-superblock --hash=sha256 --data-block-size=4096 \
		--hash-block-size=4096 --salt="$(sha256sum "$W/data.img" | cut -d' ' -f1)" "$@" >/dev/null 2>&1
}

test_same_data_same_root_hash() {
	(cd "$W" && umask 077 && TMPDIR=$W "$VERITY" --data data.img --out b >/dev/null 2>&1) ||
		fail "second build failed"
	assertEquals "root hash" "$(cat "$W/a/roothash")" "$(cat "$W/b/roothash")"
	assertEquals "root_hash.txt" "$(cat "$W/a/root_hash.txt")" "$(cat "$W/b/root_hash.txt")"
	assertTrue "identical disks" "cmp -s $W/a/rootfs.img $W/b/rootfs.img"
	assertEquals "stdout ends with the root hash" "$(cat "$W/a/roothash")" "$(tail -n 1 "$W/a.stdout")"
}

test_one_byte_changes_root_hash() {
	cp "$W/data.img" "$W/data2.img"
	flip_byte "$W/data2.img" 100000
	assertFalse "the byte changed" "cmp -s $W/data.img $W/data2.img"
	"$VERITY" --data "$W/data2.img" --out "$W/c" >/dev/null 2>&1 || fail "build failed"
	assertNotEquals "root hash" "$(cat "$W/a/roothash")" "$(cat "$W/c/roothash")"
	assertTrue "a 64-hex root hash" "grep -qxE '[0-9a-f]{64}' $W/c/roothash"
	# The salt is derived from the content too.
	assertNotEquals "salt" "$(sed 's/.*salt=\([0-9a-f]*\).*/\1/' "$W/a/root_hash.txt")" \
		"$(sed 's/.*salt=\([0-9a-f]*\).*/\1/' "$W/c/root_hash.txt")"
}

test_salt_is_sha256_of_data() {
	assertEquals "$(sha256sum "$W/data.img" | cut -d' ' -f1)" \
		"$(sed 's/.*salt=\([0-9a-f]*\).*/\1/' "$W/a/root_hash.txt")"
}

test_kata_root_hash_txt_format() {
	blocks=$(($(wc -c <"$W/data.img") / 4096))
	assertTrue "format: $(cat "$W/a/root_hash.txt")" \
		"grep -qxE 'root_hash=[0-9a-f]{64},salt=[0-9a-f]{64},data_blocks=$blocks,data_block_size=4096,hash_block_size=4096' $W/a/root_hash.txt"
}

test_cmdline_format() {
	c=$(cat "$W/a/cmdline")
	h=$(cat "$W/a/roothash")
	blocks=$(($(wc -c <"$W/data.img") / 4096))
	salt=$(sha256sum "$W/data.img" | cut -d' ' -f1)
	want="root=/dev/dm-0 ro rootfstype=erofs dm-mod.waitfor=/dev/vda1,/dev/vda2 dm-mod.create=\"dm-verity,,,ro,0 $((blocks * 8)) verity 1 /dev/vda1 /dev/vda2 4096 4096 $blocks 0 sha256 $h $salt\" sealroot.roothash=$h"
	assertEquals "$want" "$c"
	assertEquals "one line" 1 "$(wc -l <"$W/a/cmdline")"
}

# The same facts, parsed out of the line rather than rebuilt: the exact
# dm-mod.create form, sectors = 8 * blocks, one root hash everywhere.
test_cmdline_fields_agree() {
	c=$(cat "$W/a/cmdline")
	hex='[0-9a-f]\{64\}'
	re="^root=/dev/dm-0 ro rootfstype=erofs dm-mod.waitfor=/dev/vda1,/dev/vda2 dm-mod.create=\"dm-verity,,,ro,0 \([0-9]*\) verity 1 /dev/vda1 /dev/vda2 4096 4096 \([0-9]*\) 0 sha256 \($hex\) \($hex\)\" sealroot.roothash=\($hex\)\$"
	assertTrue "the form: $c" "printf '%s\n' '$c' | grep -q '$re'"
	fields=$(printf '%s\n' "$c" | sed -n "s|$re|\1 \2 \3 \4 \5|p")
	# shellcheck disable=SC2086
	set -- $fields
	assertEquals "five fields" 5 $#
	sectors=$1 blocks=$2 dmhash=$3 dmsalt=$4 sealhash=$5
	assertEquals "sectors = 8 * blocks" $((blocks * 8)) "$sectors"
	assertEquals "blocks = the data's 4 KiB blocks" $(($(wc -c <"$W/data.img") / 4096)) "$blocks"
	assertEquals "dm-mod.create hash = sealroot.roothash" "$dmhash" "$sealhash"
	assertEquals "= roothash" "$(cat "$W/a/roothash")" "$dmhash"
	assertEquals "= root_hash.txt" "root_hash=$dmhash,salt=$dmsalt,data_blocks=$blocks,data_block_size=4096,hash_block_size=4096" \
		"$(cat "$W/a/root_hash.txt")"
}

test_device_names_are_options() {
	"$VERITY" --data "$W/data.img" --out "$W/d" --data-dev /dev/sda1 --hash-dev /dev/sda2 >/dev/null 2>&1
	assertContains "$(cat "$W/d/cmdline")" "verity 1 /dev/sda1 /dev/sda2 4096"
	assertContains "$(cat "$W/d/cmdline")" "dm-mod.waitfor=/dev/sda1,/dev/sda2 "
	assertEquals "the disk does not depend on the names" \
		"$(sha256sum <"$W/a/rootfs.img")" "$(sha256sum <"$W/d/rootfs.img")"
}

test_partition_layout() {
	d=$(sfdisk --dump "$W/a/rootfs.img")
	size=$(($(wc -c <"$W/data.img") / 512))
	assertContains "$d" "label-id: 0x5ea1f00d"
	assertContains "$d" "rootfs.img1 : start=        2048, size=$(printf '%12d' $size), type=83"
	assertContains "$d" "rootfs.img2 : start=$(printf '%12d' $((2048 + size)))"
	assertEquals "two partitions" 2 "$(printf '%s\n' "$d" | grep -c '^/.*rootfs.img[0-9] : ')"
	assertContains "p2 is type 83" "$(printf '%s\n' "$d" | grep 'rootfs.img2 :')" "type=83"
	p2=$(printf '%s\n' "$d" | sed -n 's/.*rootfs.img2 : start= *\([0-9]*\), size= *\([0-9]*\).*/\1 \2/p')
	assertEquals "p2 is 4 KiB aligned" 0 $((${p2% *} % 8))
	assertEquals "p2 ends the disk" $(($(wc -c <"$W/a/rootfs.img") / 512)) $((${p2% *} + ${p2#* }))
	# p1 holds exactly the data image.
	dd if="$W/a/rootfs.img" of="$W/p1" bs=512 skip=2048 count=$size status=none
	assertTrue "p1 == data" "cmp -s $W/p1 $W/data.img"
}

test_shipped_disk_verifies_and_tamper_fails() {
	size=$(($(wc -c <"$W/data.img") / 512))
	total=$(($(wc -c <"$W/a/rootfs.img") / 512))
	dd if="$W/a/rootfs.img" of="$W/p1" bs=512 skip=2048 count=$size status=none
	dd if="$W/a/rootfs.img" of="$W/p2" bs=512 skip=$((2048 + size)) count=$((total - 2048 - size)) status=none
	h=$(cat "$W/a/roothash")
	assertTrue "p1 and p2 of the disk verify" "verify $W/p1 $W/p2 $h"
	assertFalse "not against another root hash" "verify $W/p1 $W/p2 $(echo "$h" | tr 0-9a-f 1-9a-f0)"
	cp "$W/p1" "$W/p1.bad"
	flip_byte "$W/p1.bad" 900000
	assertFalse "p1 changed" "cmp -s $W/p1 $W/p1.bad"
	assertFalse "a flipped byte in p1 fails" "verify $W/p1.bad $W/p2 $h"
	cp "$W/p2" "$W/p2.bad"
	flip_byte "$W/p2.bad" 10
	assertFalse "p2 changed" "cmp -s $W/p2 $W/p2.bad"
	assertFalse "a flipped byte in p2 fails" "verify $W/p1 $W/p2.bad $h"
}

test_sizes_not_aligned_to_a_mib() {
	# p1 ending off a 1 MiB boundary and a tiny p2 (sfdisk's default grain
	# once refused this layout).
	for blocks in 1677 2049 100; do
		head -c $((blocks * 4096)) /dev/urandom >"$W/raw.img"
		assertTrue "$blocks blocks" "$VERITY --data $W/raw.img --out $W/raw >/dev/null 2>&1"
		assertContains "$(sfdisk --dump "$W/raw/rootfs.img")" "rootfs.img2 : start=$(printf '%12d' $((2048 + blocks * 8)))"
	done
}

test_bad_arguments() {
	out=$("$VERITY" --bogus x 2>&1)
	assertNotEquals 0 $?
	assertContains "$out" "unknown option --bogus"
	out=$("$VERITY" --out "$W/e" 2>&1)
	assertNotEquals "--data is required" 0 $?
	out=$("$VERITY" --data "$W/data.img" --out 2>&1)
	assertNotEquals "a value is required" 0 $?
	assertContains "$out" "--out"
	out=$("$VERITY" --data "$W/data.img" --out "$W/e" --data-dev '/dev/vda1 evil' 2>&1)
	assertNotEquals "a device name with a blank" 0 $?
	head -c 1000 /dev/zero >"$W/odd.img"
	out=$("$VERITY" --data "$W/odd.img" --out "$W/e" 2>&1)
	assertNotEquals 0 $?
	assertContains "$out" "not a positive multiple of 4096"
	assertFalse "nothing written" "[ -e $W/e/rootfs.img ]"
}

# shellcheck disable=SC1091
. /usr/bin/shunit2
