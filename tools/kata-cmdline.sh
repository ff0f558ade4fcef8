#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# kata-cmdline: the kernel command line Kata composes for a bundle's
# [hypervisor.qemu] section, word for word, so that the reference values
# can cover the line Kata really boots (docs/kata.md, row 12): the Go
# runtime's (src/runtime) or runtime-rs's (src/runtime-rs).
# Derived from kata-containers commit 7c6ba40c54ea29b459b4997cff948caaba4e658b
# (KATA_COMMIT below: the one Kata version this knows; the bundle records
# it). Every word names the function that emits it.
# Usage: kata-cmdline.sh SHAPE VERITY_PARAMS ROOTFS_TYPE KERNEL_PARAMS
#        [ROOT_DATA ROOT_HASH] [EXTENSION_WORD...]
#        kata-cmdline.sh root VERITY_PARAMS ROOTFS_TYPE ROOT_DATA ROOT_HASH
#          (the root parameters alone, which runtime-rs builds the same way)
#        kata-cmdline.sh --commit (the Kata commit this follows)
#   SHAPE: coco-dev, snp or tdx (the Go runtime's qemu-<shape> template),
#   or rs-snp, rs-tdx (runtime-rs's qemu-<tee>-runtime-rs template);
#   VERITY_PARAMS, ROOTFS_TYPE, KERNEL_PARAMS: the section's
#   kernel_verity_params, rootfs_type and kernel_params; ROOT_DATA and
#   ROOT_HASH the devices the root is on (default /dev/vda1 /dev/vda2: the
#   bundle keeps the root on virtio-blk, disable_image_nvdimm = true and
#   vm_rootfs_driver = "virtio-blk-pci"; runtime-rs names no others for it);
#   EXTENSION_WORD: each kata.extension.<name>.verity_params[=...] word, in
#   the order of guest_extension_images.
#   KATA_HOST_CPUS: the host's CPU count, which coco-dev puts in nr_cpus=
#   (default nproc); snp and tdx lines do not depend on the host.
#   KATA_COMMIT (make image KATA_COMMIT=...): the Kata version the user
#   runs; refused unless it is the one this follows (7 or more hex digits
#   of it), since another version may compose another line.
# Prints the line. On failure: "kata-cmdline: ERROR: ...", exit 2 (wrong
# arguments) or 1 (a section Kata would not boot).
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
	*) die "KATA_COMMIT=$KATA_COMMIT: this sealroot composes Kata's command line as kata-containers $known does; another version may compose another line (update tools/kata-cmdline.sh from that version's src/runtime/virtcontainers/qemu.go and src/runtime-rs/crates/hypervisor/src/qemu/cmdline_generator.rs)" ;;
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
case $shape in
coco-dev | snp | tdx | root) ;;
rs-snp | rs-tdx)
	# runtime-rs: crates/hypervisor/src/kernel_param.rs
	# new_rootfs_kernel_params names /dev/vda1 and /dev/vda2 for
	# virtio-blk-pci and knows three file systems; anything else, Kata
	# refuses to start the VM.
	[ "$data $hash" = "/dev/vda1 /dev/vda2" ] ||
		usage_die "$shape: runtime-rs puts a virtio-blk-pci root on /dev/vda1 /dev/vda2, not $data $hash"
	case $fstype in ext4 | xfs | erofs) ;; *) usage_die "$shape: runtime-rs refuses rootfs_type $fstype (ext4, xfs or erofs)" ;; esac
	;;
*) usage_die "unknown shape $shape (coco-dev, snp, tdx, rs-snp or rs-tdx)" ;;
esac

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

# runtime-rs (src/runtime-rs, qemu-snp-runtime-rs and qemu-tdx-runtime-rs:
# the same line for both), crates/hypervisor/src/qemu/cmdline_generator.rs
# Kernel::new, in its order, then the console that qemu/inner.rs start_vm
# adds once every device is in.
if [ "${shape#rs-}" != "$shape" ]; then
	# kernel_param.rs KernelParams::new (enable_debug = false: no
	# agent.log_vport)
	p="reboot=k panic=1 systemd.unit=kata-containers.target systemd.mask=systemd-networkd.service"
	p="$p systemd.mask=systemd-networkd.socket"
	# Kernel::new, initrd empty: kernel_param.rs new_rootfs_kernel_params
	# (virtio-blk-pci; with kernel_verity_params set it drops root,
	# rootflags and rootfstype and pushes dm-mod.create and the three again)
	p="$p $root"
	# Kernel::new: KernelParams::from_string(boot_info.kernel_params), which
	# runtimes/src/manager.rs update_agent_kernel_params has prefixed with
	# the agent's words (kata-types config/hypervisor/mod.rs
	# BootInfo::add_kernel_params: new ones first). kata-types config/mod.rs
	# get_agent_kernel_params fills a BTreeMap, so they come sorted by key:
	# agent.cdh_api_timeout = cdh_api_timeout_ms 50000 / 1000, and
	# launch_process_timeout 6 (both templates' [agent.kata]; enable_debug,
	# enable_tracing, debug_console_enabled, mem_agent and
	# container_pipe_size off, so no other agent word). Then the rest of the
	# line (from_string, and each extension word below) goes through
	# from_string and Param::to_string: split on spaces outside double
	# quotes, a word "k=" printed as "k", a word with an empty key refused.
	# shellcheck disable=SC2016 # python, not shell
	rs='import sys
ws = " \t\n\x0b\x0c\r\x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000"
out = []
for line in sys.argv[1:]:
    words, cur, q = [], "", False
    for c in line:
        if c == "\"":
            q = not q
            cur += c
        elif c == " " and not q:
            if cur.strip(ws):
                words.append(cur.strip(ws))
            cur = ""
        else:
            cur += c
    if cur.strip(ws):
        words.append(cur.strip(ws))
    for w in words:
        k, _, v = w.partition("=")
        if not k:
            sys.exit("kata-cmdline: ERROR: runtime-rs refuses the kernel parameter %r (kernel_param.rs Param::to_string: empty key)" % w)
        out.append(k + "=" + v if v else k)
print(" ".join(out))'
	p="$p $(python3 -c "$rs" "agent.cdh_api_timeout=50 agent.launch_process_timeout=6 $kparams")" || exit 1
	# Kernel::new: selinux=0, disable_guest_selinux = true (src/runtime-rs/
	# Makefile DEFDISABLEGUESTSELINUX)
	p="$p selinux=0"
	# Kernel::new: one kata.extension.<name>.verity_params=<value> per
	# guest_extension_images entry (an empty value comes out a bare key).
	for w in "$@"; do
		p="$p $(python3 -c "$rs" "$w")" || exit 1
	done
	# qemu/inner.rs start_vm -> cmdline_generator.rs add_console: one
	# virtio console, last of all. No quiet, systemd.show_status, nr_cpus or
	# scsi_mod.scan (block_device_driver virtio-scsi adds none here).
	printf '%s console=hvc0\n' "$p"
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
