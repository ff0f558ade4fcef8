#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# The init's link layout (init/layout.sh): the code and read-only data that
# every boot uses lie first in the file, together, and what the attest step
# adds right after, so paging them in from the dm-verity root reads a few
# windows, not windows all over the binary (docs/performance.md). Checked
# on the built init: the sections exist and come first, OpenSSL's
# constructor (the CPU probe in .init, run on every boot) calls into
# .text.boot, the init's own strings are in .rodata.boot, and no read-only
# data ended up in an executable segment.
TOP=$(cd "$(dirname "$0")/../.." && pwd)
INIT=${SEALROOT_INIT:-$TOP/build/x86_64/sealroot-init}

oneTimeSetUp() {
	[ -s "$INIT" ] || fail "no init at $INIT (make init)"
}

# section NAME: "ADDRESS OFFSET SIZE" of section NAME (hex, no 0x), or nothing.
section() {
	readelf -SW "$INIT" | sed 's/^ *\[ *[0-9]*\] *//' |
		awk -v n="$1" '$1 == n { print $3, $4, $5 }'
}

test_boot_text_comes_first() {
	set -- $(section .text.boot)
	assertNotNull ".text.boot exists" "${1:-}"
	boot_addr=$((0x$1)) boot_size=$((0x$3))
	set -- $(section .text)
	text_addr=$((0x$1))
	assertTrue ".text.boot before .text" "[ $boot_addr -lt $text_addr ]"
	# The C library alone is over 100 KiB.
	assertTrue ".text.boot holds the C library ($boot_size bytes)" "[ $boot_size -gt 102400 ]"
}

test_openssl_constructor_calls_into_boot_text() {
	set -- $(section .text.boot)
	lo=$((0x$1)) hi=$((0x$1 + 0x$3))
	target=$(objdump -d -j .init "$INIT" | sed -n 's/.*call *\(0x\)\{0,1\}\([0-9a-f]*\).*/\2/p' | head -n 1)
	assertNotNull ".init calls something" "$target"
	t=$((0x$target))
	assertTrue "the CPU probe (0x$target) is in .text.boot" "[ $t -ge $lo ] && [ $t -lt $hi ]"
}

test_attest_text_follows_boot_text() {
	set -- $(section .text.boot)
	boot_end=$((0x$1 + 0x$3))
	set -- $(section .text.attest)
	assertNotNull ".text.attest exists" "${1:-}"
	# After .text.boot, allowing for its alignment (at most a page).
	assertTrue ".text.attest right after .text.boot" \
		"[ $((0x${1:-0})) -ge $boot_end ] && [ $((0x${1:-0})) -lt $((boot_end + 4096)) ]"
	# libcurl alone is over 200 KiB.
	assertTrue ".text.attest holds libcurl and OpenSSL" "[ $((0x${3:-0})) -gt 204800 ]"
}

# load_flags ADDR: the flags of the LOAD segment that holds ADDR ("R",
# "RE", "RW").
load_flags() {
	readelf -lW "$INIT" | awk '$1 == "LOAD" { print $3, $6, $7, $8 }' |
		while read -r va msz f1 f2; do
			if [ "$1" -ge $((va)) ] && [ "$1" -lt $((va + msz)) ]; then
				case $f2 in 0x*) echo "$f1" ;; *) echo "$f1$f2" ;; esac
				return
			fi
		done
}

# Read-only data must not be executable: each group lies in a LOAD segment
# without the E flag.
test_rodata_groups_are_not_executable() {
	for sec in .rodata.boot .rodata.attest; do
		set -- $(section "$sec")
		assertNotNull "$sec exists" "${1:-}"
		assertEquals "$sec segment flags" "R" "$(load_flags $((0x${1:-0})))"
	done
}

test_own_strings_in_boot_rodata() {
	set -- $(section .rodata.boot)
	assertNotNull ".rodata.boot exists" "${1:-}"
	lo=$((0x$2)) hi=$((0x$2 + 0x$3))
	set -- $(section .rodata)
	assertTrue ".rodata.boot before .rodata" "[ $lo -lt $((0x$2)) ]"
	for s in "expedite: RCU grace periods expedited until the agent starts" \
		"initdata: wrote %zu files to %s"; do
		off=$(grep -boaF "$s" "$INIT" | head -n 1 | cut -d: -f1)
		assertNotNull "\"$s\" is in the init" "$off"
		assertTrue "\"$s\" (offset $off) is in .rodata.boot" "[ ${off:-0} -ge $lo ] && [ ${off:-0} -lt $hi ]"
	done
}

# shellcheck disable=SC1091
. /usr/bin/shunit2
