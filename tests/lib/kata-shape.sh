#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# The QEMU command lines Kata's runtimes run, derived from their source, so
# that boot cases can start a bundle the way Kata starts it (docs/testing.md,
# "Kata-shaped boots"). Sourced by tests/boot/07x_*/test.sh.
#
# Source: kata-containers, commit 7c6ba40c54ea29b459b4997cff948caaba4e658b
# (2026-08-22). Paths below are in that repository; "Go" is src/runtime,
# "rs" is src/runtime-rs. Every argument names the function that emits it.
#
# What differs from a real Kata start, and why (the guest sees the same
# machine except where said):
#   - accel=tcg and -cpu max instead of accel=kvm and -cpu host (this
#     machine's KVM is unusable, docs/testing.md); rs's kernel_irqchip=on is
#     a KVM property and is left out;
#   - no TEE object (sev-snp-guest, tdx-guest) and no
#     confidential-guest-support=: TCG emulates neither;
#   - the hvc console's chardev is a file (KS_CONSOLE), not Kata's unix
#     socket: the same virtconsole device in the guest;
#   - no -qmp, -pidfile or vhost fds (host control plane). vhost-vsock is
#     added only when KS_VSOCK_CID is set and /dev/vhost-vsock is writable
#     (not on the test machines: no vhost_vsock module);
#   - "not nested" is assumed where Kata adds disable-modern=true inside a
#     VM (Go qemu_arch_base.go nestedRun; rs cmdline_generator.rs
#     should_disable_modern): the production host is bare metal.
#
# Inputs (ks_load_bundle sets the first group from a bundle directory):
#   KS_KERNEL KS_IMAGE KS_FIRMWARE      files, as the bundle's TOML names them
#   KS_KERNEL_PARAMS KS_VERITY_PARAMS KS_ROOTFS_TYPE   the TOML's values
#   KS_DISABLE_NVDIMM  the TOML's disable_image_nvdimm, or "" when unset
#   KS_ROOTFS_DRIVER   the TOML's vm_rootfs_driver (rs), or "" when unset
#   KS_INITDATA        the initdata disk image
#   KS_CONSOLE         the file the guest console (hvc0) is written to
#   KS_HOST_CPUS KS_HOST_MEM_MB   default: this host's (nproc, MemTotal)
#   KS_EXTENSIONS      guest extension images, "name=image" words, attached
#                      and announced as the Go runtime does (ks_go below);
#                      KS_EXT_PARAMS_<name> holds each one's verity_params
#                      value ("" or unset: a bare key), KS_EXT_SERIAL_<name>
#                      overrides its serial (tests that fake the host)
# Each ks_<shape> prints one QEMU argument per line; ks_run runs one.

export KS_KATA_COMMIT=7c6ba40c54ea29b459b4997cff948caaba4e658b
KS_HOST_CPUS=${KS_HOST_CPUS:-$(nproc)}
KS_HOST_MEM_MB=${KS_HOST_MEM_MB:-$(awk '/^MemTotal:/ { print int($2 / 1024) }' /proc/meminfo)}

# ks_load_bundle DIR TEE: reads DIR/configuration-qemu-TEE.toml; the paths
# it names (the install location) are taken by file name from DIR.
ks_load_bundle() {
	_ks=$(python3 - "$1/configuration-qemu-$2.toml" <<'PY'
import os, shlex, sys, tomllib
q = tomllib.load(open(sys.argv[1], "rb"))["hypervisor"]["qemu"]
def out(k, v): print("%s=%s" % (k, shlex.quote(v)))
out("KS_KERNEL", os.path.basename(q["kernel"]))
out("KS_IMAGE", os.path.basename(q["image"]))
out("KS_FIRMWARE", os.path.basename(q.get("firmware", "")))
out("KS_KERNEL_PARAMS", q.get("kernel_params", ""))
out("KS_VERITY_PARAMS", q.get("kernel_verity_params", ""))
out("KS_ROOTFS_TYPE", q.get("rootfs_type", ""))
d = q.get("disable_image_nvdimm")
out("KS_DISABLE_NVDIMM", "" if d is None else str(d).lower())
out("KS_ROOTFS_DRIVER", q.get("vm_rootfs_driver", ""))
PY
	) || return 1
	eval "$_ks"
	KS_KERNEL=$1/$KS_KERNEL KS_IMAGE=$1/$KS_IMAGE
	[ -z "$KS_FIRMWARE" ] || KS_FIRMWARE=$1/$KS_FIRMWARE
}

# ks_root_params DATA HASH: the root parameters both runtimes build from
# kernel_verity_params and rootfs_type (tools/kata-cmdline.sh root, which
# cites Go GetKernelRootParams and rs new_rootfs_kernel_params).
ks_root_params() {
	"$TOP/tools/kata-cmdline.sh" root "$KS_VERITY_PARAMS" "${KS_ROOTFS_TYPE:-ext4}" "$1" "$2"
}

# The Go runtime's kernel command line: tools/kata-cmdline.sh, the product's
# own copy of virtcontainers/qemu.go kernelParameters (the bundle's
# reference values cover the same line). $1: coco-dev, snp or tdx; $2 $3:
# the root's data and hash devices. Extensions as KS_EXTENSIONS says.
ks_go_append() {
	_w=
	for _e in ${KS_EXTENSIONS:-}; do
		_n=${_e%%=*}
		eval "_v=\${KS_EXT_PARAMS_$_n:-}"
		_w="$_w kata.extension.$_n.verity_params${_v:+=$_v}"
	done
	# shellcheck disable=SC2086 # _w: one word per extension, no blanks inside
	KATA_HOST_CPUS=$KS_HOST_CPUS "$TOP/tools/kata-cmdline.sh" "$1" "$KS_VERITY_PARAMS" \
		"${KS_ROOTFS_TYPE:-ext4}" "$KS_KERNEL_PARAMS" "$2" "$3" $_w
}

# ks_go SHAPE: the Go runtime's QEMU arguments for SHAPE (coco-dev, snp,
# tdx), in pkg/govmm/qemu/qemu.go LaunchQemu's order.
ks_go() {
	_shape=$1
	_conf=false
	[ "$_shape" = coco-dev ] || _conf=true # the snp and tdx templates: confidential_guest = true
	# Go qemu_amd64.go newQemuArch: a confidential guest disables NVDIMM;
	# otherwise disable_image_nvdimm, whose coco-dev default is false
	# (Makefile DEFDISABLEIMAGENVDIMM).
	_nvdimm=true
	if [ "$_conf" = true ] || [ "$KS_DISABLE_NVDIMM" = true ]; then _nvdimm=false; fi
	_rootdev="/dev/vda1 /dev/vda2"
	[ "$_nvdimm" = false ] || _rootdev="/dev/pmem0p1 /dev/pmem0p2"
	# appendName, appendUUID (qemu.go CreateVM: Name, UUID)
	printf '%s\n' -name "sandbox-sealroot-$_shape" -uuid 5ea1b007-0000-4000-8000-00000000c0c0
	# appendMachine: qemu_amd64.go defaultQemuMachineType q35 with
	# defaultQemuMachineOptions accel=kvm (confidential: splitIrqChipMachineOptions,
	# kernel_irqchip=split, and confidential-guest-support=, both KVM-only:
	# left out); qemu_arch_base.go handleImagePath adds qemuNvdimmOption.
	_m=q35,accel=tcg
	[ "$_nvdimm" = false ] || _m=$_m,nvdimm=on
	printf '%s\n' -machine "$_m"
	# appendCPUModel: qemu.go CreateVM cpuModel + "," + cpu_features
	# (amd64-options.mk CPUFEATURES / TDXCPUFEATURES pmu=off); host -> max
	printf '%s\n' -cpu max,pmu=off
	# appendMemory: qemu.go memoryTopology -> qemu_amd64.go memoryTopology ->
	# qemu.go genericMemoryTopology: default_memory 2048 (Makefile DEFMEMSZ),
	# slots 10 (DEFMEMSLOTS) and maxmem = host memory (default_maxmemory 0)
	# + 1024 for the NVDIMM; a confidential guest gets neither.
	if [ "$_conf" = true ]; then
		printf '%s\n' -m 2048M
	else
		printf '%s\n' -m "2048M,slots=10,maxmem=$((KS_HOST_MEM_MB + 1024))M"
	fi
	# appendDevices, in qemu.go buildDevices' order:
	# 1. qemu_arch_base.go appendBridges -> qemu.go genericAppendBridges,
	#    default_bridges 1 (Makefile DEFBRIDGES); with a firmware on q35
	#    (qemu_amd64.go bridges -> nestedPCIeBridges) behind a pcie-root-port
	if [ -n "$KS_FIRMWARE" ]; then
		printf '%s\n' -device pcie-root-port,id=rp-pci-bridge-0,bus=pcie.0,chassis=16,slot=0,addr=2,multifunction=false,bus-reserve=0x1,pref64-reserve=1m,mem-reserve=1m,io-reserve=4k \
			-device pcie-pci-bridge,bus=rp-pci-bridge-0,id=pci-bridge-0
	else
		printf '%s\n' -device pci-bridge,bus=pcie.0,id=pci-bridge-0,chassis_nr=1,shpc=off,addr=2,io-reserve=4k,mem-reserve=1m,pref64-reserve=1m
	fi
	# 2. qemu_arch_base.go appendConsole (use_legacy_serial = false):
	#    govmm SerialDevice and CharDevice (console0 on charconsole0)
	printf '%s\n' -device virtio-serial-pci,disable-modern=false,id=serial0 \
		-device virtconsole,chardev=charconsole0,id=console0 \
		-chardev "file,id=charconsole0,path=$KS_CONSOLE"
	# 3. the image: qemu_amd64.go appendImage -> qemu_arch_base.go
	#    appendNvdimmImage (govmm Object MemoryBackendFile: the device, then
	#    the object) or appendBlockImage (genericImage: id image-<random>,
	#    share-rw, read-only; genericBlockDevice: aio threads, if=none)
	if [ "$_nvdimm" = true ]; then
		printf '%s\n' -device nvdimm,id=nv0,memdev=mem0,unarmed=on \
			-object "memory-backend-file,id=mem0,mem-path=$KS_IMAGE,size=$(stat -c %s "$KS_IMAGE"),readonly=on"
	else
		printf '%s\n' -device virtio-blk-pci,disable-modern=false,drive=image-5ea1b00700000000,config-wce=off,share-rw=on,serial=image-5ea1b00700000000 \
			-drive "id=image-5ea1b00700000000,file=$KS_IMAGE,aio=threads,format=raw,if=none,readonly=on"
	fi
	# 3b. qemu.go buildDevices: each guest_extension_images entry, right
	#    after the image: a BlockDrive with ID extension-<name>, ShareRW,
	#    ReadOnly -> qemu_arch_base.go appendBlockDevice ->
	#    genericBlockDevice (virtio-blk-pci, serial = the ID: govmm
	#    BlockDevice QemuParams)
	for _e in ${KS_EXTENSIONS:-}; do
		_n=${_e%%=*}
		_ser=
		eval "_ser=\${KS_EXT_SERIAL_$_n:-extension-$_n}"
		printf '%s\n' -device "virtio-blk-pci,disable-modern=false,drive=extension-$_n,config-wce=off,share-rw=on,serial=$_ser" \
			-drive "id=extension-$_n,file=${_e#*=},aio=threads,format=raw,if=none,readonly=on"
	done
	# 4. qemu.go buildDevices: block_device_driver virtio-scsi -> qemu_arch_base.go
	#    appendSCSIController (genericSCSIController, no iothread:
	#    DEFENABLEIOTHREADS false)
	printf '%s\n' -device virtio-scsi-pci,id=scsi0,disable-modern=false
	# 5. qemu.go CreateVM: initdata -> qemu_arch_base.go buildInitdataDevice
	#    (virtio-blk-pci, id initdata, aio threads, not read-only)
	printf '%s\n' -device virtio-blk-pci,disable-modern=false,drive=initdata,config-wce=off,serial=initdata \
		-drive "id=initdata,file=$KS_INITDATA,aio=threads,format=raw,if=none"
	# 6. (the TEE object: qemu_amd64.go appendProtectionDevice; left out.
	#    Its govmm Object QemuParams sets -bios to the firmware, below.)
	# 7. qemu.go CreateVM: virtio-rng unless confidential_guest
	#    (qemu_arch_base.go appendRNGDevice, entropy_source /dev/urandom:
	#    Makefile DEFENTROPYSOURCE)
	[ "$_conf" = true ] ||
		printf '%s\n' -object rng-random,id=rng0,filename=/dev/urandom -device virtio-rng-pci,rng=rng0
	# 8. vhost-vsock, added before the start (qemu_arch_base.go appendVSock)
	ks_vsock disable-modern=false,
	# appendRTC: qemu.go CreateVM rtc
	printf '%s\n' -rtc base=utc,driftfix=slew,clock=host
	# appendGlobalParam: qemu.go CreateVM GlobalParam
	printf '%s\n' -global kvm-pit.lost_tick_policy=discard
	# appendVGA and appendKnobs: qemu.go CreateVM VGA none, Knobs
	printf '%s\n' -vga none -no-user-config -nodefaults -nographic --no-reboot
	# appendKernel: the configured kernel and qemu.go kernelParameters
	# shellcheck disable=SC2086 # _rootdev: two device names
	_append=$(ks_go_append "$_shape" $_rootdev) || return 1
	printf '%s\n' -kernel "$KS_KERNEL" -append "$_append"
	# appendBios: noneProtection returns the configured firmware
	# (qemu_amd64.go appendProtectionDevice); snp/tdx: the govmm SNPGuest /
	# TDXGuest object sets config.Bios to the firmware
	# (KS_NO_BIOS=1: QEMU's own BIOS instead, for a firmware that cannot
	# boot without its TEE: see tests/boot/071_kata_snp_shape)
	[ -z "$KS_FIRMWARE" ] || [ -n "${KS_NO_BIOS:-}" ] || printf '%s\n' -bios "$KS_FIRMWARE"
	# appendCPUs: qemu_arch_base.go cpuTopology, default_vcpus 1, maxvcpus =
	# the host's CPUs; a confidential guest: no sockets or maxcpus
	if [ "$_conf" = true ]; then
		printf '%s\n' -smp 1,cores=1,threads=1
	else
		printf '%s\n' -smp "1,cores=1,threads=1,sockets=$KS_HOST_CPUS,maxcpus=$KS_HOST_CPUS"
	fi
}

ks_go_coco_dev() { ks_go coco-dev; }
ks_go_snp() { ks_go snp; }
ks_go_tdx() { ks_go tdx; }

# ks_vsock PREFIX: vhost-vsock-pci when asked for and possible (see above).
ks_vsock() {
	[ -n "${KS_VSOCK_CID:-}" ] && [ -w /dev/vhost-vsock ] || return 0
	printf '%s\n' -device "vhost-vsock-pci,${1}id=vsock-$KS_VSOCK_CID,guest-cid=$KS_VSOCK_CID,bus=pcie.0"
}

# ks_rs_coco_dev: runtime-rs's QEMU arguments for configuration-qemu-coco-dev-
# runtime-rs.toml, in crates/hypervisor/src/qemu/cmdline_generator.rs
# QemuCmdLine::build's order (-name, kernel, smp, machine, cpu, memory,
# devices, bios, knobs).
ks_rs_coco_dev() {
	# vm_rootfs_driver: the template's @VMROOTFSDRIVER_QEMU@, virtio-pmem on
	# x86_64 (src/runtime-rs/Makefile); on QEMU it is an nvdimm device
	# (device/device_manager.rs VIRTIO_PMEM -> KATA_NVDIMM_DEV_TYPE;
	# qemu/inner.rs start_vm -> add_nvdimm).
	_drv=${KS_ROOTFS_DRIVER:-virtio-pmem}
	if [ "$_drv" = virtio-pmem ]; then
		_root=$(ks_root_params /dev/pmem0p1 /dev/pmem0p2) || return 1
	else
		_root=$(ks_root_params /dev/vda1 /dev/vda2) || return 1
	fi
	printf '%s\n' -name sandbox-sealroot-rs-coco-dev
	# Kernel::new: KernelParams::new (kernel_param.rs: reboot=k panic=1 and
	# the systemd units), new_rootfs_kernel_params, boot_info.kernel_params
	# (runtimes/src/manager.rs update_agent_kernel_params puts the agent's
	# in front: kata-types config/mod.rs get_agent_kernel_params, a sorted
	# map: agent.cdh_api_timeout = cdh_api_timeout_ms 50000 / 1000,
	# agent.launch_process_timeout 6), selinux (disable_guest_selinux true);
	# then add_console appends console=hvc0. No scsi_mod.scan here.
	_p="reboot=k panic=1 systemd.unit=kata-containers.target systemd.mask=systemd-networkd.service"
	_p="$_p systemd.mask=systemd-networkd.socket $_root"
	_p="$_p agent.cdh_api_timeout=50 agent.launch_process_timeout=6 $KS_KERNEL_PARAMS"
	_p="$_p selinux=0 console=hvc0"
	printf '%s\n' -kernel "$KS_KERNEL" -append "$_p"
	# Smp::new: default_vcpus 1, maxcpus = default_maxvcpus (0 -> the host's)
	if [ "$KS_HOST_CPUS" -gt 1 ]; then
		printf '%s\n' -smp "1,maxcpus=$KS_HOST_CPUS"
	else
		printf '%s\n' -smp 1
	fi
	# Machine: q35 (MACHINETYPE), accel=kvm -> tcg, nvdimm=on (add_nvdimm
	# set_nvdimm), kernel_irqchip=on (KVM-only, left out), memory-backend
	# (add_ram_memory_backend: shared_fs none)
	_m=q35,accel=tcg
	[ "$_drv" != virtio-pmem ] || _m=$_m,nvdimm=on
	printf '%s\n' -machine "$_m,memory-backend=entire-guest-memory"
	# Cpu: host -> max, cpu_features pmu=off
	printf '%s\n' -cpu max,pmu=off
	# Memory: default_memory 2048 MiB (format_memory: 2G), memory_slots 10,
	# maxmem = default_maxmemory (0 -> host memory, kata-types MemoryInfo
	# adjust_config); then its backend, MemoryBackendRam
	printf '%s\n' -m "2G,slots=10,maxmem=${KS_HOST_MEM_MB}M" \
		-object memory-backend-ram,id=entire-guest-memory,size=2G
	# devices, in QemuCmdLine::new's order: add_rtc, add_rng, add_bridges
	# (DevicePciBridge: no firmware), add_scsi_controller (virtio-scsi)
	printf '%s\n' -rtc base=utc,clock=host,driftfix=slew \
		-object rng-random,id=rng0,filename=/dev/urandom -device virtio-rng-pci,rng=rng0 \
		-device pci-bridge,bus=pcie.0,id=pci-bridge-0,chassis_nr=1,shpc=off,addr=2,io-reserve=4k,mem-reserve=1m,pref64-reserve=1m \
		-device virtio-scsi-pci,id=scsi0
	# then start_vm's devices in order: the vsock (add_vsock) ...
	ks_vsock ""
	# ... the root image (add_nvdimm: MemoryBackendFile id "TODO", size in
	# bytes unless MiB-aligned (format_memory), share/prealloc off,
	# read-only; DeviceNvdimm unarmed) ...
	if [ "$_drv" = virtio-pmem ]; then
		_sz=$(stat -c %s "$KS_IMAGE")
		if [ $((_sz % 1048576)) = 0 ]; then
			if [ $((_sz % 1073741824)) = 0 ]; then _sz=$((_sz / 1073741824))G; else _sz=$((_sz / 1048576))M; fi
		fi
		printf '%s\n' -object "memory-backend-file,id=TODO,mem-path=$KS_IMAGE,size=$_sz,share=off,prealloc=off,readonly=on" \
			-device nvdimm,memdev=TODO,unarmed=on
	else
		printf '%s\n' -blockdev "driver=file,node-name=image-rootfs,filename=$KS_IMAGE,aio=threads,cache.direct=off,cache.no-flush=off,read-only=on" \
			-device virtio-blk-pci,drive=image-rootfs,config-wce=off,share-rw=off,serial=image-rootfs
	fi
	# ... the initdata disk: virt_container/src/sandbox.rs
	# prepare_initdata_device_config, driver_option = block_device_driver
	# (virtio-scsi), read-only; add_block_device: BlockBackend (aio threads,
	# cache.direct off) and DeviceScsiHd on scsi0.0 (Kata passes the file as
	# an fdset; the file name here)
	printf '%s\n' -blockdev "driver=file,node-name=image-initdata,filename=$KS_INITDATA,aio=threads,cache.direct=off,cache.no-flush=off,read-only=on" \
		-device scsi-hd,drive=image-initdata,bus=scsi0.0
	# ... and add_console: DeviceVirtioSerial, DeviceVirtconsole, the chardev
	printf '%s\n' -device virtio-serial-pci,id=serial0 \
		-device virtconsole,id=console0,chardev=charconsole0 \
		-chardev "file,id=charconsole0,path=$KS_CONSOLE"
	# Knobs
	printf '%s\n' -vga none -no-user-config -nodefaults -nographic -no-reboot
}

# ks_expect_contract: the test agent's agent contract (tests/agent/contract.c,
# docs/testing.md "The agent contract") in $LOG: exactly KS_CONTRACT_STEPS
# step lines and its "done" line, none FAIL, every one ok except the ttRPC
# listen on vsock, which says "skipped" when QEMU attached no vhost-vsock
# (ks_vsock; no /dev/vhost-vsock on the test machines) and must be ok when
# it did, and the two guest pulls, skipped when the case attaches no coco
# extension (no confidential-data-hub to pull with); both cgroupsPath
# forms' containers created, started and removed.
KS_CONTRACT_STEPS=46
ks_expect_contract() {
	_re='sealroot-test: contract [0-9][0-9]* [^:]*: '
	_all=$(grep -cE "${_re}(ok \\(|FAIL |skipped: )" "$LOG")
	_ok=$(grep -c "${_re}ok (" "$LOG")
	_skip=$(grep -c "${_re}skipped: " "$LOG")
	[ "$(grep -c "${_re}FAIL " "$LOG")" = 0 ] ||
		case_fail "agent contract steps failed: $(grep "${_re}FAIL " "$LOG")"
	[ "$_all" = "$KS_CONTRACT_STEPS" ] ||
		case_fail "$_all agent contract steps, not $KS_CONTRACT_STEPS"
	if grep -q '^vhost-vsock-pci,' "$LOG.cmd"; then
		expect_log "start ttRPC listen vsock: ok ("
		_want_skip=0
	else
		expect_log "start ttRPC listen vsock: skipped: "
		_want_skip=1
	fi
	# Guest pull needs the confidential-data-hub, which the coco extension
	# brings: without it both pulls are skipped, never ok (contract.c
	# step_pull).
	if grep -q 'serial=extension-coco' "$LOG.cmd"; then
		expect_no_log "guest-pull rootfs: skipped: "
	else
		for _form in cgroupfs systemd; do
			expect_log "CreateContainer $_form guest-pull rootfs: skipped: no confidential-data-hub"
		done
		_want_skip=$((_want_skip + 2))
	fi
	if [ "$_skip" != "$_want_skip" ] || [ "$_ok" != $((KS_CONTRACT_STEPS - _want_skip)) ]; then
		case_fail "agent contract: $_ok ok and $_skip skipped of $KS_CONTRACT_STEPS"
	fi
	for _form in cgroupfs systemd; do
		for _s in cgroupsPath "pod cgroup" "container cgroup" "device cgroup bpf" resources \
			"start process" destroy; do
			expect_log "CreateContainer $_form $_s: ok ("
		done
	done
	expect_log "sealroot-test: contract done: $KS_CONTRACT_STEPS steps, $_ok ok, 0 FAIL, $_skip skipped"
}

# ks_run SHAPE_FUNCTION TIMEOUT: runs qemu-system-x86_64 with the shape's
# arguments under timeout; QEMU's stderr goes to $KS_CONSOLE.qemu and the
# whole command line to $KS_CONSOLE.cmd. Returns QEMU's exit code (124: the
# time limit).
ks_run() {
	_ksargs=$("$1") || return 1
	printf '%s\n' "$_ksargs" >"$KS_CONSOLE.cmd"
	_ksifs=$IFS
	IFS='
'
	set -f
	# shellcheck disable=SC2086
	set -- "$2" $_ksargs
	set +f
	IFS=$_ksifs
	_kst=$1
	shift
	timeout --foreground -k 5 "$_kst" qemu-system-x86_64 "$@" </dev/null >/dev/null 2>"$KS_CONSOLE.qemu"
}
