#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# check-config.sh CONFIG [debug]: checks a final kernel .config against
# kernel-config/required (symbol at that value) and, unless debug,
# kernel-config/forbidden (symbol unset). Prints every violation; exits 1 on any.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
cfg=${1:?usage: check-config.sh CONFIG [debug]}
mode=${2:-release}
[ -f "$cfg" ] || { echo "check-config: no such file $cfg" >&2; exit 2; }
bad=0

while IFS= read -r line; do
	case $line in '' | '#'*) continue ;; esac
	sym=${line%%=*}
	if ! grep -qx "$line" "$cfg"; then
		have=$(grep -E "^$sym=|^# $sym is not set" "$cfg" || echo "absent")
		echo "check-config: required $line, have: $have" >&2
		bad=1
	fi
done <"$here/required"

if [ "$mode" != debug ]; then
	while IFS= read -r sym; do
		case $sym in '' | '#'*) continue ;; esac
		if grep -qE "^$sym=" "$cfg"; then
			echo "check-config: forbidden $(grep -E "^$sym=" "$cfg")" >&2
			bad=1
		fi
	done <"$here/forbidden"
fi
[ "$bad" = 0 ] && echo "check-config: $cfg conforms ($mode)" >&2
exit "$bad"
