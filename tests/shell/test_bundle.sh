#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# shunit2 tests for tools/bundle.sh through the bundle `make image` wrote:
# the manifest is valid JSON and every digest in it is the file's own.
TOP=$(cd "$(dirname "$0")/../.." && pwd)
OUT=$TOP/out/none

oneTimeSetUp() {
	[ -f "$OUT/manifest.json" ] || (cd "$TOP" && make -s image >/dev/null 2>&1)
}

field() { # KEY/PATH: one value from the manifest
	python3 -c 'import json,sys
m = json.load(open(sys.argv[1]))
for k in sys.argv[2].split("/"): m = m[k]
print(m)' "$OUT/manifest.json" "$1"
}

test_manifest_is_json() {
	assertTrue "valid JSON" "python3 -m json.tool '$OUT/manifest.json' >/dev/null"
}

test_artifact_digests() {
	for a in vmlinux rootfs.img cmdline; do
		assertEquals "$a" "$(sha256sum "$OUT/$a" | cut -d' ' -f1)" "$(field "artifacts/$a/sha256")"
	done
	assertEquals "init" "$(sha256sum "$TOP/build/x86_64/sealroot-init" | cut -d' ' -f1)" \
		"$(field artifacts/sealroot-init/sha256)"
}

test_root_hash_everywhere() {
	h=$(cat "$OUT/roothash")
	assertEquals "manifest" "$h" "$(field root_hash)"
	assertContains "$(cat "$OUT/cmdline")" "sealroot.roothash=$h"
	assertContains "$(cat "$OUT/cmdline")" " sha256 $h "
	assertContains "$(cat "$OUT/root_hash.txt")" "root_hash=$h,"
	assertEquals "cmdline in manifest" "$(cat "$OUT/cmdline")" "$(field cmdline)"
}

test_dependencies_and_inputs_recorded() {
	assertEquals "openssl" "3.0.22-1~deb12u2" "$(field dependencies/openssl/debian_version)"
	assertEquals "kernel source pinned" "$(. "$TOP/kernel-config/source" && echo "$debian_version")" \
		"$(field kernel/source | cut -d' ' -f2)"
	assertEquals "commit" "$(git -C "$TOP" rev-parse HEAD)" "$(field inputs/git_commit)"
}

test_bad_arguments() {
	out=$("$TOP/tools/bundle.sh" --tee none --bogus 1 2>&1)
	assertNotEquals 0 $?
	assertContains "$out" "unknown option --bogus"
}

. shunit2
