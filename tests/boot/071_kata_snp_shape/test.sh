#!/bin/sh
# 071_kata_snp_shape: the snp bundle (BUNDLE_snp, default out/snp) booted under the
# QEMU command line that Kata's Go runtime runs for
# configuration-qemu-snp.toml with the bundle's section merged in
# (tests/lib/kata-shape.sh ks_go_snp cites kata-containers 7c6ba40c for every
# argument): q35 with the bundle's firmware (AMDSEV) as -bios and its bzImage,
# the root image on virtio-blk-pci (/dev/vda1, /dev/vda2: a confidential
# guest disables NVDIMM), the initdata on virtio-blk-pci, the virtio-serial
# console hvc0, a virtio-scsi controller, no virtio-rng (confidential_guest)
# and Kata's own kernel parameters. The TEE object and
# confidential-guest-support are left out: TCG emulates no TEE, and the
# firmware boots as a plain guest. The init's pipeline must reach the test
# agent's PASS verdict with no FATAL line and every agent contract step ok
# (ks_expect_contract); the init detects no TEE.
# Except the firmware: AMDSEV.fd (edk2 OvmfPkg/AmdSev) without SEV does not
# run QEMU's -kernel (its console: "BdsDxe: failed to load Boot0001 "Grub
# Bootloader" ... No bootable option was found", then it waits), so this case
# boots the same line with QEMU's own BIOS (KS_NO_BIOS=1); the PCI topology
# stays the one Kata builds for a firmware (nested pcie-pci-bridge).
. "$TOP/tests/lib/boot.sh"
. "$TOP/tests/lib/kata-shape.sh"

b=${BUNDLE_snp:-$TOP/out/snp}
# Built here (a no-op when current), as 060 builds out/se.
if [ -z "${BUNDLE_snp:-}" ]; then
	(cd "$TOP" && make -s image TEE=snp) >"$CASE_WORK/make.log" 2>&1 ||
		{ tail -n 30 "$CASE_WORK/make.log"; case_fail "make image TEE=snp failed"; }
fi
[ -f "$b/configuration-qemu-snp.toml" ] || case_fail "no snp bundle in $b (make image TEE=snp)"
ks_load_bundle "$b" snp || case_fail "cannot read $b/configuration-qemu-snp.toml"
[ -f "$KS_FIRMWARE" ] || case_fail "the snp bundle has no firmware"
KS_NO_BIOS=1
KS_INITDATA=$INITDATA
KS_CONSOLE=$CASE_WORK/console.log
LOG=$KS_CONSOLE
RC=0
ks_run ks_go_snp "$BOOT_TIMEOUT" || RC=$?
grep -q 'verity 1 /dev/vda1 /dev/vda2 ' "$LOG.cmd" || case_fail "dm-mod.create does not name virtio-blk"
expect_exited
expect_log "verity: / is dm-verity, root hash $(cat "$b/roothash")"
expect_log "sealroot-test: VERDICT PASS"
ks_expect_contract
expect_no_log "FATAL"
# The line this guest booted is the one the bundle's reference values
# publish, with its launch measurements (reference-values.json "kata",
# made by tools/kata-cmdline.sh: docs/kata.md, row 12).
python3 - "$b/reference-values.json" "$LOG.cmd" <<'PY' || case_fail "the booted line is not the reference values' kata.cmdline"
import hashlib, json, sys
rv = json.load(open(sys.argv[1]))["kata"]
args = open(sys.argv[2]).read().split("\n")
line = args[args.index("-append") + 1]
assert rv["cmdline"]["value"] == line, (rv["cmdline"]["value"], line)
assert rv["cmdline"]["digests"]["sha256"] == hashlib.sha256(line.encode()).hexdigest()
assert rv.get("launch_digests") or rv.get("rtmr2"), rv
PY
