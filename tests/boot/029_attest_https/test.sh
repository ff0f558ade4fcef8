#!/bin/sh
# 029_attest_https: the KBS serves HTTPS with a certificate from a
# throw-away CA, and the initdata's aa.toml carries that CA. The init trusts
# exactly it (there is no CA bundle in the image) and gets the secret, and a
# host-set SSLKEYLOGFILE writes no TLS key log. With
# another CA in the initdata, the TLS handshake fails and the init fails
# closed at once: a certificate that does not verify is not retried.
. "$TOP/tests/lib/boot.sh"
. "$TOP/tests/lib/kbs.sh"

sh "$TOP/tests/kbs/gen-cert.sh" "$CASE_WORK/tls" IP:10.0.2.100
sh "$TOP/tests/kbs/gen-cert.sh" "$CASE_WORK/other" IP:10.0.2.100
head -c 32 /dev/urandom | base64 -w0 >"$CASE_WORK/secret"

ATTEST_URL=https://10.0.2.100:8080 ATTEST_CERT=$CASE_WORK/tls/ca.pem attest_initdata "$CASE_WORK/initdata.img"
kbs_config "$CASE_WORK/kbs.json" "$CASE_WORK/secret" allow "" "$CASE_WORK/initdata.img.toml"
kbs_start "$CASE_WORK/kbs.json" --tls "$CASE_WORK/tls/server.pem" "$CASE_WORK/tls/server.key"
# The host also asks, through the init's environment, for a TLS key log
# (the kernel makes a dot-less key=value parameter an environment variable
# of PID 1, and libcurl honours SSLKEYLOGFILE): the init clears its
# environment first, and the test agent fails if the file exists.
boot_run_kbs "$BUNDLE/rootfs.img" "$(sr_bundle_cmdline "$BUNDLE") SSLKEYLOGFILE=/run/sealroot-keylog"
expect_exited
expect_log "attest: KBS https://10.0.2.100:8080"
expect_log "attest: resource default/key/web released: $(wc -c <"$CASE_WORK/secret") bytes"
expect_log "sealroot-test: secret file web.key mode 0400 size $(wc -c <"$CASE_WORK/secret") sha256 $(sha256sum "$CASE_WORK/secret" | cut -d' ' -f1)"
expect_log "sealroot-test: VERDICT PASS"
no_secret_anywhere "$CASE_WORK/secret" "$LOG" "$INITDATA"

ATTEST_URL=https://10.0.2.100:8080 ATTEST_CERT=$CASE_WORK/other/ca.pem attest_initdata "$CASE_WORK/wrong.img"
boot_run_kbs "$BUNDLE/rootfs.img" "$(sr_bundle_cmdline "$BUNDLE")"
kbs_stop
expect_fatal attest
expect_log "sealroot: FATAL attest: auth:"
expect_no_log "attempt 1/"
