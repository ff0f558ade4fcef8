#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# tools/sealroot-initdata, checked with coreutils, gzip and base64 rather
# than with its own code: the digest, the SNP and TDX binding values, the
# command-line key, the block image layout, reproducibility, the Kata
# annotation, and refusals.
TOP=$(cd "$(dirname "$0")/../.." && pwd)
TOOL=$TOP/build/host/sealroot-initdata
EX=$TOP/tests/boot/initdata.toml

setUp() {
	W=$(mktemp -d)
}

tearDown() {
	rm -rf "$W"
}

field() { # NAME FILE
	sed -n "s/^$1: //p" "$2"
}

b64hex() {
	base64 -d | od -An -tx1 -v | tr -d ' \n'
}

test_digest_and_binding_values() {
	"$TOOL" -o "$W/i.img" "$EX" >"$W/out"
	assertEquals 0 $?
	d=$(sha384sum "$EX" | cut -d' ' -f1)
	assertEquals sha384 "$(field algorithm "$W/out")"
	assertEquals "$d" "$(field digest "$W/out")"
	# SNP HOST_DATA is 32 bytes: the digest cut; TDX MRCONFIGID is 48: all of it.
	assertEquals "$(printf %.64s "$d")" "$(field snp-host-data "$W/out" | b64hex)"
	assertEquals "$d" "$(field tdx-mrconfigid "$W/out" | b64hex)"
}

# The measured command-line key (sealroot.initdata_digest, what
# tools/se-image.sh --initdata seals into an SE parmfile): the document's
# own algorithm and the digest of the file's bytes, lower-case hex.
test_cmdline_key() {
	"$TOOL" "$EX" >"$W/out"
	assertEquals "sealroot.initdata_digest=sha384:$(sha384sum "$EX" | cut -d' ' -f1)" \
		"$(field cmdline-key "$W/out")"
	printf 'version = "0.1.0"\nalgorithm = "sha512"\n[data]\n' >"$W/s.toml"
	"$TOOL" "$W/s.toml" >"$W/out"
	assertEquals "sha512" \
		"sealroot.initdata_digest=sha512:$(sha512sum "$W/s.toml" | cut -d' ' -f1)" \
		"$(field cmdline-key "$W/out")"
}

test_sha256_is_zero_padded_for_tdx() {
	printf 'version = "0.1.0"\nalgorithm = "sha256"\n[data]\n' >"$W/s.toml"
	"$TOOL" "$W/s.toml" >"$W/out"
	d=$(sha256sum "$W/s.toml" | cut -d' ' -f1)
	assertEquals "$d" "$(field digest "$W/out")"
	assertEquals "$d" "$(field snp-host-data "$W/out" | b64hex)"
	assertEquals "${d}00000000000000000000000000000000" "$(field tdx-mrconfigid "$W/out" | b64hex)"
}

test_image_layout() {
	"$TOOL" -o "$W/i.img" "$EX" >/dev/null
	size=$(wc -c <"$W/i.img")
	assertEquals "padded to 512" 0 $((size % 512))
	assertEquals initdata "$(head -c 8 "$W/i.img")"
	len=$(od -An -tu8 -j 8 -N 8 "$W/i.img" | tr -d ' ')
	assertTrue "length $len fits" "[ $((16 + len)) -le $size ]"
	tail -c +17 "$W/i.img" | head -c "$len" | gzip -dc >"$W/back"
	assertEquals 0 $?
	assertTrue "gunzip gives the document back" "cmp -s '$EX' '$W/back'"
	# Padding is zeros.
	assertEquals 0 "$(tail -c +$((17 + len)) "$W/i.img" | tr -d '\0' | wc -c)"
}

test_reproducible() {
	"$TOOL" -o "$W/a.img" "$EX" >/dev/null
	sleep 1
	cp "$EX" "$W/copy.toml"
	"$TOOL" -o "$W/b.img" "$W/copy.toml" >/dev/null
	assertTrue "same bytes from the same document" "cmp -s '$W/a.img' '$W/b.img'"
}

test_annotation() {
	"$TOOL" --annotation "$EX" >"$W/out"
	field kata-annotation "$W/out" | base64 -d | gzip -dc >"$W/back"
	assertTrue "annotation is base64(gzip(doc))" "cmp -s '$EX' '$W/back'"
}

test_refuses_what_the_init_refuses() {
	printf 'version = "0.1.0"\nalgorithm = "sha384"\n[data]\n"../etc/passwd" = "x"\n' >"$W/bad.toml"
	err=$("$TOOL" -o "$W/bad.img" "$W/bad.toml" 2>&1 >/dev/null)
	assertEquals 1 $?
	assertContains "$err" 'data entry "../etc/passwd" is not a plain file name'
	assertFalse "no image written" "[ -e '$W/bad.img' ]"
	printf 'version = "0.1.0"\nalgorithm = "md5"\n' >"$W/md5.toml"
	err=$("$TOOL" "$W/md5.toml" 2>&1 >/dev/null)
	assertEquals 1 $?
	assertContains "$err" 'unknown algorithm "md5"'
	# Kata's kata-types (src/libs/kata-types/src/initdata.rs,
	# SUPPORTED_ALGORITHMS, kata-containers 7c6ba40c) and Trustee (kbs-types
	# HashAlgorithm, lowercase) take only these three names, and both need
	# [data]: the spec text's sha-384 spelling and a missing [data] are
	# refused here as there, with no image written.
	for a in sha-256 sha-384 sha-512 SHA384; do
		printf 'version = "0.1.0"\nalgorithm = "%s"\n[data]\n' "$a" >"$W/sp.toml"
		err=$("$TOOL" -o "$W/sp.img" "$W/sp.toml" 2>&1 >/dev/null)
		assertEquals "$a" 1 $?
		assertContains "$a" "$err" "unknown algorithm \"$a\" (want sha256, sha384 or sha512)"
		assertFalse "$a: no image" "[ -e '$W/sp.img' ]"
	done
	printf 'version = "0.1.0"\nalgorithm = "sha384"\n' >"$W/nodata.toml"
	err=$("$TOOL" -o "$W/nodata.img" "$W/nodata.toml" 2>&1 >/dev/null)
	assertEquals "no [data]" 1 $?
	assertContains "$err" "data missing (a [data] table is required, even empty)"
	assertFalse "no [data]: no image" "[ -e '$W/nodata.img' ]"
	printf 'version = "0.1.0"\nalgorithm = "sha384"\nx = 1.5\n' >"$W/f.toml"
	err=$("$TOOL" "$W/f.toml" 2>&1 >/dev/null)
	assertContains "$err" "TOML line 3 column 5: unsupported value"
	"$TOOL" >/dev/null 2>&1
	assertEquals "usage error" 2 $?
}

. shunit2
