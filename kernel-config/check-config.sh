#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# check-config.sh CONFIG [release|debug] [TEE]: checks a final kernel .config.
#   reads:   CONFIG, kernel-config/required and forbidden, the
#            architecture's required.<arch> and forbidden.<arch> (x86_64 or
#            s390x, from CONFIG itself) and, when TEE is given and has one,
#            required.<tee>; $CHECK_CONFIG_REQUIRED and
#            $CHECK_CONFIG_FORBIDDEN replace the lists of their kind
#   changes: nothing
#   fails:   exit 1 after printing every violation to stderr; exit 2 on a
#            bad argument or a malformed list line. Exit 0: conforms.
# required: CONFIG_FOO=y|m must have exactly that value; CONFIG_FOO must be
# set (y or m). forbidden (skipped for debug builds): CONFIG_FOO must be
# unset; CONFIG_FOO=y must not have that value.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
usage="usage: check-config.sh CONFIG [release|debug] [none|tdx|snp|se]"
cfg=${1:?$usage}
mode=${2:-release}
tee=${3:-}
case $mode in release | debug) ;; *) echo "check-config: $usage" >&2; exit 2 ;; esac
case $tee in '' | none | tdx | snp | se) ;; *) echo "check-config: $usage" >&2; exit 2 ;; esac
[ -r "$cfg" ] && [ ! -d "$cfg" ] || { echo "check-config: cannot read $cfg" >&2; exit 2; }
# The architecture's own lists: its platform, console and virtio transport.
arch=
if grep -qx 'CONFIG_X86_64=y' "$cfg"; then
	arch=x86_64
elif grep -qx 'CONFIG_S390=y' "$cfg"; then
	arch=s390x
fi
required=${CHECK_CONFIG_REQUIRED:-$here/required}
arch_required=/dev/null tee_required=/dev/null
if [ -z "${CHECK_CONFIG_REQUIRED:-}" ]; then
	arch_required=$here/required.$arch
	[ -z "$tee" ] || [ ! -f "$here/required.$tee" ] || tee_required=$here/required.$tee
fi
forbidden=${CHECK_CONFIG_FORBIDDEN:-$here/forbidden}
arch_forbidden=/dev/null
[ -n "${CHECK_CONFIG_FORBIDDEN:-}" ] || arch_forbidden=$here/forbidden.$arch
if [ -z "$arch" ] && { [ -z "${CHECK_CONFIG_REQUIRED:-}" ] || [ -z "${CHECK_CONFIG_FORBIDDEN:-}" ]; }; then
	echo "check-config: $cfg is neither an x86_64 nor an s390x configuration" >&2
	exit 2
fi
# -r, not -f: an empty list may be given as /dev/null.
for f in "$required" "$arch_required" "$tee_required" "$forbidden" "$arch_forbidden"; do
	[ -r "$f" ] && [ ! -d "$f" ] || { echo "check-config: cannot read $f" >&2; exit 2; }
done
if [ "$mode" = debug ]; then forbidden=/dev/null arch_forbidden=/dev/null; fi

# One pass: the .config into a table, then each list line against it.
# "# CONFIG_FOO is not set" and an absent line both mean unset.
awk -v cfg="$cfg" -v mode="$mode" '
role == "config" {
	if (match($0, /^CONFIG_[A-Za-z0-9_]+=/)) val[substr($0, 1, RLENGTH - 1)] = substr($0, RLENGTH + 1)
	next
}
{ sub(/[ \t]+$/, "") }
/^#/ || /^$/ { next }
!/^CONFIG_[A-Za-z0-9_]+(=[ym])?$/ {
	printf "check-config: %s:%d: malformed line \"%s\"\n", FILENAME, FNR, $0 > "/dev/stderr"
	malformed = 1
	next
}
{
	n = split($0, kv, "=")
	sym = kv[1]; want = (n == 2) ? kv[2] : ""
	set = (sym in val); have = set ? val[sym] : ""
	shown = set ? sym "=" have : "unset"
}
role == "required" && ((want == "" && !set) || (want != "" && have != want)) {
	printf "check-config: required %s%s, have: %s\n", $0, (want == "" ? " (y or m)" : ""), shown > "/dev/stderr"
	bad = 1
}
role == "forbidden" && ((want == "" && set) || (want != "" && have == want)) {
	printf "check-config: forbidden %s, have: %s\n", $0, shown > "/dev/stderr"
	bad = 1
}
END {
	if (malformed) exit 2
	if (bad) { printf "check-config: %s does NOT conform (%s)\n", cfg, mode > "/dev/stderr"; exit 1 }
	printf "check-config: %s conforms (%s)\n", cfg, mode > "/dev/stderr"
}' role=config "$cfg" role=required "$required" "$arch_required" "$tee_required" role=forbidden "$forbidden" "$arch_forbidden"
