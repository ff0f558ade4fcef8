#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# shunit2 tests for tools/extension.sh (make extension): Kata's extension
# image layout (kata-containers tools/osbuilder/image-builder/
# image_builder.sh, commit 7c6ba40c: an MBR disk, p1 the erofs, p2 the
# dm-verity tree made with --no-superblock), reproducibility, and refusals.
TOP=$(cd "$(dirname "$0")/../.." && pwd)

setUp() {
	W=$(mktemp -d)
	mkdir -p "$W/src/etc/kata-extensions" "$W/src/usr/local/bin"
	echo 'schema_version = 1' >"$W/src/etc/kata-extensions/components.toml"
	printf '#!/bin/sh\n' >"$W/src/usr/local/bin/cdh"
	chmod 700 "$W/src/usr/local/bin/cdh"
}
tearDown() { rm -rf "$W"; }

ext() { "$TOP/tools/extension.sh" "$@" 2>"$W/err"; }

# Two builds of the same tree at other times, modes and umask: one image.
test_reproducible() {
	ext coco "$W/src" "$W/a" >"$W/pa" || fail "$(cat "$W/err")"
	touch -d @1 "$W/src/etc/kata-extensions/components.toml"
	chmod 755 "$W/src/usr/local/bin/cdh"
	(umask 077 && "$TOP/tools/extension.sh" coco "$W/src" "$W/b" >"$W/pb" 2>/dev/null) || fail "second build"
	assertTrue "same image" "cmp -s '$W/a/extension-coco.img' '$W/b/extension-coco.img'"
	assertEquals "same parameters" "$(cat "$W/pa")" "$(cat "$W/pb")"
	assertEquals "printed = written" "$(cat "$W/pa")" "$(cat "$W/a/verity_params")"
}

# The measured layout: p1 from sector 2048, p2 right after it, and the
# printed parameters verify p2 against p1 with --no-superblock.
test_measured_layout_verifies() {
	ext coco "$W/src" "$W/a" >"$W/p" || fail "$(cat "$W/err")"
	img=$W/a/extension-coco.img
	p=$(cat "$W/p")
	sfdisk -d "$img" >"$W/table"
	assertEquals "two partitions" 2 "$(grep -c '^/' "$W/table")"
	assertContains "$(cat "$W/table")" "start=        2048"
	get() { printf '%s\n' "$p" | tr ',' '\n' | sed -n "s/^$1=//p"; }
	s1=$(sfdisk -d "$img" | awk -F'[=,]' '/^.*1 :/ { print $2 + 0 }')
	n1=$(sfdisk -d "$img" | awk -F'[=,]' '/^.*1 :/ { print $4 + 0 }')
	s2=$(sfdisk -d "$img" | awk -F'[=,]' '/^.*2 :/ { print $2 + 0 }')
	n2=$(sfdisk -d "$img" | awk -F'[=,]' '/^.*2 :/ { print $4 + 0 }')
	assertEquals "p2 right after p1" $((s1 + n1)) "$s2"
	dd if="$img" of="$W/p1" bs=512 skip="$s1" count="$n1" status=none
	dd if="$img" of="$W/p2" bs=512 skip="$s2" count="$n2" status=none
	assertTrue "verifies" "veritysetup verify --no-superblock --hash=sha256 --data-block-size=$(get data_block_size) \
		--hash-block-size=$(get hash_block_size) --salt=$(get salt) --data-blocks=$(get data_blocks) \
		'$W/p1' '$W/p2' $(get root_hash)"
	assertEquals "erofs magic in p1 (0xe0f5e1e2, little-endian)" "e0f5e1e2" "$(od -An -tx4 -j1024 -N4 "$W/p1" | tr -d ' ')"
	assertContains "$(cat "$W/a/extension.json")" "\"kernel_param\": \"kata.extension.coco.verity_params=$p\""
}

test_unmeasured_has_p1_only() {
	ext --unmeasured raw "$W/src" "$W/u" >"$W/p" || fail "$(cat "$W/err")"
	assertEquals "nothing printed" "" "$(cat "$W/p")"
	assertEquals "one partition" 1 "$(sfdisk -d "$W/u/extension-raw.img" | grep -c '^/')"
	assertContains "$(cat "$W/u/extension.json")" '"kernel_param": "kata.extension.raw.verity_params"'
}

test_refusals() {
	ext Coco "$W/src" "$W/x"
	assertEquals "bad name" 2 $?
	assertContains "$(cat "$W/err")" "extension name 'Coco' is not 1..10 of [a-z0-9_-]"
	ext abcdefghijk "$W/src" "$W/x"
	assertEquals "11 characters" 2 $?
	ext coco "$W/nope" "$W/x"
	assertEquals "no directory" 2 $?
	mkfifo "$W/src/fifo"
	ext coco "$W/src" "$W/x"
	assertEquals "a FIFO" 1 $?
	assertContains "$(cat "$W/err")" "holds a device, FIFO or socket (fifo)"
	assertFalse "nothing written" "[ -e '$W/x/extension-coco.img' ]"
}

. shunit2
