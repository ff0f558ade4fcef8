#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# shunit2 tests for the line Kata's runtime-rs boots (docs/kata.md, row 12):
# - tools/kata-cmdline.sh rs-snp / rs-tdx print, for a fixed section, the
#   line written out below word for word from runtime-rs's source, and
#   refuse what runtime-rs would refuse;
# - reference-values.json of the snp and tdx bundles carries that line as
#   "kata_runtime_rs", beside the Go runtime's "kata", with digests and
#   launch measurements that recomputing them gives.
# The Go runtime's line is tested in test_kata_config.sh test_kata_cmdline.
TOP=$(cd "$(dirname "$0")/../.." && pwd)
MEASURE=$TOP/build/host/sealroot-measure

# The snp and tdx bundles, made now (a no-op when current, as boot case
# 071 does) so that their reference values are the tools' of this tree.
oneTimeSetUp() {
	W=$(mktemp -d)
	for t in snp tdx; do
		(cd "$TOP" && make -s image TEE=$t >"$W/make-$t.log" 2>&1) ||
			echo "make image TEE=$t failed: $(tail -n 5 "$W/make-$t.log")" >&2
	done
}
oneTimeTearDown() { rm -rf "$W"; }

VP="root_hash=$(printf '%064d' 0),salt=$(printf '%064d' 1),data_blocks=8,data_block_size=4096,hash_block_size=4096"

# The line runtime-rs composes for the qemu-snp-runtime-rs and
# qemu-tdx-runtime-rs templates with a section like the bundle's
# (vm_rootfs_driver virtio-blk-pci, rootfs_type erofs, the verity
# parameters $VP, no initrd), kata-containers commit
# 7c6ba40c54ea29b459b4997cff948caaba4e658b, src/runtime-rs/crates/:
#   hypervisor/src/kernel_param.rs KernelParams::new, enable_debug false:
#     reboot=k panic=1 systemd.unit=kata-containers.target
#     systemd.mask=systemd-networkd.service systemd.mask=systemd-networkd.socket
#   kernel_param.rs new_rootfs_kernel_params (virtio-blk-pci: /dev/vda1,
#     /dev/vda2; sectors = 4096 / 512 * 8 = 64; erofs: rootflags=ro)
#   hypervisor/src/qemu/cmdline_generator.rs Kernel::new: boot_info
#     .kernel_params through KernelParams::from_string, with the agent's
#     words in front (runtimes/src/manager.rs update_agent_kernel_params;
#     src/libs/kata-types/src/config/mod.rs get_agent_kernel_params, a
#     BTreeMap: cdh_api_timeout_ms 50000 -> agent.cdh_api_timeout=50, then
#     agent.launch_process_timeout=6, both from the templates' [agent.kata]);
#     from_string splits on spaces outside quotes and Param::to_string
#     prints "k=" as "k";
#   Kernel::new: selinux=0 (src/runtime-rs/Makefile DEFDISABLEGUESTSELINUX
#     := true), then one kata.extension.<name>.verity_params per extension
#     (an empty value a bare key);
#   qemu/inner.rs start_vm -> cmdline_generator.rs add_console: console=hvc0.
RS_ROOT='dm-mod.create="dm-verity,,,ro,0 64 verity 1 /dev/vda1 /dev/vda2 4096 4096 8 0 sha256 0000000000000000000000000000000000000000000000000000000000000000 0000000000000000000000000000000000000000000000000000000000000001" root=/dev/dm-0 rootflags=ro rootfstype=erofs'
RS_LINE="reboot=k panic=1 systemd.unit=kata-containers.target systemd.mask=systemd-networkd.service systemd.mask=systemd-networkd.socket $RS_ROOT agent.cdh_api_timeout=50 agent.launch_process_timeout=6 sealroot.roothash=x panic=-1 quiet k selinux=0 kata.extension.coco.verity_params=a kata.extension.raw.verity_params console=hvc0"

test_rs_line_is_runtime_rs_source() {
	for s in rs-snp rs-tdx; do
		l=$("$TOP/tools/kata-cmdline.sh" $s "$VP" erofs "sealroot.roothash=x  panic=-1 quiet k=" \
			/dev/vda1 /dev/vda2 kata.extension.coco.verity_params=a kata.extension.raw.verity_params)
		assertEquals "$s: status" 0 $?
		assertEquals "$s" "$RS_LINE" "$l"
	done
	# Without extensions: selinux=0 and the console end the line.
	l=$("$TOP/tools/kata-cmdline.sh" rs-snp "$VP" erofs q)
	assertEquals "${RS_LINE%% sealroot.roothash=x*} q selinux=0 console=hvc0" "$l"
	# The Go shapes are unchanged by the rs ones.
	l=$("$TOP/tools/kata-cmdline.sh" snp "$VP" erofs q)
	assertEquals "the Go line ends with kernel_params" "agent.launch_process_timeout=6 q" "${l#* scsi_mod.scan=none }"
}

test_rs_line_refuses_what_runtime_rs_refuses() {
	# kernel_param.rs Param::to_string: an empty key fails the VM start.
	out=$("$TOP/tools/kata-cmdline.sh" rs-tdx "$VP" erofs "quiet =x" 2>&1)
	assertEquals "empty key" 1 $?
	assertEquals "kata-cmdline: ERROR: runtime-rs refuses the kernel parameter '=x' (kernel_param.rs Param::to_string: empty key)" "$out"
	out=$("$TOP/tools/kata-cmdline.sh" rs-snp "$VP" erofs q kata.extension.x.verity_params =y 2>&1)
	assertEquals "empty key in an extension word" 1 $?
	assertContains "$out" "refuses the kernel parameter '=y'"
	# new_rootfs_kernel_params: virtio-blk-pci is /dev/vda1 /dev/vda2, and
	# only ext4, xfs and erofs.
	out=$("$TOP/tools/kata-cmdline.sh" rs-snp "$VP" erofs q /dev/sda1 /dev/sda2 2>&1)
	assertEquals "other devices" 2 $?
	assertContains "$out" "runtime-rs puts a virtio-blk-pci root on /dev/vda1 /dev/vda2, not /dev/sda1 /dev/sda2"
	out=$("$TOP/tools/kata-cmdline.sh" rs-tdx "$VP" vfat q 2>&1)
	assertEquals "vfat" 2 $?
	assertContains "$out" "runtime-rs refuses rootfs_type vfat"
	out=$("$TOP/tools/kata-cmdline.sh" rs-se "$VP" erofs q 2>&1)
	assertEquals "no rs-se" 2 $?
	assertContains "$out" "unknown shape rs-se"
	out=$(KATA_COMMIT=0123456 "$TOP/tools/kata-cmdline.sh" rs-snp "$VP" erofs q 2>&1)
	assertEquals "another Kata" 1 $?
	assertContains "$out" "cmdline_generator.rs"
}

# check_rs TEE DIR: DIR/reference-values.json's kata_runtime_rs is the line
# built here from the bundle's own inputs, and its digests and launch
# measurements are what sha256/sha384 and sealroot-measure give for it.
check_rs() {
	rv=$2/reference-values.json
	got=$(python3 - "$rv" "$1" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
k, g = r["kata_runtime_rs"], r["kata"]
print(k["runtime"], k["template"], k["kata_commit"], g["runtime"], g["template"])
PY
)
	assertEquals "$1: the objects" "runtime-rs qemu-$1-runtime-rs 7c6ba40c54ea29b459b4997cff948caaba4e658b go qemu-$1" "$got"
	kp=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["kernel_params"])' "$2/manifest.json")
	root=$("$TOP/tools/kata-cmdline.sh" root "$(cat "$2/root_hash.txt")" erofs /dev/vda1 /dev/vda2)
	exts=$(python3 -c 'import json,sys
print("".join(" kata.extension.%s.verity_params%s" % (e["name"], "=" + e["verity_params"] if e["verity_params"] else "")
      for e in json.load(open(sys.argv[1]))))' "$2/extensions.json")
	want="reboot=k panic=1 systemd.unit=kata-containers.target systemd.mask=systemd-networkd.service"
	want="$want systemd.mask=systemd-networkd.socket $root agent.cdh_api_timeout=50 agent.launch_process_timeout=6"
	want="$want $kp selinux=0$exts console=hvc0"
	line=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["kata_runtime_rs"]["cmdline"]["value"])' "$rv")
	assertEquals "$1: the runtime-rs line" "$want" "$line"
	assertNotEquals "$1: not the Go line" "$line" \
		"$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["kata"]["cmdline"]["value"])' "$rv")"
	printf '%s' "$want" >"$W/line"
	assertEquals "$1: digests" "$(sha256sum <"$W/line" | cut -d' ' -f1) $(sha384sum <"$W/line" | cut -d' ' -f1)" \
		"$(python3 -c 'import json,sys; d = json.load(open(sys.argv[1]))["kata_runtime_rs"]["cmdline"]["digests"]
print(d["sha256"], d["sha384"])' "$rv")"
	files=$(python3 -c 'import json,sys; r = json.load(open(sys.argv[1]))
print(r["kernel"]["file"], r[sys.argv[2]]["firmware"]["file"])' "$rv" "$1")
	kernel=${files% *} fw=${files#* }
	if [ "$1" = snp ]; then
		# runtime-rs runs -cpu EPYC-v4 (cmdline_generator.rs
		# add_sev_snp_protection_device): that type, both feature values.
		: >"$W/ld"
		for f in 0x1 0x21; do
			printf 'EPYC-v4 %s %s\n' "$f" "$("$MEASURE" snp --ovmf "$2/$fw" --kernel "$2/$kernel" \
				--initrd /dev/null --append "$want" --vcpus 1 --vcpu-type EPYC-v4 --guest-features "$f")" >>"$W/ld"
		done
		assertEquals "$1: launch digests" "$(cat "$W/ld")" "$(python3 -c 'import json,sys
for d in json.load(open(sys.argv[1]))["kata_runtime_rs"]["launch_digests"]:
    assert d["vcpus"] == 1
    print(d["vcpu_type"], d["guest_features"], d["launch_digest"])' "$rv")"
	else
		form=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["tdx"]["rtmr2_cmdline_form"])' "$rv")
		assertEquals "$1: rtmr2" \
			"$("$MEASURE" tdx --ovmf "$2/$fw" --kernel "$2/$kernel" --append "$want" --initrd-form "$form" | sed -n 's/^rtmr2 //p')" \
			"$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["kata_runtime_rs"]["rtmr2"])' "$rv")"
	fi
}

test_reference_values_carry_runtime_rs_line() {
	for t in snp tdx; do
		assertTrue "$t: firmware in the bundle" \
			"python3 -c 'import json,sys; json.load(open(sys.argv[1]))[sys.argv[2]][\"firmware\"]' '$TOP/out/$t/reference-values.json' $t"
		check_rs $t "$TOP/out/$t"
		assertEquals "$t: matches docs/reference-values.schema.json" valid "$(python3 -c 'import json, sys, jsonschema
jsonschema.validate(json.load(open(sys.argv[1])), json.load(open(sys.argv[2])))
print("valid")' "$TOP/out/$t/reference-values.json" "$TOP/docs/reference-values.schema.json" 2>&1 | tail -n 1)"
		# With an extension (one measured, one bare): written again by
		# reference-values.sh into a copy of the bundle.
		rm -rf "${W:?}/$t" && cp -r "$TOP/out/$t" "$W/$t"
		printf '[{"name": "coco", "verity_params": "%s"}, {"name": "raw", "verity_params": ""}]\n' "$VP" >"$W/$t/extensions.json"
		files=$(python3 -c 'import json,sys; r = json.load(open(sys.argv[1]))
print(r["kernel"]["file"], r[sys.argv[2]]["firmware"]["file"])' "$W/$t/reference-values.json" $t)
		"$TOP/tools/reference-values.sh" $t "$W/$t" "${files% *}" "$MEASURE" "${files#* }"
		assertEquals "$t: reference-values.sh with extensions" 0 $?
		check_rs $t "$W/$t"
		assertContains "$t: the extensions before the console" \
			"$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["kata_runtime_rs"]["cmdline"]["value"])' "$W/$t/reference-values.json")" \
			" selinux=0 kata.extension.coco.verity_params=$VP kata.extension.raw.verity_params console=hvc0"
	done
}

. shunit2
