#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# Runs every unit test binary in DIR under a checker and prints PASS/FAIL
# per binary and "N passed, N failed" last.
#   asan      binaries built with -fsanitize=address,undefined: a report
#             (error, leak, undefined behaviour) is a failure
#   valgrind  memcheck: any error, or a definite or indirect leak, fails
# Usage: tests/sanitize.sh asan|valgrind DIR
set -u
mode=$1 dir=$2
pass=0 failed=0
log=$(mktemp)
trap 'rm -f "$log"' EXIT
for t in "$dir"/test_*; do
	[ -x "$t" ] || continue
	case $mode in
	asan)
		ASAN_OPTIONS=detect_leaks=1:abort_on_error=0:halt_on_error=1 \
			UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 "$t" >"$log" 2>&1
		rc=$?
		# cmocka prints its own failures; any sanitizer report fails too.
		if [ $rc = 0 ] && ! grep -qE 'ERROR: (Address|Leak)Sanitizer|runtime error:' "$log"; then ok=1; else ok=0; fi
		;;
	valgrind)
		valgrind -q --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite,indirect \
			--show-leak-kinds=definite,indirect --track-origins=yes "$t" >"$log" 2>&1
		rc=$?
		if [ $rc = 0 ]; then ok=1; else ok=0; fi
		;;
	*)
		echo "usage: sanitize.sh asan|valgrind DIR" >&2
		exit 2
		;;
	esac
	if [ $ok = 1 ]; then
		pass=$((pass + 1))
		echo "PASS $(basename "$t") ($mode)"
	else
		failed=$((failed + 1))
		echo "FAIL $(basename "$t") ($mode, exit $rc)"
		grep -E 'ERROR|runtime error|FAILED|LINE|definitely|indirectly|Invalid|uninitialised|==[0-9]+== ' "$log" | head -n 30 | sed 's/^/    /'
	fi
done
echo "$pass passed, $failed failed"
[ "$failed" = 0 ]
