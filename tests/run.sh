#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# Runs every test tier and prints one closing line "N passed, N failed".
#   unit   cmocka binaries in build/test/
#   shell  shunit2 files tests/shell/test_*.sh
#   pid1   shunit2 files tests/pid1/test_*.sh (unshare -fp, needs root)
#   fuzz   libFuzzer harnesses build/fuzz/*, FUZZ_SECONDS (default 60) each
#   boot   QEMU cases tests/boot/NNN_*/ against out/none
#   sanitize the unit suite under ASan+UBSan and under valgrind (make test-asan, test-valgrind)
#   release  the none, snp and se dist tarballs, and make repro-check for none and se (tests/release/run.sh)
# Usage: tests/run.sh [tier...]; default all tiers.
TOP=$(cd "$(dirname "$0")/.." && pwd)
cd "$TOP" || exit 2
export SHUNIT_COLOR=none
tiers=${*:-unit sanitize shell pid1 fuzz boot release}
pass=0 failed=0 skipped=0
log=$(mktemp -d)
trap 'rm -rf "$log"' EXIT

count_cmocka() { # FILE: adds cmocka's own counts
	p=$(sed -n 's/^\[  PASSED  \] \([0-9]*\) test.*/\1/p' "$1" | tail -n 1)
	f=$(sed -n 's/^\[  FAILED  \] \([0-9]*\) test.*/\1/p' "$1" | tail -n 1)
	if [ -z "$p$f" ]; then
		failed=$((failed + 1)) # crashed before its summary
	else
		pass=$((pass + ${p:-0}))
		failed=$((failed + ${f:-0}))
	fi
}

count_shunit() { # FILE RC: per test, from shunit2's log (its own summary counts asserts)
	# A line "test_x" starts a test; an ASSERT line fails it; a SKIP line
	# (printed by the test when it skips) marks it skipped.
	set -- "$1" "$2" "$(awk '
		/^test_[A-Za-z0-9_]*$/ { if (name != "") tally(); name = $0; bad = 0; skip = 0; next }
		/^ASSERT:/ { bad = 1 }
		/^SKIP:/ { skip = 1 }
		function tally() { if (bad) f++; else if (skip) s++; else p++ }
		END { if (name != "") tally(); printf "%d %d %d", p, f, s }' "$1")"
	p=${3%% *} rest=${3#* } f=${rest%% *} s=${rest#* }
	if ! grep -q '^Ran [0-9]* test' "$1"; then
		f=$((f + 1)) # died before its summary
	elif [ "$2" != 0 ] && [ "$f" = 0 ]; then
		f=1 # shunit2 failed outside any test (setup)
	fi
	pass=$((pass + p))
	failed=$((failed + f))
	skipped=$((skipped + s))
}

for tier in $tiers; do
	echo "== $tier"
	case $tier in
	unit)
		for t in build/test/test_*; do
			[ -x "$t" ] || continue
			"$t" >"$log/out" 2>&1
			count_cmocka "$log/out"
			grep -E '^\[  (FAILED|ERROR|  LINE)' "$log/out"
			echo "$(basename "$t"): $(tail -n 1 "$log/out" | tr -s ' ')"
		done
		;;
	shell | pid1)
		for t in tests/$tier/test_*.sh; do
			[ -f "$t" ] || continue
			sh "$t" >"$log/out" 2>&1
			rc=$?
			count_shunit "$log/out" "$rc"
			grep -E '^(ASSERT|SKIP|shunit2:(ERROR|FATAL))' "$log/out"
			echo "$(basename "$t"): $(grep -E '^(OK|FAILED)' "$log/out" | tail -n 1)"
		done
		;;
	sanitize)
		for m in asan valgrind; do
			make -s "test-$m" >"$log/out" 2>&1
			grep -E '^(FAIL|    )' "$log/out"
			p=$(tail -n 1 "$log/out" | sed -n 's/^\([0-9]*\) passed, \([0-9]*\) failed$/\1/p')
			f=$(tail -n 1 "$log/out" | sed -n 's/^\([0-9]*\) passed, \([0-9]*\) failed$/\2/p')
			if [ -z "$p" ]; then failed=$((failed + 1)); tail -n 20 "$log/out"; else
				pass=$((pass + p)); failed=$((failed + f)); fi
			echo "test-$m: $(tail -n 1 "$log/out")"
		done
		;;
	boot | fuzz | release)
		if [ "$tier" = boot ]; then
			tests/boot/run.sh "$TOP/out/none" >"$log/out" 2>&1
		elif [ "$tier" = release ]; then
			sh tests/release/run.sh >"$log/out" 2>&1
		else
			tests/fuzz/run.sh "${FUZZ_SECONDS:-60}" $(cd build/fuzz && ls | grep -x 'fuzz_[a-z_]*') \
				>"$log/out" 2>&1
		fi
		sed '$d' "$log/out"
		p=$(tail -n 1 "$log/out" | sed -n 's/^\([0-9]*\) passed, \([0-9]*\) failed$/\1/p')
		f=$(tail -n 1 "$log/out" | sed -n 's/^\([0-9]*\) passed, \([0-9]*\) failed$/\2/p')
		if [ -z "$p" ]; then failed=$((failed + 1)); else
			pass=$((pass + p)); failed=$((failed + f)); fi
		;;
	*)
		echo "unknown tier $tier" >&2
		failed=$((failed + 1))
		;;
	esac
done
if [ "$skipped" -gt 0 ]; then
	echo "$pass passed, $failed failed, $skipped skipped"
else
	echo "$pass passed, $failed failed"
fi
[ "$failed" = 0 ]
