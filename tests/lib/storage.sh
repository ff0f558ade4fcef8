#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# Scratch disks for the storage boot cases. Sourced after tests/lib/boot.sh.

MARKER=SEALROOT-MARKER!   # what the test agent writes, 65536 times

# scratch_image FILE SIZE: a sparse, all-zero raw disk (SIZE as truncate takes it).
scratch_image() {
	rm -f "$1"
	truncate -s "$2" "$1" || case_fail "truncate $1"
}

# storage_initdata OUT ACTION: an initdata with a sealroot.toml [storage]
# table (device STORAGE_DEVICE, default scratch0, plus the lines in
# STORAGE_TOML) and the test
# agent's "test-storage" action; its disk image becomes INITDATA.
storage_initdata() {
	cat >"$1.toml" <<TOML
version = "0.1.0"
algorithm = "sha384"
[data]
"sealroot.toml" = '''
[storage]
device = "${STORAGE_DEVICE:-scratch0}"
${STORAGE_TOML:-}
'''
"test-storage" = "$2"
TOML
	initdata_image "$1.toml" "$1"
	INITDATA=$1
}

# scratch_args FILE [SERIAL]: QEMU arguments for the scratch disk.
scratch_args() {
	echo "-drive if=none,id=scratch,file=$1,format=raw -device virtio-blk-device,drive=scratch,serial=${2:-scratch0}"
}

# no_marker FILE: fails when the marker's plaintext is in FILE. Only the
# data extents of a sparse image are read (SEEK_DATA/SEEK_HOLE), so a
# 16 GiB image with a few MiB written is searched in a moment.
no_marker() {
	python3 - "$1" "$MARKER" <<'PY' || case_fail "the plaintext marker is in $1"
import os, sys
fd, pat = os.open(sys.argv[1], os.O_RDONLY), sys.argv[2].encode()
size, off, seen = os.fstat(fd).st_size, 0, 0
while off < size:
    try:
        start = os.lseek(fd, off, os.SEEK_DATA)
    except OSError:
        break
    end = os.lseek(fd, start, os.SEEK_HOLE)
    pos, tail = start, b""
    while pos < end:
        chunk = os.pread(fd, min(1 << 20, end - pos), pos)
        if pat in tail + chunk:
            sys.exit(1)
        tail, pos, seen = chunk[-len(pat):], pos + len(chunk), seen + len(chunk)
    off = end
# Not vacuous: there was data to search.
sys.exit(0 if seen > 0 else 2)
PY
}

# marker_sha256: the SHA-256 of the 1 MiB the agent writes.
marker_sha256() {
	python3 -c 'import hashlib; print(hashlib.sha256(b"SEALROOT-MARKER!" * 65536).hexdigest())'
}

# storage_kbs_boot ACTION KEYFILE: one boot whose scratch disk
# $CASE_WORK/scratch.img takes its key from the test KBS
# (kbs:///default/key/scratch, served from KEYFILE) and whose agent does
# ACTION. The KBS serves HTTPS with a throw-away CA that the initdata pins,
# as in case 029: the init refuses a storage key from a plain http:// KBS,
# which the host could answer itself. STORAGE_TOML adds lines to
# [storage]. Needs tests/lib/kbs.sh; writes $CASE_WORK/secret and
# $CASE_WORK/tls once.
# shellcheck disable=SC2034 # attest_initdata and kbs_config read the ATTEST_* and KBS_* variables
storage_kbs_boot() {
	[ -f "$CASE_WORK/secret" ] || head -c 32 /dev/urandom | base64 -w0 >"$CASE_WORK/secret"
	[ -f "$CASE_WORK/tls/ca.pem" ] ||
		sh "$TOP/tests/kbs/gen-cert.sh" "$CASE_WORK/tls" IP:10.0.2.100 >/dev/null 2>&1 ||
		case_fail "gen-cert.sh failed"
	ATTEST_TAIL="[storage]
device = \"scratch0\"
key = \"kbs:///default/key/scratch\"
${STORAGE_TOML:-}"
	ATTEST_DATA="\"test-storage\" = \"$1\""
	ATTEST_URL=https://10.0.2.100:8080 ATTEST_CERT=$CASE_WORK/tls/ca.pem \
		attest_initdata "$CASE_WORK/initdata.img"
	KBS_RESOURCES_EXTRA=", \"default/key/scratch\": {\"file\": \"$2\", \"policy\": \"allow\"}"
	kbs_config "$CASE_WORK/kbs.json" "$CASE_WORK/secret" allow
	kbs_start "$CASE_WORK/kbs.json" --tls "$CASE_WORK/tls/server.pem" "$CASE_WORK/tls/server.key"
	# shellcheck disable=SC2046 # the QEMU arguments are split on purpose
	boot_run_kbs "$BUNDLE/rootfs.img" "$(sr_bundle_cmdline "$BUNDLE")" $(scratch_args "$CASE_WORK/scratch.img")
	kbs_stop
}
