#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# shunit2 tests for verity/build.sh: root-hash stability, the command-line
# format, the disk layout, and that the shipped disk verifies (and a flipped
# byte does not).
TOP=$(cd "$(dirname "$0")/../.." && pwd)
VERITY=$TOP/verity/build.sh

oneTimeSetUp() {
	W=$(mktemp -d)
	mkdir -p "$W/tree"
	head -c 3000000 /dev/urandom >"$W/tree/blob"
	echo hello >"$W/tree/hello"
	mkfs.erofs --quiet -T0 -U5ea1f00d-0000-4000-8000-000000000001 "$W/data.img" "$W/tree"
	"$VERITY" --data "$W/data.img" --out "$W/a" >"$W/a.stdout" 2>/dev/null ||
		fail "verity/build.sh failed"
}

oneTimeTearDown() {
	rm -rf "$W"
}

test_same_data_same_root_hash() {
	"$VERITY" --data "$W/data.img" --out "$W/b" >/dev/null 2>&1
	assertEquals "root hash" "$(cat "$W/a/roothash")" "$(cat "$W/b/roothash")"
	assertEquals "root_hash.txt" "$(cat "$W/a/root_hash.txt")" "$(cat "$W/b/root_hash.txt")"
	assertTrue "identical disks" "cmp -s $W/a/rootfs.img $W/b/rootfs.img"
	assertEquals "stdout ends with the root hash" "$(cat "$W/a/roothash")" "$(tail -n 1 "$W/a.stdout")"
}

test_one_byte_changes_root_hash() {
	cp "$W/data.img" "$W/data2.img"
	printf 'X' | dd of="$W/data2.img" bs=1 seek=100000 conv=notrunc 2>/dev/null
	"$VERITY" --data "$W/data2.img" --out "$W/c" >/dev/null 2>&1
	assertNotEquals "root hash" "$(cat "$W/a/roothash")" "$(cat "$W/c/roothash")"
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

test_device_names_are_options() {
	"$VERITY" --data "$W/data.img" --out "$W/d" --data-dev /dev/sda1 --hash-dev /dev/sda2 >/dev/null 2>&1
	assertContains "$(cat "$W/d/cmdline")" "verity 1 /dev/sda1 /dev/sda2 4096"
}

test_partition_layout() {
	d=$(sfdisk --dump "$W/a/rootfs.img")
	size=$(($(wc -c <"$W/data.img") / 512))
	assertContains "$d" "label-id: 0x5ea1f00d"
	assertContains "$d" "rootfs.img1 : start=        2048, size=$(printf '%12d' $size), type=83"
	assertContains "$d" "rootfs.img2 : start=$(printf '%12d' $((2048 + size)))"
	# p1 holds exactly the data image.
	dd if="$W/a/rootfs.img" of="$W/p1" bs=512 skip=2048 count=$size status=none
	assertTrue "p1 == data" "cmp -s $W/p1 $W/data.img"
}

test_shipped_disk_verifies_and_tamper_fails() {
	size=$(($(wc -c <"$W/data.img") / 512))
	total=$(($(wc -c <"$W/a/rootfs.img") / 512))
	dd if="$W/a/rootfs.img" of="$W/p1" bs=512 skip=2048 count=$size status=none
	dd if="$W/a/rootfs.img" of="$W/p2" bs=512 skip=$((2048 + size)) count=$((total - 2048 - size)) status=none
	salt=$(sha256sum "$W/data.img" | cut -d' ' -f1)
	assertTrue "verifies" "veritysetup verify --no-superblock --salt=$salt $W/p1 $W/p2 $(cat "$W/a/roothash")"
	printf 'Z' | dd of="$W/p1" bs=1 seek=5000 conv=notrunc 2>/dev/null
	assertFalse "a flipped byte fails" "veritysetup verify --no-superblock --salt=$salt $W/p1 $W/p2 $(cat "$W/a/roothash") 2>/dev/null"
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
	head -c 1000 /dev/zero >"$W/odd.img"
	out=$("$VERITY" --data "$W/odd.img" --out "$W/e" 2>&1)
	assertNotEquals 0 $?
	assertContains "$out" "not a positive multiple of 4096"
	assertFalse "nothing written" "[ -e $W/e/rootfs.img ]"
}

. shunit2
