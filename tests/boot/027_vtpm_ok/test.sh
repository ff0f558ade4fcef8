#!/bin/sh
# 027_vtpm_ok: the guest has a vTPM (swtpm, provisioned on the host with an
# AK at 0x81010002) and no CPU TEE, so the init detects "tpm": it extends
# PCR8 with the initdata digest (sha256), then attests with a real
# TPM2_Quote over all 24 PCRs, the report data as qualifying data. The test
# KBS trusts that AK only; it verifies the signature, the PCR digest, the
# nonce binding and PCR8 == SHA256(0^32 || initdata digest), and releases
# the secret. No sample evidence is involved (the initdata allows it, and
# the KBS would refuse it for tee "tpm").
. "$TOP/tests/lib/boot.sh"
. "$TOP/tests/lib/kbs.sh"
. "$TOP/tests/lib/tpm.sh"

vtpm_provision "$CASE_WORK/tpm" || case_fail "provisioning the AK: $(tail -n 3 "$CASE_WORK/tpm/ak.log")"
head -c 48 /dev/urandom | base64 -w0 >"$CASE_WORK/secret"
ATTEST_ALGORITHM=sha256
attest_initdata "$CASE_WORK/initdata.img"
KBS_TPM_AK=$VTPM_DIR/ak.pem
kbs_config "$CASE_WORK/kbs.json" "$CASE_WORK/secret" allow "" "$CASE_WORK/initdata.img.toml"
kbs_start "$CASE_WORK/kbs.json"
vtpm_start_qemu || case_fail "swtpm for QEMU did not start"
boot_run_kbs "$BUNDLE/rootfs.img" "$(sr_bundle_cmdline "$BUNDLE") tpm_tis.force=1" \
	-chardev "socket,id=chrtpm,path=$VTPM_DIR/sock" -tpmdev emulator,id=tpm0,chardev=chrtpm \
	-device tpm-tis,tpmdev=tpm0 ${VTPM_QEMU_EXTRA:-}
vtpm_kill
kbs_stop
expect_exited
digest=$(sha256sum "$CASE_WORK/initdata.img.toml" | cut -d' ' -f1)
expect_log "sha256 $digest"
expect_log "initdata: bound: digest extended into PCR8 (sha256 bank)"
expect_log "attest: tpm evidence"
expect_log "attest: the KBS accepted the evidence"
grep -q "POST /kbs/v0/attest 200 attested" "$CASE_WORK/kbs.log" ||
	case_fail "the KBS did not attest: $(grep attest "$CASE_WORK/kbs.log")"
expect_log "sealroot-test: secret file web.key mode 0400 size $(wc -c <"$CASE_WORK/secret") sha256 $(sha256sum "$CASE_WORK/secret" | cut -d' ' -f1)"
expect_log "sealroot-test: VERDICT PASS"
expect_no_log "FATAL"
no_secret_anywhere "$CASE_WORK/secret" "$LOG" "$LOG.qemu" "$BUNDLE/rootfs.img" "$BUNDLE/cmdline" \
	"$INITDATA" "$INITDATA.toml" "$VTPM_DIR/tpm2-00.permall"
