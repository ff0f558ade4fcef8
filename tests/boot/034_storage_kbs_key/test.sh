#!/bin/sh
# 034_storage_kbs_key: [storage] key = "kbs:///default/key/scratch". The
# init attests, keeps the released key in memory only, derives the disk
# keys from it, and:
# 1. on a blank disk formats it; the agent writes the marker file;
# 2. on the next boot with the same KBS key opens it without formatting,
#    and the agent reads the file back intact;
# 3. with another key from the KBS fails closed ("does not fit"), without
#    writing a byte to the disk.
# Neither key (text, so grep sees it whole) appears in the console, the
# disk or the initdata, raw, in hex or in base64.
. "$TOP/tests/lib/boot.sh"
. "$TOP/tests/lib/kbs.sh"
. "$TOP/tests/lib/storage.sh"

head -c 32 /dev/urandom | base64 -w0 >"$CASE_WORK/secret"
head -c 32 /dev/urandom | base64 -w0 >"$CASE_WORK/key1"
head -c 32 /dev/urandom | base64 -w0 >"$CASE_WORK/key2"
scratch_image "$CASE_WORK/scratch.img" 64M
ATTEST_TAIL='[storage]
device = "scratch0"
key = "kbs:///default/key/scratch"'

# storage_boot ACTION KEYFILE
storage_boot() {
	ATTEST_DATA="\"test-storage\" = \"$1\""
	attest_initdata "$CASE_WORK/initdata.img"
	KBS_RESOURCES_EXTRA=", \"default/key/scratch\": {\"file\": \"$2\", \"policy\": \"allow\"}"
	kbs_config "$CASE_WORK/kbs.json" "$CASE_WORK/secret" allow
	kbs_start "$CASE_WORK/kbs.json"
	# shellcheck disable=SC2046
	boot_run_kbs "$BUNDLE/rootfs.img" "$(sr_bundle_cmdline "$BUNDLE")" $(scratch_args "$CASE_WORK/scratch.img")
	kbs_stop
	for k in "$CASE_WORK/key1" "$CASE_WORK/key2"; do
		no_secret_anywhere "$k" "$LOG" "$LOG.qemu" "$CASE_WORK/scratch.img" "$INITDATA" \
			"$INITDATA.toml"
	done
}

storage_boot write "$CASE_WORK/key1"
expect_exited
expect_log "attest: scratch disk key default/key/scratch released: 44 bytes, kept in memory"
expect_log "storage: /dev/vdc (64 MiB): KBS key, aes-xts-plain64 4096-byte sectors, new ext4"
expect_log "sealroot-test: storage wrote marker.bin 1048576 bytes sha256 $(marker_sha256)"
expect_log "sealroot-test: VERDICT PASS"
no_marker "$CASE_WORK/scratch.img"

storage_boot verify "$CASE_WORK/key1"
expect_exited
expect_log "storage: /dev/vdc (64 MiB): KBS key, aes-xts-plain64 4096-byte sectors, opened the existing ext4"
expect_log "sealroot-test: storage read marker.bin 1048576 bytes sha256 $(marker_sha256)"
expect_log "sealroot-test: VERDICT PASS"

before=$(sha256sum "$CASE_WORK/scratch.img" | cut -d' ' -f1)
storage_boot verify "$CASE_WORK/key2"
expect_fatal storage
expect_log "sealroot: FATAL storage: the KBS key does not fit the scratch disk /dev/vdc"
[ "$(sha256sum "$CASE_WORK/scratch.img" | cut -d' ' -f1)" = "$before" ] ||
	case_fail "the disk changed on the boot with the wrong key"
