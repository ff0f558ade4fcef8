#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# kata-config: prints the Kata [hypervisor.qemu] section for a bundle, with
# the keys Kata's configuration-qemu-<tee>.toml.in template for that TEE
# sets (docs/bundles.md, "The Kata configuration", names the templates and
# the table of keys).
# Usage: kata-config.sh TEE DIR KERNEL VERITY_PARAMS KERNEL_PARAMS [FIRMWARE]
#   DIR: where the bundle is installed (the paths in the output point there)
# Reads: nothing. Changes: nothing. Prints the TOML on stdout.
# On failure: "kata-config: ERROR: ..." and exit 2 (bad arguments).
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
STAGE=kata-config
# shellcheck source=tools/common.sh
. "$top/tools/common.sh"
[ $# -ge 5 ] || usage_die "usage: kata-config.sh TEE DIR KERNEL VERITY_PARAMS KERNEL_PARAMS [FIRMWARE]"
tee=$1 dir=$2 kernel=$3 verity=$4 kparams=$5 firmware=${6:-}
case $tee in none | snp | tdx | se) ;; *) usage_die "unknown TEE $tee" ;; esac

# kv KEY VALUE: a TOML string value.
kv() { printf '%s = %s\n' "$1" "$(json_str "$2")"; }

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
	# The root on virtio-blk, not on an NVDIMM (docs/kata.md, row 6): Kata's
	# coco-dev defaults would attach it as an ACPI NFIT nvdimm (the Go
	# runtime's DEFDISABLEIMAGENVDIMM false; runtime-rs's vm_rootfs_driver
	# virtio-pmem, which on QEMU is the same nvdimm), and the sealroot
	# kernel has no NVDIMM driver, so that a guest never parses a host's
	# NFIT table. The command line names /dev/vda1 and /dev/vda2.
	echo "disable_image_nvdimm = true"
	echo 'vm_rootfs_driver = "virtio-blk-pci"'
	;;
snp)
	[ -n "$firmware" ] || usage_die "snp needs FIRMWARE"
	kv image "$dir/rootfs.img"
	kv firmware "$dir/$firmware"
	echo "confidential_guest = true"
	echo "sev_snp_guest = true"
	echo "snp_guest_policy = 196608"
	kv kernel_params "$kparams"
	kv kernel_verity_params "$verity"
	echo 'rootfs_type = "erofs"'
	echo "disable_image_nvdimm = true"
	echo 'vm_rootfs_driver = "virtio-blk-pci"'
	;;
tdx)
	[ -n "$firmware" ] || usage_die "tdx needs FIRMWARE"
	kv image "$dir/rootfs.img"
	kv firmware "$dir/$firmware"
	echo 'firmware_volume = ""'
	echo "confidential_guest = true"
	# 0, as Kata's templates are built (src/runtime/Makefile and
	# src/runtime-rs/Makefile, QEMUTDXQUOTEGENERATIONSERVICESOCKETPORT := 0):
	# QEMU then talks to the host's QGS Unix socket, and vsock port 4050
	# only when that socket is absent (govmm qemu.go getQgsSocketAddress;
	# runtime-rs hypervisor utils.rs SocketAddress::new). Written out,
	# because runtime-rs takes 4050 when the key is missing (kata-types
	# default_qgs_port). Which QGS listens where is the host's choice.
	echo "tdx_quote_generation_service_socket_port = 0"
	kv kernel_params "$kparams"
	kv kernel_verity_params "$verity"
	echo 'rootfs_type = "erofs"'
	echo "disable_image_nvdimm = true"
	echo 'vm_rootfs_driver = "virtio-blk-pci"'
	;;
se)
	# kernel: the SE image (tools/se-image.sh), which seals the kernel, the
	# initrd and the parmfile; an SE guest ignores any other command line,
	# so kernel_params only repeats the parmfile.
	echo "confidential_guest = true"
	kv kernel_params "$kparams"
	;;
esac
