#!/bin/sh
# 005_verity_weak_args: the host adds optional arguments to the verity
# table on the command line (dm-mod.create is not sealroot's own key, so
# the strict key parser does not see them). The root hash stays right.
#  a) check_at_most_once: each block is verified once and trusted on every
#     later read: the verity step refuses the table with one FATAL line.
#  b) ignore_corruption: a corrupted block is only logged: refused too.
#  c) restart_on_corruption: a corrupted block ends the machine: taken, and
#     the agent runs.
# The arguments and their meaning: Linux
# Documentation/admin-guide/device-mapper/verity.rst (the 6.12 tree that
# kernel-config/source pins), and drivers/md/dm-verity-target.c
# verity_parse_opt_args(), which accepts them in any number.
. "$TOP/tests/lib/boot.sh"

cmdline=$(sr_bundle_cmdline "$BUNDLE")
with() { printf '%s' "$cmdline" | sed "s/\(dm-mod.create=\"[^\"]*\)\"/\1 1 $1\"/"; }
case $(with check_at_most_once) in
*" 1 check_at_most_once\""*) ;;
*) case_fail "the command line was not doctored" ;;
esac

for arg in check_at_most_once ignore_corruption; do
	boot_run "$BUNDLE/rootfs.img" "$(with $arg)"
	expect_fatal verity
	expect_log "verity optional argument \"$arg\" refused: only restart_on_corruption or panic_on_corruption"
	expect_no_log "sealroot-test: agent running"
	cp "$LOG" "$CASE_WORK/$arg.log"
done

boot_run "$BUNDLE/rootfs.img" "$(with restart_on_corruption)"
expect_log "step verity: ok"
expect_log "sealroot-test: VERDICT PASS"
