#!/bin/sh
# 028_vtpm_wrong_pcr: a vTPM guest whose quote is real but must not be
# believed.
# 1. The workload owner's KBS holds the reference PCR8 for the initdata it
#    approved (document A). The host boots the guest with another document
#    (B: a different deadline). The init measures B into PCR8 and sends B,
#    so the quote is genuine and consistent, but PCR8 is not the reference:
#    the KBS denies, the handshake is re-run once, and the init fails closed.
# 2. The same guest, while the KBS trusts another AK: denied as well.
# The agent never runs, and the secret is nowhere.
. "$TOP/tests/lib/boot.sh"
. "$TOP/tests/lib/kbs.sh"
. "$TOP/tests/lib/tpm.sh"

vtpm_provision "$CASE_WORK/tpm" || case_fail "provisioning the AK: $(tail -n 3 "$CASE_WORK/tpm/ak.log")"
head -c 48 /dev/urandom | base64 -w0 >"$CASE_WORK/secret"
ATTEST_ALGORITHM=sha256
attest_initdata "$CASE_WORK/approved.img"
approved=$(sha256sum "$CASE_WORK/approved.img.toml" | cut -d' ' -f1)
ATTEST_DEADLINE_MS=19999
attest_initdata "$CASE_WORK/initdata.img"
cmp -s "$CASE_WORK/approved.img.toml" "$CASE_WORK/initdata.img.toml" &&
	case_fail "the two documents are the same"
pcr8=$(python3 -c 'import hashlib,sys; print(hashlib.sha256(bytes(32)+bytes.fromhex(sys.argv[1])).hexdigest())' "$approved")

vtpm_boot() {
	kbs_start "$CASE_WORK/kbs.json"
	vtpm_start_qemu || case_fail "swtpm for QEMU did not start"
	boot_run_kbs "$BUNDLE/rootfs.img" "$(sr_bundle_cmdline "$BUNDLE") tpm_tis.force=1" \
		-chardev "socket,id=chrtpm,path=$VTPM_DIR/sock" \
		-tpmdev emulator,id=tpm0,chardev=chrtpm -device tpm-tis,tpmdev=tpm0
	vtpm_kill
	kbs_stop
}

KBS_TPM_AK=$VTPM_DIR/ak.pem
KBS_TPM_PCRS="{\"8\": \"$pcr8\"}"
kbs_config "$CASE_WORK/kbs.json" "$CASE_WORK/secret" allow
vtpm_boot
expect_log "initdata: bound: digest extended into PCR8 (sha256 bank)"
expect_log "attest: tpm evidence"
expect_fatal attest
expect_log "attest: re-running the handshake once after a 401"
expect_log "sealroot: FATAL attest: attest: the KBS refused (401"
expect_no_log "the KBS accepted the evidence"
grep -q "PCR\[8\] does not match the reference value" "$CASE_WORK/kbs.log" ||
	case_fail "the KBS did not deny on PCR8: $(grep attest "$CASE_WORK/kbs.log")"
no_secret_anywhere "$CASE_WORK/secret" "$LOG" "$LOG.qemu" "$INITDATA" "$VTPM_DIR/tpm2-00.permall"

# 2. Another AK is trusted; this TPM's is not.
openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 2>/dev/null |
	openssl pkey -pubout -out "$CASE_WORK/other-ak.pem" || case_fail "openssl genpkey"
KBS_TPM_AK=$CASE_WORK/other-ak.pem
KBS_TPM_PCRS=
kbs_config "$CASE_WORK/kbs.json" "$CASE_WORK/secret" allow
vtpm_boot
expect_fatal attest
expect_log "sealroot: FATAL attest: attest: the KBS refused (401"
expect_no_log "the KBS accepted the evidence"
grep -q "the AK public key is not in the list of trusted keys" "$CASE_WORK/kbs.log" ||
	case_fail "the KBS did not deny on the AK: $(grep attest "$CASE_WORK/kbs.log")"
no_secret_anywhere "$CASE_WORK/secret" "$LOG" "$LOG.qemu" "$INITDATA" "$VTPM_DIR/tpm2-00.permall"
