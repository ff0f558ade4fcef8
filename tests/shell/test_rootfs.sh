#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# shunit2 tests for rootfs/build.sh: reproducible images, the device nodes
# and files the guest needs, the module list, and argument errors.
TOP=$(cd "$(dirname "$0")/../.." && pwd)
ROOTFS=$TOP/rootfs/build.sh

oneTimeSetUp() {
	W=$(mktemp -d)
	printf '#!/bin/sh\necho init\n' >"$W/init"
	printf '#!/bin/sh\necho agent\n' >"$W/agent"
	export SOURCE_DATE_EPOCH=1700000000
	# A real kernel's modules, when the kernel stage has run.
	MODDIR=
	for d in "${SEALROOT_CACHE:-$HOME/.cache/sealroot}"/kernel/none-*/modules; do
		if [ -d "$d/lib/modules" ]; then MODDIR=$d; fi
	done
	return 0
}

oneTimeTearDown() {
	rm -rf "$W"
}

extract() { # IMAGE DIR
	rm -rf "$2"
	fsck.erofs --extract="$2" "$1" >/dev/null 2>&1
}

test_reproducible_across_dirs_mtimes_umask() {
	"$ROOTFS" --init "$W/init" --agent "$W/agent" --out "$W/a.img" 2>/dev/null ||
		fail "first build failed"
	mkdir -p "$W/other"
	cp "$W/init" "$W/agent" "$W/other/"
	touch -d '2001-01-01' "$W/other/init"
	chmod 0700 "$W/other/agent"
	(umask 077 && TMPDIR=$W/other "$ROOTFS" --init "$W/other/init" \
		--agent "$W/other/agent" --out "$W/b.img" 2>/dev/null) || fail "second build failed"
	assertTrue "bit-identical images" "cmp $W/a.img $W/b.img"
	assertEquals "size is a multiple of 4096" 0 $(($(wc -c <"$W/a.img") % 4096))
}

test_epoch_changes_image() {
	SOURCE_DATE_EPOCH=1700000001 "$ROOTFS" --init "$W/init" --agent "$W/agent" --out "$W/c.img" 2>/dev/null
	"$ROOTFS" --init "$W/init" --agent "$W/agent" --out "$W/a.img" 2>/dev/null
	assertFalse "the timestamp is in the image" "cmp -s $W/a.img $W/c.img"
}

test_image_contents() {
	"$ROOTFS" --init "$W/init" --agent "$W/agent" --out "$W/a.img" 2>/dev/null
	extract "$W/a.img" "$W/x"
	assertTrue "/dev/console is char 5:1" "[ -c $W/x/dev/console ] && [ \"\$(stat -c %t:%T $W/x/dev/console)\" = 5:1 ]"
	assertTrue "/dev/null is char 1:3" "[ -c $W/x/dev/null ] && [ \"\$(stat -c %t:%T $W/x/dev/null)\" = 1:3 ]"
	assertEquals "init mode" 755 "$(stat -c %a "$W/x/sbin/init")"
	assertEquals "agent mode" 755 "$(stat -c %a "$W/x/usr/bin/kata-agent")"
	assertTrue "agent content" "cmp -s $W/agent $W/x/usr/bin/kata-agent"
	for d in proc sys dev run tmp etc; do
		assertTrue "/$d exists" "[ -d $W/x/$d ]"
	done
	assertEquals "tmp is sticky" 1777 "$(stat -c %a "$W/x/tmp")"
	assertTrue "busybox sh" "[ -L $W/x/bin/sh ]"
	assertEquals "root owns everything" "" "$(find "$W/x" ! -user root)"
}

test_modules() {
	if [ -z "$MODDIR" ]; then
		startSkipping
		echo "SKIP: no built kernel modules in the cache (make kernel)"
	fi
	printf '# comment\ndm-crypt\n\ndm-integrity  \n' >"$W/mods"
	"$ROOTFS" --init "$W/init" --agent "$W/agent" --modules-dir "$MODDIR" \
		--modules-list "$W/mods" --out "$W/m.img" 2>/dev/null
	extract "$W/m.img" "$W/m"
	assertEquals "the list" "dm-crypt
dm-integrity" "$(cat "$W/m/etc/sealroot/modules")"
	rel=$(ls "$W/m/lib/modules" 2>/dev/null)
	assertTrue "modules.dep.bin" "[ -s $W/m/lib/modules/$rel/modules.dep.bin ]"
	# dm-integrity's dependency resolves from the generated modules.dep.
	assertTrue "dm-integrity has its dependencies listed" \
		"grep -q '^kernel/drivers/md/dm-integrity.ko: .*async_xor.ko' $W/m/lib/modules/$rel/modules.dep"
	printf 'no_such_module\n' >"$W/bad"
	out=$("$ROOTFS" --init "$W/init" --agent "$W/agent" --modules-dir "$MODDIR" \
		--modules-list "$W/bad" --out "$W/n.img" 2>&1)
	assertNotEquals "unknown module fails" 0 $?
	assertContains "$out" "module no_such_module is not in"
	endSkipping
}

test_argument_errors() {
	out=$("$ROOTFS" --agent "$W/agent" --out "$W/z.img" 2>&1)
	assertNotEquals 0 $?
	assertContains "$out" "--init is required"
	out=$("$ROOTFS" --init "$W/init" --agent "$W/agent" --out "$W/z.img" --frobnicate 1 2>&1)
	assertNotEquals 0 $?
	assertContains "$out" "unknown option --frobnicate"
	out=$("$ROOTFS" --init "$W/nope" --agent "$W/agent" --out "$W/z.img" 2>&1)
	assertNotEquals 0 $?
	assertContains "$out" "no such file: $W/nope"
	assertFalse "no image left" "[ -e $W/z.img ]"
}

. shunit2
