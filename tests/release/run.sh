#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# The release pipeline as CI runs it (docs/bundles.md): the none, snp and
# se dist tarballs (each verified against its SHA256SUMS, its
# reference-values.json against the schema, its installed Kata paths; for
# se, which Kata boots from the SE image the owner seals, the genprotimg
# inputs), and make repro-check for none and se. Prints PASS/FAIL per case and
# "N passed, N failed" last.
TOP=$(cd "$(dirname "$0")/../.." && pwd)
cd "$TOP" || exit 2
pass=0 failed=0
w=$(mktemp -d)
trap 'rm -rf "$w"' EXIT

ok() { pass=$((pass + 1)); echo "PASS $1"; }
bad() { failed=$((failed + 1)); echo "FAIL $1"; sed 's/^/    /' "$w/log" | tail -n 30; }

check_dist() { # TEE
	t=$1
	make -s dist TEE="$t" >"$w/log" 2>&1 || return 1
	v=$(git describe --always --dirty 2>/dev/null || echo dev)
	tgz=out/dist/sealroot-$v-$t.tar.gz
	[ -f "$tgz" ] || { echo "no $tgz" >>"$w/log"; return 1; }
	(cd out/dist && grep " sealroot-$v-$t.tar.gz\$" SHA256SUMS | sha256sum -c -) >>"$w/log" 2>&1 || return 1
	rm -rf "$w/x" && mkdir "$w/x" && tar -xzf "$tgz" -C "$w/x" || return 1
	(cd "$w/x/sealroot-$v-$t" && sha256sum -c SHA256SUMS) >>"$w/log" 2>&1 || return 1
	/usr/bin/python3 -c 'import json, sys, jsonschema
jsonschema.validate(json.load(open(sys.argv[1])), json.load(open(sys.argv[2])))' \
		"$w/x/sealroot-$v-$t/reference-values.json" docs/reference-values.schema.json >>"$w/log" 2>&1 || return 1
	make -s install TEE="$t" DESTDIR="$w/root-$t" >>"$w/log" 2>&1 || return 1
	/usr/bin/python3 -c 'import os, sys, tomllib
q = tomllib.load(open(sys.argv[1], "rb"))["hypervisor"]["qemu"]
d = os.path.dirname(sys.argv[1])
keys = ("image", "firmware") if sys.argv[3] == "se" else ("kernel", "image", "firmware")
bad = [q[k] for k in keys if k in q and not os.path.isfile(sys.argv[2] + q[k])]
# se: kernel is the SE image tools/se-image.sh writes beside its inputs.
if sys.argv[3] == "se":
    assert q["kernel"].endswith("/sealroot-se.img"), q["kernel"]
    bad += [f for f in ("bzImage", "initrd.img", "parmfile") if not os.path.isfile(os.path.join(d, f))]
sys.exit("not installed: %s" % bad if bad else 0)' \
		"$w/root-$t/opt/sealroot/share/sealroot/$t/configuration-qemu-$t.toml" "$w/root-$t" "$t" >>"$w/log" 2>&1
}

for t in none snp se; do
	if check_dist "$t"; then ok "dist_$t"; else bad "dist_$t"; fi
done
for t in none se; do
	if tools/repro-check.sh "$t" >"$w/log" 2>&1; then ok "repro_check_$t"; cat "$w/log"; else bad "repro_check_$t"; fi
done
echo "$pass passed, $failed failed"
[ "$failed" = 0 ]
