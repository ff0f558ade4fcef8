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

# no_marker FILE: fails when the marker's plaintext is in FILE.
no_marker() {
	if grep -qaF "$MARKER" "$1"; then
		case_fail "the plaintext marker is in $1"
	fi
}

# marker_sha256: the SHA-256 of the 1 MiB the agent writes.
marker_sha256() {
	python3 -c 'import hashlib; print(hashlib.sha256(b"SEALROOT-MARKER!" * 65536).hexdigest())'
}
