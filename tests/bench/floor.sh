# SPDX-License-Identifier: Apache-2.0
# The benchmarks' floor, sourced by tests/bench/boot.sh and code.sh after
# tests/lib/qemu.sh and sr_accel: the bundle's kernel on the test runner's
# machine (SR_MACHINE, the same console), booting a trivial static /init
# (floor-init.c) that prints its start on the in-guest clock and powers off.

# floor_build DIR: DIR/init, and DIR/floor.cpio, the initramfs that holds
# it as /init with /dev/console.
floor_build() {
	musl-gcc -static -O2 -o "$1/init" "$TOP/tests/bench/floor-init.c"
	mkdir -p "$1/ir/dev"
	cp "$1/init" "$1/ir/init"
	mknod -m 600 "$1/ir/dev/console" c 5 1
	(cd "$1/ir" && find . | sort | cpio -o -H newc --quiet) >"$1/floor.cpio"
}

# floor_run DIR KERNEL LOG [QEMU ARGS...]: one boot of DIR/floor.cpio with
# KERNEL, the console to LOG; QEMU's own output is dropped, and a boot
# that does not end within 60 s is stopped.
floor_run() {
	_fd=$1 _fk=$2 _fl=$3
	shift 3
	# shellcheck disable=SC2086 # SR_MACHINE, SR_CONSOLE_DEVICES: words, no paths
	timeout -k 5 60 qemu-system-x86_64 -accel "$SR_ACCEL_CHOSEN" -cpu "$(sr_cpu "$SR_ACCEL_CHOSEN")" \
		$SR_MACHINE -chardev "file,id=con,path=$_fl" $SR_CONSOLE_DEVICES \
		-kernel "$_fk" -initrd "$_fd/floor.cpio" \
		-append "$SR_MACHINE_CMDLINE rdinit=/init panic=-1 quiet" "$@" </dev/null >/dev/null 2>&1 || true
}
