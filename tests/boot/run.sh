#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# Runs every QEMU boot case in tests/boot/NNN_name/ against a bundle.
# Usage: tests/boot/run.sh [OUTDIR] [name-prefix-pattern, e.g. 00 or 002]. Prints PASS/FAIL per case
# and "N passed, N failed" last.
TOP=$(cd "$(dirname "$0")/../.." && pwd)
BUNDLE=${1:-$TOP/out/none}
pattern=${2:-*}
export TOP BUNDLE
pass=0 failed=0
for dir in "$TOP"/tests/boot/[0-9][0-9][0-9]_*/; do
	[ -f "$dir/test.sh" ] || continue
	name=$(basename "$dir")
	# shellcheck disable=SC2254
	case $name in $pattern*) ;; *) continue ;; esac
	CASE_WORK=$(mktemp -d)
	export CASE_WORK
	start=$(date +%s)
	if sh "$dir/test.sh" >"$CASE_WORK/out" 2>&1; then
		pass=$((pass + 1))
		echo "PASS $name ($(($(date +%s) - start)) s)"
	else
		failed=$((failed + 1))
		echo "FAIL $name ($(($(date +%s) - start)) s)"
		sed 's/^/    /' "$CASE_WORK/out"
	fi
	rm -rf "$CASE_WORK"
done
echo "$pass passed, $failed failed"
[ "$failed" = 0 ]
