#!/bin/sh
# 030_storage_ok: the initdata names the scratch disk by its serial and
# chooses plain explicitly (integrity = false); the init sets up plain
# dm-crypt (aes-xts-plain64, 4096-byte sectors) with a
# fresh random key, makes ext4 and mounts it nodev,nosuid,noexec on
# /run/kata-containers/image. The agent writes 1 MiB of a marker pattern
# and reads nothing back. The raw image holds no occurrence of the marker,
# and a second boot on a second blank disk writes other ciphertext for the
# same file (another key), while the file itself is the same. Then the
# default, with no integrity key at all: dm-integrity (issue 16, finding
# 6), on a sparse 16 GiB disk: no wipe, and no sector is read before it
# was written.
. "$TOP/tests/lib/boot.sh"
. "$TOP/tests/lib/storage.sh"

STORAGE_TOML='integrity = false'
storage_initdata "$CASE_WORK/initdata.img" write
for n in 1 2; do
	scratch_image "$CASE_WORK/scratch$n.img" 64M
	# shellcheck disable=SC2046 # the QEMU arguments are split on purpose
	boot_run "$BUNDLE/rootfs.img" "$(sr_bundle_cmdline "$BUNDLE")" $(scratch_args "$CASE_WORK/scratch$n.img")
	expect_exited
	expect_log "storage: /dev/vdc (64 MiB): ephemeral key, aes-xts-plain64 4096-byte sectors, new ext4, mounted on /run/kata-containers/image (nodev,nosuid,noexec)"
	expect_no_log "dm-integrity"
	expect_log "step storage: ok"
	expect_log "sealroot-test: storage mount /run/kata-containers/image ext4 rw,nosuid,nodev,noexec"
	expect_log "sealroot-test: storage wrote marker.bin 1048576 bytes sha256 $(marker_sha256)"
	expect_log "sealroot-test: VERDICT PASS"
	expect_no_log "FATAL"
	no_marker "$CASE_WORK/scratch$n.img"
	cp "$LOG" "$CASE_WORK/console$n.log"
done
cmp -s "$CASE_WORK/scratch1.img" "$CASE_WORK/scratch2.img" &&
	case_fail "two boots wrote the same ciphertext"
# Not just different: neither disk is blank where the file went.
[ "$(tr -d '\0' <"$CASE_WORK/scratch1.img" | head -c 1048576 | wc -c)" -ge 1048576 ] ||
	case_fail "the first disk holds less than 1 MiB of data"

# The default (no integrity key in [storage]) is integrity, here on a
# sparse 16 GiB disk: set up without a wipe, and neither the write nor the
# file system reads a sector that was not written (no I/O error, no ext4
# error), while the host image stays sparse. The agent contract's
# CreateSandbox walk of /run/kata-containers reads the scratch root and
# lost+found, and the kernel's read-ahead past them into never-written free
# blocks logs dm-integrity "Checksum failed": read-ahead only, dropped, no
# read fails (docs/storage.md, "Read-ahead into free space").
STORAGE_TOML=
storage_initdata "$CASE_WORK/initdata.img" write
scratch_image "$CASE_WORK/big.img" 16G
# shellcheck disable=SC2046
boot_run "$BUNDLE/rootfs.img" "$(sr_bundle_cmdline "$BUNDLE")" $(scratch_args "$CASE_WORK/big.img")
expect_exited
grep -q '^integrity' "$CASE_WORK/initdata.img.toml" && case_fail "the default case names integrity"
expect_log "storage: /dev/vdc (16384 MiB): ephemeral key, aes-xts-plain64 4096-byte sectors, dm-integrity hmac-sha256, new ext4"
expect_log "sealroot-test: storage wrote marker.bin 1048576 bytes sha256 $(marker_sha256)"
expect_log "sealroot-test: VERDICT PASS"
expect_no_log "I/O error"
expect_no_log "EXT4-fs error"
expect_no_log "EXT4-fs warning"
no_marker "$CASE_WORK/big.img"
[ "$(du -k "$CASE_WORK/big.img" | cut -f1)" -lt 65536 ] || case_fail "the 16 GiB image is no longer sparse"
