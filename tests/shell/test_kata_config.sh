#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# shunit2 tests for the per-TEE bundle files (docs/bundles.md):
# - tools/kata-config.sh gives, per TEE, exactly the [hypervisor.qemu] keys
#   of docs/bundles.md's table, each of which Kata's own template for that
#   TEE has (tests/shell/kata-keys/<tee>.txt, the key names of Kata's
#   configuration-qemu-<tee>.toml.in), and the output parses with Python's
#   tomllib with the right values;
# - `make install DESTDIR=...` puts every path the installed Kata
#   configuration names into the tree;
# - reference-values.json matches docs/reference-values.schema.json and its
#   digests are the files' own; the manifest lists the Kata config.
TOP=$(cd "$(dirname "$0")/../.." && pwd)
OUT=$TOP/out/none
PY=/usr/bin/python3

oneTimeSetUp() {
	W=$(mktemp -d)
	[ -f "$OUT/manifest.json" ] || (cd "$TOP" && make -s image >/dev/null 2>&1)
}
oneTimeTearDown() { rm -rf "$W"; }

# keys TEE: the sorted keys kata-config.sh writes for TEE.
keys() {
	"$TOP/tools/kata-config.sh" "$1" /opt/x vmlinux "root_hash=a" "quiet" fw.fd >"$W/$1.toml" &&
		"$PY" -c 'import sys, tomllib
d = tomllib.load(open(sys.argv[1], "rb"))
assert list(d) == ["hypervisor"] and list(d["hypervisor"]) == ["qemu"], d.keys()
print("\n".join(sorted(d["hypervisor"]["qemu"])))' "$W/$1.toml"
}

test_keys_per_tee_match_the_table() {
	# Every x86_64 TEE keeps the root off NVDIMM for both runtimes
	# (disable_image_nvdimm for the Go runtime, vm_rootfs_driver for
	# runtime-rs, whose x86_64 default "virtio-pmem" is an nvdimm on QEMU:
	# kata-containers src/runtime-rs/Makefile VMROOTFSDRIVER_QEMU,
	# crates/hypervisor/src/device/device_manager.rs, commit 7c6ba40c).
	assertEquals "none" "$(printf '%s\n' confidential_guest disable_image_nvdimm image kernel \
		kernel_params kernel_verity_params path rootfs_type vm_rootfs_driver)" "$(keys none)"
	assertEquals "snp" "$(printf '%s\n' confidential_guest disable_image_nvdimm firmware image \
		kernel kernel_params kernel_verity_params path rootfs_type sev_snp_guest snp_guest_policy \
		vm_rootfs_driver)" "$(keys snp)"
	assertEquals "tdx" "$(printf '%s\n' confidential_guest disable_image_nvdimm firmware \
		firmware_volume image kernel kernel_params kernel_verity_params path rootfs_type \
		tdx_quote_generation_service_socket_port vm_rootfs_driver)" "$(keys tdx)"
	assertEquals "se" "$(printf '%s\n' confidential_guest kernel kernel_params path)" "$(keys se)"
}

test_every_key_is_in_kata_template() {
	for t in none snp tdx se; do
		for k in $(keys $t); do
			# coco-dev's template leaves confidential_guest out (it
			# defaults to false); the table sets it: a key of the others.
			[ "$t/$k" = none/confidential_guest ] &&
				assertTrue "grep -qx confidential_guest '$TOP/tests/shell/kata-keys/snp.txt'" && continue
			# vm_rootfs_driver is runtime-rs's key (kata-containers
			# src/runtime-rs/config/configuration-qemu-coco-dev-runtime-rs.toml.in,
			# and kata-types HypervisorConfig's BootInfo.vm_rootfs_driver,
			# commit 7c6ba40c); the Go runtime warns about a key it does
			# not decode and goes on (pkg/katautils/config.go, Undecoded).
			[ "$k" = vm_rootfs_driver ] && continue
			assertTrue "$t: $k is not a key of Kata's template" \
				"grep -qx '$k' '$TOP/tests/shell/kata-keys/$t.txt'"
		done
	done
}

test_no_extension_is_written_out() {
	# A bundle without extensions sets guest_extension_images = [], since a
	# drop-in replaces an array only when it sets it, and runtime-rs's
	# qemu-snp/qemu-tdx templates list Kata's coco extension
	# (kata-containers 7c6ba40c src/runtime-rs/config/
	# configuration-qemu-snp-runtime-rs.toml.in; src/libs/kata-types/src/
	# config/drop_in.rs).
	got=$("$PY" -c 'import sys, tomllib
q = tomllib.load(open(sys.argv[1], "rb"))["hypervisor"]["qemu"]
print(repr(q.get("guest_extension_images", "absent")))' "$OUT/configuration-qemu-none.toml")
	assertEquals "[]" "$got"
}

test_values() {
	keys snp >/dev/null
	out=$("$PY" -c 'import sys, tomllib
q = tomllib.load(open(sys.argv[1], "rb"))["hypervisor"]["qemu"]
print(q["confidential_guest"], q["sev_snp_guest"], q["snp_guest_policy"], q["disable_image_nvdimm"], q["rootfs_type"], q["firmware"])' "$W/snp.toml")
	assertEquals "True True 196608 True erofs /opt/x/fw.fd" "$out"
	keys none >/dev/null
	out=$("$PY" -c 'import sys, tomllib
q = tomllib.load(open(sys.argv[1], "rb"))["hypervisor"]["qemu"]
print(q["confidential_guest"], q["kernel"], q["path"])' "$W/none.toml")
	assertEquals "False /opt/x/vmlinux /usr/bin/qemu-system-x86_64" "$out"
}

# Issue 18, row 11: the QGS port is Kata's default, 0 (the host's QGS Unix
# socket, vsock 4050 only as a fallback), not a forced 4050. Kata builds
# its tdx templates with QEMUTDXQUOTEGENERATIONSERVICESOCKETPORT := 0
# (kata-containers src/runtime/Makefile and src/runtime-rs/Makefile, into
# src/runtime/config/configuration-qemu-tdx.toml.in and
# src/runtime-rs/config/configuration-qemu-tdx-runtime-rs.toml.in), and 0
# means "the Unix socket /var/run/tdx-qgs/qgs.socket if it exists"
# (src/runtime/pkg/govmm/qemu/qemu.go getQgsSocketAddress;
# src/runtime-rs/crates/hypervisor/src/utils.rs SocketAddress::new;
# commit 7c6ba40c54ea). The key is written, not left out: runtime-rs
# defaults a missing key to 4050 (src/libs/kata-types/src/config/
# hypervisor/mod.rs, default_qgs_port).
test_tdx_qgs_port_is_katas_default() {
	keys tdx >/dev/null
	out=$("$PY" -c 'import sys, tomllib
q = tomllib.load(open(sys.argv[1], "rb"))["hypervisor"]["qemu"]
print(repr(q["tdx_quote_generation_service_socket_port"]))' "$W/tdx.toml")
	assertEquals "tdx_quote_generation_service_socket_port" 0 "$out"
	for t in none snp se; do
		keys $t >/dev/null
		assertNotContains "$t sets no QGS port" "$(cat "$W/$t.toml")" tdx_quote_generation
	done
}

test_refusals() {
	out=$("$TOP/tools/kata-config.sh" snp /opt/x bzImage v p 2>&1)
	assertEquals 2 $?
	assertContains "$out" "snp needs FIRMWARE"
	out=$("$TOP/tools/kata-config.sh" sgx /opt/x bzImage v p 2>&1)
	assertEquals 2 $?
	assertContains "$out" "unknown TEE sgx"
	# A quote in a value cannot break out of the TOML string.
	"$TOP/tools/kata-config.sh" none /opt/x vmlinux 'a"b\c' 'x = "y"' >"$W/q.toml"
	out=$("$PY" -c 'import sys, tomllib
q = tomllib.load(open(sys.argv[1], "rb"))["hypervisor"]["qemu"]
print(q["kernel_verity_params"] + "|" + q["kernel_params"])' "$W/q.toml")
	assertEquals 'a"b\c|x = "y"' "$out"
}

test_installed_paths_exist() {
	(cd "$TOP" && make -s install TEE=none DESTDIR="$W/root" >"$W/install.log" 2>&1)
	assertEquals "make install: $(tail -n 3 "$W/install.log")" 0 $?
	conf=$W/root/opt/sealroot/share/sealroot/none/configuration-qemu-none.toml
	assertTrue "installed config" "[ -f '$conf' ]"
	missing=$("$PY" -c 'import os, sys, tomllib
q = tomllib.load(open(sys.argv[1], "rb"))["hypervisor"]["qemu"]
for k in ("kernel", "image", "initrd", "firmware"):
    if k in q and q[k] and not os.path.isfile(sys.argv[2] + q[k]):
        print(k, q[k])' "$conf" "$W/root")
	assertEquals "paths the config names but the tree lacks" "" "$missing"
}

test_reference_values_schema_and_digests() {
	rv=$OUT/reference-values.json
	assertTrue "reference-values.json" "[ -f '$rv' ]"
	out=$("$PY" -c 'import json, sys, jsonschema
jsonschema.validate(json.load(open(sys.argv[1])), json.load(open(sys.argv[2])))
print("valid")' "$rv" "$TOP/docs/reference-values.schema.json" 2>&1 | tail -n 1)
	assertEquals "valid" "$out"
	got=$("$PY" -c 'import json, sys; r = json.load(open(sys.argv[1]))
print(r["kernel"]["digests"]["sha384"], r["cmdline"]["digests"]["sha256"], r["root_hash"])' "$rv")
	want="$(sha384sum "$OUT/vmlinux" | cut -d' ' -f1) $(printf '%s' "$(cat "$OUT/cmdline")" | sha256sum | cut -d' ' -f1) $(cat "$OUT/roothash")"
	assertEquals "$want" "$got"
	# The schema is not vacuous: a wrong format is refused.
	sed 's/sealroot-reference-values\/1/other/' "$rv" >"$W/bad.json"
	out=$("$PY" -c 'import json, sys, jsonschema
jsonschema.validate(json.load(open(sys.argv[1])), json.load(open(sys.argv[2])))' "$W/bad.json" "$TOP/docs/reference-values.schema.json" 2>&1)
	assertNotEquals 0 $?
}

test_manifest_lists_kata_config() {
	assertEquals "$(sha256sum "$OUT/configuration-qemu-none.toml" | cut -d' ' -f1)" \
		"$("$PY" -c 'import json, sys; print(json.load(open(sys.argv[1]))["artifacts"]["configuration-qemu-none.toml"]["sha256"])' "$OUT/manifest.json")"
}

# The se bundle: its reference values validate (no root hash: the root is
# the initrd), name the genprotimg inputs' digests, and the installed
# config's kernel is the SE image that tools/se-image.sh writes from those
# inputs (a stand-in genprotimg here: the real one needs IBM Z host key
# documents and is not packaged for amd64), with the initdata's digest in the
# parmfile it seals (--initdata).
test_se_bundle_and_se_image() {
	SE=$TOP/out/se
	(cd "$TOP" && make -s image TEE=se >"$W/se.log" 2>&1)
	assertEquals "make image TEE=se: $(tail -n 5 "$W/se.log")" 0 $?
	rv=$SE/reference-values.json
	out=$("$PY" -c 'import json, sys, jsonschema
jsonschema.validate(json.load(open(sys.argv[1])), json.load(open(sys.argv[2])))
print("valid")' "$rv" "$TOP/docs/reference-values.schema.json" 2>&1 | tail -n 1)
	assertEquals "valid" "$out"
	got=$("$PY" -c 'import json, sys; r = json.load(open(sys.argv[1])); g = r["se"]["genprotimg_inputs"]
print(r["root_hash"], r["initrd"]["file"], r["initrd"]["digests"]["sha384"], g["kernel"]["sha256"],
      g["initrd"]["sha256"], g["parmfile"]["sha256"], r["se"]["parmfile"])' "$rv")
	want="None initrd.img $(sha384sum <"$SE/initrd.img" | cut -d' ' -f1) $(sha256sum <"$SE/bzImage" | cut -d' ' -f1)"
	want="$want $(sha256sum <"$SE/initrd.img" | cut -d' ' -f1) $(sha256sum <"$SE/parmfile" | cut -d' ' -f1)"
	want="$want $(cat "$SE/parmfile")"
	assertEquals "$want" "$got"
	assertEquals "an s390x kernel" "IBM S/390" "$(readelf -h "$TOP/build/s390x/sealroot-init" | sed -n 's/^ *Machine: *//p')"
	# An se document with a root hash is refused by the schema.
	sed 's/"root_hash": null/"root_hash": "'"$(printf '%064d' 0)"'"/' "$rv" >"$W/se-bad.json"
	"$PY" -c 'import json, sys, jsonschema
jsonschema.validate(json.load(open(sys.argv[1])), json.load(open(sys.argv[2])))' "$W/se-bad.json" \
		"$TOP/docs/reference-values.schema.json" >/dev/null 2>&1
	assertNotEquals "se with a root hash" 0 $?

	(cd "$TOP" && make -s install TEE=se DESTDIR="$W/se-root" >"$W/se-install.log" 2>&1)
	assertEquals "make install TEE=se" 0 $?
	d=$W/se-root/opt/sealroot/share/sealroot/se
	kernel=$("$PY" -c 'import sys, tomllib
print(tomllib.load(open(sys.argv[1], "rb"))["hypervisor"]["qemu"]["kernel"])' "$d/configuration-qemu-se.toml")
	assertEquals "/opt/sealroot/share/sealroot/se/sealroot-se.img" "$kernel"
	mkdir -p "$W/fakebin"
	cat >"$W/fakebin/genprotimg" <<'FAKE'
#!/bin/sh
# Stand-in: records its arguments and the parmfile it is given, writes the
# output, or fails on request.
printf '%s\n' "$@" >"$FAKE_ARGS"
for a in "$@"; do case $a in --parmfile=*) cp "${a#--parmfile=}" "$FAKE_ARGS.parmfile" ;; esac; done
[ -z "${FAKE_FAIL:-}" ] || { echo "genprotimg: fake failure" >&2; exit 1; }
for a in "$@"; do case $a in --output=*) echo sealed >"${a#--output=}" ;; esac; done
FAKE
	chmod 755 "$W/fakebin/genprotimg"
	echo hkd >"$W/HKD.crt"
	(cd "$TOP" && make -s tools >/dev/null 2>&1)
	id=$TOP/tests/boot/initdata.toml
	parm=$(cat "$d/parmfile")
	out=$(PATH=$W/fakebin:$PATH FAKE_ARGS=$W/args FAKE_FAIL=1 "$TOP/tools/se-image.sh" --initdata "$id" \
		"$d" "$W/HKD.crt" 2>&1)
	assertNotEquals "a failing genprotimg fails" 0 $?
	assertFalse "and leaves no image" "[ -e '$d/sealroot-se.img' ] || [ -e '$d/sealroot-se.img.tmp' ]"
	assertFalse "and no sealed parmfile" "[ -e '$d/sealroot-se.parmfile' ] || [ -e '$d/sealroot-se.parmfile.tmp' ]"
	PATH=$W/fakebin:$PATH FAKE_ARGS=$W/args "$TOP/tools/se-image.sh" --initdata "$id" "$d" "$W/HKD.crt" \
		-- --no-verify 2>/dev/null
	assertEquals "se-image.sh" 0 $?
	assertTrue "the configured kernel now exists" "[ -f '$W/se-root$kernel' ]"
	assertEquals "genprotimg's arguments" "$(printf '%s\n' "--image=$d/bzImage" "--ramdisk=$d/initrd.img" \
		"--parmfile=$d/sealroot-se.parmfile.tmp" "--host-key-document=$W/HKD.crt" \
		"--output=$d/sealroot-se.img.tmp" --no-verify)" "$(cat "$W/args")"
	# Issue 16, finding 1: the sealed command line carries the initdata's
	# digest (the document's algorithm over the file's bytes), which the
	# init checks; the bundle's own parmfile is unchanged.
	sealed="$parm sealroot.initdata_digest=sha384:$(sha384sum <"$id" | cut -d' ' -f1)"
	assertEquals "the sealed parmfile" "$sealed" "$(cat "$W/args.parmfile")"
	assertEquals "kept beside the image" "$sealed" "$(cat "$d/sealroot-se.parmfile")"
	assertEquals "the bundle's parmfile" "$parm" "$(cat "$d/parmfile")"
	# Without --initdata the image would refuse every initdata while the
	# parmfile requires one: refused before genprotimg runs.
	rm -f "$W/args" "$W/args.parmfile"
	out=$(PATH=$W/fakebin:$PATH FAKE_ARGS=$W/args "$TOP/tools/se-image.sh" "$d" "$W/HKD.crt" 2>&1)
	assertEquals "no --initdata" 1 $?
	assertContains "$out" "no --initdata FILE.toml: an SE guest binds initdata only through the sealed parmfile"
	assertFalse "genprotimg not run" "[ -e '$W/args' ]"
	# A document the init would refuse is refused here.
	printf 'version = "0.1.0"\nalgorithm = "md5"\n' >"$W/md5.toml"
	out=$(PATH=$W/fakebin:$PATH FAKE_ARGS=$W/args "$TOP/tools/se-image.sh" --initdata "$W/md5.toml" \
		"$d" "$W/HKD.crt" 2>&1)
	assertEquals "a bad initdata" 1 $?
	assertContains "$out" 'unknown algorithm "md5"'
	assertFalse "genprotimg not run" "[ -e '$W/args' ]"
	# With sealroot.initdata=optional the image runs without initdata: a warning.
	printf '%s sealroot.initdata=optional\n' "$parm" >"$d/parmfile"
	out=$(PATH=$W/fakebin:$PATH FAKE_ARGS=$W/args "$TOP/tools/se-image.sh" "$d" "$W/HKD.crt" 2>&1)
	assertEquals "optional, no --initdata" 0 $?
	assertContains "$out" "WARNING: no --initdata: this image accepts no initdata"
	assertEquals "$parm sealroot.initdata=optional" "$(cat "$W/args.parmfile")"
	# A parmfile that names a digest already is not given a second one.
	printf '%s\n' "$sealed" >"$d/parmfile"
	out=$(PATH=$W/fakebin:$PATH FAKE_ARGS=$W/args "$TOP/tools/se-image.sh" --initdata "$id" "$d" \
		"$W/HKD.crt" 2>&1)
	assertEquals "a second key" 1 $?
	assertContains "$out" "already has sealroot.initdata_digest"
	printf '%s\n' "$parm" >"$d/parmfile"
	out=$("$TOP/tools/se-image.sh" "$d" 2>&1)
	assertEquals "no host key document" 2 $?
	assertContains "$out" "usage: se-image.sh"
	out=$("$TOP/tools/se-image.sh" "$d" "$W/nope.crt" 2>&1)
	assertEquals "a missing host key document" 2 $?
	assertContains "$out" "no host key document $W/nope.crt"
}

# tools/kata-cmdline.sh composes the Go runtime's line (kata-containers
# 7c6ba40c src/runtime/virtcontainers/qemu.go kernelParameters): its own
# words, the root from kernel_verity_params, then kernel_params, then each
# kata.extension word; nr_cpus only for the non-confidential coco-dev; a
# Kata version it does not follow is refused.
test_kata_cmdline() {
	vp="root_hash=$(printf '%064d' 0),salt=$(printf '%064d' 1),data_blocks=8,data_block_size=4096,hash_block_size=4096"
	l=$("$TOP/tools/kata-cmdline.sh" snp "$vp" erofs "sealroot.roothash=x quiet" /dev/vda1 /dev/vda2 kata.extension.coco.verity_params=a)
	assertEquals "ends with kernel_params, then the extension" "sealroot.roothash=x quiet kata.extension.coco.verity_params=a" \
		"$(printf '%s' "$l" | sed 's/.*agent.launch_process_timeout=6 //')"
	assertContains "$l" 'dm-mod.create="dm-verity,,,ro,0 64 verity 1 /dev/vda1 /dev/vda2 4096 4096 8 0 sha256 '
	assertContains "$l" " console=hvc0 console=hvc1 quiet systemd.show_status=false panic=1 selinux=0 "
	assertNotContains "snp has no nr_cpus" "$l" "nr_cpus="
	assertNotContains "agent.cdh_api_timeout is coco-dev's" "$l" "agent.cdh_api_timeout"
	l=$(KATA_HOST_CPUS=7 "$TOP/tools/kata-cmdline.sh" coco-dev "$vp" erofs q)
	assertContains "$l" " panic=1 nr_cpus=7 selinux=0 "
	assertContains "$l" " agent.cdh_api_timeout=50 agent.launch_process_timeout=6 q"
	assertEquals 7c6ba40c54ea29b459b4997cff948caaba4e658b "$(KATA_COMMIT=7c6ba40c "$TOP/tools/kata-cmdline.sh" --commit)"
	out=$(KATA_COMMIT=0123456 "$TOP/tools/kata-cmdline.sh" snp "$vp" erofs q 2>&1)
	assertNotEquals 0 $?
	assertContains "$out" "KATA_COMMIT=0123456: this sealroot composes Kata's command line as kata-containers 7c6ba40c"
	out=$("$TOP/tools/kata-cmdline.sh" snp "root_hash=1" erofs q 2>&1)
	assertNotEquals 0 $?
	assertContains "$out" "kernel_verity_params is not"
}

. shunit2
