#!/bin/sh
# 060_se_unprotected: the se bundle (s390x) boots under QEMU's TCG without
# protection, as genprotimg would seal it: the bundle's bzImage, initrd.img
# and parmfile, nothing else. The guest has no Ultravisor, so this shows the
# s390x build itself: the cross-built init runs the pipeline from the
# initramfs (sealroot.root=initramfs), reads the initdata disk over
# virtio-blk-ccw, loads the modules, and the cross-built test agent reports
# PASS from inside. A second boot with a doctored parmfile (a root hash
# beside sealroot.root=initramfs) fails closed with one FATAL line.
# The bundle is out/se (make image TEE=se here: a no-op when it is current).
. "$TOP/tests/lib/boot.sh"

se=$TOP/out/se
(cd "$TOP" && make -s image TEE=se >"$CASE_WORK/make.log" 2>&1) ||
	{ tail -n 30 "$CASE_WORK/make.log"; case_fail "make image TEE=se failed"; }
for f in bzImage initrd.img parmfile; do
	[ -f "$se/$f" ] || case_fail "out/se has no $f"
done
command -v qemu-system-s390x >/dev/null || case_fail "qemu-system-s390x missing (qemu-system-misc)"

# se_boot PARMFILE LOG: the SE guest's whole command line is its parmfile.
se_boot() {
	RC=0
	timeout --foreground -k 5 "$BOOT_TIMEOUT" qemu-system-s390x \
		-M s390-ccw-virtio -accel tcg -smp 1 -m 512M \
		-nodefaults -no-user-config -nographic -no-reboot \
		-serial "file:$2" -monitor none \
		-kernel "$se/bzImage" -initrd "$se/initrd.img" -append "$(cat "$1")" \
		-drive "if=none,id=initdata,file=$INITDATA,format=raw,readonly=on" \
		-device virtio-blk-ccw,drive=initdata </dev/null >/dev/null 2>"$2.qemu" || RC=$?
	LOG=$2
}

se_boot "$se/parmfile" "$CASE_WORK/console.log"
expect_exited
for step in mount cmdline verity kmod initdata agent; do
	expect_log "step $step: ok"
done
expect_log "verity: / is the initramfs, measured with the kernel (sealroot.root=initramfs), now read-only"
# kexec: the init locks it (kernel.kexec_load_disabled=1) wherever the
# kernel has it; the se kernel's configuration leaves it out, and then there
# is nothing to lock.
kconfig=$(cat "$TOP/build/kernel-se.dir")/config
[ -f "$kconfig" ] || case_fail "no se kernel config at $kconfig"
if grep -q '^CONFIG_KEXEC_CORE=y' "$kconfig"; then
	expect_log "kmod: kexec now disabled"
else
	expect_no_log "kexec now disabled"
fi
expect_log "sealroot-test: VERDICT PASS: / is the initramfs and read-only"
expect_no_log "VERDICT FAIL"
expect_no_log "FATAL"
expect_log "powering off"

# Doctored: both roots named. The init refuses before any step after cmdline.
printf '%s sealroot.roothash=%064d\n' "$(cat "$se/parmfile")" 0 >"$CASE_WORK/parmfile.bad"
se_boot "$CASE_WORK/parmfile.bad" "$CASE_WORK/console-bad.log"
expect_fatal cmdline
expect_log "sealroot.roothash and sealroot.root=initramfs exclude each other"
