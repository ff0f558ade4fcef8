#!/bin/sh
# 034_storage_kbs_key: [storage] key = "kbs:///default/key/scratch", from a
# KBS that serves HTTPS with a CA the initdata pins (the init refuses a
# storage key over plain http://, issue 16, finding 5), and the default
# integrity (finding 6). The init attests, keeps the released key in memory
# only, derives the disk keys from it, and:
# 1. on a blank disk formats it (dm-integrity under dm-crypt); the agent
#    writes the marker file;
# 2. on the next boot with the same KBS key opens it without formatting,
#    and the agent reads the file back intact;
# 3. with another key from the KBS fails closed ("does not fit"), without
#    writing a byte to the disk;
# 4. with the right key but integrity = false (plain dm-crypt straight over
#    the integrity disk) fails closed the same way, and writes nothing.
# Neither key (text, so grep sees it whole) appears in the console, the
# disk or the initdata, raw, in hex or in base64.
# The disk is mounted at /run/scratch: a KBS-key disk may not be under
# /run/kata-containers, which the kata-agent empties at every CreateSandbox
# (kata-containers src/agent/src/rpc.rs, create_sandbox,
# remove_dir_all(CONTAINER_BASE), commit 7c6ba40c54ea; issue 18, row 8).
. "$TOP/tests/lib/boot.sh"
. "$TOP/tests/lib/kbs.sh"
. "$TOP/tests/lib/storage.sh"

STORAGE_TOML='mountpoint = "/run/scratch"'
head -c 32 /dev/urandom | base64 -w0 >"$CASE_WORK/key1"
head -c 32 /dev/urandom | base64 -w0 >"$CASE_WORK/key2"
scratch_image "$CASE_WORK/scratch.img" 64M

# boot ACTION KEYFILE
boot() {
	storage_kbs_boot "$@"
	for k in "$CASE_WORK/key1" "$CASE_WORK/key2"; do
		no_secret_anywhere "$k" "$LOG" "$LOG.qemu" "$CASE_WORK/scratch.img" "$INITDATA" \
			"$INITDATA.toml"
	done
}

boot write "$CASE_WORK/key1"
expect_exited
expect_log "attest: KBS https://10.0.2.100:8080"
expect_log "attest: scratch disk key default/key/scratch released: 44 bytes, kept in memory"
expect_log "storage: /dev/vdc (64 MiB): KBS key, aes-xts-plain64 4096-byte sectors, dm-integrity hmac-sha256, new ext4, mounted on /run/scratch"
expect_log "sealroot-test: storage mount /run/scratch ext4"
expect_log "sealroot-test: storage wrote marker.bin 1048576 bytes sha256 $(marker_sha256)"
expect_log "sealroot-test: VERDICT PASS"
no_marker "$CASE_WORK/scratch.img"

boot verify "$CASE_WORK/key1"
expect_exited
expect_log "storage: /dev/vdc (64 MiB): KBS key, aes-xts-plain64 4096-byte sectors, dm-integrity hmac-sha256, opened the existing ext4"
expect_log "sealroot-test: storage read marker.bin 1048576 bytes sha256 $(marker_sha256)"
expect_log "sealroot-test: VERDICT PASS"

before=$(sha256sum "$CASE_WORK/scratch.img" | cut -d' ' -f1)
boot verify "$CASE_WORK/key2"
expect_fatal storage
expect_log "sealroot: FATAL storage: the KBS key does not fit the scratch disk /dev/vdc"
[ "$(sha256sum "$CASE_WORK/scratch.img" | cut -d' ' -f1)" = "$before" ] ||
	case_fail "the disk changed on the boot with the wrong key"

STORAGE_TOML='mountpoint = "/run/scratch"
integrity = false'
boot verify "$CASE_WORK/key1"
expect_fatal storage
expect_log "sealroot: FATAL storage: the KBS key does not fit the scratch disk /dev/vdc"
[ "$(sha256sum "$CASE_WORK/scratch.img" | cut -d' ' -f1)" = "$before" ] ||
	case_fail "the disk changed on the boot with integrity = false"
