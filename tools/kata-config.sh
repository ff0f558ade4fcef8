#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# kata-config: prints the Kata [hypervisor.qemu] section for a bundle, with
# exactly the keys reference/kata.md's table gives for its TEE (and the
# names of Kata's configuration-qemu-<tee>.toml.in templates).
# Usage: kata-config.sh TEE DIR KERNEL VERITY_PARAMS KERNEL_PARAMS [FIRMWARE]
#   DIR: where the bundle is installed (the paths in the output point there)
# Reads: nothing. Changes: nothing. On failure: exits 2 on bad arguments.
set -eu
[ $# -ge 5 ] || { echo "usage: kata-config.sh TEE DIR KERNEL VERITY_PARAMS KERNEL_PARAMS [FIRMWARE]" >&2; exit 2; }
tee=$1 dir=$2 kernel=$3 verity=$4 kparams=$5 firmware=${6:-}

q() { printf '"%s"' "$(printf '%s' "$1" | sed 's/\\/\\\\/g; s/"/\\"/g')"; }
# kv KEY VALUE: a TOML string value (printf, not echo: dash's echo would
# interpret the backslashes).
kv() { printf '%s = %s\n' "$1" "$(q "$2")"; }

qemu=/usr/bin/qemu-system-x86_64
[ "$tee" = se ] && qemu=/usr/bin/qemu-system-s390x
echo "# sealroot bundle for TEE=$tee (docs/bundles.md). Merge into Kata's"
echo "# configuration-qemu-$tee.toml; the other sections stay as Kata ships them."
echo "[hypervisor.qemu]"
kv path "$qemu"
kv kernel "$dir/$kernel"
case $tee in
none)
	kv image "$dir/rootfs.img"
	echo "confidential_guest = false"
	kv kernel_params "$kparams"
	kv kernel_verity_params "$verity"
	echo 'rootfs_type = "erofs"'
	;;
snp)
	[ -n "$firmware" ] || { echo "kata-config.sh: snp needs FIRMWARE" >&2; exit 2; }
	kv image "$dir/rootfs.img"
	kv firmware "$dir/$firmware"
	echo "confidential_guest = true"
	echo "sev_snp_guest = true"
	echo "snp_guest_policy = 196608"
	kv kernel_params "$kparams"
	kv kernel_verity_params "$verity"
	echo 'rootfs_type = "erofs"'
	echo "disable_image_nvdimm = true"
	;;
tdx)
	[ -n "$firmware" ] || { echo "kata-config.sh: tdx needs FIRMWARE" >&2; exit 2; }
	kv image "$dir/rootfs.img"
	kv firmware "$dir/$firmware"
	echo 'firmware_volume = ""'
	echo "confidential_guest = true"
	echo "tdx_quote_generation_service_socket_port = 4050"
	kv kernel_params "$kparams"
	kv kernel_verity_params "$verity"
	echo 'rootfs_type = "erofs"'
	echo "disable_image_nvdimm = true"
	;;
se)
	# kernel: the SE image (tools/se-image.sh), which seals the kernel, the
	# initrd and the parmfile; an SE guest ignores any other command line,
	# so kernel_params only repeats the parmfile.
	echo "confidential_guest = true"
	kv kernel_params "$kparams"
	;;
*)
	echo "kata-config.sh: unknown TEE $tee" >&2
	exit 2
	;;
esac
