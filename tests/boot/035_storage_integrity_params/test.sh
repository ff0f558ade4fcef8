#!/bin/sh
# 035_storage_integrity_params: the dm-integrity superblock is not
# authenticated, and libcryptsetup 2.6.1's crypt_load(CRYPT_INTEGRITY)
# takes the tag and sector size from it (issue 16, finding 3). Boot 1
# formats a KBS-key disk (integrity, the default) and writes the marker
# file. The host then edits the superblock: integrity_tag_size 1 (8-bit
# tags, forged sectors would pass one time in 256). Boot 2 must fail with
# exactly one FATAL storage line naming tag size 1 against 32, before
# anything is activated: the agent never starts and the disk is byte for
# byte what it was before boot 2. Boot 3 does the same with
# log2_sectors_per_block 0 (512-byte sectors instead of 4096).
#
# The superblock layout is the kernel's: Linux 6.12.118 (Debian's
# linux-source-6.12 6.12.118-1, the pinned kernel-config/source),
# drivers/md/dm-integrity.c, struct superblock: magic[8] "integrt\0",
# version (u8, at 8), log2_interleave_sectors (u8, 9), integrity_tag_size
# (__le16, 10), journal_sections (__le32, 12), provided_data_sectors
# (__le64, 16), flags (__le32, 24), log2_sectors_per_block (u8, 28), ...
. "$TOP/tests/lib/boot.sh"
. "$TOP/tests/lib/kbs.sh"
. "$TOP/tests/lib/storage.sh"

# A KBS-key disk is mounted outside /run/kata-containers, which the
# kata-agent empties at every CreateSandbox (kata-containers
# src/agent/src/rpc.rs, create_sandbox, commit 7c6ba40c54ea; issue 18, row 8).
STORAGE_TOML='mountpoint = "/run/scratch"'
head -c 32 /dev/urandom | base64 -w0 >"$CASE_WORK/key"
scratch_image "$CASE_WORK/scratch.img" 64M

storage_kbs_boot write "$CASE_WORK/key"
expect_exited
expect_log "storage: /dev/vdc (64 MiB): KBS key, aes-xts-plain64 4096-byte sectors, dm-integrity hmac-sha256, new ext4, mounted on /run/scratch"
expect_log "sealroot-test: storage wrote marker.bin 1048576 bytes sha256 $(marker_sha256)"
expect_log "sealroot-test: VERDICT PASS"
cp --sparse=always "$CASE_WORK/scratch.img" "$CASE_WORK/formatted.img"

# sb_set FILE OFFSET_IN_SB VALUE: writes one byte of the dm-integrity
# superblock, found by its magic on a 512-byte boundary of the first MiB,
# after checking it is what boot 1 formatted (tag size 32, 4096-byte
# sectors).
sb_set() {
	python3 - "$@" <<'PY' || case_fail "could not edit the dm-integrity superblock"
import os, sys
path, field, value = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
fd = os.open(path, os.O_RDWR)
head = os.pread(fd, 1 << 20, 0)
at = next((o for o in range(0, len(head), 512) if head[o:o + 8] == b"integrt\0"), None)
if at is None:
    sys.exit("no superblock (magic integrt) in the first MiB")
if int.from_bytes(head[at + 10:at + 12], "little") != 32 or head[at + 28] != 3:
    sys.exit("the superblock is not tag size 32 with 4096-byte sectors")
os.pwrite(fd, bytes([value]), at + field)
os.close(fd)
PY
}

# bad_boot FIELD VALUE MESSAGE: boot 2 (or 3) on the formatted disk with
# one superblock byte changed; the init must refuse it and write nothing.
bad_boot() {
	cp --sparse=always "$CASE_WORK/formatted.img" "$CASE_WORK/scratch.img"
	sb_set "$CASE_WORK/scratch.img" "$1" "$2"
	cp --sparse=always "$CASE_WORK/scratch.img" "$CASE_WORK/edited.img"
	storage_kbs_boot verify "$CASE_WORK/key"
	expect_fatal storage
	expect_log "sealroot: FATAL storage: dm-integrity on /dev/vdc (open): the superblock has $3"
	expect_no_log "storage: /dev/vdc (64 MiB)"
	cmp -s "$CASE_WORK/scratch.img" "$CASE_WORK/edited.img" ||
		case_fail "the disk changed on the boot that refused it ($3)"
	no_secret_anywhere "$CASE_WORK/key" "$LOG" "$CASE_WORK/scratch.img" "$INITDATA"
}

bad_boot 10 1 "tag size 1, expected 32"
bad_boot 28 0 "sector size 512, expected 4096"
