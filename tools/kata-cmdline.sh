#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# kata-cmdline: the kernel command line Kata's Go runtime composes for a
# bundle's [hypervisor.qemu] section, word for word, so that the reference
# values can cover the line Kata really boots (docs/kata.md, row 12).
# Derived from kata-containers commit 7c6ba40c54ea29b459b4997cff948caaba4e658b
# (KATA_COMMIT below: the one Kata version this knows; the bundle records
# it). Every word names the function that emits it.
# Usage: kata-cmdline.sh SHAPE VERITY_PARAMS ROOTFS_TYPE KERNEL_PARAMS
#        [ROOT_DATA ROOT_HASH] [EXTENSION_WORD...]
#        kata-cmdline.sh root VERITY_PARAMS ROOTFS_TYPE ROOT_DATA ROOT_HASH
#          (the root parameters alone, which runtime-rs builds the same way)
#        kata-cmdline.sh --commit (the Kata commit this follows)
#   SHAPE: coco-dev, snp or tdx (the Go runtime's qemu-<shape> template);
#   VERITY_PARAMS, ROOTFS_TYPE, KERNEL_PARAMS: the section's
#   kernel_verity_params, rootfs_type and kernel_params; ROOT_DATA and
#   ROOT_HASH the devices the root is on (default /dev/vda1 /dev/vda2: the
#   bundle keeps the root on virtio-blk, disable_image_nvdimm = true);
#   EXTENSION_WORD: each kata.extension.<name>.verity_params[=...] word, in
#   the order of guest_extension_images.
#   KATA_HOST_CPUS: the host's CPU count, which coco-dev puts in nr_cpus=
#   (default nproc); snp and tdx lines do not depend on the host.
#   KATA_COMMIT (make image KATA_COMMIT=...): the Kata version the user
#   runs; refused unless it is the one this follows (7 or more hex digits
#   of it), since another version may compose another line.
# Prints the line. On failure: "kata-cmdline: ERROR: ...", exit 2.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
STAGE=kata-cmdline
# shellcheck source=tools/common.sh
. "$top/tools/common.sh"
known=7c6ba40c54ea29b459b4997cff948caaba4e658b
if [ -n "${KATA_COMMIT:-}" ]; then
	case $KATA_COMMIT in
	*[!0-9a-f]* | ?????? | ????? | ???? | ??? | ?? | ?) die "KATA_COMMIT=$KATA_COMMIT is not 7 to 40 lower-case hex digits of a commit" ;;
	esac
	case $known in
	"$KATA_COMMIT"*) ;;
	*) die "KATA_COMMIT=$KATA_COMMIT: this sealroot composes Kata's command line as kata-containers $known does; another version may compose another line (update tools/kata-cmdline.sh from that version's src/runtime/virtcontainers/qemu.go)" ;;
	esac
fi
if [ "${1:-}" = --commit ]; then
	echo "$known"
	exit 0
fi
[ $# -ge 4 ] || usage_die "usage: kata-cmdline.sh SHAPE VERITY_PARAMS ROOTFS_TYPE KERNEL_PARAMS [ROOT_DATA ROOT_HASH] [EXTENSION_WORD...]"
shape=$1 vp=$2 fstype=${3:-ext4} kparams=$4
shift 4
data=/dev/vda1 hash=/dev/vda2
if [ $# -ge 2 ]; then
	case $1 in /dev/*) data=$1 hash=$2; shift 2 ;; esac
fi
if [ "$shape" = root ]; then
	data=$kparams hash=${1:?usage: kata-cmdline.sh root VERITY_PARAMS ROOTFS_TYPE ROOT_DATA ROOT_HASH}
	shift
	[ $# = 0 ] || usage_die "root takes five arguments"
fi
case $shape in coco-dev | snp | tdx | root) ;; *) usage_die "unknown shape $shape (coco-dev, snp or tdx)" ;; esac

# The root parameters: virtcontainers/hypervisor.go GetKernelRootParams
# (dm-mod.create, root, rootflags from kernelVerityRootFlags, rootfstype);
# runtime-rs crates/hypervisor/src/kernel_param.rs
# new_rootfs_kernel_params builds the same four in the same order.
root=$(python3 - "$vp" "$fstype" "$data" "$hash" <<'PY'
import sys
vp = dict(kv.split("=", 1) for kv in sys.argv[1].split(","))
fstype, data, hash_ = sys.argv[2], sys.argv[3], sys.argv[4]
bs, hbs, blocks = int(vp["data_block_size"]), int(vp["hash_block_size"]), int(vp["data_blocks"])
flags = "data=ordered,errors=remount-ro ro" if fstype == "ext4" else "ro"
print('dm-mod.create="dm-verity,,,ro,0 %d verity 1 %s %s %d %d %d 0 sha256 %s %s" '
      'root=/dev/dm-0 rootflags=%s rootfstype=%s'
      % (bs // 512 * blocks, data, hash_, bs, hbs, blocks, vp["root_hash"], vp["salt"], flags, fstype))
PY
) || die "kernel_verity_params is not root_hash=..,salt=..,data_blocks=..,data_block_size=..,hash_block_size=.."
if [ "$shape" = root ]; then
	printf '%s\n' "$root"
	exit 0
fi

# virtcontainers/qemu.go kernelParameters, in its order:
# qemu_amd64.go kernelParams (the arch list, q.kernelParams)
p="tsc=reliable no_timer_check rcupdate.rcu_expedited=1 i8042.direct=1 i8042.dumbkbd=1"
p="$p i8042.nopnp=1 i8042.noaux=1 noreplace-smp reboot=k cryptomgr.notests net.ifnames=0 pci=lastbus=0"
# qemu_arch_base.go handleImagePath: GetKernelRootParams appended to q.kernelParams
p="$p $root"
# qemu_arch_base.go appendConsole (virtio-serial console)
p="$p console=hvc0 console=hvc1"
# qemu_arch_base.go kernelParamsNonDebug, plus kernelParamsSystemdNonDebug
# (handleImagePath, an image is set)
p="$p quiet systemd.show_status=false"
# qemu.go defaultKernelParameters
p="$p panic=1"
# qemu.go kernelParameters: nr_cpus = default_maxvcpus, not for a
# confidential guest; 0 in the template means the host's CPU count
# (pkg/katautils/config.go defaultMaxVCPUs)
[ "$shape" != coco-dev ] || p="$p nr_cpus=${KATA_HOST_CPUS:-$(nproc)}"
# qemu.go kernelParameters: disable_guest_selinux = true (Makefile
# DEFDISABLEGUESTSELINUX)
p="$p selinux=0"
# pkg/katautils/config.go SetKernelParams, into config.KernelParams:
# create.go getKernelParams (needSystemd: an image is set) ...
p="$p systemd.unit=kata-containers.target systemd.mask=systemd-networkd.service"
p="$p systemd.mask=systemd-networkd.socket"
# ... scsi_mod.scan=none as block_device_driver is virtio-scsi
# (Makefile DEFBLOCKSTORAGEDRIVER_QEMU) ...
p="$p scsi_mod.scan=none"
# ... kata_agent.go KataAgentKernelParams: cdh_api_timeout = 50 (coco-dev
# template only), launch_process_timeout = 6 (all three templates) ...
[ "$shape" != coco-dev ] || p="$p agent.cdh_api_timeout=50"
p="$p agent.launch_process_timeout=6"
# ... then the configuration's kernel_params, last so that they win.
p="$p $kparams"
# qemu.go kernelParameters: one kata.extension.<name>.verity_params per
# guest_extension_images entry, after everything else.
for w in "$@"; do
	p="$p $w"
done
printf '%s\n' "$p"
