#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# Runs a sealroot bundle in QEMU. Sourced by the boot tests and the benchmark.
#
# On the 2-core Debian 12 build machines this project is tested on, /dev/kvm
# exists but a Linux guest dies in early boot with "KVM internal error ...
# emulation failure", and QEMU then hangs paused instead of exiting. So the
# default is TCG, always under `timeout`; SEALROOT_ACCEL=kvm (or auto) is
# used only after a probe boot succeeds (docs/testing.md).

# Appended by the runner, not part of the measured bundle command line:
# the console (SR_CONSOLE_DEVICES), the TSC frequency that microvm needs
# under TCG (without it about half the boots hang calibrating against the
# PIT).
SR_MACHINE_CMDLINE="console=hvc0 tsc_early_khz=2300000 reboot=acpi"

# The console, with -chardev "file,id=con,path=LOG" (sr_qemu, and the
# benchmark's floor): a virtio console (hvc0), as Kata attaches one unless
# use_legacy_serial is set (kata-containers 7c6ba40c
# src/runtime/virtcontainers/qemu_arch_base.go appendConsole; Kata's is a
# port of a multiport device, ours the one port of its device: no control
# queue, two virtqueues), and no UART: QEMU's 8250 model makes a host
# write(2) per character, and under TCG the init's log lines cost it 15 to
# 20 ms. The kernel's messages from before the virtio console is probed,
# and from after the devices are shut down at power-off, reach no console:
# boot by hand with console=ttyS0 to see them (docs/testing.md).
SR_CONSOLE_DEVICES="-serial none -device virtio-serial-device,max_ports=1 -device virtconsole,chardev=con"

# sr_kvm_probe KERNEL: boots KERNEL under KVM with no root disk. A working
# KVM gets as far as the kernel's "Unable to mount root" panic, and QEMU exits
# (panic=-1, -no-reboot); a broken one hangs paused, which the timeout ends.
sr_kvm_probe() {
	[ -w /dev/kvm ] || return 1
	_plog=$(mktemp)
	timeout -k 2 20 qemu-system-x86_64 -M microvm,acpi=on -accel kvm -cpu host -m 128M \
		-nodefaults -no-user-config -nographic -no-reboot -serial "file:$_plog" -monitor none \
		-kernel "$1" -append "console=ttyS0 panic=-1" </dev/null >/dev/null 2>&1
	_prc=$?
	grep -q "Unable to mount root" "$_plog"
	_pok=$?
	rm -f "$_plog"
	[ "$_prc" = 0 ] && [ "$_pok" = 0 ]
}

# The accelerator: tcg unless SEALROOT_ACCEL=kvm (or auto) and a KVM probe
# boot of SR_PROBE_KERNEL succeeds. The probe runs once per shell.
sr_accel() {
	if [ -z "${SR_ACCEL_CHOSEN:-}" ]; then
		SR_ACCEL_CHOSEN=tcg
		case "${SEALROOT_ACCEL:-tcg}" in
		kvm | auto)
			if [ -n "${SR_PROBE_KERNEL:-}" ] && sr_kvm_probe "$SR_PROBE_KERNEL"; then
				SR_ACCEL_CHOSEN=kvm
			else
				echo "sealroot: KVM probe failed; using TCG" >&2
			fi
			;;
		esac
	fi
	echo "$SR_ACCEL_CHOSEN"
}

# The machine every microvm boot of the runner and the benchmark's floor
# share, after -accel ACCEL -cpu CPU (sr_cpu) and before the console.
SR_MACHINE="-M microvm,acpi=on -smp 1 -m 256M -nodefaults -no-user-config -nographic -no-reboot -monitor none"

# sr_cpu ACCEL: the CPU model for ACCEL, the host's under KVM.
sr_cpu() {
	if [ "$1" = kvm ]; then echo host; else echo max; fi
}

# sr_qemu KERNEL DISK CMDLINE LOG TIMEOUT [extra qemu args...]
# Boots with -M microvm and the PVH vmlinux; the root disk is virtio-blk
# (/dev/vda, read-only to the guest). The console to LOG
# (SR_CONSOLE_DEVICES). Returns QEMU's exit code, or 124 when the time
# limit ended it.
# The randomness sources are those of a Kata guest (docs/init.md,
# "Randomness"): a CPU with RDRAND/RDSEED, as every TEE CPU has (TCG's
# -cpu max has both), and a virtio-rng fed from the host's /dev/urandom, as
# Kata's coco-dev attaches (virtio-rng-pci there; on microvm's virtio-mmio
# bus, virtio-rng-device).
sr_qemu() {
	_k=$1 _d=$2 _c=$3 _log=$4 _t=$5
	shift 5
	SR_PROBE_KERNEL=${SR_PROBE_KERNEL:-$_k}
	sr_accel >/dev/null # picks (and remembers) in this shell, not a subshell
	_accel=$SR_ACCEL_CHOSEN
	# The command line as run, for the secret hygiene check (kbs.sh).
	printf '%s\n' "qemu-system-x86_64 -kernel $_k -append $SR_MACHINE_CMDLINE $_c -drive file=$_d $*" >"$_log.cmd"
	# shellcheck disable=SC2086 # SR_MACHINE, SR_CONSOLE_DEVICES: words, no paths
	timeout --foreground -k 5 "$_t" qemu-system-x86_64 \
		-accel "$_accel" -cpu "$(sr_cpu "$_accel")" $SR_MACHINE \
		-chardev "file,id=con,path=$_log" $SR_CONSOLE_DEVICES \
		-kernel "$_k" -append "$SR_MACHINE_CMDLINE $_c" \
		-drive "if=none,id=root,file=$_d,format=raw,readonly=on" \
		-device virtio-blk-device,drive=root \
		-object rng-random,id=rng0,filename=/dev/urandom -device virtio-rng-device,rng=rng0 \
		"$@" </dev/null >/dev/null 2>"$_log.qemu"
}

# sr_bundle_cmdline OUTDIR: the command line the bundle was built with.
sr_bundle_cmdline() {
	cat "$1/cmdline"
}
