#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# shunit2 tests for the SNP firmware: the pinned AmdSevX64 build carries
# the kernel-hashes section that QEMU's kernel-hashes=on fills, so its launch
# digest depends on the kernel and the command line; and tools/bundle.sh
# refuses a firmware without that section (as edk2 2022.11 built it), so no
# snp bundle publishes a launch digest that does not cover the kernel.
# The section: edk2 OvmfPkg/ResetVector/X64/OvmfSevMetadata.asm,
# OVMF_SECTION_TYPE_KERNEL_HASHES 0x10 (edk2-stable202502, Debian 13's
# 2025.02-8+deb13u1, the version firmware/pins names).
TOP=$(cd "$(dirname "$0")/../.." && pwd)

oneTimeSetUp() {
	W=$(mktemp -d)
	FW=$("$TOP/firmware/build.sh" snp 2>"$W/fw.err" | tail -n 1)
	(cd "$TOP" && make -s build/host/sealroot-measure image >"$W/make.log" 2>&1)
	MEASURE=$TOP/build/host/sealroot-measure
}

oneTimeTearDown() {
	rm -rf "$W"
}

digest() { # KERNEL APPEND
	"$MEASURE" snp --ovmf "$FW/AMDSEV.fd" --kernel "$1" --append "$2" --vcpus 1 --vcpu-type EPYC-v4
}

test_pinned_firmware_has_kernel_hashes() {
	assertTrue "firmware built: $(tail -n 3 "$W/fw.err")" "[ -f '$FW/AMDSEV.fd' ]"
	out=$("$MEASURE" snp --ovmf "$FW/AMDSEV.fd" --mode sections)
	assertEquals "sections listed" 0 $?
	assertContains "$out" " type=kernel-hashes"
	assertContains "$out" "hashes-table gpa="
	# The digest follows the kernel and the command line.
	head -c 4096 /dev/urandom >"$W/k1"
	cp "$W/k1" "$W/k2" && printf x >>"$W/k2"
	a=$(digest "$W/k1" "console=hvc0")
	b=$(digest "$W/k2" "console=hvc0")
	c=$(digest "$W/k1" "console=hvc0 init=/bin/sh")
	assertEquals "96 hex digits" 96 ${#a}
	assertNotEquals "another kernel, another digest" "$a" "$b"
	assertNotEquals "another command line, another digest" "$a" "$c"
}

# snp_bundle FIRMWARE_DIR: tools/bundle.sh for snp with the none build's
# kernel and root into $W/out-snp; its output and status.
snp_bundle() {
	b=$TOP/build
	"$TOP/tools/bundle.sh" --tee snp --kernel-dir "$(cat "$b/kernel-none.dir")" \
		--verity-dir "$b/none/verity" --deps-prefix "$(cat "$b/deps.prefix")" \
		--init "$b/x86_64/sealroot-init" --agent "$b/x86_64/test-agent" --out "$W/out-snp" \
		--firmware-dir "$1" --measure "$MEASURE" 2>&1
}

# A firmware whose metadata names no kernel-hashes section (the section's
# type rewritten to plain SNP_SEC_MEM, as 2022.11 declared that memory).
test_bundle_refuses_firmware_without_kernel_hashes() {
	mkdir -p "$W/oldfw"
	python3 - "$FW/AMDSEV.fd" "$W/oldfw/AMDSEV.fd" <<'PY'
import struct, sys
d = bytearray(open(sys.argv[1], "rb").read())
i = d.find(b"ASEV")
n = struct.unpack_from("<I", d, i + 12)[0]
hit = 0
for k in range(n):
    o = i + 16 + 12 * k
    if struct.unpack_from("<I", d, o + 8)[0] == 0x10:
        struct.pack_into("<I", d, o + 8, 1)
        hit += 1
assert hit == 1, hit
open(sys.argv[2], "wb").write(d)
PY
	assertEquals "doctored" 0 $?
	echo "test firmware" >"$W/oldfw/source"
	assertNotContains "no kernel-hashes section left" \
		"$("$MEASURE" snp --ovmf "$W/oldfw/AMDSEV.fd" --mode sections)" "type=kernel-hashes"
	out=$(snp_bundle "$W/oldfw")
	assertEquals "refused" 1 $?
	assertContains "$out" "AMDSEV.fd has no SNP kernel-hashes section, so its launch digest would not cover the kernel, initrd or command line; refusing"
	assertFalse "no bundle" "[ -e '$W/out-snp/reference-values.json' ]"
	# The pinned firmware in the same call makes a bundle.
	out=$(snp_bundle "$FW")
	assertEquals "the pinned firmware is taken: $out" 0 $?
	assertTrue "launch digests cover the kernel" \
		"python3 -c 'import json,sys; s=json.load(open(sys.argv[1]))[\"snp\"]; assert s[\"kernel_hashes\"] is True and s[\"launch_digests\"]' '$W/out-snp/reference-values.json'"
}

# The image pin holds for the toolchain the pins were made with: with that
# toolchain a different image is fatal; with another one (a later Debian
# point release) it is said loudly, and the image is used. The cached build
# is reused (the key does not cover the pins' image sums).
test_image_pin_and_toolchain() {
	mkdir -p "$W/fwtree"
	cp -R "$TOP/firmware" "$TOP/build-aux" "$W/fwtree/"
	zero=0000000000000000000000000000000000000000000000000000000000000000
	sed -i "/^image  *AMDSEV.fd /s/[0-9a-f]\{64\}\$/$zero/" "$W/fwtree/firmware/pins"
	assertTrue "image pin doctored" "grep -q '^image  *AMDSEV.fd .*$zero\$' '$W/fwtree/firmware/pins'"
	out=$("$W/fwtree/firmware/build.sh" snp 2>&1)
	assertEquals "same toolchain, other image: fatal" 1 $?
	assertContains "$out" "firmware/pins says $zero"
	sed -i "s/^toolchain .*/toolchain 1111111111111111111111111111111111111111111111111111111111111111/" \
		"$W/fwtree/firmware/pins"
	out=$("$W/fwtree/firmware/build.sh" snp 2>&1)
	assertEquals "another toolchain: goes on" 0 $?
	assertContains "$out" "WARNING: AMDSEV.fd has sha256"
	assertContains "$out" "this toolchain is not the one firmware/pins was made with"
	assertEquals "the cached image" "$FW" "$(echo "$out" | tail -n 1)"
	rm -rf "$W/fwtree"
}

. shunit2
