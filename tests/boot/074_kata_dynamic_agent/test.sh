#!/bin/sh
# 074_kata_dynamic_agent: the s390x upstream kata-agent is a glibc, dynamic
# build (kata-containers utils.mk: "ifeq ($(ARCH), s390x) override LIBC =
# gnu"; tools/osbuilder/rootfs-builder/rootfs.sh forces LIBC=gnu on s390x;
# src/agent/Makefile: USE_DEVMAPPER=yes forces it on any architecture;
# commit 7c6ba40c). Issue 18, row 10: such an agent runs in the guest with
# the loader and libraries make image AGENT_LIBS=<dir> put in the root.
#  a) x86_64, through make: the test agent built dynamically with the
#     host's gcc against glibc and OpenSSL's libcrypto (two levels of
#     DT_NEEDED), AGENT_LIBS laid out as Debian lays out / (merged /usr:
#     lib -> usr/lib, an absolute /lib64/ld-linux-x86-64.so.2 link), a
#     bundle of its own; its manifest lists the interpreter and the two
#     libraries with their digests, and the guest boots to the agent's PASS
#     verdict, which the agent could not print unless the loader, libc and
#     libcrypto the root holds had run;
#  b) the same without libcrypto in AGENT_LIBS: make image fails with one
#     line naming it and writes no bundle;
#  c) s390x, the architecture row 10 is about, under TCG as 060 and 061
#     boot it: a glibc program built with the cross gcc prints the glibc
#     version it runs with and execs the static test agent (installed
#     beside it at /usr/libexec/sealroot-test-agent); AGENT_LIBS is the
#     cross toolchain's s390x glibc (/usr/s390x-linux-gnu: lib/ld64.so.1,
#     lib/libc.so.6), the se bundle's kernel and parmfile, an initrd from
#     rootfs/build.sh --agent-libs; the agent passes.
# The fixtures' loaders and libraries are the build host's (Debian's glibc
# and OpenSSL, libc6-s390x-cross), not anything sealroot ships.
. "$TOP/tests/lib/boot.sh"

# a) x86_64, through make.
command -v gcc >/dev/null || case_fail "no gcc (build-essential)"
agent=$CASE_WORK/kata-agent
gcc -std=c11 -D_GNU_SOURCE -O2 -o "$agent" "$TOP/tests/agent/test-agent.c" "$TOP/tests/agent/contract.c" -lcrypto ||
	case_fail "cannot build the test agent against glibc and libcrypto (libssl-dev)"
interp=$(readelf -lW "$agent" | sed -n 's/.*\[Requesting program interpreter: \(.*\)\]$/\1/p')
[ "$interp" = /lib64/ld-linux-x86-64.so.2 ] || case_fail "the agent's interpreter is \"$interp\""
readelf -dW "$agent" | grep -q 'NEEDED.*\[libcrypto\.so\.3\]' || case_fail "the agent does not need libcrypto.so.3"
libs=$CASE_WORK/libs
mkdir -p "$libs/usr/lib/x86_64-linux-gnu" "$libs/lib64"
ln -s usr/lib "$libs/lib"
for n in ld-linux-x86-64.so.2 libc.so.6 libcrypto.so.3; do
	p=$(gcc -print-file-name="$n")
	case $p in /*) ;; *) case_fail "gcc finds no $n" ;; esac
	cp -L "$p" "$libs/usr/lib/x86_64-linux-gnu/$n"
done
ln -s /lib/x86_64-linux-gnu/ld-linux-x86-64.so.2 "$libs/lib64/ld-linux-x86-64.so.2"
# Needed by nobody: not installed.
cp -L "$(gcc -print-file-name=libm.so.6)" "$libs/usr/lib/x86_64-linux-gnu/libm.so.6"

b=$CASE_WORK/bundle
(cd "$TOP" && make -s image OUT="$b" STAGE="$CASE_WORK/stage" AGENT="$agent" AGENT_LIBS="$libs") \
	>"$CASE_WORK/make.log" 2>&1 || { tail -n 20 "$CASE_WORK/make.log"; case_fail "make image AGENT_LIBS= failed"; }
python3 - "$b/manifest.json" "$agent" "$libs/usr/lib/x86_64-linux-gnu" <<'PY' || case_fail "the manifest's agent_libs"
import hashlib, json, os, sys
m = json.load(open(sys.argv[1]))
d = sys.argv[3]
def rec(path, role, name):
    b = open(os.path.join(d, name), "rb").read()
    return {"path": path, "role": role, "sha256": hashlib.sha256(b).hexdigest(), "size": len(b)}
want = [rec("/lib/x86_64-linux-gnu/libc.so.6", "library", "libc.so.6"),
        rec("/lib/x86_64-linux-gnu/libcrypto.so.3", "library", "libcrypto.so.3"),
        rec("/lib64/ld-linux-x86-64.so.2", "interpreter", "ld-linux-x86-64.so.2")]
assert m["agent_libs"] == want, m["agent_libs"]
assert m["artifacts"]["agent"]["sha256"] == hashlib.sha256(open(sys.argv[2], "rb").read()).hexdigest()
PY
[ "$(cat "$b/roothash")" != "$(cat "$BUNDLE/roothash")" ] || case_fail "the bundle's root is the default one"
boot_run "$b/rootfs.img" "$(cat "$b/cmdline")"
expect_exited
expect_log "verity: / is dm-verity, root hash $(cat "$b/roothash")"
expect_log "step agent: ok"
expect_log "sealroot-test: VERDICT PASS"
expect_no_log "VERDICT FAIL"
expect_no_log "FATAL"
expect_no_log "error while loading shared libraries"

# b) A library missing from AGENT_LIBS.
rm "$libs/usr/lib/x86_64-linux-gnu/libcrypto.so.3"
b2=$CASE_WORK/bundle2
if (cd "$TOP" && make -s image OUT="$b2" STAGE="$CASE_WORK/stage2" AGENT="$agent" AGENT_LIBS="$libs") \
	>"$CASE_WORK/make2.log" 2>&1; then
	case_fail "make image took an AGENT_LIBS without libcrypto.so.3"
fi
if [ "$(grep -c 'rootfs: ERROR' "$CASE_WORK/make2.log")" != 1 ] ||
	! grep -q "rootfs: ERROR: libcrypto.so.3 (needed by kata-agent) is not in $libs where the loader looks" "$CASE_WORK/make2.log"; then
	cat "$CASE_WORK/make2.log"
	case_fail "not the one line naming libcrypto.so.3"
fi
if [ -e "$b2" ] || [ -e "$CASE_WORK/stage2/rootfs.erofs" ]; then case_fail "a bundle or root was written"; fi

# c) s390x: a glibc program that execs the static test agent.
se=$TOP/out/se
(cd "$TOP" && make -s image TEE=se >"$CASE_WORK/make-se.log" 2>&1) ||
	{ tail -n 30 "$CASE_WORK/make-se.log"; case_fail "make image TEE=se failed"; }
command -v qemu-system-s390x >/dev/null || case_fail "qemu-system-s390x missing (qemu-system-misc)"
command -v s390x-linux-gnu-gcc >/dev/null || case_fail "s390x-linux-gnu-gcc missing (gcc-s390x-linux-gnu)"
sysroot=/usr/s390x-linux-gnu
[ -f "$sysroot/include/gnu/libc-version.h" ] || case_fail "no s390x glibc headers (libc6-dev-s390x-cross)"
cat >"$CASE_WORK/wrap.c" <<'EOF'
#include <gnu/libc-version.h>
#include <stdio.h>
#include <unistd.h>
extern char **environ;
int main(int argc, char **argv)
{
	(void)argc;
	printf("sealroot-test: dynamic agent: glibc %s\n", gnu_get_libc_version());
	fflush(stdout);
	execve("/usr/libexec/sealroot-test-agent", argv, environ);
	perror("sealroot-test: dynamic agent: execve");
	return 127;
}
EOF
s390x-linux-gnu-gcc -O2 -o "$CASE_WORK/wrap" "$CASE_WORK/wrap.c" || case_fail "s390x-linux-gnu-gcc failed"
[ "$(readelf -lW "$CASE_WORK/wrap" | sed -n 's/.*interpreter: \(.*\)\]$/\1/p')" = /lib/ld64.so.1 ] ||
	case_fail "the s390x program is not dynamic with /lib/ld64.so.1"
mkdir -p "$CASE_WORK/extra/usr/libexec"
cp "$TOP/build/s390x/test-agent" "$CASE_WORK/extra/usr/libexec/sealroot-test-agent"
deps=$(cat "$TOP/build/deps-s390x.prefix")
"$TOP/rootfs/build.sh" --init "$TOP/build/s390x/sealroot-init" --agent "$CASE_WORK/wrap" --agent-libs "$sysroot" \
	--busybox "$deps/bin/busybox" --mke2fs "$deps/bin/mke2fs" \
	--modules-dir "$(cat "$TOP/build/kernel-se.dir")/modules" --modules-list "$TOP/rootfs/modules.list" \
	--extra "$CASE_WORK/extra" --format cpio --out "$CASE_WORK/initrd.cpio" >"$CASE_WORK/rootfs-se.log" 2>&1 ||
	{ cat "$CASE_WORK/rootfs-se.log"; case_fail "rootfs/build.sh --agent-libs $sysroot failed"; }
# The record, sorted by path: the loader looks in /lib/ (the cross glibc
# has no /lib/s390x-linux-gnu), so libc.so.6 lands there.
printf '%s %s %s\n' "$(sha256sum <"$sysroot/lib/ld64.so.1" | cut -d' ' -f1)" "$(wc -c <"$sysroot/lib/ld64.so.1")" \
	"interpreter /lib/ld64.so.1" >"$CASE_WORK/want"
printf '%s %s %s\n' "$(sha256sum <"$sysroot/lib/libc.so.6" | cut -d' ' -f1)" "$(wc -c <"$sysroot/lib/libc.so.6")" \
	"library /lib/libc.so.6" >>"$CASE_WORK/want"
cmp -s "$CASE_WORK/want" "$CASE_WORK/initrd.cpio.agent-libs" ||
	case_fail "the s390x record: $(cat "$CASE_WORK/initrd.cpio.agent-libs")"
LOG=$CASE_WORK/console-s390x.log
RC=0
timeout --foreground -k 5 "$BOOT_TIMEOUT" qemu-system-s390x \
	-M s390-ccw-virtio -accel tcg -smp 1 -m 512M \
	-nodefaults -no-user-config -nographic -no-reboot \
	-serial "file:$LOG" -monitor none \
	-kernel "$se/bzImage" -initrd "$CASE_WORK/initrd.cpio" -append "$(cat "$se/parmfile")" \
	-drive "if=none,id=initdata,file=$INITDATA,format=raw,readonly=on" -device virtio-blk-ccw,drive=initdata \
	</dev/null >/dev/null 2>"$LOG.qemu" || RC=$?
expect_exited
# The version the image's libc.so.6 reports, from its own banner.
glibc=$(strings -a "$sysroot/lib/libc.so.6" | sed -n 's/^GNU C Library .* version \([0-9.]*[0-9]\)\.$/\1/p')
[ -n "$glibc" ] || case_fail "no version banner in $sysroot/lib/libc.so.6"
expect_log "sealroot-test: dynamic agent: glibc $glibc"
expect_log "step agent: ok"
expect_log "sealroot-test: VERDICT PASS"
expect_no_log "VERDICT FAIL"
expect_no_log "FATAL"
