#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# Extension images for the boot cases 08x. Sourced after tests/lib/boot.sh;
# sources tests/lib/kata-shape.sh: the cases boot in the Go runtime's
# coco-dev shape, with the extensions attached as that runtime attaches them.
# The contract is Kata's (kata-containers docs/design/composable-vm-images.md,
# commit 7c6ba40c): the runtime cold-plugs each extension as a virtio-blk
# disk with serial extension-<name> (src/runtime/virtcontainers/qemu.go,
# createDevices: ID "extension-<name>", read-only) and appends
# kata.extension.<name>.verity_params[=<value>] to the command line
# (qemu.go, kernelParameters).

# ext_build NAME [--unmeasured]: an extension of stand-in components (Kata's
# coco layout: etc/kata-extensions/components.toml, usr/local/bin, a
# pause_bundle) plus a random "marker" file, made by make extension into
# $CASE_WORK/ext-NAME/; sets EXT_IMG, EXT_PARAMS and EXT_MARKER.
ext_build() {
	_src=$CASE_WORK/ext-src-$1
	rm -rf "$_src"
	mkdir -p "$_src/etc/kata-extensions" "$_src/usr/local/bin" "$_src/pause_bundle/rootfs"
	# The agent resolves "ocicrypt-config" at start and stops when the coco
	# manifest lacks it (kata-containers 7c6ba40c src/agent/src/main.rs
	# build_substitution_ctx, guest_extension_image.rs
	# resolve_component_path_in_root; the layout in
	# docs/design/composable-vm-images.md).
	printf 'schema_version = 1\n\n[paths]\n"ocicrypt-config" = "etc/ocicrypt_config.json"\n"pause-bundle" = "pause_bundle"\n' \
		>"$_src/etc/kata-extensions/components.toml"
	printf '{"key-providers": {}}\n' >"$_src/etc/ocicrypt_config.json"
	printf '#!/bin/sh\nexit 0\n' >"$_src/usr/local/bin/confidential-data-hub"
	chmod 755 "$_src/usr/local/bin/confidential-data-hub"
	head -c 40000 /dev/urandom >"$_src/marker"
	EXT_MARKER=$_src/marker
	_u=
	[ "${2:-}" = --unmeasured ] && _u=UNMEASURED=1
	# shellcheck disable=SC2086 # _u is one word or none
	(cd "$TOP" && make -s extension NAME="$1" DIR="$_src" $_u) >"$CASE_WORK/ext-$1.log" 2>&1 ||
		{ cat "$CASE_WORK/ext-$1.log"; case_fail "make extension NAME=$1 failed"; }
	rm -rf "$CASE_WORK/ext-$1"
	cp -r "$TOP/out/extensions/$1" "$CASE_WORK/ext-$1"
	EXT_IMG=$CASE_WORK/ext-$1/extension-$1.img
	EXT_PARAMS=$(cat "$CASE_WORK/ext-$1/verity_params")
}

# ext_param NAME PARAMS: the kernel parameter Kata appends (a bare key for
# an unmeasured extension: SerializeParams leaves out an empty value's "=").
ext_param() {
	printf 'kata.extension.%s.verity_params%s' "$1" "${2:+=$2}"
}

. "$TOP/tests/lib/kata-shape.sh"

# ext_boot_kata: boots the bundle in the Go runtime's coco-dev shape
# (ks_go_coco_dev, or the function EXT_SHAPE names) with KS_EXTENSIONS (and KS_EXT_PARAMS_<name>,
# KS_EXT_SERIAL_<name>) as the caller set them, EXT_EXTRA_PARAMS appended
# to kernel_params (e.g. sealroot.verity_scan=off), and the initdata disk;
# the console is $LOG, QEMU's exit code $RC.
ext_boot_kata() {
	ks_load_bundle "${EXT_BUNDLE:-$BUNDLE}" none || case_fail "cannot read the bundle's configuration"
	KS_KERNEL_PARAMS="$KS_KERNEL_PARAMS${EXT_EXTRA_PARAMS:+ $EXT_EXTRA_PARAMS}"
	KS_INITDATA=$INITDATA
	KS_CONSOLE=$CASE_WORK/console.log
	LOG=$KS_CONSOLE
	rm -f "$LOG"
	RC=0
	ks_run "${EXT_SHAPE:-ks_go_coco_dev}" "$BOOT_TIMEOUT" || RC=$?
}

# ext_disk IMG SERIAL: QEMU arguments for one read-only extension disk on
# the microvm shape (virtio-mmio).
ext_disk() {
	_id=ext$(printf '%s' "$2" | cksum | cut -d' ' -f1)
	echo "-drive if=none,id=$_id,file=$1,format=raw,readonly=on -device virtio-blk-device,drive=$_id,serial=$2"
}

# ext_data_offset IMG FILE: the byte offset in IMG of FILE's first 4 KiB
# (found by content: the marker is random), for flipping a byte in it.
ext_data_offset() {
	python3 - "$1" "$2" <<'PY'
import sys
img = open(sys.argv[1], "rb").read()
probe = open(sys.argv[2], "rb").read()[:4096]
i = img.find(probe)
if i < 0 or img.find(probe, i + 1) >= 0:
    sys.exit("marker not found once in the image")
print(i)
PY
}
