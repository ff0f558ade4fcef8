#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# shunit2 tests for the pins: every pinned input is fetched by its exact
# version (build-aux/pins.sh), a pin that is no longer served fails with one
# clear line, `make update-pins` (tools/update-pins.sh) moves to the newest
# version that the archive delivers and is idempotent, and the kernel build
# never reads the host's /usr/src. The archive is a local signed one
# (tests/lib/apt-archive.sh): no network.
TOP=$(cd "$(dirname "$0")/../.." && pwd)
REAL_CACHE=${SEALROOT_CACHE:-$HOME/.cache/sealroot}
# shellcheck source=tests/lib/apt-archive.sh
. "$TOP/tests/lib/apt-archive.sh"

sha() { sha256sum <"$1" | cut -d' ' -f1; }

# kernel_tarball N: a stand-in linux-source-6.12.tar.xz, version N.
kernel_tarball() {
	mkdir -p "$W/k$1/linux-source-6.12"
	echo "stand-in kernel $1" >"$W/k$1/linux-source-6.12/Makefile"
	tar --sort=name --mtime=@0 --owner=0 --group=0 -C "$W/k$1" -cJf "$W/k$1.tar.xz" linux-source-6.12
}

oneTimeSetUp() {
	W=$(mktemp -d)
	archive_init "$W/archive"
	kernel_tarball 1
	kernel_tarball 2
	CHANGES='  * New upstream stable update 6.12.1.' \
		archive_deb trixie-security linux-source-6.12 6.12.1-1 usr/src/linux-source-6.12.tar.xz="$W/k1.tar.xz"
	CHANGES='  * [x86] Fix CVE-2099-1111.' \
		archive_deb trixie-security linux-source-6.12 6.12.2-1 usr/src/linux-source-6.12.tar.xz="$W/k2.tar.xz"
	archive_src bookworm zlib 1:1.2.13.dfsg-1
	# Listed in the index, files not delivered (the archive's 404).
	archive_src bookworm-security zlib 1:1.2.13.dfsg-1+deb12u1 missing
	archive_src bookworm popt 1.19+dfsg-1
	CHANGES='  * Fix CVE-2099-2222 in the option parser.' archive_src bookworm-security popt 1.19+dfsg-2
	archive_sign
	P=$W/archive/debian/pool/bookworm
	S=$W/archive/debian-security/pool
	ZLIB_LINE="zlib 1:1.2.13.dfsg-1 $(sha "$P/zlib_1.2.13.dfsg.orig.tar.xz") $(sha "$P/zlib_1.2.13.dfsg-1.debian.tar.xz")"
	POPT_LINE="popt 1.19+dfsg-1 $(sha "$P/popt_1.19+dfsg.orig.tar.xz") $(sha "$P/popt_1.19+dfsg-1.debian.tar.xz")"
	POPT2_LINE="popt 1.19+dfsg-2 $(sha "$S/bookworm-security/popt_1.19+dfsg.orig.tar.xz") $(sha "$S/bookworm-security/popt_1.19+dfsg-2.debian.tar.xz")"
	K1_DEB=$(sha "$S/trixie-security/linux-source-6.12_6.12.1-1_all.deb")
	K2_DEB=$(sha "$S/trixie-security/linux-source-6.12_6.12.2-1_all.deb")
}

oneTimeTearDown() {
	rm -rf "$W"
}

# tree KVER: a copy of the build scripts with pin files naming the test
# archive's packages (kernel at KVER, 6.12.1-1 or 6.12.2-1), in $W/tree.
tree() {
	rm -rf "$W/tree" "$W/cache"
	mkdir -p "$W/tree/tools" "$W/tree/deps" "$W/tree/firmware" "$W/cache"
	cp -R "$TOP/build-aux" "$TOP/kernel-config" "$W/tree/"
	cp "$TOP/tools/update-pins.sh" "$W/tree/tools/"
	cp "$TOP/deps/build.sh" "$TOP/deps/link-flags" "$W/tree/deps/"
	cp "$TOP/firmware/build.sh" "$W/tree/firmware/"
	printf 'release bookworm\n%s\n%s\n' "$ZLIB_LINE" "$POPT_LINE" >"$W/tree/deps/pins"
	printf 'release bookworm\n' >"$W/tree/deps/pins.cross"
	printf 'release trixie\ntoolchain %s\n' "$("$TOP/firmware/build.sh" --toolchain | sha256sum | cut -d' ' -f1)" \
		>"$W/tree/firmware/pins"
	case $1 in 6.12.1-1) kdeb=$K1_DEB k=1 ;; *) kdeb=$K2_DEB k=2 ;; esac
	printf 'release=trixie\npackage=linux-source-6.12\ndebian_version=%s\ndeb_sha256=%s\npath=usr/src/linux-source-6.12.tar.xz\nsha256=%s\n' \
		"$1" "$kdeb" "$(sha "$W/k$k.tar.xz")" >"$W/tree/kernel-config/source"
}

test_update_pins_moves_to_the_newest_delivered_version() {
	tree 6.12.1-1
	SEALROOT_CACHE=$W/cache "$W/tree/tools/update-pins.sh" >"$W/out" 2>"$W/err"
	assertEquals "update-pins: $(cat "$W/err")" 0 $?
	out=$(cat "$W/out")
	assertContains "$out" "popt 1.19+dfsg-1 -> 1.19+dfsg-2 (deps/pins)"
	assertContains "$out" "CVE-2099-2222"
	assertContains "$out" "linux-source-6.12 6.12.1-1 -> 6.12.2-1 (kernel-config/source)"
	assertContains "$out" "CVE-2099-1111"
	assertContains "$out" "zlib: 1:1.2.13.dfsg-1+deb12u1 is listed by Debian bookworm, but its files are not delivered; not taken"
	assertContains "$out" "update-pins: 2 pin(s) moved"
	assertEquals "popt moved, with the new tarballs' sums" "$POPT2_LINE" "$(grep '^popt ' "$W/tree/deps/pins")"
	assertEquals "zlib kept" "$ZLIB_LINE" "$(grep '^zlib ' "$W/tree/deps/pins")"
	. "$W/tree/kernel-config/source"
	assertEquals "kernel version" 6.12.2-1 "$debian_version"
	assertEquals "the .deb's sum" "$K2_DEB" "$deb_sha256"
	assertEquals "the tarball's sum, from inside the .deb" "$(sha "$W/k2.tar.xz")" "$sha256"
	# The same day, again: nothing changes.
	cp -R "$W/tree" "$W/before"
	SEALROOT_CACHE=$W/cache "$W/tree/tools/update-pins.sh" >"$W/out" 2>"$W/err"
	assertEquals "second run: $(cat "$W/err")" 0 $?
	assertContains "$(cat "$W/out")" "update-pins: every pin is the newest version Debian serves and delivers"
	assertTrue "no pin file changed" "diff -r '$W/before' '$W/tree'"
	rm -rf "$W/before"
}

test_update_pins_dry_run_changes_nothing() {
	tree 6.12.1-1
	cp -R "$W/tree" "$W/before"
	SEALROOT_CACHE=$W/cache "$W/tree/tools/update-pins.sh" --dry-run >"$W/out" 2>"$W/err"
	assertEquals "dry run: $(cat "$W/err")" 0 $?
	assertContains "$(cat "$W/out")" "popt 1.19+dfsg-1 -> 1.19+dfsg-2"
	assertContains "$(cat "$W/out")" "(dry run: no file changed)"
	assertTrue "no pin file changed" "diff -r '$W/before' '$W/tree'"
	rm -rf "$W/before"
}

# One clear line: the package, the pinned version, what is served and the
# command that moves the pins; and nothing unpacked or built.
test_kernel_pin_no_longer_served() {
	tree 6.12.1-1
	sed -i 's/^debian_version=.*/debian_version=6.12.0-1/' "$W/tree/kernel-config/source"
	out=$(SEALROOT_CACHE=$W/cache KERNEL_STOP_AFTER_CONFIG=$W/cfg "$W/tree/kernel-config/build.sh" none 2>&1)
	assertEquals "fails" 1 $?
	assertContains "$out" "kernel: ERROR: linux-source-6.12 6.12.0-1 (pinned in kernel-config/source) is no longer served by Debian trixie, which offers: 6.12.2-1 6.12.1-1; run 'make update-pins'"
	assertEquals "one error line" 1 "$(echo "$out" | grep -c ERROR)"
	assertFalse "nothing unpacked" "ls '$W/cache/kernel-src'/* >/dev/null 2>&1"
}

# deps_pin_refused VERSION MESSAGE: zlib pinned at VERSION stops the deps
# stage with MESSAGE before anything is built.
deps_pin_refused() {
	tree 6.12.1-1
	sed -i "s/^zlib 1:1.2.13.dfsg-1 /zlib $1 /" "$W/tree/deps/pins"
	out=$(SEALROOT_CACHE=$W/cache "$W/tree/deps/build.sh" 2>&1)
	assertEquals "fails" 1 $?
	assertContains "$out" "$2"
	assertEquals "nothing built" "" "$(ls "$W/cache/deps" 2>/dev/null | grep -v lock)"
}

test_deps_pin_no_longer_served() {
	deps_pin_refused 1:1.2.13.dfsg-0 "deps: ERROR: zlib 1:1.2.13.dfsg-0 (pinned in deps/pins) is no longer served by Debian bookworm, which offers: 1:1.2.13.dfsg-1+deb12u1 1:1.2.13.dfsg-1; run 'make update-pins'"
}

test_deps_pin_listed_but_not_delivered() {
	deps_pin_refused 1:1.2.13.dfsg-1+deb12u1 "deps: ERROR: Debian bookworm lists zlib 1:1.2.13.dfsg-1+deb12u1, but apt-get source did not deliver"
}

# The fetched kernel is the pinned one, whatever the host's /usr/src holds:
# here a bogus linux-source-6.12 and 6.1 tarball in a private mount
# namespace. The pinned .deb comes from the real cache (make image put it
# there), so no network is used.
test_kernel_never_reads_the_system_copy() {
	pkg=$(. "$TOP/kernel-config/source" && echo "${package}_${debian_version#*:}_all.deb")
	if [ ! -f "$REAL_CACHE/src/$pkg" ]; then
		echo "SKIP: $REAL_CACHE/src/$pkg is not there (make image fetches it)"
		return 0
	fi
	pinned=$(. "$TOP/kernel-config/source" && echo "$sha256")
	mkdir -p "$W/sys-cache/src"
	ln "$REAL_CACHE/src/$pkg" "$W/sys-cache/src/$pkg" 2>/dev/null || cp "$REAL_CACHE/src/$pkg" "$W/sys-cache/src/"
	# shellcheck disable=SC2016
	SEALROOT_CACHE=$W/sys-cache KERNEL_STOP_AFTER_CONFIG=$W/sys-cfg unshare -m sh -c '
		mount -t tmpfs tmpfs /usr/src || exit 97
		echo bogus >/usr/src/linux-source-6.12.tar.xz
		echo bogus >/usr/src/linux-source-6.1.tar.xz
		[ "$(cat /usr/src/linux-source-6.12.tar.xz)" = bogus ] || exit 98
		exec "$1/kernel-config/build.sh" none' sh "$TOP" >"$W/sys.out" 2>&1
	assertEquals "configures with a bogus /usr/src: $(tail -n 5 "$W/sys.out")" 0 $?
	assertTrue "the pinned source was unpacked" "[ -f '$W/sys-cache/kernel-src/$pinned/.unpacked' ]"
	assertTrue "and configured" "[ -s '$W/sys-cfg/config' ]"
	assertNotContains "$(cat "$W/sys.out")" "/usr/src"
	rm -rf "$W/sys-cache"
}

. shunit2
