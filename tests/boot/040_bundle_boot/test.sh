#!/bin/sh
# 040_bundle_boot: `make install DESTDIR=...` for TEE=none, then a boot that
# uses only what the installed configuration-qemu-none.toml names: the
# kernel and image paths (inside DESTDIR), and the command line composed as
# Kata composes it (the root parameters and dm-mod.create from
# kernel_verity_params and rootfs_type, then kernel_params). The composed
# line must equal the bundle's cmdline (whose digests are the reference
# values), and the guest must boot to the agent's PASS verdict. So the
# configuration is complete and its reference values are for what it boots.
. "$TOP/tests/lib/boot.sh"

dest=$CASE_WORK/root
(cd "$TOP" && make -s install TEE=none DESTDIR="$dest" >"$CASE_WORK/install.log" 2>&1) ||
	{ cat "$CASE_WORK/install.log"; case_fail "make install failed"; }
conf=$(find "$dest" -name configuration-qemu-none.toml | head -n 1)
[ -f "$conf" ] || case_fail "no configuration-qemu-none.toml under $dest"

# kernel, image and the composed command line, from the TOML alone.
python3 - "$conf" "$dest" >"$CASE_WORK/kata" <<'PY' || case_fail "the Kata configuration is incomplete"
import sys, tomllib
q = tomllib.load(open(sys.argv[1], "rb"))["hypervisor"]["qemu"]
dest = sys.argv[2]
vp = dict(kv.split("=", 1) for kv in q["kernel_verity_params"].split(","))
blocks, bs, hbs = int(vp["data_blocks"]), int(vp["data_block_size"]), int(vp["hash_block_size"])
# Kata: root=/dev/dm-0 and the dm-mod.create table from the verity params
# (partition 1 data, partition 2 hash tree), written here independently of
# verity/cmdline.sh (docs/bundles.md, "The command line, as Kata builds it").
root = ('root=/dev/dm-0 ro rootfstype=%s dm-mod.create="dm-verity,,,ro,0 %d verity 1 '
        '/dev/vda1 /dev/vda2 %d %d %d 0 sha256 %s %s"'
        % (q["rootfs_type"], blocks * bs // 512, bs, hbs, blocks, vp["root_hash"], vp["salt"]))
assert q["confidential_guest"] is False
print(dest + q["kernel"])
print(dest + q["image"])
print(root + " " + q["kernel_params"])
PY
kernel=$(sed -n 1p "$CASE_WORK/kata")
image=$(sed -n 2p "$CASE_WORK/kata")
cmdline=$(sed -n 3p "$CASE_WORK/kata")
[ -f "$kernel" ] && [ -f "$image" ] || case_fail "the configured kernel or image is not installed"
[ "$cmdline" = "$(cat "$(dirname "$conf")/cmdline")" ] ||
	case_fail "the composed command line differs from the bundle's: $cmdline"

LOG=$CASE_WORK/console.log
RC=0
initdata_image "$TOP/tests/boot/initdata.toml" "$CASE_WORK/initdata.img"
sr_qemu "$kernel" "$image" "$cmdline" "$LOG" "$BOOT_TIMEOUT" \
	-drive "if=none,id=initdata,file=$CASE_WORK/initdata.img,format=raw,readonly=on" \
	-device virtio-blk-device,drive=initdata || RC=$?
expect_exited
expect_log "verity: / is dm-verity, root hash $(cat "$(dirname "$conf")/roothash")"
expect_log "sealroot-test: VERDICT PASS"
expect_no_log "FATAL"
