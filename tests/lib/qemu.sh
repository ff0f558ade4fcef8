#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# Runs a sealroot bundle in QEMU. Sourced by the boot tests and the benchmark.
#
# KVM crashes guests on this class of machine and QEMU then hangs paused
# (reference/lab-notes.md), so the default is TCG, always under `timeout`.
# SEALROOT_ACCEL=kvm is used only after sr_kvm_probe succeeds.

# Appended by the runner, not part of the measured bundle command line:
# the serial console, the TSC frequency that microvm needs under TCG
# (without it about half the boots hang calibrating against the PIT).
SR_MACHINE_CMDLINE="console=ttyS0 tsc_early_khz=2300000 reboot=acpi"

sr_accel() {
	case "${SEALROOT_ACCEL:-tcg}" in
	kvm) echo kvm ;;
	*) echo tcg ;;
	esac
}

# sr_qemu KERNEL DISK CMDLINE LOG TIMEOUT [extra qemu args...]
# Boots with -M microvm and the PVH vmlinux; the root disk is virtio-blk
# (/dev/vda, read-only to the guest). Console to LOG. Returns QEMU's exit
# code, or 124 when the time limit ended it.
sr_qemu() {
	_k=$1 _d=$2 _c=$3 _log=$4 _t=$5
	shift 5
	timeout --foreground -k 5 "$_t" qemu-system-x86_64 \
		-M microvm,acpi=on,rtc=on -accel "$(sr_accel)" -cpu max -smp 1 -m 256M \
		-nodefaults -no-user-config -nographic -no-reboot \
		-serial "file:$_log" -monitor none \
		-kernel "$_k" -append "$SR_MACHINE_CMDLINE $_c" \
		-drive "if=none,id=root,file=$_d,format=raw,readonly=on" \
		-device virtio-blk-device,drive=root \
		"$@" </dev/null >/dev/null 2>"$_log.qemu"
}

# sr_bundle_cmdline OUTDIR: the command line the bundle was built with.
sr_bundle_cmdline() {
	cat "$1/cmdline"
}
