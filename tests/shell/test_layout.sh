#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# The init's link layout (init/layout.sh, from init/layout.profile): the
# code a boot runs lies first in the file, by function, in the order the
# boot first runs it, and what the attest step adds right after; the data
# of the same objects lies together too; so paging them in from the
# dm-verity root reads a few windows, not windows all over the binary
# (docs/performance.md). Checked on each built init (x86_64, and s390x
# when it has been built): the sections exist and come first, each
# profiled section is in its group and in profile order (from the link
# map), OpenSSL's constructor (the CPU probe that .init calls on every
# boot) is in .text.boot, the init's own strings are in .rodata.boot, the
# writable data a boot touches lies in one read-around window, and the
# read-only groups sit in a segment with .rodata's flags, never a more
# permissive one. And init/layout.sh refuses a profile it cannot use.
# SEALROOT_INIT=FILE checks that one init only (and FILE.map, if present).
TOP=$(cd "$(dirname "$0")/../.." && pwd)

oneTimeSetUp() {
	if [ -n "${SEALROOT_INIT:-}" ]; then
		INITS=$SEALROOT_INIT
	else
		INITS=$TOP/build/x86_64/sealroot-init
		[ -s "$TOP/build/s390x/sealroot-init" ] && INITS="$INITS $TOP/build/s390x/sealroot-init"
	fi
	for i in $INITS; do
		[ -s "$i" ] || fail "no init at $i (make init)"
	done
}

# section INIT NAME: "ADDRESS OFFSET SIZE" of section NAME (hex, no 0x), or
# nothing.
section() {
	readelf -SW "$1" | sed 's/^ *\[ *[0-9]*\] *//' |
		awk -v n="$2" '$1 == n { print $3, $4, $5 }'
}

# load_flags INIT ADDR: the flags of the LOAD segment that holds ADDR ("R",
# "RE", "RW"), or nothing.
load_flags() {
	readelf -lW "$1" | awk '$1 == "LOAD" { print $3, $6, $7, $8 }' |
		while read -r va msz f1 f2; do
			if [ "$2" -ge $((va)) ] && [ "$2" -lt $((va + msz)) ]; then
				case $f2 in 0x*) echo "$f1" ;; *) echo "$f1$f2" ;; esac
				return
			fi
		done
}

# init_call INIT: the address .init calls (x86_64 call, s390x brasl), hex.
init_call() {
	case $(readelf -hW "$1" | sed -n 's/^ *Machine: *//p') in
	*X86-64*) od=objdump ;;
	*S/390*) od=s390x-linux-gnu-objdump ;;
	*) od=none ;;
	esac
	command -v "$od" >/dev/null || { echo "no $od to read $1" >&2; return; }
	"$od" -d -j .init "$1" | sed -n 's/.*\(call\|brasl\).*[ ,]\(0x\)\{0,1\}\([0-9a-f][0-9a-f]*\)\( <.*\)\{0,1\}$/\3/p' |
		head -n 1
}

test_boot_text_comes_first() {
	for i in $INITS; do
		set -- $(section "$i" .text.boot)
		assertNotNull "$i: .text.boot exists" "${1:-}" || continue
		boot_addr=$((0x$1)) boot_size=$((0x$3))
		set -- $(section "$i" .text)
		assertTrue "$i: .text.boot before .text" "[ $boot_addr -lt $((0x${1:-0})) ]"
		# What a boot runs (its steps, the C library, zlib, SHA-384) is
		# over 64 KiB.
		assertTrue "$i: .text.boot holds what a boot runs ($boot_size bytes)" \
			"[ $boot_size -gt 65536 ]"
	done
}

test_openssl_constructor_is_in_boot_text() {
	for i in $INITS; do
		set -- $(section "$i" .text.boot)
		assertNotNull "$i: .text.boot exists" "${1:-}" || continue
		lo=$((0x$1)) hi=$((0x$1 + 0x$3))
		target=$(init_call "$i")
		assertNotNull "$i: .init calls something" "$target" || continue
		t=$((0x$target))
		assertTrue "$i: the CPU probe (0x$target) is in .text.boot" "[ $t -ge $lo ] && [ $t -lt $hi ]"
	done
}

test_attest_text_follows_boot_text() {
	for i in $INITS; do
		set -- $(section "$i" .text.boot)
		assertNotNull "$i: .text.boot exists" "${1:-}" || continue
		boot_end=$((0x$1 + 0x$3))
		set -- $(section "$i" .text.attest)
		assertNotNull "$i: .text.attest exists" "${1:-}" || continue
		# After .text.boot, allowing for its alignment (at most a page).
		assertTrue "$i: .text.attest right after .text.boot" \
			"[ $((0x$1)) -ge $boot_end ] && [ $((0x$1)) -lt $((boot_end + 4096)) ]"
		# What libcurl and OpenSSL run of an attestation is over 200 KiB.
		assertTrue "$i: .text.attest holds libcurl and OpenSSL" "[ $((0x$3)) -gt 204800 ]"
	done
}

# The groups must not make read-only data executable: each is in a LOAD
# segment with the flags of the one that holds .rodata ("R" on x86_64,
# where ld keeps code and data apart; s390x's ld maps them together).
test_rodata_groups_keep_the_rodata_flags() {
	for i in $INITS; do
		set -- $(section "$i" .rodata)
		assertNotNull "$i: .rodata exists" "${1:-}" || continue
		want=$(load_flags "$i" $((0x$1)))
		case $(readelf -hW "$i" | sed -n 's/^ *Machine: *//p') in
		*X86-64*) assertEquals "$i: .rodata's segment" "R" "$want" ;;
		esac
		for sec in .rodata.boot .rodata.attest .data.rel.ro.other; do
			set -- $(section "$i" "$sec")
			assertNotNull "$i: $sec exists" "${1:-}" || continue
			assertEquals "$i: $sec segment flags" "$want" "$(load_flags "$i" $((0x$1)))"
		done
	done
}

test_own_strings_in_boot_rodata() {
	for i in $INITS; do
		set -- $(section "$i" .rodata.boot)
		assertNotNull "$i: .rodata.boot exists" "${1:-}" || continue
		lo=$((0x$2)) hi=$((0x$2 + 0x$3))
		for s in "expedite: RCU grace periods expedited until the agent starts" \
			"initdata: wrote %zu files to %s"; do
			off=$(grep -boaF "$s" "$i" | head -n 1 | cut -d: -f1)
			assertNotNull "$i: \"$s\" is in the init" "$off" || continue
			assertTrue "$i: \"$s\" (offset $off) is in .rodata.boot" \
				"[ $off -ge $lo ] && [ $off -lt $hi ]"
		done
	done
}

# map_sections MAP: the link map's input sections, one per line:
# "OUTPUT MEMBER SECTION ADDRESS(decimal)"; MEMBER as in the profile
# (ARCHIVE:OBJECT, or "-"), as tools/linkmap.awk reads them.
map_sections() {
	awk -f "$TOP/tools/linkmap.awk" "$1" | awk '{ print $3, $4, $5, $1 }'
}

# has_map INIT: true when INIT's link map is there. The Makefile always
# writes one, so a missing map fails, unless SEALROOT_INIT names an init
# built elsewhere.
has_map() {
	[ -s "$1.map" ] && return 0
	[ -n "${SEALROOT_INIT:-}" ] && { echo "no link map $1.map: map checks skipped for $1"; return 1; }
	fail "no link map $1.map (make init writes it)"
	return 1
}

# Each profiled section the link has is in its group's output section
# (.text.GROUP for code, .rodata.GROUP for data), at a higher address than
# the one before it there; and the profile is not stale: it names sections
# this link has.
test_profiled_sections_in_group_and_order() {
	for i in $INITS; do
		has_map "$i" || continue
		map_sections "$i.map" >"$SHUNIT_TMPDIR/secs"
		# The profile is taken on x86_64: another architecture lacks its
		# assembly objects, so only x86_64 tells a stale profile.
		x86=0
		case $(readelf -hW "$i" | sed -n 's/^ *Machine: *//p') in *X86-64*) x86=1 ;; esac
		grep -v '^#' "$TOP/init/layout.profile" | awk -v secs="$SHUNIT_TMPDIR/secs" -v x86="$x86" '
		BEGIN { while ((getline l < secs) > 0) { split(l, f, " "); k = f[2] " " f[3]; if (!(k in out)) { out[k] = f[1]; addr[k] = f[4] + 0 } } }
		NF == 3 {
			k = $2 " " $3; n++
			if ($2 == "-" && $3 == ".text") next
			if (!(k in out)) next
			found++
			want = ($3 ~ /^\.text/ ? ".text." : ".rodata.") $1
			if (out[k] != want) { printf "%s (%s) is in %s\n", k, $1, out[k]; bad++ }
			else if (addr[k] < last[want]) { printf "%s is before the section profiled before it\n", k; bad++ }
			else last[want] = addr[k]
		}
		END {
			printf "%d of %d profiled sections in the link\n", found, n
			stale = x86 && found * 100 < n * 95
			if (stale) print "stale profile: regenerate it (tools/layout-profile.sh)"
			if (n == 0) print "the profile names no section"
			exit (bad > 0 || stale || n == 0)
		}' \
			>"$SHUNIT_TMPDIR/check"
		rc=$?
		assertEquals "$i: profiled sections in their groups, in order: $(head -n 5 "$SHUNIT_TMPDIR/check")" 0 "$rc"
	done
}

# The init is static and not position-independent: nothing relocates it at
# run time, so its relocated read-only data (.data.rel.ro: const tables of
# pointers) is placed read-only, not in the writable segment where the
# default script leaves it for a dynamic loader to protect. Every such
# input section is in a read-only output section, in a segment without W.
test_relocated_read_only_data_is_read_only() {
	for i in $INITS; do
		assertEquals "$i: an executable, not position-independent" "EXEC" \
			"$(readelf -hW "$i" | sed -n 's/^ *Type: *\([A-Z]*\).*/\1/p')"
		assertContains "$i: no run-time relocations" "$(readelf -rW "$i")" "There are no relocations in this file."
		for sec in .rodata.boot .rodata.attest .data.rel.ro.other; do
			flags=$(readelf -SW "$i" | sed 's/^ *\[ *[0-9]*\] *//' | awk -v n="$sec" '$1 == n { print $8 }')
			assertNotNull "$i: $sec exists" "$flags" || continue
			assertNotContains "$i: $sec is not writable ($flags)" "$flags" "W"
			set -- $(section "$i" "$sec")
			assertNotContains "$i: $sec's segment is not writable" "$(load_flags "$i" $((0x$1)))" "W"
		done
		has_map "$i" || continue
		map_sections "$i.map" | awk '$3 ~ /^\.data\.rel\.ro/ && $1 !~ /^\.(rodata\.(boot|attest)|data\.rel\.ro\.other)$/' \
			>"$SHUNIT_TMPDIR/rw"
		assertEquals "$i: relocated read-only data left writable: $(head -n 3 "$SHUNIT_TMPDIR/rw")" 0 \
			"$(wc -l <"$SHUNIT_TMPDIR/rw")"
	done
}

# What a boot touches of the writable segment (the TLS image, the
# constructor tables, .got and .data: all it holds but .bss) lies within
# one 128 KiB read-around window.
test_boot_writable_data_together() {
	for i in $INITS; do
		set -- $(section "$i" .tdata)
		assertNotNull "$i: .tdata exists" "${1:-}" || continue
		lo=$((0x$2))
		set -- $(section "$i" .data)
		assertNotNull "$i: .data exists" "${1:-}" || continue
		hi=$((0x$2 + 0x$3))
		for sec in .init_array .fini_array .got .got.plt; do
			set -- $(section "$i" "$sec")
			[ -n "${1:-}" ] || continue
			assertTrue "$i: $sec (0x$2) between .tdata and the end of .data" \
				"[ $((0x$2)) -ge $lo ] && [ $((0x$2)) -lt $hi ]"
		done
		assertTrue "$i: .tdata to the end of .data is $((hi - lo)) bytes, within 128 KiB" \
			"[ $((hi - lo)) -le 131072 ]"
	done
}

# layout PROFILE-TEXT: init/layout.sh's status on a profile holding TEXT;
# its stderr in $SHUNIT_TMPDIR/err.
layout() {
	printf '%s\n' "$1" >"$SHUNIT_TMPDIR/profile"
	sh "$TOP/init/layout.sh" "$SHUNIT_TMPDIR/profile" >"$SHUNIT_TMPDIR/ld" 2>"$SHUNIT_TMPDIR/err"
}

test_layout_refuses_a_bad_profile() {
	layout 'boot - .text.main'
	assertEquals "a good profile is taken" 0 $?
	assertContains "its section is placed" "$(cat "$SHUNIT_TMPDIR/ld")" "EXCLUDE_FILE(*.a:) *(.text.main)"
	for bad in 'late - .text.main' 'boot - .text.main extra' 'boot libc.a .text.x' \
		'boot - .text.a)*(.data' 'boot libc.a:x.lo(*) .text.x' 'boot - text.main' \
		'boot - .data.counter' 'boot libc.a:x.lo .bss.x' 'attest - .tdata' 'boot - .textual'; do
		layout "# a comment
boot - .text.first
$bad"
		assertNotEquals "refused: $bad" 0 $?
		assertContains "the line is named: $bad" "$(cat "$SHUNIT_TMPDIR/err")" ":3: not"
		assertEquals "nothing written for: $bad" "" "$(cat "$SHUNIT_TMPDIR/ld")"
	done
	layout '# only a comment'
	assertNotEquals "a profile naming no section is refused" 0 $?
	assertContains "and says so" "$(cat "$SHUNIT_TMPDIR/err")" "names no section"
}

# shellcheck disable=SC1091
. /usr/bin/shunit2
