#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# The init's link layout (init/layout.sh): the code and read-only data that
# every boot uses lie first in the file, together, and what the attest step
# adds right after, so paging them in from the dm-verity root reads a few
# windows, not windows all over the binary (docs/performance.md). Checked
# on each built init (x86_64, and s390x when it has been built): the
# sections exist and come first, OpenSSL's constructor (the CPU probe that
# .init calls on every boot) is in .text.boot, the init's own strings are
# in .rodata.boot, and the read-only groups sit in the segment that holds
# .rodata, never in a more permissive one.
# SEALROOT_INIT=FILE checks that one init only.
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
		# The C library alone is over 100 KiB.
		assertTrue "$i: .text.boot holds the C library ($boot_size bytes)" \
			"[ $boot_size -gt 102400 ]"
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
		# libcurl alone is over 200 KiB.
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
		for sec in .rodata.boot .rodata.attest; do
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

# shellcheck disable=SC1091
. /usr/bin/shunit2
