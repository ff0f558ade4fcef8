#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
#
# tools/layout-profile.sh [-o FILE] [OUTDIR]: writes the profile that
# init/layout.sh orders the init by (init/layout.profile) to FILE, whole or
# not at all, or to stdout: which functions a boot runs, in the order it
# first runs them, and the read-only data they refer to.
#
# How: boots OUTDIR (default out/none, built from the init in
# build/x86_64 and its link map) twice under QEMU with TCG's translation
# log ("-d in_asm", filtered to the init's code): once as the test
# runner boots it (the default initdata, no attestation), once attested
# against the local test KBS (the initdata of tests/boot/020). QEMU
# translates each block of guest code once, when it first runs, so the log
# is the init's code in first-run order. Each address is mapped to the
# input section of the link map that holds it (with -ffunction-sections,
# one function per section). The log is cut where the agent starts: at the
# first block at the test agent's entry point after the init's first
# execve() (the agent's), since the agent's code lies at the init's
# addresses. What runs after that is not on the way to the agent.
#
# Output, one line per section, first run first:
#   GROUP MEMBER SECTION
# GROUP is "boot" (the plain boot runs it) or "attest" (only the attested
# boot does); MEMBER is ARCHIVE:OBJECT (libc.a:memcpy.lo) or "-" for the
# init's own objects. A stale profile is never wrong, only slower: a
# section it does not name stays where the default script puts it.
#
# Regenerate after a change that moves much code in or out of a boot's
# path (docs/performance.md):
#   make image test-bins && sh tools/layout-profile.sh -o init/layout.profile && make image
# Reads: OUTDIR (a bundle of the default image, with the test agent),
# build/x86_64/sealroot-init, its .map and test-agent, the archives the
# map names. Changes: FILE; builds build/test/kbs-fwd. Fails, writing
# nothing, when a boot does not reach the agent, the attested boot does
# not attest, or a log was not cut at the agent's start. Always TCG: only
# its translation log says what ran.
set -eu
STAGE=layout-profile
top=$(cd "$(dirname "$0")/.." && pwd)
# shellcheck source=tools/common.sh
. "$top/tools/common.sh"
TOP=$top
dest=
if [ "${1:-}" = -o ]; then
	[ $# -ge 2 ] || usage_die "usage: tools/layout-profile.sh [-o FILE] [OUTDIR]"
	dest=$2
	shift 2
fi
[ $# -le 1 ] || usage_die "usage: tools/layout-profile.sh [-o FILE] [OUTDIR]"
[ -d "${1:-$TOP/out/none}" ] || die "no bundle directory ${1:-$TOP/out/none} (make image)"
out=$(cd "${1:-$TOP/out/none}" && pwd)
init=$TOP/build/x86_64/sealroot-init
map=$init.map
agent=$TOP/build/x86_64/test-agent
for f in "$init" "$map" "$agent" "$out/vmlinux" "$out/rootfs.img" "$TOP/build/host/sealroot-initdata"; do
	[ -s "$f" ] || die "no $f (make image test-bins)"
done
# shellcheck disable=SC2034 # read by tests/lib/qemu.sh
SEALROOT_ACCEL=tcg
w=$(mktemp -d)
trap '[ -n "${KBS_PID:-}" ] && kill "$KBS_PID" 2>/dev/null; rm -rf "$w"' EXIT
# shellcheck disable=SC2034 # read by the sourced files
BUNDLE=$out CASE_WORK=$w/case
mkdir -p "$CASE_WORK"
. "$TOP/tests/lib/boot.sh"
. "$TOP/tests/lib/kbs.sh"
make -s -C "$TOP" build/test/kbs-fwd

# The init's code: its executable LOAD segment; logged from the first
# LOAD segment on, so that the agent's entry point is in the log too.
# shellcheck disable=SC2046 # three words: first LOAD, code LOAD and its size
set -- $(readelf -lW "$init" | awk '$1 == "LOAD" && !f { f = $3 } $1 == "LOAD" && $8 == "E" { print f, $3, $6; exit }')
[ $# = 3 ] || die "no executable segment in $init"
range=$(printf '0x%x..0x%x' $(($1)) $(($2 + $3)))
cmdline=$(sr_bundle_cmdline "$out")

# trace NAME INITDATA [QEMU ARGS...]: one boot, its translation log in $w/NAME.
trace() {
	_n=$1 _id=$2
	shift 2
	sr_qemu "$out/vmlinux" "$out/rootfs.img" "$cmdline" "$w/$_n.console" 120 \
		-drive "if=none,id=initdata,file=$_id,format=raw,readonly=on" \
		-device virtio-blk-device,drive=initdata \
		-d in_asm -dfilter "$range" -D "$w/$_n" "$@" || true
	grep -q "sealroot-test: agent running" "$w/$_n.console" ||
		die "the $_n boot did not reach the agent: $(tail -n 3 "$w/$_n.console")"
}
trace plain "$INITDATA"

head -c 48 /dev/urandom | base64 -w0 >"$w/secret"
attest_initdata "$w/attest.img"
kbs_config "$w/kbs.json" "$w/secret" allow "" "$w/attest.img.toml"
kbs_start "$w/kbs.json"
trace attest "$w/attest.img" -netdev "$(kbs_netdev)" -device virtio-net-device,netdev=n0
kbs_stop
grep -q "step attest: ok" "$w/attest.console" || die "the attested boot did not attest"

# The code's input sections of the link map: "START SIZE MEMBER SECTION",
# by address.
awk -f "$TOP/tools/linkmap.awk" "$map" | awk '$5 ~ /^\.text/ { print $1, $2, $4, $5 }' |
	sort -n >"$w/sections"

# The sections in first-run order of one log, up to the agent's start.
agent_entry=$(readelf -hW "$agent" | sed -n 's/^ *Entry point address: *0x0*//p')
[ -n "$agent_entry" ] || die "no entry point in $agent"
order() {
	awk -v secs="$w/sections" -v entry="$agent_entry" '
	function hex(x,   i, v) {
		v = 0
		for (i = 1; i <= length(x); i++) v = v * 16 + index("0123456789abcdef", substr(x, i, 1)) - 1
		return v
	}
	BEGIN {
		agent = hex(entry)
		while ((getline l < secs) > 0) {
			split(l, f, " ")
			n++; a[n] = f[1]; z[n] = f[2]; key[n] = f[3] " " f[4]
		}
	}
	{
		pc = hex($1)
		if (exec && pc == agent) { cut = 1; exit }
		lo = 1; hi = n
		while (lo < hi) { mid = int((lo + hi + 1) / 2); if (a[mid] <= pc) lo = mid; else hi = mid - 1 }
		if (pc < a[lo] || pc >= a[lo] + z[lo]) next
		if (key[lo] ~ / \.text\.execve$/) exec = 1
		if (!(key[lo] in seen)) { seen[key[lo]] = 1; print key[lo] }
	}
	END { if (!cut) { print "no agent start in the log" > "/dev/stderr"; exit 1 } }' "$1"
}
# The first address of each block, in hex without 0x: from the line after
# each "IN:" ("0x0040c040:  48 31 ed  xorq ...").
blocks() { awk '/^IN:/ { getline; sub(/^0x/, ""); sub(/:.*/, ""); print }' "$1"; }
blocks "$w/plain" >"$w/plain.pc"
blocks "$w/attest" >"$w/attest.pc"
order "$w/plain.pc" >"$w/plain.order" || die "the plain boot's log has no agent start: is the test agent in $out?"
order "$w/attest.pc" >"$w/attest.order" || die "the attested boot's log has no agent start"
[ -s "$w/plain.order" ] || die "no init code in the plain boot's log"

# The read-only data each group's code refers to, through the archives'
# relocations: a function's references, then what that data refers to in
# turn (a table of method tables, say, even through a writable table),
# first reached first. Code is not followed: what runs is what the logs
# say ran.
archives=$(sed -n 's/^.*[ (]\(\/[^ ()]*\.a\)(.*$/\1/p' "$map" | sort -u)
for a in $archives; do objdump -t -w "$a"; done >"$w/syms"
for a in $archives; do objdump -r -w "$a"; done >"$w/relocs"
{
	sed 's/^/boot /' "$w/plain.order"
	awk 'NR == FNR { seen[$0] = 1; next } !($0 in seen) { print "attest " $0 }' "$w/plain.order" "$w/attest.order"
} >"$w/text"
awk '
# member LINE: "ARCHIVE:OBJECT" from objdump'"'"'s "OBJECT:     file format" line.
FNR == 1 { file++ }
/^In archive / { arch = $3; sub(/:$/, "", arch); sub(/^.*\//, "", arch); next }
/:     file format / { mem = arch ":" $1; sub(/:$/, "", mem); next }
file == 1 && /^[0-9a-f]+ / {
	# ADDRESS FLAGS(7) SECTION<tab>SIZE NAME
	rest = substr($0, length($1) + 10)
	split(rest, t, "\t"); sec = t[1]
	# SIZE [.hidden|.protected|.internal] NAME
	name = z[split(t[2], z, " ")]
	if (sec ~ /^\*/ || name == "") next
	fl = substr($0, length($1) + 2, 7)
	if (substr(fl, 1, 1) == "l") loc[mem SUBSEP name] = sec
	else glob[name] = mem " " sec
	next
}
file == 2 && /^RELOCATION RECORDS FOR \[/ { from = $4; sub(/^\[/, "", from); sub(/\]:$/, "", from); next }
file == 2 && /^[0-9a-f]+ +R_/ {
	v = $3; sub(/[-+]0x[0-9a-f]+$/, "", v)
	# A local symbol first: .LC labels look like section names.
	if ((mem SUBSEP v) in loc) to = mem " " loc[mem SUBSEP v]
	else if (v ~ /^\./) to = mem " " v
	else if (v in glob) to = glob[v]
	else next
	split(to, q, " ")
	if (q[2] !~ /^\.(rodata|data)/) next
	adj[mem " " from] = adj[mem " " from] "\n" to
	next
}
file == 3 {
	g = $1; node = $2 " " $3
	n = 0; queue[++n] = node
	for (i = 1; i <= n; i++) {
		m = split(adj[queue[i]], e, "\n")
		for (j = 2; j <= m; j++) if (!(e[j] in done)) {
			done[e[j]] = 1; queue[++n] = e[j]
			# Writable data is in .data, read whole anyway: only followed.
			if (e[j] ~ / \.(rodata|data\.rel\.ro)/) print g " " e[j]
		}
	}
}' "$w/syms" "$w/relocs" "$w/text" >"$w/data"

{
	echo "# The init's code in the order a boot first runs it, then the read-only"
	echo "# data that code refers to: written by tools/layout-profile.sh, read by"
	echo "# init/layout.sh. GROUP MEMBER SECTION; boot: the plain boot runs it or"
	echo "# its code refers to it; attest: only the attested boot does."
	echo "# Profiled at $(git -C "$TOP" describe --always --dirty 2>/dev/null || echo unknown)."
	cat "$w/text" "$w/data"
} >"$w/profile"
if [ -n "$dest" ]; then
	cp "$w/profile" "$dest.tmp" && mv "$dest.tmp" "$dest"
	say "$(grep -vc '^#' "$dest") sections to $dest"
else
	cat "$w/profile"
fi
