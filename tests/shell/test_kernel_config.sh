#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# shunit2 tests for the kernel stage: the built none kernel's .config
# conforms to kernel-config/required and forbidden; check-config.sh itself
# catches a forbidden symbol, a missing or wrong required one and a malformed
# list; build.sh keeps its output contract, refuses a wrong source and warns
# (never silently) about TEE symbols a source lacks; the TEE kernels have
# their attestation interfaces; and the kernel boots
# under QEMU TCG (microvm with the PVH vmlinux, q35 with the bzImage), sees
# an MBR virtio disk's partitions (virtio-blk, and virtio-scsi as Kata's
# block_device_driver), and powers off by itself.
TOP=$(cd "$(dirname "$0")/../.." && pwd)
CHECK=$TOP/kernel-config/check-config.sh
BUILD=$TOP/kernel-config/build.sh
BOOT_TIMEOUT=${BOOT_TIMEOUT:-60}

oneTimeSetUp() {
	W=$(mktemp -d)
	# The cached build: instant once built (builds it otherwise).
	"$BUILD" none >"$W/build.stdout" 2>"$W/build.stderr"
	KDIR=$(tail -n 1 "$W/build.stdout")
}

oneTimeTearDown() {
	rm -rf "$W"
}

# check CONFIG [debug]: check-config.sh's exit code; its stderr in $W/check.err
check() {
	"$CHECK" "$@" 2>"$W/check.err"
}

test_built_config_conforms() {
	assertTrue "kernel built: '$KDIR'" "[ -f '$KDIR/config' ]"
	check "$KDIR/config"
	assertEquals "check-config passes: $(cat "$W/check.err")" 0 $?
	assertTrue "none has no warnings" "[ -f '$KDIR/warnings' ] && [ ! -s '$KDIR/warnings' ]"
	assertEquals "stdout is the output dir alone" "$KDIR" "$(cat "$W/build.stdout")"
}

test_output_contract() {
	rel=$(cat "$KDIR/release")
	assertTrue "release '$rel'" "[ -n '$rel' ]"
	# No module is built (everything a boot uses is built in), but
	# modules_install still writes the index the image's libkmod reads.
	assertTrue "module index for $rel" "[ -s '$KDIR/modules/lib/modules/$rel/modules.builtin' ]"
	assertTrue "bzImage" "[ -s '$KDIR/bzImage' ]"
	# PVH: the Xen ELF note with XEN_ELFNOTE_PHYS32_ENTRY (18).
	assertTrue "vmlinux has the PVH note" \
		"readelf -n '$KDIR/vmlinux' | grep -A1 '^ *Xen ' | grep -qE '0x00000012|PHYS32'"
	assertFalse "vmlinux is stripped" "readelf -S '$KDIR/vmlinux' | grep -qE '\.symtab|\.debug_'"
	assertEquals "no compressed modules" "" \
		"$(find "$KDIR/modules" -name '*.ko.*')"
	# Every module the rootfs stage loads is a module of this kernel, or
	# built into it (modules.builtin: 6.12 builds ecb in).
	for m in $(sed 's/#.*//' "$TOP/rootfs/modules.list"); do
		assertTrue "module $m" \
			"find '$KDIR/modules' -name '$m.ko' -o -name '$(echo "$m" | tr - _).ko' -o -name '$(echo "$m" | tr _ -).ko' | grep -q . ||
			 grep -qE '/($m|$(echo "$m" | tr - _)|$(echo "$m" | tr _ -))\.ko\$' '$KDIR'/modules/lib/modules/*/modules.builtin"
	done
}

test_cached_call_prints_the_same_dir() {
	out=$("$BUILD" none 2>/dev/null)
	assertEquals 0 $?
	assertEquals "$KDIR" "$out"
}

test_release_build_has_none_of_the_forbidden() {
	for sym in $(sed 's/#.*//; s/=.*//' "$TOP/kernel-config/forbidden" "$TOP/kernel-config/forbidden.x86_64"); do
		assertFalse "$sym set" "grep -q '^$sym=' '$KDIR/config'"
	done
}

# What every boot uses is built in (issue: a module loaded on every boot
# costs a load per boot and buys nothing); module loading itself stays
# (the init locks it after the kmod step).
test_boot_needs_are_built_in() {
	for sym in CONFIG_DM_CRYPT CONFIG_DM_INTEGRITY CONFIG_OVERLAY_FS CONFIG_VIRTIO_VSOCKETS \
		CONFIG_CRYPTO_XTS CONFIG_CRYPTO_AES CONFIG_CRYPTO_HMAC CONFIG_HW_RANDOM_VIRTIO \
		CONFIG_DM_INIT CONFIG_DM_VERITY CONFIG_CONFIGFS_FS CONFIG_EROFS_FS CONFIG_CRYPTO_SHA256 \
		CONFIG_CRYPTO_ECB CONFIG_MODULES; do
		assertTrue "$sym=y" "grep -qx '$sym=y' '$KDIR/config'"
	done
	assertFalse "no module is built" "grep -q '=m$' '$KDIR/config'"
}

test_checker_catches_forbidden() {
	cp "$KDIR/config" "$W/bad"
	echo CONFIG_MAGIC_SYSRQ=y >>"$W/bad"
	check "$W/bad"
	assertEquals "fails" 1 $?
	assertContains "$(cat "$W/check.err")" "forbidden CONFIG_MAGIC_SYSRQ, have: CONFIG_MAGIC_SYSRQ=y"
	# ...but a debug build may have it.
	check "$W/bad" debug
	assertEquals "debug allows it" 0 $?
}

test_checker_catches_missing_required() {
	grep -v '^CONFIG_DM_VERITY=' "$KDIR/config" >"$W/bad"
	check "$W/bad"
	assertEquals "fails" 1 $?
	assertContains "$(cat "$W/check.err")" "required CONFIG_DM_VERITY=y, have: unset"
	# Debug builds must still have everything required.
	check "$W/bad" debug
	assertEquals "fails in debug too" 1 $?
}

test_checker_catches_wrong_value() {
	sed 's/^CONFIG_DM_CRYPT=y/CONFIG_DM_CRYPT=m/' "$KDIR/config" >"$W/bad"
	check "$W/bad"
	assertEquals "a built-in turned module is caught" 1 $?
	assertContains "$(cat "$W/check.err")" "required CONFIG_DM_CRYPT=y, have: CONFIG_DM_CRYPT=m"
}

test_checker_list_syntax() {
	printf 'CONFIG_A=y\nCONFIG_B=m\n# CONFIG_C is not set\n' >"$W/cfg"
	# A bare symbol is "set" when required, "unset" when forbidden.
	printf '# comment\n\nCONFIG_A\nCONFIG_B   \n' >"$W/req"
	printf 'CONFIG_C\nCONFIG_B=y\n' >"$W/forb"
	CHECK_CONFIG_REQUIRED=$W/req CHECK_CONFIG_FORBIDDEN=$W/forb check "$W/cfg"
	assertEquals "y and m satisfy a bare required symbol: $(cat "$W/check.err")" 0 $?
	printf 'CONFIG_C\n' >"$W/req"
	CHECK_CONFIG_REQUIRED=$W/req CHECK_CONFIG_FORBIDDEN=$W/forb check "$W/cfg"
	assertEquals "'is not set' is unset" 1 $?
	printf 'CONFIG_A\n' >"$W/req"
	printf 'CONFIG_B=m\n' >"$W/forb"
	CHECK_CONFIG_REQUIRED=$W/req CHECK_CONFIG_FORBIDDEN=$W/forb check "$W/cfg"
	assertEquals "a forbidden value" 1 $?
	printf 'CONFIG_A=q\n' >"$W/req"
	CHECK_CONFIG_REQUIRED=$W/req CHECK_CONFIG_FORBIDDEN=/dev/null check "$W/cfg"
	assertEquals "a malformed line is an error, not skipped" 2 $?
	assertContains "$(cat "$W/check.err")" "malformed line"
	check "$W/nonexistent"
	assertEquals "no config" 2 $?
}

# The TEE kernels have their attestation interfaces: the pinned 6.12 source
# has every symbol the tdx and snp fragments name (no warning), and
# required.tdx / required.snp make them a condition of the build.
test_tee_kernels_have_attestation_interfaces() {
	for t in tdx snp; do
		out=$(KERNEL_STOP_AFTER_CONFIG=$W/$t "$BUILD" $t 2>&1)
		assertEquals "$t configures: $out" 0 $?
		assertNotContains "$t: no warning" "$out" "WARNING"
		assertTrue "$t: empty warnings file" "[ -f '$W/$t/warnings' ] && [ ! -s '$W/$t/warnings' ]"
		assertTrue "$t: TSM_REPORTS" "grep -qx CONFIG_TSM_REPORTS=y '$W/$t/config'"
	done
	assertTrue "TDX_GUEST_DRIVER" "grep -qx CONFIG_TDX_GUEST_DRIVER=y '$W/tdx/config'"
	assertTrue "SEV_GUEST" "grep -qx CONFIG_SEV_GUEST=y '$W/snp/config'"
	# Without them, check-config refuses the TEE's configuration.
	sed '/^CONFIG_TDX_GUEST_DRIVER=/d' "$W/tdx/config" >"$W/tdx-no-driver"
	check "$W/tdx-no-driver" release tdx
	assertEquals "tdx without its guest driver" 1 $?
	assertContains "$(cat "$W/check.err")" "required CONFIG_TDX_GUEST_DRIVER=y, have: unset"
	sed '/^CONFIG_TSM_REPORTS=/d' "$W/snp/config" >"$W/snp-no-tsm"
	check "$W/snp-no-tsm" release snp
	assertEquals "snp without configfs-tsm" 1 $?
	assertContains "$(cat "$W/check.err")" "required CONFIG_TSM_REPORTS=y, have: unset"
	check "$W/snp-no-tsm" release none
	assertEquals "the none lists do not ask for it" 0 $?
}

# A symbol the source lacks is a warning when kernel-config/since lists it
# (a developer's other source), never silent: shown with a doctored copy of
# the stage whose tdx fragment names a symbol no kernel has.
test_missing_tee_symbol_warns_not_silent() {
	mkdir -p "$W/tree"
	cp -R "$TOP/kernel-config" "$TOP/build-aux" "$W/tree/"
	echo CONFIG_SEALROOT_FUTURE_TSM=y >>"$W/tree/kernel-config/tdx.config"
	echo "CONFIG_SEALROOT_FUTURE_TSM 99.1 no future interface" >>"$W/tree/kernel-config/since"
	out=$(KERNEL_STOP_AFTER_CONFIG=$W/tdx-future "$W/tree/kernel-config/build.sh" tdx 2>&1)
	assertEquals "configures: $out" 0 $?
	assertContains "$out" "WARNING: CONFIG_SEALROOT_FUTURE_TSM is not in this kernel source (6.12"
	assertContains "$out" "needs Linux >= 99.1: no future interface"
	assertContains "$(cat "$W/tdx-future/warnings")" "CONFIG_SEALROOT_FUTURE_TSM"
	# Not listed in since: an error (renamed or removed?), not a warning.
	sed -i '/SEALROOT_FUTURE_TSM/d' "$W/tree/kernel-config/since"
	out=$(KERNEL_STOP_AFTER_CONFIG=$W/tdx-future2 "$W/tree/kernel-config/build.sh" tdx 2>&1)
	assertEquals "an unknown symbol fails" 1 $?
	assertContains "$out" "CONFIG_SEALROOT_FUTURE_TSM is not in this kernel source"
	assertContains "$out" "renamed or removed?"
	rm -rf "$W/tree"
}

test_wrong_source_is_refused() {
	mkdir -p "$W/other/linux"
	echo x >"$W/other/linux/Makefile"
	tar -C "$W/other" -cJf "$W/other.tar.xz" linux
	out=$(SEALROOT_CACHE=$W/cache KERNEL_TARBALL=$W/other.tar.xz \
		KERNEL_SHA256=0000000000000000000000000000000000000000000000000000000000000000 "$BUILD" none 2>&1)
	assertEquals "fails" 1 $?
	assertContains "$out" "is pinned"
	assertFalse "nothing unpacked" "ls '$W/cache/kernel-src'/* >/dev/null 2>&1"
	# The override needs both: a tarball is never taken without its sum.
	out=$(SEALROOT_CACHE=$W/cache KERNEL_TARBALL=$W/other.tar.xz "$BUILD" none 2>&1)
	assertEquals "a tarball alone" 1 $?
	assertContains "$out" "KERNEL_TARBALL and KERNEL_SHA256 go together"
}

test_bad_usage() {
	"$BUILD" nosuch >/dev/null 2>&1
	assertEquals "unknown TEE" 2 $?
	"$BUILD" none nodebug >/dev/null 2>&1
	assertEquals "bad second argument" 2 $?
}

# se: the s390x configuration (cross, gcc-s390x-linux-gnu) from base,
# arch-s390x and se fragments. Only the configuration runs here; the
# kernel itself is built and booted by tests/boot/060_se_unprotected.
test_se_configures_for_s390x() {
	out=$(KERNEL_STOP_AFTER_CONFIG=$W/se "$BUILD" se 2>&1)
	assertEquals "configures: $out" 0 $?
	assertContains "$out" "tinyconfig + base.config arch-s390x.config se.config"
	for l in CONFIG_S390=y CONFIG_S390_UV_UAPI=y \
		CONFIG_SCLP_VT220_CONSOLE=y CONFIG_S390_GUEST=y CONFIG_DM_VERITY=y CONFIG_DM_INIT=y \
		CONFIG_BLK_DEV_INITRD=y; do
		assertTrue "$l" "grep -qx '$l' '$W/se/config'"
	done
	for sym in CONFIG_X86_64 CONFIG_KVM CONFIG_IUCV CONFIG_PCI CONFIG_DCSSBLK CONFIG_KEXEC CONFIG_KEXEC_FILE; do
		assertFalse "$sym is off" "grep -q '^$sym=' '$W/se/config'"
	done
	assertTrue "no warnings for se" "[ ! -s '$W/se/warnings' ]"
	# The s390x lists apply: without the SCLP console it does not conform.
	grep -v '^CONFIG_SCLP_VT220_CONSOLE=' "$W/se/config" >"$W/se/config.noconsole"
	check "$W/se/config.noconsole"
	assertEquals "an s390x config without the SCLP console fails" 1 $?
	assertContains "$(cat "$W/check.err")" "required CONFIG_SCLP_VT220_CONSOLE=y, have: unset"
	# and the x86_64 list does not: no PVH asked of s390x.
	check "$W/se/config"
	assertEquals "the se config conforms: $(cat "$W/check.err")" 0 $?
}

test_checker_needs_a_known_arch() {
	printf 'CONFIG_ARM64=y\nCONFIG_64BIT=y\n' >"$W/arm.cfg"
	check "$W/arm.cfg"
	assertEquals "neither x86_64 nor s390x" 2 $?
	assertContains "$(cat "$W/check.err")" "neither an x86_64 nor an s390x configuration"
}

# --- boot probes: a busybox initramfs prints a marker and the partitions
# it sees, then powers off. QEMU must exit by itself, well before the limit.

# make_probe DIR: DIR/initrd.cpio (uncompressed; the kernel has no RD_*) and
# DIR/disk.img (MBR, two partitions, like the root disk).
make_probe() {
	r=$1/root
	mkdir -p "$r/bin" "$r/dev" "$r/proc" "$r/sys"
	cp "$(command -v busybox)" "$r/bin/busybox"
	for a in sh mount echo cat tr poweroff uname; do ln -s busybox "$r/bin/$a"; done
	# Without /dev/console the kernel gives /init no stdout (docs/testing.md).
	mknod -m 600 "$r/dev/console" c 5 1 2>/dev/null || true
	cat >"$r/init" <<'EOF'
#!/bin/sh
mount -t devtmpfs dev /dev
exec </dev/console >/dev/console 2>&1
mount -t proc proc /proc
mount -t sysfs sys /sys
echo "probe: alive $(uname -r)"
echo "probe: blocks $(while read -r _ _ _ n; do echo "$n"; done </proc/partitions | tr '\n' ' ')"
poweroff -f
EOF
	chmod 755 "$r/init"
	(cd "$r" && find . | sort | cpio -o -H newc -R 0:0 --quiet) >"$1/initrd.cpio"
	truncate -s 8M "$1/disk.img"
	printf 'label: dos\nlabel-id: 0x5ea1b007\n,4M,L\n,,L\n' | sfdisk -q "$1/disk.img" >/dev/null
}

# probe MACHINE KERNEL DEVICE [CONTROLLER]: boots, leaves the console in $W/probe.log,
# returns QEMU's (or timeout's) exit code, sets $PROBE_SECONDS.
probe() {
	t0=$(date +%s%N)
	timeout "$BOOT_TIMEOUT" qemu-system-x86_64 -M "$1" -accel tcg -cpu max -m 256M \
		-nodefaults -no-user-config -nographic -serial stdio -no-reboot \
		-kernel "$2" -initrd "$W/probe/initrd.cpio" \
		-append "console=ttyS0 tsc_early_khz=2300000 panic=-1 rdinit=/init" \
		-drive if=none,id=d0,file="$W/probe/disk.img",format=raw ${4:+-device "$4"} -device "$3",drive=d0 \
		</dev/null >"$W/probe.log" 2>&1
	rc=$?
	PROBE_SECONDS=$((($(date +%s%N) - t0) / 1000000))
	PROBE_SECONDS=$((PROBE_SECONDS / 1000)).$(printf %03d $((PROBE_SECONDS % 1000)))
	return $rc
}

can_probe() {
	for c in qemu-system-x86_64 busybox cpio sfdisk; do
		command -v "$c" >/dev/null 2>&1 || { echo "SKIP: no $c"; return 1; }
	done
	[ -d "$W/probe" ] || make_probe "$W/probe"
}

assert_probe_ok() { # RC NAME [DISK]
	assertEquals "$2: QEMU exits by itself (124: timeout): $(tail -n 5 "$W/probe.log")" 0 "$1"
	log=$(tr -d '\r' <"$W/probe.log")
	assertContains "$2: the init ran" "$log" "probe: alive $(cat "$KDIR/release")"
	d=${3:-vda}
	assertContains "$2: the MBR partitions" "$log" "$d ${d}1 ${d}2"
	assertContains "$2: powered off" "$log" "reboot: Power down"
	assertNotContains "$2: no panic" "$log" "Kernel panic"
}

test_microvm_boots_pvh_vmlinux() {
	can_probe || { startSkipping; return; }
	probe microvm "$KDIR/vmlinux" virtio-blk-device
	assert_probe_ok $? microvm
	echo "microvm + vmlinux: ${PROBE_SECONDS} s to power-off"
}

test_q35_boots_bzimage() {
	can_probe || { startSkipping; return; }
	probe q35 "$KDIR/bzImage" virtio-blk-pci
	assert_probe_ok $? q35
	echo "q35 + bzImage: ${PROBE_SECONDS} s to power-off"
}

# Kata's block_device_driver is virtio-scsi (runtime-rs puts the initdata
# disk there): built in, the disk and its partitions are there when the
# init starts.
test_q35_boots_with_virtio_scsi_disk() {
	can_probe || { startSkipping; return; }
	probe q35 "$KDIR/bzImage" scsi-hd virtio-scsi-pci,id=scsi0
	assert_probe_ok $? q35-scsi sda
	echo "q35 + virtio-scsi: ${PROBE_SECONDS} s to power-off"
}

# shellcheck disable=SC1091
. shunit2
