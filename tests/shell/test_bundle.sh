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

# The RTMR2 form follows the tdx firmware's edk2 version: edk2 commit
# a2ac0fea49 (tianocore/edk2, in edk2-stable202508; OvmfPkg/Library/
# X86QemuLoadImageLib/X86QemuLoadImageLib.c, QemuLoadKernelImage) moved
# "initrd=initrd" in front of the command line.
test_tdx_initrd_form_follows_the_firmware_pin() {
	form() { # PINS_TEXT [TDX_INITRD_FORM]
		printf '%s\n' "$1" >"$SHUNIT_TMPDIR/pins"
		(top=$TOP STAGE=test FIRMWARE_PINS=$SHUNIT_TMPDIR/pins TDX_INITRD_FORM=${2:-} &&
			. "$TOP/tools/common.sh" && tdx_initrd_form) 2>&1
	}
	assertEquals "the pinned firmware" appended "$(FIRMWARE_PINS= TDX_INITRD_FORM= sh -c \
		'top=$1 STAGE=test; . "$1/tools/common.sh"; tdx_initrd_form' - "$TOP")"
	assertEquals appended "$(form 'image OVMF.inteltdx.fd tdx 2025.05-1 edk2:x - y')"
	assertEquals prepended "$(form 'image OVMF.inteltdx.fd tdx 2025.08-1 edk2:x - y')"
	assertEquals prepended "$(form 'image OVMF.inteltdx.fd tdx 2026.02~rc1-3 edk2:x - y')"
	assertEquals "override" prepended "$(form 'image OVMF.inteltdx.fd tdx 2025.02-8 edk2:x - y' prepended)"
	assertContains "$(form 'image OVMF.inteltdx.fd tdx 0~git1-1 edk2:x - y')" "is not an edk2 YYYY.MM version"
	assertContains "$(form 'image OVMF.fd none 2025.02-8 deb:x - y')" "is not an edk2 YYYY.MM version"
	assertContains "$(form 'image OVMF.inteltdx.fd tdx 2025.08-1 edk2:x - y' before)" \
		"TDX_INITRD_FORM=before is neither appended nor prepended"
}

test_bad_arguments() {
	out=$("$TOP/tools/bundle.sh" --tee none --bogus 1 2>&1)
	assertNotEquals 0 $?
	assertContains "$out" "unknown option --bogus"
}

. shunit2
