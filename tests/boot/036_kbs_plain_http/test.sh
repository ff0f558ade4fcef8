#!/bin/sh
# 036_kbs_plain_http: over plain http:// the host can answer the whole KBS
# protocol itself and encrypt secrets of its choosing (the JWE hides a
# secret from the network but does not say who sent it). A host-run KBS
# stands in for that host here, serving a secret and a storage key it chose:
# 1. an initdata whose KBS URL is http:// without the owner's
#    [attestation] allow_http = true: one FATAL initdata line, before any
#    network or request; no secret written, no agent;
# 2. an initdata that allows http but takes the scratch disk's key from
#    that KBS: refused whatever allow_http says (the host would know the
#    disk key): one FATAL initdata line, the KBS sees no request, the
#    scratch disk is left all zeros and the key is nowhere.
. "$TOP/tests/lib/boot.sh"
. "$TOP/tests/lib/kbs.sh"
. "$TOP/tests/lib/storage.sh"

head -c 32 /dev/urandom | base64 -w0 >"$CASE_WORK/secret"
head -c 32 /dev/urandom | base64 -w0 >"$CASE_WORK/hostkey"
KBS_RESOURCES_EXTRA=", \"default/key/scratch\": {\"file\": \"$CASE_WORK/hostkey\", \"policy\": \"allow\"}"
kbs_config "$CASE_WORK/kbs.json" "$CASE_WORK/secret" allow
kbs_start "$CASE_WORK/kbs.json"

# The host tool runs the same checks (lib/config.c) and refuses both
# documents, so they are written by hand (ATTEST_RAW).
# refused_by_tool TOML MESSAGE
refused_by_tool() {
	if "$TOP/build/host/sealroot-initdata" "$1" >/dev/null 2>"$1.err"; then
		case_fail "sealroot-initdata accepted $1"
	fi
	grep -qF "$2" "$1.err" || case_fail "sealroot-initdata: $(cat "$1.err")"
}
export ATTEST_RAW=yes

# 1. http:// and no allow_http.
ATTEST_ALLOW_HTTP=no attest_initdata "$CASE_WORK/noallow.img"
grep -q allow_http "$CASE_WORK/noallow.img.toml" && case_fail "the document allows http"
refused_by_tool "$CASE_WORK/noallow.img.toml" "the KBS URL is plain http://"
boot_run_kbs "$BUNDLE/rootfs.img" "$(sr_bundle_cmdline "$BUNDLE")"
expect_fatal initdata
expect_log "the KBS URL is plain http://, over which the host can choose every secret; use https:// with the KBS's certificate, or set [attestation] allow_http = true"
expect_no_log "step net: ok"
expect_no_log "sealroot-test:"
no_secret_anywhere "$CASE_WORK/secret" "$LOG"
grep -q 'POST /kbs' "$CASE_WORK/kbs.log" && case_fail "the KBS was asked: $(cat "$CASE_WORK/kbs.log")"

# 2. allow_http, and the scratch disk's key from that KBS.
scratch_image "$CASE_WORK/scratch.img" 64M
cp "$CASE_WORK/scratch.img" "$CASE_WORK/scratch.orig"
ATTEST_TAIL='[storage]
device = "scratch0"
key = "kbs:///default/key/scratch"' attest_initdata "$CASE_WORK/storage.img"
grep -q 'allow_http = true' "$CASE_WORK/storage.img.toml" || case_fail "the document does not allow http"
refused_by_tool "$CASE_WORK/storage.img.toml" "the key would come from the KBS over plain http://"
# shellcheck disable=SC2046 # scratch_args is a word list
boot_run_kbs "$BUNDLE/rootfs.img" "$(sr_bundle_cmdline "$BUNDLE")" $(scratch_args "$CASE_WORK/scratch.img")
kbs_stop
expect_fatal initdata
expect_log "[storage]: the key would come from the KBS over plain http://, so the host could choose it; the KBS URL must be https://"
expect_no_log "step net: ok"
expect_no_log "sealroot-test:"
grep -q 'POST /kbs' "$CASE_WORK/kbs.log" && case_fail "the KBS was asked: $(cat "$CASE_WORK/kbs.log")"
cmp -s "$CASE_WORK/scratch.img" "$CASE_WORK/scratch.orig" || case_fail "the scratch disk was written"
no_secret_anywhere "$CASE_WORK/hostkey" "$LOG" "$CASE_WORK/scratch.img"
