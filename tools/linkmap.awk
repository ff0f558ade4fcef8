# SPDX-License-Identifier: Apache-2.0
# tools/linkmap.awk: reads a GNU ld link map (-Wl,-Map) and prints each
# input section placed in the output, one per line:
#   ADDRESS SIZE OUTPUT MEMBER SECTION
# ADDRESS and SIZE in decimal; OUTPUT the output section that holds it;
# MEMBER ARCHIVE:OBJECT (libc.a:memcpy.lo), or "-" for an object given on
# the command line. Sections of size 0 and the map's list of discarded
# sections are left out. A map line names an input section and, on the
# same line or on the next when the name is long, its address, size and
# file. Plain POSIX awk (Debian's default is mawk): no strtonum, and
# numbers printed with %.0f, exact to 2^53.
# Used by tools/layout-profile.sh and tests/shell/test_layout.sh.
function hex(x,   i, v) {
	v = 0; x = tolower(x); sub(/^0x/, "", x)
	for (i = 1; i <= length(x); i++) v = v * 16 + index("0123456789abcdef", substr(x, i, 1)) - 1
	return v
}
function emit(a, s, f,   m) {
	if (s == 0) return
	if (f ~ /\.a\(.*\)$/) { m = f; sub(/^.*\//, "", m); sub(/\(/, ":", m); sub(/\)$/, "", m) }
	else m = "-"
	printf "%.0f %.0f %s %s %s\n", a, s, out, m, name
}
/^Linker script and memory map/ { placed = 1; next }
!placed { next }
/^\.[^ ]+/ { out = $1 }
/^ \.[^ ]+$/ { name = $1; pending = 1; next }
pending && /^ +0x[0-9a-f]+ +0x[0-9a-f]+ +[^ ]/ { emit(hex($1), hex($2), $3); pending = 0; next }
/^ \.[^ ]+ +0x[0-9a-f]+ +0x[0-9a-f]+ +[^ ]/ { name = $1; emit(hex($2), hex($3), $4); pending = 0; next }
{ pending = 0 }
