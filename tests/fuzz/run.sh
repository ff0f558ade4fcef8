#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# Runs each libFuzzer harness for SECONDS from its seed corpus.
# Usage: tests/fuzz/run.sh SECONDS name...  (binaries in build/fuzz/)
# Seeds: tests/fuzz/corpus/<name without fuzz_>/ (read only); what the fuzzer learns goes
# to build/fuzz/corpus-<name>/, crashes to build/fuzz/<name>-crash-*.
# Prints one line per harness with executions and coverage, then
# "N passed, N failed". A crash, leak, timeout or sanitizer report fails.
TOP=$(cd "$(dirname "$0")/../.." && pwd)
cd "$TOP" || exit 2
secs=${1:?usage: run.sh SECONDS name...}
shift
pass=0 failed=0
for name in "$@"; do
	bin=build/fuzz/$name
	work=build/fuzz/corpus-$name
	log=build/fuzz/$name.log
	mkdir -p "$work"
	"$bin" -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 -max_len=65536 \
		-print_final_stats=1 -artifact_prefix="build/fuzz/$name-" \
		"$work" "tests/fuzz/corpus/${name#fuzz_}" >"$log" 2>&1
	rc=$?
	execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")
	cov=$(grep -o 'cov: [0-9]*' "$log" | tail -n 1)
	if [ "$rc" = 0 ] && [ -n "$execs" ]; then
		pass=$((pass + 1))
		echo "PASS $name: $execs executions in ${secs}s, $cov"
	else
		failed=$((failed + 1))
		echo "FAIL $name (exit $rc); the end of $log:"
		tail -n 30 "$log" | sed 's/^/    /'
	fi
done
echo "$pass passed, $failed failed"
[ "$failed" = 0 ]
