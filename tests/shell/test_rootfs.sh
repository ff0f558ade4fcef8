#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# shunit2 tests for rootfs/build.sh: reproducible images, the device nodes
# and files the guest needs, module selection (a fake modules tree built
# here, and the real kernel's when the kernel stage has run), argument errors.
# Run alone: sh tests/shell/test_rootfs.sh (as root: the build uses mknod).
TOP=$(cd "$(dirname "$0")/../.." && pwd)
ROOTFS=${ROOTFS:-$TOP/rootfs/build.sh}

oneTimeSetUp() {
	W=$(mktemp -d)
	printf '#!/bin/sh\necho init\n' >"$W/init"
	printf '#!/bin/sh\necho agent sealroot-agent-marker-7f3a\n' >"$W/agent"
	export SOURCE_DATE_EPOCH=1700000000
	# A real kernel's modules, when the kernel stage has run (a complete
	# cache entry: the stage renames <key>.tmp when done).
	MODDIR=
	for d in "${SEALROOT_CACHE:-$HOME/.cache/sealroot}"/kernel/*/modules; do
		case $d in *.tmp/*) continue ;; esac
		if [ "$(find "$d/lib/modules" -mindepth 1 -maxdepth 1 2>/dev/null | wc -l)" = 1 ]; then MODDIR=$d; fi
	done
	return 0
}

oneTimeTearDown() {
	rm -rf "$W"
}

# Skipping lasts until endSkipping in shunit2 2.1.8: reset it for every test.
setUp() {
	endSkipping
}

build() { # OUT [options...]: a build with the test's init and agent
	_o=$1
	shift
	"$ROOTFS" --init "$W/init" --agent "$W/agent" --out "$_o" "$@" >"$W/build.out" 2>"$W/build.err"
}

extract() { # IMAGE DIR
	rm -rf "$2"
	fsck.erofs --extract="$2" "$1" >/dev/null 2>&1
}

skip() { # REASON
	echo "SKIP: $1"
	startSkipping
}

test_reproducible_across_dirs_mtimes_umask_tmpdir() {
	mkdir -p "$W/in1/extra/etc" "$W/in1/extra/usr/bin" "$W/t1"
	cp "$W/init" "$W/agent" /bin/busybox "$W/in1/"
	echo hello >"$W/in1/extra/etc/hello"
	printf '#!/bin/sh\n' >"$W/in1/extra/usr/bin/tool"
	chmod 0755 "$W/in1/extra/usr/bin/tool"
	# The same bytes elsewhere, with other modes, mtimes, umask and TMPDIR.
	mkdir -p "$W/other/deeper/in2" "$W/t2"
	(umask 077 && cp -R "$W/in1/." "$W/other/deeper/in2/")
	chmod 0700 "$W/other/deeper/in2/agent" "$W/other/deeper/in2/extra/usr/bin/tool"
	chmod 0600 "$W/other/deeper/in2/extra/etc/hello"
	find "$W/other/deeper/in2" -exec touch -h -d '2001-02-03 04:05:06' {} +
	touch -d '2030-01-01' "$W/in1/init"

	(TMPDIR=$W/t1 "$ROOTFS" --init "$W/in1/init" --agent "$W/in1/agent" \
		--busybox "$W/in1/busybox" --extra "$W/in1/extra" --out "$W/a.img" >/dev/null 2>&1) ||
		fail "first build failed"
	(cd "$W/other" && umask 077 && TMPDIR=$W/t2 TZ=Pacific/Kiritimati "$ROOTFS" \
		--init deeper/in2/init --agent deeper/in2/agent --busybox deeper/in2/busybox \
		--extra deeper/in2/extra --out "$W/b.img" >/dev/null 2>&1) || fail "second build failed"
	assertTrue "bit-identical images" "[ -s $W/a.img ] && cmp $W/a.img $W/b.img"
	assertEquals "size is a multiple of 4096" 0 $(($(wc -c <"$W/a.img") % 4096))
	extract "$W/b.img" "$W/xb"
	assertEquals "extra file mode normalised" 644 "$(stat -c %a "$W/xb/etc/hello")"
	assertEquals "extra executable mode normalised" 755 "$(stat -c %a "$W/xb/usr/bin/tool")"
	assertEquals "no staging dir left behind" "" "$(find "$W/t1" "$W/t2" -mindepth 1)"
}

test_epoch_changes_image() {
	SOURCE_DATE_EPOCH=1700000001 build "$W/c.img" || fail "build failed: $(cat "$W/build.err")"
	build "$W/d.img" || fail "build failed: $(cat "$W/build.err")"
	assertTrue "the timestamp is in the image" "[ -s $W/c.img ] && ! cmp -s $W/c.img $W/d.img"
	extract "$W/c.img" "$W/xc"
	assertEquals "mtimes are SOURCE_DATE_EPOCH" 1700000001 "$(stat -c %Y "$W/xc/sbin/init")"
	assertEquals "directory mtimes too" 1700000001 "$(stat -c %Y "$W/xc/etc")"
}

test_image_contents() {
	build "$W/e.img" || fail "build failed: $(cat "$W/build.err")"
	assertEquals "the image path is the last stdout line" "$W/e.img" "$(tail -n 1 "$W/build.out")"
	extract "$W/e.img" "$W/x" || fail "fsck.erofs --extract failed"
	x=$W/x
	assertTrue "/dev/console is a char device" "[ -c $x/dev/console ]"
	assertEquals "/dev/console is 5:1" 5:1 "$(stat -c %t:%T "$x/dev/console")"
	assertEquals "/dev/console mode" 600 "$(stat -c %a "$x/dev/console")"
	assertTrue "/dev/null is a char device" "[ -c $x/dev/null ]"
	assertEquals "/dev/null is 1:3" 1:3 "$(stat -c %t:%T "$x/dev/null")"
	assertEquals "/dev/null mode" 666 "$(stat -c %a "$x/dev/null")"
	# erofs-utils' own reader, without extracting (it shows type and mode).
	d=$(dump.erofs --path=/dev/console "$W/e.img")
	assertContains "dump.erofs: char device" "$d" "char dev"
	assertContains "dump.erofs: mode and owner" "$d" "Access: 0600/"
	assertContains "dump.erofs: root" "$d" "Uid: 0   Gid: 0"
	assertEquals "init mode" 755 "$(stat -c %a "$x/sbin/init")"
	assertTrue "init content" "cmp -s $W/init $x/sbin/init"
	assertEquals "agent mode" 755 "$(stat -c %a "$x/usr/bin/kata-agent")"
	assertTrue "agent content" "cmp -s $W/agent $x/usr/bin/kata-agent"
	assertTrue "busybox content" "cmp -s /bin/busybox $x/bin/busybox"
	for a in sh mount umount ls cat echo poweroff; do
		assertEquals "$a is busybox" busybox "$(readlink "$x/bin/$a")"
	done
	assertEquals "modprobe is busybox" ../bin/busybox "$(readlink "$x/sbin/modprobe")"
	for d in proc sys dev run tmp mnt etc var usr/bin sbin bin lib root; do
		assertTrue "/$d is a directory" "[ -d $x/$d ] && [ ! -L $x/$d ]"
	done
	assertEquals "/var/run is /run" ../run "$(readlink "$x/var/run")"
	assertTrue "/etc/resolv.conf is an empty file" "[ -f $x/etc/resolv.conf ] && [ ! -L $x/etc/resolv.conf ] && [ ! -s $x/etc/resolv.conf ]"
	assertTrue "the default agent policy" "cmp -s $TOP/rootfs/default-policy.rego $x/etc/kata-opa/default-policy.rego"
	assertEquals "agent policy mode" 644 "$(stat -c %a "$x/etc/kata-opa/default-policy.rego")"
	assertEquals "tmp is sticky" 1777 "$(stat -c %a "$x/tmp")"
	assertEquals "root is private" 700 "$(stat -c %a "$x/root")"
	assertTrue "an empty module list" "[ -f $x/etc/sealroot/modules ] && [ ! -s $x/etc/sealroot/modules ]"
	assertEquals "root owns everything" "" "$(find "$x" ! -user root -o ! -group root)"
	# Uncompressed by default: the agent's bytes are in the image as they are.
	assertTrue "uncompressed" "grep -q sealroot-agent-marker-7f3a $W/e.img"
}

# Issue 18 (docs/kata.md, rows 1 and 7): what the kata-agent writes or
# mounts outside /run must be possible on the read-only root. Cited to
# kata-containers src/agent/src at commit 7c6ba40c54ea:
# - namespace.rs, PERSISTENT_NS_DIR = "/var/run/sandbox-ns", created by
#   Namespace::setup (create_dir_all) at every CreateSandbox (rpc.rs
#   create_sandbox -> sandbox.rs setup_shared_namespaces); rpc.rs
#   create_container reads CDI specs from "/var/run/cdi": /var/run must
#   resolve into the /run tmpfs;
# - network.rs do_setup_guest_dns returns without a word when
#   fs::metadata("/etc/resolv.conf") fails, else bind-mounts the pod's DNS
#   over it: the file must exist, and be a file, not a directory.
test_kata_agent_paths() {
	build "$W/k.img" || fail "build failed: $(cat "$W/build.err")"
	extract "$W/k.img" "$W/k"
	# Resolved as the guest would, from its root: /var/run/sandbox-ns lands in /run.
	assertEquals "/var/run/sandbox-ns resolves into /run" "$W/k/run/sandbox-ns" \
		"$(realpath -m "$W/k/var/run/sandbox-ns")"
	assertEquals "/var/run/cdi resolves into /run" "$W/k/run/cdi" "$(realpath -m "$W/k/var/run/cdi")"
	assertEquals "/etc/resolv.conf type" "regular empty file" "$(stat -c %F "$W/k/etc/resolv.conf")"
	# Nothing else is under /var: every other path the agent writes is in /run or /tmp.
	assertEquals "/var holds only run" "run" "$(ls -A "$W/k/var")"
	# The same in the se initramfs.
	build "$W/k.cpio" --format cpio || fail "cpio build failed: $(cat "$W/build.err")"
	listing=$(cpio --quiet -itv <"$W/k.cpio")
	assertContains "cpio /var/run" "$listing" "var/run -> ../run"
	assertContains "cpio /etc/resolv.conf" "$listing" "etc/resolv.conf"
	assertContains "cpio policy" "$listing" "etc/kata-opa/default-policy.rego"
}

# Issue 18, row 2: a policy-enabled kata-agent loads
# /etc/kata-opa/default-policy.rego at start or aborts (kata-containers
# src/agent/src/main.rs start_sandbox -> initialize_policy;
# src/agent/policy/src/policy.rs AgentPolicy::initialize, POLICY_DEFAULT_FILE;
# commit 7c6ba40c54ea), and queries data.agent_policy.<Request> (policy.rs
# allow_request). --agent-policy puts the owner's file there; a file in
# another package, empty, or binary is refused before anything is built.
test_agent_policy_input() {
	printf 'package agent_policy\n\ndefault CreateContainerRequest := true\n' >"$W/p.rego"
	build "$W/p.img" --agent-policy "$W/p.rego" || fail "build failed: $(cat "$W/build.err")"
	extract "$W/p.img" "$W/p"
	assertTrue "the given policy is installed" "cmp -s $W/p.rego $W/p/etc/kata-opa/default-policy.rego"
	assertEquals "mode" 644 "$(stat -c %a "$W/p/etc/kata-opa/default-policy.rego")"
	# The policy is in the measured image: another policy, another image.
	build "$W/p0.img" || fail "build failed: $(cat "$W/build.err")"
	assertFalse "the policy changes the image" "cmp -s $W/p.img $W/p0.img"
	# The default is Kata's request set minus what only an owner may allow.
	d=$TOP/rootfs/default-policy.rego
	assertTrue "package" "grep -qx 'package agent_policy' $d"
	for r in ExecProcessRequest SetPolicyRequest GetDiagnosticDataRequest; do
		assertTrue "$r denied" "grep -qx 'default $r := false' $d"
		assertFalse "$r not also allowed" "grep -qx 'default $r := true' $d"
	done
	for r in CreateSandboxRequest CreateContainerRequest StartContainerRequest CopyFileRequest \
		WaitProcessRequest ReadStreamRequest DestroySandboxRequest GuestDetailsRequest; do
		assertTrue "$r allowed" "grep -qx 'default $r := true' $d"
	done

	printf 'package other\ndefault CreateContainerRequest := true\n' >"$W/bad1.rego"
	: >"$W/bad2.rego"
	printf 'package agent_policy\n\000\n' >"$W/bad3.rego"
	for b in "bad1.rego:has no 'package agent_policy' line" "bad2.rego:is empty" \
		"bad3.rego:has NUL bytes" "nope.rego:no such file: $W/nope.rego"; do
		out=$("$ROOTFS" --init "$W/init" --agent "$W/agent" --agent-policy "$W/${b%%:*}" --out "$W/pb.img" 2>&1)
		assertNotEquals "${b%%:*} refused" 0 $?
		assertContains "${b%%:*}" "$out" "${b#*:}"
		assertFalse "no image left" "[ -e $W/pb.img ] || [ -e $W/pb.img.tmp ]"
	done
}

# Issue 18, row 10: the s390x upstream kata-agent is a glibc, dynamically
# linked build (kata-containers utils.mk: "ifeq ($(ARCH), s390x) override
# LIBC = gnu"; src/agent/Makefile: USE_DEVMAPPER=yes forces gnu too;
# tools/osbuilder/rootfs-builder/rootfs.sh forces LIBC=gnu on s390x;
# commit 7c6ba40c54ea). --agent-libs DIR installs its PT_INTERP and its
# DT_NEEDED closure from DIR, nothing else. The fixture is the host's: its
# C compiler, its loader and libc (so a chroot into the image runs the agent
# with them), and two libraries built here: the agent needs libsrdyn.so.1
# (in DIR's usr/lib), which needs libsrdep.so.1 (in lib: the closure is
# recursive); libsrunused.so.1 is in DIR but needed by nobody.
make_dyn_fixture() { # sets D (the fixture) and DL (its AGENT_LIBS dir)
	D=$W/dyn DL=$W/dyn/libs
	[ ! -f "$D/made" ] || return 0
	TRIP=$(cc -dumpmachine 2>/dev/null)
	case $TRIP in x86_64-linux-gnu | s390x-linux-gnu) ;; *) return 1 ;; esac
	rm -rf "$D"
	mkdir -p "$D/b" "$DL/lib/$TRIP" "$DL/usr/lib" "$DL/lib"
	printf 'int srdep(void) { return 41; }\n' >"$D/dep.c"
	printf 'int srdep(void);\nint srdyn(void) { return srdep() + 1; }\n' >"$D/dyn.c"
	printf '#include <stdio.h>\nint srdyn(void);\nint main(void) { printf("dynamic agent %%d\\n", srdyn()); return 0; }\n' >"$D/main.c"
	cc -shared -fPIC -Wl,-soname,libsrdep.so.1 -o "$D/b/libsrdep.so.1" "$D/dep.c" &&
		cc -shared -fPIC -Wl,-soname,libsrunused.so.1 -o "$D/b/libsrunused.so.1" "$D/dep.c" &&
		cc -shared -fPIC -Wl,-soname,libsrdyn.so.1 -o "$D/b/libsrdyn.so.1" "$D/dyn.c" "$D/b/libsrdep.so.1" &&
		cc -Wl,-rpath-link,"$D/b" -o "$D/agent" "$D/main.c" "$D/b/libsrdyn.so.1" || return 1
	INTERP=$(readelf -lW "$D/agent" | sed -n 's/.*\[Requesting program interpreter: \(.*\)\]$/\1/p')
	mkdir -p "$DL${INTERP%/*}"
	cp -L "$INTERP" "$DL$INTERP"
	cp -L "$(cc -print-file-name=libc.so.6)" "$DL/lib/$TRIP/libc.so.6"
	cp "$D/b/libsrdyn.so.1" "$D/b/libsrunused.so.1" "$DL/usr/lib/"
	cp "$D/b/libsrdep.so.1" "$DL/lib/"
	: >"$D/made"
}

dynbuild() { # OUT [options...]: a build with the dynamic agent
	_o=$1
	shift
	"$ROOTFS" --init "$W/init" --agent "$D/agent" --out "$_o" "$@" >"$W/build.out" 2>"$W/build.err"
}

test_dynamic_agent_with_libs() {
	if ! command -v cc >/dev/null || ! make_dyn_fixture; then
		skip "no C compiler for a glibc x86-64 or s390x fixture"
		return
	fi
	dynbuild "$W/dy.img" --agent-libs "$DL" || fail "build failed: $(cat "$W/build.err")"
	extract "$W/dy.img" "$W/dy" || fail "fsck.erofs --extract failed"
	x=$W/dy
	assertTrue "the agent" "cmp -s $D/agent $x/usr/bin/kata-agent"
	# Exactly the closure, each where a loader without ld.so.cache looks:
	# the interpreter at its own path, the libraries where DIR has them.
	assertEquals "the interpreter and the needed libraries, nothing else" \
		"$(printf '%s\n' /lib/libsrdep.so.1 "/lib/$TRIP/libc.so.6" "$INTERP" /usr/lib/libsrdyn.so.1 | LC_ALL=C sort)" \
		"$(cd "$x" && find lib lib64 usr/lib usr/lib64 -path lib/modules -prune -o -type f -print 2>/dev/null |
			sed 's|^|/|' | LC_ALL=C sort)"
	assertTrue "the interpreter's bytes" "cmp -s $DL$INTERP $x$INTERP"
	assertTrue "libsrdyn's bytes" "cmp -s $D/b/libsrdyn.so.1 $x/usr/lib/libsrdyn.so.1"
	assertEquals "interpreter mode" 755 "$(stat -c %a "$x$INTERP")"
	assertEquals "library mode" 644 "$(stat -c %a "$x/lib/$TRIP/libc.so.6")"
	assertEquals "library mtime" 1700000000 "$(stat -c %Y "$x/usr/lib/libsrdyn.so.1")"
	assertFalse "no ld.so.cache" "[ -e $x/etc/ld.so.cache ]"
	# The record beside the image, for the manifest: sha256, size, role,
	# path, sorted by path.
	want=$(for p in /lib/libsrdep.so.1 "/lib/$TRIP/libc.so.6" "$INTERP" /usr/lib/libsrdyn.so.1; do
		role=library
		[ "$p" != "$INTERP" ] || role=interpreter
		printf '%s %s %s %s\n' "$(sha256sum <"$x$p" | cut -d' ' -f1)" "$(wc -c <"$x$p")" "$role" "$p"
	done | LC_ALL=C sort -k4,4)
	assertEquals "the .agent-libs record" "$want" "$(cat "$W/dy.img.agent-libs")"
	# The host's loader runs it from the image alone (same architecture).
	if [ "$TRIP" = "$(uname -m)-linux-gnu" ]; then
		assertEquals "the agent runs in the image" "dynamic agent 42" "$(chroot "$x" /usr/bin/kata-agent 2>&1)"
	fi
	# Reproducible: DIR elsewhere, other modes and mtimes.
	mkdir -p "$W/dl2/deep"
	(umask 077 && cp -R "$DL" "$W/dl2/deep/libs")
	find "$W/dl2" -exec touch -h -d '2003-03-03' {} +
	dynbuild "$W/dy2.img" --agent-libs "$W/dl2/deep/libs" || fail "second build failed: $(cat "$W/build.err")"
	assertTrue "bit-identical" "cmp -s $W/dy.img $W/dy2.img"
	# The se initramfs holds the same files.
	dynbuild "$W/dy.cpio" --agent-libs "$DL" --format cpio || fail "cpio build failed: $(cat "$W/build.err")"
	listing=$(cpio --quiet -it <"$W/dy.cpio")
	for p in "$INTERP" /usr/lib/libsrdyn.so.1 /lib/libsrdep.so.1; do
		assertContains "cpio $p" "$listing" "${p#/}"
	done
	assertEquals "the same record" "$want" "$(cat "$W/dy.cpio.agent-libs")"
	# A static agent: an empty record.
	build "$W/st.img" || fail "build failed: $(cat "$W/build.err")"
	assertTrue "a static agent's record is empty" "[ -f $W/st.img.agent-libs ] && [ ! -s $W/st.img.agent-libs ]"
}

# dyn_refused NAME MESSAGE [options...]: the dynamic agent's build fails
# with MESSAGE and leaves no image, no record.
dyn_refused() {
	_n=$1 _m=$2
	shift 2
	rm -f "$W/dr.img" "$W/dr.img.agent-libs"
	dynbuild "$W/dr.img" "$@"
	assertNotEquals "$_n: refused" 0 $?
	assertContains "$_n" "$(cat "$W/build.err")" "$_m"
	assertEquals "$_n: one error line" 1 "$(grep -c 'rootfs: ERROR' "$W/build.err")"
	assertFalse "$_n: no image left" "[ -e $W/dr.img ] || [ -e $W/dr.img.tmp ]"
	assertFalse "$_n: no record left" "[ -e $W/dr.img.agent-libs ] || [ -e $W/dr.img.agent-libs.tmp ]"
}

test_dynamic_agent_missing_files() {
	if ! command -v cc >/dev/null || ! make_dyn_fixture; then
		skip "no C compiler for a glibc x86-64 or s390x fixture"
		return
	fi
	dyn_refused "no --agent-libs" "$D/agent is dynamically linked (interpreter $INTERP): give its loader and libraries with --agent-libs DIR"
	rm -rf "$W/m1" && cp -R "$DL" "$W/m1" && rm "$W/m1/lib/libsrdep.so.1"
	dyn_refused "a library's library" \
		"libsrdep.so.1 (needed by libsrdyn.so.1) is not in $W/m1 where the loader looks (/lib/$TRIP/, /usr/lib/$TRIP/, /lib/, /usr/lib/)" \
		--agent-libs "$W/m1"
	# In DIR, but where this loader never looks (Debian's: not /usr/lib64),
	# so it would not find it in the image either.
	if ! strings -a "$DL$INTERP" | grep -qx /usr/lib64/; then
		mkdir -p "$W/m1/usr/lib64" && cp "$D/b/libsrdep.so.1" "$W/m1/usr/lib64/"
		dyn_refused "a library where the loader does not look" \
			"libsrdep.so.1 (needed by libsrdyn.so.1) is not in $W/m1 where the loader looks" --agent-libs "$W/m1"
	fi
	rm -rf "$W/m2" && cp -R "$DL" "$W/m2" && rm "$W/m2/lib/$TRIP/libc.so.6"
	dyn_refused "libc" "libc.so.6 (needed by kata-agent) is not in $W/m2" --agent-libs "$W/m2"
	rm -rf "$W/m3" && cp -R "$DL" "$W/m3" && rm "$W/m3$INTERP"
	dyn_refused "the interpreter" "the agent's interpreter $INTERP is not in $W/m3" --agent-libs "$W/m3"
	# An absolute link is DIR's, not the host's: it may not reach the host's loader.
	ln -s "$INTERP" "$W/m3$INTERP"
	dyn_refused "a link to the host" "the agent's interpreter $INTERP is not in $W/m3" --agent-libs "$W/m3"
	dyn_refused "no such DIR" "no such directory: $W/nope (--agent-libs)" --agent-libs "$W/nope"
}

test_dynamic_agent_wrong_library() {
	if ! command -v cc >/dev/null || ! make_dyn_fixture; then
		skip "no C compiler for a glibc x86-64 or s390x fixture"
		return
	fi
	aid=$(readelf -hW "$D/agent" | awk -F': +' '/^ *(Class|Data|Machine):/ { v = v (v == "" ? "" : ", ") $2 } END { print v }')
	# Another architecture (s390x, or x86-64 on s390x), another class
	# (ELF32), not a shared object: each refused, naming the library.
	other=s390x-linux-gnu-gcc
	[ "$TRIP" != s390x-linux-gnu ] || other=x86_64-linux-gnu-gcc
	if command -v "$other" >/dev/null; then
		rm -rf "$W/w1" && cp -R "$DL" "$W/w1"
		"$other" -shared -nostdlib -fPIC -Wl,-soname,libsrdep.so.1 -o "$W/w1/lib/libsrdep.so.1" "$D/dep.c" ||
			fail "$other failed"
		dyn_refused "another machine" "libsrdep.so.1 ($W/w1/lib/libsrdep.so.1) is ELF64, 2's complement, big endian, IBM S/390, but the agent is $aid" \
			--agent-libs "$W/w1"
	else
		echo "note: no $other, the other-machine library is not tried"
	fi
	if cc -m32 -shared -nostdlib -fPIC -o "$W/dep32.so" "$D/dep.c" 2>/dev/null; then
		rm -rf "$W/w2" && cp -R "$DL" "$W/w2" && cp "$W/dep32.so" "$W/w2/lib/libsrdep.so.1"
		dyn_refused "ELF32" "libsrdep.so.1 ($W/w2/lib/libsrdep.so.1) is ELF32" --agent-libs "$W/w2"
	fi
	rm -rf "$W/w3" && cp -R "$DL" "$W/w3" && cp "$D/agent" "$W/w3/lib/libsrdep.so.1"
	cc -c -o "$W/w3/lib/libsrdep.so.1" "$D/dep.c"
	dyn_refused "not a shared object" "libsrdep.so.1 ($W/w3/lib/libsrdep.so.1) is not an ELF shared object" --agent-libs "$W/w3"
	# A search path of its own: the loader would look where the build did not.
	rm -rf "$W/w4" && cp -R "$DL" "$W/w4"
	cc -shared -fPIC -Wl,-soname,libsrdyn.so.1 -Wl,-rpath,'$ORIGIN/../evil' -o "$W/w4/usr/lib/libsrdyn.so.1" \
		"$D/dyn.c" "$D/b/libsrdep.so.1" || fail "cc -rpath failed"
	dyn_refused "\$ORIGIN" "libsrdyn.so.1 has a R" --agent-libs "$W/w4"
	assertContains "names it" "$(cat "$W/build.err")" '($ORIGIN/../evil)'
	# A static agent takes no --agent-libs.
	out=$("$ROOTFS" --init "$W/init" --agent "$W/agent" --agent-libs "$DL" --out "$W/dr.img" 2>&1)
	assertNotEquals "--agent-libs with a static agent" 0 $?
	assertContains "$out" "--agent-libs $DL is for a dynamically linked agent"
}

# Only the agent may be dynamically linked, and only with its --agent-libs:
# no other file in the image (an --extra tool, a dynamic mke2fs, whatever
# the libraries would let run), and the agent's files are the ones resolved.
test_other_dynamic_binaries_refused() {
	if ! command -v cc >/dev/null || ! make_dyn_fixture; then
		skip "no C compiler for a glibc x86-64 or s390x fixture"
		return
	fi
	mkdir -p "$W/od/usr/bin"
	cp "$D/agent" "$W/od/usr/bin/tool"
	build "$W/dr.img" --extra "$W/od"
	assertNotEquals "an --extra dynamic tool" 0 $?
	assertContains "$(cat "$W/build.err")" "/usr/bin/tool in the image is dynamically linked; only the agent may be"
	assertFalse "no image left" "[ -e $W/dr.img ] || [ -e $W/dr.img.tmp ]"
	build "$W/dr.img" --mke2fs "$D/agent"
	assertNotEquals "a dynamic mke2fs" 0 $?
	assertContains "$(cat "$W/build.err")" "/sbin/mke2fs in the image is dynamically linked"
	assertFalse "no image left" "[ -e $W/dr.img ] || [ -e $W/dr.img.tmp ]"
	# The agent's libraries license nothing else.
	dyn_refused "a tool beside the dynamic agent" "/usr/bin/tool in the image is dynamically linked" \
		--agent-libs "$DL" --extra "$W/od"
	mkdir -p "$W/od2/lib"
	cp "$D/b/libsrunused.so.1" "$W/od2/lib/libsrdep.so.1"
	dyn_refused "a library replaced by --extra" "/lib/libsrdep.so.1 in the image is not the agent's library" \
		--agent-libs "$DL" --extra "$W/od2"
	# Nothing else the loader could load: a preload list, a cache, another
	# shared object where it looks (a hwcaps directory too).
	mkdir -p "$W/od3/etc" "$W/od4/lib/glibc-hwcaps/x86-64-v3"
	printf '/lib/libsrunused.so.1\n' >"$W/od3/etc/ld.so.preload"
	dyn_refused "an ld.so.preload" "/etc/ld.so.preload in the image would change what the agent's loader loads" \
		--agent-libs "$DL" --extra "$W/od3"
	cp "$D/b/libsrunused.so.1" "$W/od4/lib/glibc-hwcaps/x86-64-v3/libsrdep.so.1"
	dyn_refused "a hwcaps library" "/lib/glibc-hwcaps/x86-64-v3/libsrdep.so.1 in the image is a shared object the agent's loader could load" \
		--agent-libs "$DL" --extra "$W/od4"
	out=$("$ROOTFS" --init "$W/init" --agent "$W/agent" --busybox "$D/agent" --out "$W/dr.img" 2>&1)
	assertNotEquals "a dynamic busybox" 0 $?
	assertContains "$out" "$D/agent is dynamically linked"
}

test_extra_replaces_links() {
	# An --extra file where the tree has a busybox link replaces the link;
	# it must not write through it into busybox.
	mkdir -p "$W/ex/bin"
	echo 'not a shell' >"$W/ex/bin/sh"
	build "$W/ex.img" --extra "$W/ex" || fail "build failed: $(cat "$W/build.err")"
	extract "$W/ex.img" "$W/exo"
	assertTrue "bin/sh is the extra file" "[ ! -L $W/exo/bin/sh ] && cmp -s $W/ex/bin/sh $W/exo/bin/sh"
	assertTrue "busybox untouched" "cmp -s /bin/busybox $W/exo/bin/busybox"
}

test_compress_lz4hc() {
	head -c 200000 /dev/zero >"$W/zeros"
	mkdir -p "$W/zx/usr/bin"
	cp "$W/zeros" "$W/zx/usr/bin/zeros"
	build "$W/z.img" --compress lz4hc --extra "$W/zx" || fail "build failed: $(cat "$W/build.err")"
	build "$W/u.img" --extra "$W/zx" || fail "build failed: $(cat "$W/build.err")"
	assertTrue "smaller than uncompressed" "[ $(wc -c <"$W/z.img") -lt $(wc -c <"$W/u.img") ]"
	assertEquals "compressed size is a multiple of 4096" 0 $(($(wc -c <"$W/z.img") % 4096))
	extract "$W/z.img" "$W/zxo" || fail "fsck.erofs failed on the compressed image"
	assertTrue "content survives" "cmp -s $W/zeros $W/zxo/usr/bin/zeros"
	build "$W/q.img" --compress zstd
	assertNotEquals "an unknown compressor fails" 0 $?
	assertContains "$(cat "$W/build.err")" "unsupported --compress zstd"
}

# A fake modules_install tree: relocatable ELF objects with a .modinfo
# section (read by modinfo) and __ksymtab_strings / undefined symbols (read
# by depmod, which resolves dependencies from symbols as for real modules).
#   fake_a needs fake-b (file name with a dash) by a symbol; fake_c has a
#   softdep "pre: fake_d post: fake_missing"; fake_unused is never asked for;
#   fake_builtin is built in; fake_liar claims to depend on fake_d but uses
#   none of its symbols (depmod and modinfo disagree).
make_fake_modules() { # DIR
	_k=$1/lib/modules/9.9.9-fake/kernel
	mkdir -p "$_k/drivers/fake" "$_k/lib"
	cat >"$W/b.c" <<-'EOF'
	int fake_b_fn(void) { return 1; }
	static const char ks[] __attribute__((section("__ksymtab_strings"), used, aligned(1))) =
		"fake_b_fn";
	static const char mi[] __attribute__((section(".modinfo"), used, aligned(1))) =
		"license=GPL\0name=fake_b\0depends=";
	EOF
	cat >"$W/a.c" <<-'EOF'
	extern int fake_b_fn(void);
	int fake_a_init(void) { return fake_b_fn(); }
	static const char mi[] __attribute__((section(".modinfo"), used, aligned(1))) =
		"license=GPL\0name=fake_a\0depends=fake_b";
	EOF
	cat >"$W/c.c" <<-'EOF'
	static const char mi[] __attribute__((section(".modinfo"), used, aligned(1))) =
		"license=GPL\0softdep=pre: fake_d post: fake_missing\0name=fake_c\0depends=";
	EOF
	cat >"$W/d.c" <<-'EOF'
	static const char mi[] __attribute__((section(".modinfo"), used, aligned(1))) =
		"license=GPL\0name=fake_d\0depends=";
	EOF
	cat >"$W/l.c" <<-'EOF'
	static const char mi[] __attribute__((section(".modinfo"), used, aligned(1))) =
		"license=GPL\0name=fake_liar\0depends=fake_d";
	EOF
	cc -c -o "$_k/drivers/fake/fake_a.ko" "$W/a.c" &&
		cc -c -o "$_k/lib/fake-b.ko" "$W/b.c" &&
		cc -c -o "$_k/drivers/fake/fake_c.ko" "$W/c.c" &&
		cc -c -o "$_k/drivers/fake/fake_d.ko" "$W/d.c" &&
		cc -c -o "$_k/drivers/fake/fake_unused.ko" "$W/d.c" &&
		cc -c -o "$_k/drivers/fake/fake_liar.ko" "$W/l.c" || return 1
	printf 'kernel/lib/fake-b.ko\nkernel/drivers/fake/fake_a.ko\nkernel/drivers/fake/fake_c.ko\nkernel/drivers/fake/fake_d.ko\nkernel/drivers/fake/fake_unused.ko\nkernel/drivers/fake/fake_liar.ko\n' \
		>"$1/lib/modules/9.9.9-fake/modules.order"
	printf 'kernel/fs/fake_builtin.ko\n' >"$1/lib/modules/9.9.9-fake/modules.builtin"
	: >"$1/lib/modules/9.9.9-fake/modules.builtin.modinfo"
}

test_modules_fake_tree() {
	if ! command -v cc >/dev/null; then
		skip "no C compiler for the fake modules"
	fi
	make_fake_modules "$W/fake" || fail "could not build the fake modules"
	printf '# the guest loads these\nfake_a\n\n  fake_c  # soft-depends on fake_d\nfake-builtin\n' >"$W/fmods"
	build "$W/f.img" --modules-dir "$W/fake" --modules-list "$W/fmods" ||
		fail "build failed: $(cat "$W/build.err")"
	extract "$W/f.img" "$W/f"
	m=$W/f/lib/modules/9.9.9-fake
	assertEquals "the list, names only, in order" "fake_a
fake_c
fake-builtin" "$(cat "$W/f/etc/sealroot/modules")"
	assertEquals "the modules and their dependencies, nothing else" \
		"kernel/drivers/fake/fake_a.ko
kernel/drivers/fake/fake_c.ko
kernel/drivers/fake/fake_d.ko
kernel/lib/fake-b.ko" "$(cd "$m" && find kernel -type f | LC_ALL=C sort)"
	assertTrue "modules.dep: fake_a needs fake-b" \
		"grep -qx 'kernel/drivers/fake/fake_a.ko: kernel/lib/fake-b.ko' $m/modules.dep"
	assertTrue "modules.dep.bin" "[ -s $m/modules.dep.bin ]"
	assertTrue "modules.builtin.bin" "[ -s $m/modules.builtin.bin ]"
	assertTrue "modules.softdep" "grep -q 'softdep fake_c pre: fake_d' $m/modules.softdep"
	assertEquals "modules.order lists only what is there, in its order" \
		"kernel/lib/fake-b.ko
kernel/drivers/fake/fake_a.ko
kernel/drivers/fake/fake_c.ko
kernel/drivers/fake/fake_d.ko" "$(cat "$m/modules.order")"
	assertEquals "module mode" 644 "$(stat -c %a "$m/kernel/drivers/fake/fake_a.ko")"
	# The guest's libkmod view (modprobe reads the same index files).
	assertEquals "libkmod resolves fake_a" \
		"insmod $m/kernel/lib/fake-b.ko
insmod $m/kernel/drivers/fake/fake_a.ko" \
		"$(modprobe -d "$W/f" -S 9.9.9-fake --show-depends fake_a 2>/dev/null | sed 's/ *$//')"
	assertEquals "libkmod sees the built-in" "builtin fake_builtin" \
		"$(modprobe -d "$W/f" -S 9.9.9-fake --show-depends fake-builtin 2>/dev/null)"

	# Another TMPDIR and input mtimes: the same image (depmod is deterministic).
	mkdir -p "$W/t3"
	find "$W/fake" -exec touch -d '2002-02-02' {} +
	TMPDIR=$W/t3 build "$W/f2.img" --modules-dir "$W/fake" --modules-list "$W/fmods"
	assertTrue "reproducible with modules" "[ -s $W/f.img ] && cmp -s $W/f.img $W/f2.img"

	printf 'fake_a\nno_such_module\n' >"$W/bad"
	build "$W/n.img" --modules-dir "$W/fake" --modules-list "$W/bad"
	assertNotEquals "an unknown module fails" 0 $?
	assertContains "$(cat "$W/build.err")" "module no_such_module is not in"
	assertFalse "no image left" "[ -e $W/n.img ] || [ -e $W/n.img.tmp ]"
	printf 'fake_a\nfake/a\n' >"$W/bad2"
	build "$W/n.img" --modules-dir "$W/fake" --modules-list "$W/bad2"
	assertNotEquals "a bad name fails" 0 $?
	assertContains "$(cat "$W/build.err")" "bad module name 'fake/a'"
	printf 'fake_a\nfake-a\n' >"$W/bad3"
	build "$W/n.img" --modules-dir "$W/fake" --modules-list "$W/bad3"
	assertNotEquals "a name listed twice fails" 0 $?
	assertContains "$(cat "$W/build.err")" "listed twice"
	printf 'fake_liar\n' >"$W/bad4"
	build "$W/n.img" --modules-dir "$W/fake" --modules-list "$W/bad4"
	assertNotEquals "modinfo and depmod disagreeing fails" 0 $?
	assertContains "$(cat "$W/build.err")" "depmod does not record that kernel/drivers/fake/fake_liar.ko needs fake_d"
	build "$W/n.img" --modules-list "$W/fmods"
	assertNotEquals "a list needs a tree" 0 $?
	assertContains "$(cat "$W/build.err")" "--modules-list needs --modules-dir"
	build "$W/n.img" --modules-dir "$W/fake"
	assertNotEquals "a tree needs a list" 0 $?
	assertContains "$(cat "$W/build.err")" "--modules-dir needs --modules-list"
	assertFalse "no image left" "[ -e $W/n.img ] || [ -e $W/n.img.tmp ]"
}

test_modules_real_kernel() {
	if [ -z "$MODDIR" ]; then
		skip "no built kernel modules in the cache (make kernel)"
		return
	fi
	# The project's own list resolves against the kernel that was built.
	build "$W/p.img" --modules-dir "$MODDIR" --modules-list "$TOP/rootfs/modules.list" ||
		fail "rootfs/modules.list: $(cat "$W/build.err")"
	extract "$W/p.img" "$W/p"
	rel=$(ls "$W/p/lib/modules" 2>/dev/null)
	assertTrue "modules.dep.bin" "[ -s $W/p/lib/modules/$rel/modules.dep.bin ]"
	assertEquals "the list as the init reads it" \
		"$(sed 's/#.*//; s/[[:space:]]//g; /^$/d' "$TOP/rootfs/modules.list")" \
		"$(cat "$W/p/etc/sealroot/modules")"
	while IFS= read -r m; do
		assertTrue "$m: a module in the image or built in" \
			"modprobe -d $W/p -S $rel --show-depends $m >/dev/null 2>&1"
	done <"$W/p/etc/sealroot/modules"

	# Exactly a module's closure, against an oracle: host depmod over the
	# whole tree (symbol resolution, not the modinfo walk the build does).
	mkdir -p "$W/oracle/lib/modules" "$W/oracle-cfg"
	cp -R "$MODDIR/lib/modules/$rel" "$W/oracle/lib/modules/"
	depmod -C "$W/oracle-cfg" -b "$W/oracle" "$rel" 2>/dev/null || fail "depmod over the whole tree failed"
	dep=$W/oracle/lib/modules/$rel/modules.dep
	# dm-crypt (the scratch disk's) if it is a module, and one with a chain
	# of dependencies: dm-integrity (async_xor -> async_tx, xor) if it is a
	# module of this kernel, else the first module that has any.
	chain=$(grep -m 1 '^kernel/drivers/md/dm-integrity\.ko[^:]*: .' "$dep" ||
		grep -m 1 ': .' "$dep" || true)
	if [ -z "$chain" ]; then
		skip "no module of $rel has a dependency"
	fi
	chain=${chain%%:*}
	chain=${chain##*/}
	chain=${chain%%.ko*}
	want=$chain
	if grep -q '^kernel/drivers/md/dm-crypt\.ko' "$dep"; then want="dm-crypt $want"; fi
	printf '# comment\n' >"$W/mods"
	for n in $want; do printf '%s  # why\n' "$n" >>"$W/mods"; done
	build "$W/m.img" --modules-dir "$MODDIR" --modules-list "$W/mods" ||
		fail "build failed: $(cat "$W/build.err")"
	extract "$W/m.img" "$W/m"
	m=$W/m/lib/modules/$rel
	assertEquals "the list" "$(echo "$want" | tr ' ' '\n')" "$(cat "$W/m/etc/sealroot/modules")"
	expect=$(for n in $want; do
		modprobe -d "$W/oracle" -S "$rel" --show-depends "$n" 2>/dev/null
	done | sed -n "s|^insmod $W/oracle/lib/modules/$rel/||p" | sed 's/ *$//' | LC_ALL=C sort -u)
	assertTrue "$chain pulls in dependencies" \
		"[ $(printf '%s\n' "$expect" | grep -c .) -gt $(echo "$want" | wc -w) ]"
	assertEquals "the modules and their dependencies, nothing else" "$expect" \
		"$(cd "$m" && find kernel -type f | LC_ALL=C sort)"
	for n in $want; do
		assertEquals "the guest resolves $n as the oracle does" \
			"$(modprobe -d "$W/oracle" -S "$rel" --show-depends "$n" 2>&1 | sed "s|$W/oracle/||")" \
			"$(modprobe -d "$W/m" -S "$rel" --show-depends "$n" 2>&1 | sed "s|$W/m/||")"
	done
	for f in modules.order modules.builtin; do
		if [ -f "$MODDIR/lib/modules/$rel/$f" ]; then
			assertTrue "$f copied" "[ -f $m/$f ]"
		fi
	done
}

# --format cpio (the se initrd): the same tree as the erofs image, owned by
# root with the fixed mtime, and bit-identical from another directory.
test_cpio_format() {
	build "$W/c1.cpio" --format cpio
	assertEquals "cpio build: $(cat "$W/build.err")" 0 $?
	assertEquals "prints the path" "$W/c1.cpio" "$(tail -n 1 "$W/build.out")"
	build "$W/c.erofs"
	extract "$W/c.erofs" "$W/c.erofs.d"
	rm -rf "$W/c.cpio.d" && mkdir "$W/c.cpio.d"
	(cd "$W/c.cpio.d" && cpio --quiet -idm --no-absolute-filenames <"$W/c1.cpio") 2>/dev/null
	assertEquals "the same tree" "$(cd "$W/c.erofs.d" && find . | sort)" "$(cd "$W/c.cpio.d" && find . | sort)"
	listing=$(cpio --quiet -itv <"$W/c1.cpio")
	assertContains "$listing" "sbin/init"
	assertContains "$listing" "dev/console"
	assertEquals "every entry is root's" "" "$(printf '%s\n' "$listing" | awk '$3 != "root" || $4 != "root"')"
	assertEquals "the init is the input" "$(sha256sum <"$W/init")" "$(sha256sum <"$W/c.cpio.d/sbin/init")"
	mkdir -p "$W/cwd2" && (cd "$W/cwd2" && TMPDIR=$W/cwd2 umask 077 &&
		"$ROOTFS" --init "$W/init" --agent "$W/agent" --format cpio --out "$W/c2.cpio" >/dev/null 2>&1)
	assertTrue "reproducible" "cmp -s '$W/c1.cpio' '$W/c2.cpio'"
	out=$("$ROOTFS" --init "$W/init" --agent "$W/agent" --format cpio --compress lz4 --out "$W/c3.cpio" 2>&1)
	assertNotEquals "no compression for cpio" 0 $?
	assertContains "$out" "--compress is for erofs"
	out=$("$ROOTFS" --init "$W/init" --agent "$W/agent" --format tar --out "$W/c3.cpio" 2>&1)
	assertNotEquals "unknown format" 0 $?
	assertContains "$out" "unsupported --format tar"
	assertFalse "nothing written" "[ -e '$W/c3.cpio' ]"
}

test_argument_errors() {
	out=$("$ROOTFS" --agent "$W/agent" --out "$W/arg.img" 2>&1)
	assertNotEquals "missing --init" 0 $?
	assertContains "$out" "--init is required"
	out=$("$ROOTFS" --init "$W/init" --out "$W/arg.img" 2>&1)
	assertNotEquals "missing --agent" 0 $?
	assertContains "$out" "--agent is required"
	out=$("$ROOTFS" --init "$W/init" --agent "$W/agent" --out "$W/arg.img" --frobnicate 1 2>&1)
	assertNotEquals "unknown option" 0 $?
	assertContains "$out" "unknown option --frobnicate"
	out=$("$ROOTFS" --init "$W/init" --agent "$W/agent" --out "$W/arg.img" --frobnicate 2>&1)
	assertNotEquals "unknown option, last" 0 $?
	assertContains "$out" "unknown option --frobnicate"
	out=$("$ROOTFS" --init "$W/init" --agent "$W/agent" --out 2>&1)
	assertNotEquals "missing value" 0 $?
	assertContains "$out" "option --out needs a value"
	out=$("$ROOTFS" --init "$W/nope" --agent "$W/agent" --out "$W/arg.img" 2>&1)
	assertNotEquals "missing input" 0 $?
	assertContains "$out" "no such file: $W/nope"
	out=$("$ROOTFS" --init /bin/ls --agent "$W/agent" --out "$W/arg.img" 2>&1)
	assertNotEquals "a dynamic init" 0 $?
	assertContains "$out" "/bin/ls is dynamically linked"
	out=$(SOURCE_DATE_EPOCH=yesterday "$ROOTFS" --init "$W/init" --agent "$W/agent" --out "$W/arg.img" 2>&1)
	assertNotEquals "bad SOURCE_DATE_EPOCH" 0 $?
	assertContains "$out" "SOURCE_DATE_EPOCH=yesterday"
	assertFalse "no image left" "[ -e $W/arg.img ] || [ -e $W/arg.img.tmp ]"
}

# shellcheck disable=SC1091
. /usr/bin/shunit2
