#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# Helpers for tests/boot/NNN_name/test.sh. A case boots the bundle in $BUNDLE
# (possibly with a doctored disk or command line), then checks the console
# verdict and QEMU's exit code. A case fails on the first failed check.

. "$TOP/tests/lib/qemu.sh"

# Seconds a case may take. A TCG boot takes a few seconds; this is the
# bound that turns a hang into a failure, not a performance check.
BOOT_TIMEOUT=${BOOT_TIMEOUT:-120}

# initdata_image TOML OUT: Kata's initdata disk, made by the host tool;
# the tool's report (digest, host-data, mrconfigid) goes to OUT.txt.
initdata_image() {
	"$TOP/build/host/sealroot-initdata" -o "$2" "$1" >"$2.txt" ||
		case_fail "sealroot-initdata refused $1"
}

# initdata_raw TOML OUT [LEN_LE_HEX]: the same format written by hand with
# gzip and printf, for documents and lengths the tool would refuse. LEN is
# the length field as 16 hex digits, little-endian byte order.
initdata_raw() {
	gzip -9nc <"$1" >"$2.gz"
	_len=${3:-}
	if [ -z "$_len" ]; then
		_n=$(wc -c <"$2.gz") _len=
		for _i in 1 2 3 4 5 6 7 8; do
			_len=$_len$(printf '%02x' $((_n & 255)))
			_n=$((_n >> 8))
		done
	fi
	{
		printf initdata
		# dash's printf has octal escapes only.
		for _b in $(printf '%s' "$_len" | sed 's/../& /g'); do
			printf "\\$(printf '%03o' "0x$_b")"
		done
		cat "$2.gz"
	} >"$2"
	rm -f "$2.gz"
	truncate -s %512 "$2"
}

# Every case gets an initdata disk made from tests/boot/initdata.toml, since
# the init requires one by default. A case sets INITDATA to its own image,
# or to nothing for none, before boot_run.
INITDATA=$CASE_WORK/initdata.img
initdata_image "$TOP/tests/boot/initdata.toml" "$INITDATA"

# boot_run DISK CMDLINE [QEMU ARGS...]: boots, console in $LOG, QEMU exit
# code in $RC. The initdata disk ($INITDATA) is the second virtio disk,
# /dev/vdb; extra QEMU arguments (a network, say) follow.
boot_run() {
	_disk=$1 _cmd=$2
	shift 2
	LOG=$CASE_WORK/console.log
	RC=0
	if [ -n "$INITDATA" ]; then
		set -- -drive "if=none,id=initdata,file=$INITDATA,format=raw,readonly=on" \
			-device virtio-blk-device,drive=initdata "$@"
	fi
	sr_qemu "$BUNDLE/vmlinux" "$_disk" "$_cmd" "$LOG" "$BOOT_TIMEOUT" "$@" || RC=$?
}

case_fail() {
	echo "  $*" >&2
	echo "  --- console (last 40 lines) ---" >&2
	tail -n 40 "$LOG" >&2 2>/dev/null
	[ -s "$LOG.qemu" ] && { echo "  --- qemu stderr ---" >&2; cat "$LOG.qemu" >&2; }
	exit 1
}

expect_log() {
	grep -qF -- "$1" "$LOG" || case_fail "console lacks: $1"
}

# expect_log_re ERE: the console has a line matching the extended regex.
expect_log_re() {
	grep -qE -- "$1" "$LOG" || case_fail "console lacks a match for: $1"
}

expect_no_log() {
	! grep -qF -- "$1" "$LOG" || case_fail "console has what must not be there: $1"
}

# QEMU must have exited by itself: 0 is a clean guest poweroff; with
# -no-reboot a kernel panic (panic=-1) also exits 0. 124 is our time limit.
expect_exited() {
	[ "$RC" != 124 ] || case_fail "QEMU did not exit within ${BOOT_TIMEOUT}s (hang)"
	[ "$RC" = 0 ] || case_fail "QEMU exited with $RC"
}

# The one FATAL line for STEP, and proof that the agent never ran.
expect_fatal() {
	expect_exited
	expect_log "sealroot: FATAL $1:"
	[ "$(grep -c 'sealroot: FATAL' "$LOG")" = 1 ] || case_fail "want exactly one FATAL line"
	expect_no_log "agent: starting"
	expect_no_log "sealroot-test: agent running"
}

# flip_byte FILE OFFSET: inverts one byte in place.
flip_byte() {
	_b=$(dd if="$1" bs=1 skip="$2" count=1 2>/dev/null | od -An -tu1 | tr -d ' ')
	printf "$(printf '\\%03o' $((_b ^ 255)))" |
		dd of="$1" bs=1 seek="$2" count=1 conv=notrunc 2>/dev/null
}

# tampered_root DISK: a copy of the bundle's root image at DISK with one
# byte flipped inside the agent binary: in its verdict text, stored
# uncompressed in partition 1, so the kernel can still start the init.
# Exits the case when the text is not where it must be.
tampered_root() {
	cp "$BUNDLE/rootfs.img" "$1"
	_off=$(grep -obUaF "sealroot-test: VERDICT PASS" "$1" | head -n 1 | cut -d: -f1)
	[ -n "$_off" ] || { echo "marker not found in the image"; exit 1; }
	[ "$_off" -ge 1048576 ] || { echo "marker outside partition 1"; exit 1; }
	flip_byte "$1" "$_off"
	cmp -s "$1" "$BUNDLE/rootfs.img" && { echo "flip did not change the image"; exit 1; }
	return 0
}
