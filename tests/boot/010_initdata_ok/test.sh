#!/bin/sh
# 010_initdata_ok: the init finds the initdata disk (/dev/vdb, after the
# root disk), logs its digest, and writes initdata.toml plus one file per
# [data] entry, 0400 in a 0700 directory on tmpfs. The agent lists what it
# finds from inside; the host checks each file's size and SHA-256 against
# the document as Python's own TOML parser (tomllib) reads it, and the
# digest against sha384sum, neither of which shares code with the init.
. "$TOP/tests/lib/boot.sh"

toml=$TOP/tests/boot/initdata.toml
boot_run "$BUNDLE/rootfs.img" "$(sr_bundle_cmdline "$BUNDLE")"
expect_exited
expect_log "step initdata: ok"
digest=$(sha384sum "$toml" | cut -d' ' -f1)
grep -q "^digest: $digest\$" "$INITDATA.txt" || case_fail "the host tool's digest is not sha384sum's"
expect_log "initdata: /dev/vdb: $(wc -c <"$toml") bytes (gzip"
expect_log "sha384 $digest"
expect_log "initdata: not bound: no TEE (sample)"
expect_log "sealroot-test: VERDICT PASS"

# name size sha256, one line per file the init should have written.
python3 - "$toml" >"$CASE_WORK/want" <<'PY' || case_fail "tomllib could not read $toml"
import hashlib, sys, tomllib
raw = open(sys.argv[1], "rb").read()
print("initdata.toml", len(raw), hashlib.sha256(raw).hexdigest())
for name, text in sorted(tomllib.loads(raw.decode())["data"].items()):
    b = text.encode()
    print(name, len(b), hashlib.sha256(b).hexdigest())
PY
sed -n 's/.*sealroot-test: initdata file \([^ ]*\) mode 0400 size \([0-9]*\) sha256 \([0-9a-f]*\).*/\1 \2 \3/p' \
	"$LOG" | tr -d '\r' | sort >"$CASE_WORK/got"
sort "$CASE_WORK/want" >"$CASE_WORK/want.sorted"
diff "$CASE_WORK/want.sorted" "$CASE_WORK/got" >"$CASE_WORK/diff" ||
	case_fail "initdata files differ (want, got): $(cat "$CASE_WORK/diff")"
[ "$(grep -c 'sealroot-test: initdata file' "$LOG")" = "$(wc -l <"$CASE_WORK/want")" ] ||
	case_fail "the agent saw files the document does not hold"
expect_no_log "FATAL"
