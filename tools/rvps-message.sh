#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# rvps-message: turns a bundle's reference-values.json into the message
# Trustee's RVPS registers (`rvps-tool register --path FILE`): the "sample"
# provenance, {"version":"0.1.0","type":"sample","payload":base64(JSON)},
# whose payload maps reference-value names to lists of accepted values.
# Names (docs/bundles.md): rootfs_root_hash, kernel_sha256, kernel_sha384,
# cmdline_sha256, cmdline_sha384, initrd_sha384, and per TEE
# snp_launch_measurement, tdx_mr_td, tdx_rtmr_1, tdx_rtmr_2.
# Usage: rvps-message.sh reference-values.json > message.json
# Reads: that file. Changes: nothing. Prints the message on stdout.
# On failure: "rvps-message: ERROR: usage..." and exit 2, or Python's
# traceback (a file that is not a bundle's reference values) and exit 1.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
STAGE=rvps-message
# shellcheck source=tools/common.sh
. "$top/tools/common.sh"
[ $# = 1 ] || usage_die "usage: rvps-message.sh reference-values.json"
exec python3 - "$1" <<'PY'
import base64, json, sys
r = json.load(open(sys.argv[1]))
ref = {
    "rootfs_root_hash": [r["root_hash"]],
    "kernel_sha256": [r["kernel"]["digests"]["sha256"]],
    "kernel_sha384": [r["kernel"]["digests"]["sha384"]],
    "cmdline_sha256": [r["cmdline"]["digests"]["sha256"]],
    "cmdline_sha384": [r["cmdline"]["digests"]["sha384"]],
    "initrd_sha384": [r["initrd"]["digests"]["sha384"]],
}
snp = r.get("snp", {})
if "launch_digests" in snp:
    ref["snp_launch_measurement"] = sorted({d["launch_digest"] for d in snp["launch_digests"]})
tdx = r.get("tdx", {})
if "mrtd" in tdx:
    ref["tdx_mr_td"], ref["tdx_rtmr_1"], ref["tdx_rtmr_2"] = [tdx["mrtd"]], [tdx["rtmr1"]], [tdx["rtmr2"]]
payload = base64.b64encode(json.dumps(ref, sort_keys=True).encode()).decode()
print(json.dumps({"version": "0.1.0", "type": "sample", "payload": payload}))
PY
