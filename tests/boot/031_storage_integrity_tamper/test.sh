#!/bin/sh
# 031_storage_integrity_tamper: integrity = true (dm-integrity with
# hmac-sha256 under dm-crypt, no wipe). Inside one boot the agent writes
# the marker file and drops its caches; the host, which took a copy of the
# disk just before the write, finds the blocks that changed and flips one
# byte in the middle of the longest changed run (the file's data), then
# signals the agent through a second disk. The agent's read must fail with
# an I/O error: no silently corrupted data. Before the flip, the file was
# written and the raw disk holds no plaintext.
. "$TOP/tests/lib/boot.sh"
. "$TOP/tests/lib/storage.sh"

STORAGE_TOML='integrity = true'
storage_initdata "$CASE_WORK/initdata.img" tamper
scratch_image "$CASE_WORK/scratch.img" 64M
scratch_image "$CASE_WORK/signal.img" 1M
LOG=$CASE_WORK/console.log
: >"$LOG"
# shellcheck disable=SC2046
(boot_run "$BUNDLE/rootfs.img" "$(sr_bundle_cmdline "$BUNDLE")" \
	$(scratch_args "$CASE_WORK/scratch.img") $(scratch_args "$CASE_WORK/signal.img" signal |
		sed 's/id=scratch/id=signal/; s/drive=scratch/drive=signal/')
echo "$RC" >"$CASE_WORK/rc") &
qpid=$!

# wait_for TEXT: until the console has TEXT (at most 120 s).
wait_for() {
	_i=0
	while ! grep -qF "$1" "$LOG" 2>/dev/null; do
		_i=$((_i + 1))
		if [ $_i -gt 1200 ] || ! kill -0 $qpid 2>/dev/null; then
			wait $qpid
			case_fail "the guest never printed: $1"
		fi
		sleep 0.1
	done
}
signal() {
	printf '%s' "$1" | dd of="$CASE_WORK/signal.img" conv=notrunc 2>/dev/null
}

wait_for "sealroot-test: storage READY"
cp --sparse=always "$CASE_WORK/scratch.img" "$CASE_WORK/before.img"
signal A
wait_for "sealroot-test: storage TAMPER-NOW"
no_marker "$CASE_WORK/scratch.img"
off=$(python3 - "$CASE_WORK/before.img" "$CASE_WORK/scratch.img" <<'PY'
import sys
a, b = open(sys.argv[1], "rb").read(), open(sys.argv[2], "rb").read()
bs = 4096
changed = [i for i in range(len(b) // bs) if a[i * bs:(i + 1) * bs] != b[i * bs:(i + 1) * bs]]
best, start, prev = (0, 0), None, None
for i in changed:
    if prev is None or i != prev + 1:
        start = i
    if i - start + 1 > best[0]:
        best = (i - start + 1, start)
    prev = i
if best[0] < 64:
    sys.exit("no run of 64 changed blocks (longest %d)" % best[0])
print((best[1] + best[0] // 2) * bs + 100)
PY
) || case_fail "could not find the file's blocks: $off"
flip_byte "$CASE_WORK/scratch.img" "$off"
signal G
wait $qpid
RC=$(cat "$CASE_WORK/rc")
expect_exited
expect_log "storage: /dev/vdc (64 MiB): ephemeral key, aes-xts-plain64 4096-byte sectors, dm-integrity hmac-sha256, new ext4"
expect_log "sealroot-test: storage wrote marker.bin 1048576 bytes sha256 $(marker_sha256)"
expect_log "sealroot-test: storage read error: I/O error"
expect_no_log "sealroot-test: storage read marker.bin"
expect_no_log "FATAL"
