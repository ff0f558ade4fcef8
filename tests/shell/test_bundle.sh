#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# shunit2 tests for tools/bundle.sh through the bundle `make image` wrote:
# the manifest is valid JSON and every digest in it is the file's own.
TOP=$(cd "$(dirname "$0")/../.." && pwd)
OUT=$TOP/out/none

oneTimeSetUp() {
	[ -f "$OUT/manifest.json" ] || (cd "$TOP" && make -s image >/dev/null 2>&1)
	W=$(mktemp -d)
}
oneTimeTearDown() { rm -rf "$W"; }

# none_bundle OUT [options...]: tools/bundle.sh for none from the none
# build's stages (as `make image` runs it) into OUT; its output and status.
none_bundle() {
	_o=$1
	shift
	b=$TOP/build
	"$TOP/tools/bundle.sh" --tee none --kernel-dir "$(cat "$b/kernel-none.dir")" \
		--verity-dir "$b/none/verity" --deps-prefix "$(cat "$b/deps.prefix")" \
		--init "$b/x86_64/sealroot-init" --agent "$b/x86_64/test-agent" --out "$_o" \
		--firmware-dir "" "$@" 2>&1
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

# Issue 18, row 9 (docs/kata.md): Kata's agent treats initdata as optional
# (kata-containers src/agent/src/initdata.rs, initialize_initdata: no
# device, "skip initdata initialization", commit 7c6ba40c54ea), but a
# sealroot guest without initdata has no owner configuration in force. The
# bundle requires it by default: the measured command line has no
# sealroot.initdata=optional. --initdata optional (make INITDATA_MODE=
# optional) puts that key on the line Kata boots, so it is in the cmdline
# digests and launch measurements of the reference values, and the manifest
# says which it is.
test_initdata_mode() {
	assertEquals "the default bundle requires initdata" required "$(field initdata)"
	assertNotContains "no optional key by default" "$(cat "$OUT/cmdline")" "sealroot.initdata="
	assertNotContains "nor in the Kata config" "$(cat "$OUT/configuration-qemu-none.toml")" "sealroot.initdata="

	out=$(none_bundle "$W/opt" --initdata optional)
	assertEquals "bundle --initdata optional: $out" 0 $?
	line=$(cat "$W/opt/cmdline")
	assertEquals "the only difference is the key, before panic=-1" \
		"$(sed 's/ panic=-1 quiet$/ sealroot.initdata=optional panic=-1 quiet/' "$OUT/cmdline")" "$line"
	got=$(python3 -c 'import json, sys, tomllib
m = json.load(open(sys.argv[1] + "/manifest.json"))
r = json.load(open(sys.argv[1] + "/reference-values.json"))
q = tomllib.load(open(sys.argv[1] + "/configuration-qemu-none.toml", "rb"))["hypervisor"]["qemu"]
print(m["initdata"]); print(m["kernel_params"] == q["kernel_params"]); print(r["cmdline"]["value"])' "$W/opt")
	assertEquals "manifest, Kata config and reference values" \
		"$(printf 'optional\nTrue\n%s' "$line")" "$got"
	assertEquals "the cmdline digest covers the key" \
		"$(printf '%s' "$line" | sha256sum | cut -d' ' -f1)" \
		"$(python3 -c 'import json, sys; print(json.load(open(sys.argv[1]))["cmdline"]["digests"]["sha256"])' "$W/opt/reference-values.json")"
	assertNotEquals "another cmdline digest than the required bundle's" \
		"$(sha256sum <"$OUT/cmdline")" "$(sha256sum <"$W/opt/cmdline")"

	out=$(none_bundle "$W/req" --initdata required)
	assertEquals "bundle --initdata required" 0 $?
	assertTrue "required is the default" "cmp -s '$OUT/cmdline' '$W/req/cmdline'"

	out=$(none_bundle "$W/bad" --initdata maybe)
	assertEquals "a bad mode" 2 $?
	assertContains "$out" "--initdata maybe is neither required nor optional"
	assertFalse "no bundle left" "[ -e '$W/bad' ] || [ -e '$W/bad.tmp' ]"
}

# Issue 18, row 2: the manifest records the agent policy the root holds
# (/etc/kata-opa/default-policy.rego, which a policy-enabled kata-agent
# loads at start or aborts: kata-containers src/agent/src/main.rs
# initialize_policy, src/agent/policy/src/policy.rs POLICY_DEFAULT_FILE,
# commit 7c6ba40c54ea): its digest, and whether it is sealroot's default.
test_agent_policy_recorded() {
	d=$TOP/rootfs/default-policy.rego
	assertEquals "default policy digest" "$(sha256sum <"$d" | cut -d' ' -f1)" "$(field agent_policy/sha256)"
	assertEquals "in the artifacts" "$(field agent_policy/sha256)" "$(field artifacts/agent-policy/sha256)"
	assertEquals "/etc/kata-opa/default-policy.rego" "$(field agent_policy/installed_as)"
	assertContains "$(field agent_policy/source)" "sealroot default"
	printf 'package agent_policy\ndefault CreateContainerRequest := true\n' >"$W/owner.rego"
	out=$(none_bundle "$W/pol" --agent-policy "$W/owner.rego")
	assertEquals "bundle --agent-policy: $out" 0 $?
	assertEquals "AGENT_POLICY (owner.rego) $(sha256sum <"$W/owner.rego" | cut -d' ' -f1)" \
		"$(python3 -c 'import json, sys; p = json.load(open(sys.argv[1]))["agent_policy"]
print(p["source"], p["sha256"])' "$W/pol/manifest.json")"
	out=$(none_bundle "$W/pol2" --agent-policy "$W/nope.rego")
	assertEquals "a missing policy" 2 $?
	assertContains "$out" "no agent policy $W/nope.rego"
}

test_bad_arguments() {
	out=$("$TOP/tools/bundle.sh" --tee none --bogus 1 2>&1)
	assertNotEquals 0 $?
	assertContains "$out" "unknown option --bogus"
}

. shunit2
