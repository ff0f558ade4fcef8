#!/bin/sh
# 061_se_initdata_bound: on IBM SE the initdata is bound only through the
# parmfile genprotimg seals (issue 16, finding 1): tools/se-image.sh
# --initdata appends sealroot.initdata_digest=<alg>:<hex>, and the init
# checks the decompressed TOML against it before parsing it. The se bundle
# (out/se, as 060 boots it: s390x under TCG, no Ultravisor) gets the
# parmfile plus the key of tests/boot/initdata.toml:
#  a) the genuine initdata disk: bound by the command line, the agent passes;
#  b) a forged disk, the owner's aa.toml (KBS) kept and policy.rego swapped
#     for a permissive one: one FATAL initdata line naming both digests,
#     nothing written, no agent;
#  c) no initdata disk at all: FATAL, the key names one.
# Without a /dev/uv the init sees no SE here; that SE without the key fails
# closed is tests/unit/test_initdata_step.c (a fake /dev/uv).
. "$TOP/tests/lib/boot.sh"

se=$TOP/out/se
(cd "$TOP" && make -s image TEE=se >"$CASE_WORK/make.log" 2>&1) ||
	{ tail -n 30 "$CASE_WORK/make.log"; case_fail "make image TEE=se failed"; }
for f in bzImage initrd.img parmfile; do
	[ -f "$se/$f" ] || case_fail "out/se has no $f"
done
command -v qemu-system-s390x >/dev/null || case_fail "qemu-system-s390x missing (qemu-system-misc)"

# se_boot PARMFILE LOG: the SE guest's whole command line is its parmfile;
# the initdata disk is $INITDATA (none when empty).
se_boot() {
	_parm=$1 LOG=$2
	RC=0
	set --
	if [ -n "$INITDATA" ]; then
		set -- -drive "if=none,id=initdata,file=$INITDATA,format=raw,readonly=on" \
			-device virtio-blk-ccw,drive=initdata
	fi
	timeout --foreground -k 5 "$BOOT_TIMEOUT" qemu-system-s390x \
		-M s390-ccw-virtio -accel tcg -smp 1 -m 512M \
		-nodefaults -no-user-config -nographic -no-reboot \
		-serial "file:$LOG" -monitor none \
		-kernel "$se/bzImage" -initrd "$se/initrd.img" -append "$(cat "$_parm")" \
		"$@" </dev/null >/dev/null 2>"$LOG.qemu" || RC=$?
}

# The parmfile se-image.sh --initdata would seal, from the tool's own key.
genuine=$TOP/tests/boot/initdata.toml
key=$(sed -n 's/^cmdline-key: //p' "$INITDATA.txt")
want=$(sha384sum <"$genuine" | cut -d' ' -f1)
[ "$key" = "sealroot.initdata_digest=sha384:$want" ] || case_fail "sealroot-initdata's key is \"$key\""
printf '%s %s\n' "$(cat "$se/parmfile")" "$key" >"$CASE_WORK/parmfile"

# a) The genuine initdata.
se_boot "$CASE_WORK/parmfile" "$CASE_WORK/console.log"
expect_exited
expect_log "cmdline: initdata must be sha384 $want"
expect_log "initdata: bound: the measured command line's sealroot.initdata_digest matches"
expect_log "initdata: wrote 4 files to /run/confidential-containers/initdata"
expect_log "step agent: ok"
expect_log "sealroot-test: VERDICT PASS"
expect_no_log "VERDICT FAIL"
expect_no_log "FATAL"

# b) The host keeps the owner's aa.toml and swaps the policy.
sed 's/^default AllowRequestsFailingPolicy := false$/default AllowRequestsFailingPolicy := true/' \
	"$genuine" >"$CASE_WORK/forged.toml"
cmp -s "$genuine" "$CASE_WORK/forged.toml" && case_fail "the forged initdata is the genuine one"
INITDATA=$CASE_WORK/forged.img
initdata_image "$CASE_WORK/forged.toml" "$INITDATA"
forged=$(sha384sum <"$CASE_WORK/forged.toml" | cut -d' ' -f1)
se_boot "$CASE_WORK/parmfile" "$CASE_WORK/console-forged.log"
expect_fatal initdata
expect_log "sha384 $forged does not match sealroot.initdata_digest $want"
expect_no_log "initdata: wrote"
expect_no_log "initdata: bound"

# c) The key, and no initdata disk.
INITDATA=
se_boot "$CASE_WORK/parmfile" "$CASE_WORK/console-none.log"
expect_fatal initdata
expect_log "but the command line names one (sealroot.initdata_digest)"
expect_no_log "initdata: wrote"
