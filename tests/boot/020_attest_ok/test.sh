#!/bin/sh
# 020_attest_ok: the init brings up the network from the measured initdata,
# attests to the test KBS with sample evidence (allowed by sealroot.toml),
# sends the initdata (whose digest the KBS checks), and fetches
# default/key/web into /run/sealroot/secrets/web.key, 0400 in 0700 tmpfs.
# The agent reads it and reports its SHA-256, which must be the secret's.
# The secret's bytes (raw, hex, base64) appear nowhere: not in the console,
# the kernel command line, or any disk image.
. "$TOP/tests/lib/boot.sh"
. "$TOP/tests/lib/kbs.sh"

head -c 48 /dev/urandom | base64 -w0 >"$CASE_WORK/secret"
attest_initdata "$CASE_WORK/initdata.img"
kbs_config "$CASE_WORK/kbs.json" "$CASE_WORK/secret" allow "" "$CASE_WORK/initdata.img.toml"
kbs_start "$CASE_WORK/kbs.json"
boot_run_kbs "$BUNDLE/rootfs.img" "$(sr_bundle_cmdline "$BUNDLE")"
kbs_stop
expect_exited
expect_log "step net: ok"
expect_log "attest: the KBS accepted the evidence"
expect_log "attest: resource default/key/web released: $(wc -c <"$CASE_WORK/secret") bytes"
expect_log "step attest: ok"
expect_log "sealroot-test: secret file web.key mode 0400 size $(wc -c <"$CASE_WORK/secret") sha256 $(sha256sum "$CASE_WORK/secret" | cut -d' ' -f1)"
expect_log "sealroot-test: VERDICT PASS"
expect_no_log "FATAL"
no_secret_anywhere "$CASE_WORK/secret" "$LOG" "$LOG.qemu" "$BUNDLE/rootfs.img" "$BUNDLE/cmdline" \
	"$INITDATA" "$INITDATA.toml"

# The same KBS named with a trailing slash, as users write it: the init
# trims it as guest-components does (attestation-agent/kbs_protocol/src/
# builder.rs, trim_end_matches('/'), commit 8246e5e0), so the requests go
# to /kbs/v0/..., not //kbs/v0/... (a 404 from Trustee's router).
ATTEST_URL=http://10.0.2.100:8080/ attest_initdata "$CASE_WORK/slash.img"
kbs_config "$CASE_WORK/kbs.json" "$CASE_WORK/secret" allow "" "$CASE_WORK/slash.img.toml"
kbs_start "$CASE_WORK/kbs.json"
boot_run_kbs "$BUNDLE/rootfs.img" "$(sr_bundle_cmdline "$BUNDLE")"
kbs_stop
expect_exited
expect_log "attest: KBS http://10.0.2.100:8080,"
expect_log "sealroot-test: VERDICT PASS"
grep -q 'POST //kbs' "$CASE_WORK/kbs.log" && case_fail "a request went to //kbs"
grep -q 'POST /kbs/v0/auth' "$CASE_WORK/kbs.log" || case_fail "no request reached /kbs/v0/auth"
