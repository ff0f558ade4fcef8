#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# shunit2 tests for deps/build.sh: the cached prefix is complete and matches
# deps/pins, and a source whose sha256 differs from its pin is refused
# before anything is built.
TOP=$(cd "$(dirname "$0")/../.." && pwd)
CACHE=${SEALROOT_CACHE:-$HOME/.cache/sealroot}

oneTimeSetUp() {
	W=$(mktemp -d)
	PREFIX=$("$TOP/deps/build.sh" 2>/dev/null | tail -n 1)
}

oneTimeTearDown() {
	rm -rf "$W"
}

test_prefix_is_complete() {
	assertTrue "prefix $PREFIX" "[ -d '$PREFIX' ]"
	for lib in cryptsetup devmapper json-c blkid uuid kmod curl ssl crypto z; do
		assertTrue "lib$lib.a" "[ -s '$PREFIX/lib/lib$lib.a' ]"
	done
	for h in libcryptsetup.h libdevmapper.h libkmod.h json-c/json.h curl/curl.h openssl/ssl.h; do
		assertTrue "$h" "[ -f '$PREFIX/include/$h' ]"
	done
	assertTrue "kernel headers" "[ -f '$PREFIX/include/kernel/linux/dm-ioctl.h' ]"
	assertTrue "link-flags" "grep -q -- '-lcryptsetup' '$PREFIX/link-flags'"
}

test_versions_json_matches_pins() {
	grep -v '^#' "$TOP/deps/pins" | while read -r name ver osha _; do
		# The "release" line names the Debian release, not a package.
		case $name in '' | release) continue ;; esac
		grep -q "\"$name\": {\"debian_version\": \"$ver\", \"upstream_sha256\": \"$osha\"" \
			"$PREFIX/versions.json" || echo "$name"
	done >"$W/missing"
	assertEquals "pins missing from versions.json" "" "$(cat "$W/missing")"
}

test_cached_run_builds_nothing() {
	out=$("$TOP/deps/build.sh" 2>&1)
	assertEquals "same prefix" "$PREFIX" "$(echo "$out" | tail -n 1)"
	assertNotContains "$out" "building"
}

# The s390x prefix (the se bundle): musl built for s390x with its wrapper,
# the same libraries as s390x objects, and a static busybox; a program built
# with it runs under qemu-s390x-static. Built once, then cached.
test_s390x_prefix() {
	P390=$("$TOP/deps/build.sh" s390x 2>"$W/s390x.err" | tail -n 1)
	assertTrue "s390x prefix '$P390': $(tail -n 5 "$W/s390x.err")" "[ -d '$P390' ]"
	assertNotEquals "its own prefix" "$PREFIX" "$P390"
	cc=$P390/toolchain/bin/s390x-linux-musl-gcc
	assertTrue "the wrapper" "[ -x '$cc' ]"
	for lib in cryptsetup devmapper json-c blkid uuid kmod curl ssl crypto z; do
		assertEquals "lib$lib.a is s390x" "IBM S/390" \
			"$(readelf -h "$P390/lib/lib$lib.a" 2>/dev/null | sed -n 's/^ *Machine: *//p' | sort -u)"
	done
	for b in busybox veritysetup mke2fs; do
		assertEquals "bin/$b is s390x" "IBM S/390" "$(readelf -h "$P390/bin/$b" | sed -n 's/^ *Machine: *//p')"
		assertFalse "bin/$b is static" "readelf -l '$P390/bin/$b' | grep -q INTERP"
	done
	# The wrapper works from a copy of the prefix elsewhere (relocatable).
	cp -R "$P390/toolchain" "$W/moved-toolchain"
	printf '#include <json-c/json.h>\n#include <stdio.h>\nint main(void){json_object *o=json_tokener_parse("[7]");printf("s390x %%d\\n",json_object_get_int(json_object_array_get_idx(o,0)));return 0;}\n' >"$W/j.c"
	"$W/moved-toolchain/bin/s390x-linux-musl-gcc" -static -O2 -I"$P390/include" -o "$W/j" "$W/j.c" \
		-L"$P390/lib" -ljson-c 2>"$W/j.err"
	assertEquals "compiles with the moved wrapper: $(cat "$W/j.err")" 0 $?
	assertEquals "runs under qemu-s390x-static" "s390x 7" "$(qemu-s390x-static "$W/j")"
	out=$("$TOP/deps/build.sh" aarch64 2>&1)
	assertNotEquals "an unknown arch" 0 $?
	assertContains "$out" "usage: build.sh [x86_64|s390x]"
}

test_bad_pin_is_refused_before_building() {
	mkdir -p "$W/repo/deps" "$W/cache"
	cp "$TOP"/deps/* "$W/repo/deps/"
	cp -R "$TOP/build-aux" "$W/repo/"
	# Share the downloaded sources, not the built prefixes.
	ln -s "$CACHE/src" "$W/cache/src"
	sed -i '/^zlib /s/ 71feb7947e3c00ef125f83b79a4e529bde31171e5babe48b391f06758d1ab0a1 / 0000000000000000000000000000000000000000000000000000000000000000 /' \
		"$W/repo/deps/pins"
	assertTrue "pin doctored" "grep -q '^zlib .* 0000000000000000' '$W/repo/deps/pins'"
	out=$(SEALROOT_CACHE=$W/cache "$W/repo/deps/build.sh" 2>&1)
	assertNotEquals "fails" 0 $?
	assertContains "$out" "deps/pins says 0000000000000000000000000000000000000000000000000000000000000000"
	assertEquals "nothing built" "" "$(ls "$W/cache/deps" 2>/dev/null | grep -v lock)"
}

. shunit2
