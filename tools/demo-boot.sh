#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# The main job's boot: the whole story on one console. Starts the test KBS
# (tests/kbs/kbs.py) on a free loopback port with a fresh random secret as
# default/key/demo, allowed only to a guest that sends this initdata, then
# boots the bundle with the initdata disk and one QEMU user network
# (restrict=on) whose only reachable address, 10.0.2.100:8080, is that KBS.
# Usage: tools/demo-boot.sh OUTDIR INITDATA_IMG INITDATA_TOML [TIMEOUT]
#   TIMEOUT: seconds for the boot (default 120)
# Reads: the bundle in OUTDIR, the initdata image and document. Changes: a
# temporary directory only (removed). Prints the guest's console on stdout;
# progress, then the KBS's log, on stderr. Exits with QEMU's status
# (tests/lib/boot-bundle.sh: 0 when the guest powered off); "demo-boot:
# ERROR: ..." and exit 2 for wrong arguments, 1 if the KBS does not start.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
STAGE=demo-boot
# shellcheck source=tools/common.sh
. "$top/tools/common.sh"
[ $# -ge 3 ] || usage_die "usage: demo-boot.sh OUTDIR INITDATA_IMG INITDATA_TOML [TIMEOUT]"
out=$1 img=$2 toml=$3 t=${4:-120}
w=$(mktemp -d)
kbs=
trap '[ -n "$kbs" ] && kill "$kbs" 2>/dev/null; rm -rf "$w"' EXIT

# The secret is made here and lives only in this temporary directory, the
# KBS's memory and the guest's tmpfs; its bytes are never printed.
head -c 32 /dev/urandom | base64 -w0 >"$w/secret"
# The demo attests with sample evidence (no TEE here), which Trustee's
# default resource policy refuses; like a Trustee operator running such a
# demo, the KBS is told to allow all (kbs/sample_policies/allow_all.rego).
cat >"$w/kbs.json" <<JSON
{"resources": {"default/key/demo": {"file": "$w/secret", "policy": "allow"}},
 "resource_policy": "allow_all",
 "expected_init_data_sha384": "$(sha384sum "$toml" | cut -d' ' -f1)",
 "fault": null, "session_seconds": 300}
JSON
/usr/bin/python3 "$top/tests/kbs/kbs.py" --port 0 --config "$w/kbs.json" >"$w/kbs.out" 2>"$w/kbs.log" &
kbs=$!
i=0
port=
while [ -z "$port" ] && [ $i -lt 100 ]; do
	sleep 0.1
	port=$(sed -n 's/^listening \([0-9]*\)$/\1/p' "$w/kbs.out")
	i=$((i + 1))
done
[ -n "$port" ] || { cat "$w/kbs.log" >&2; die "the test KBS did not start"; }
say "test KBS on 127.0.0.1:$port, serving default/key/demo (sha256 $(sha256_of "$w/secret" | cut -c1-16)...) to this initdata only"
rc=0
SR_KBS_PORT=$port "$top/tests/lib/boot-bundle.sh" "$out" "$t" "$img" || rc=$?
echo "--- the test KBS's log ---" >&2
cat "$w/kbs.log" >&2
exit "$rc"
