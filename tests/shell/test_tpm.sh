#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# init/tee_tpm.c against swtpm, an independent TPM 2.0: the init's
# hand-marshalled TPM2_PCR_Extend must leave PCR8 (SHA-256 bank) at
# SHA256(0^32 || digest), which is what the verifier expects for initdata,
# read back with tpm2-tools. A bad PCR index must come back as a TPM error.
TOP=$(cd "$(dirname "$0")/../.." && pwd)
EXTEND=$TOP/build/test/tpm-extend

oneTimeSetUp() {
	WORK=$(mktemp -d)
	# A free port pair on loopback, from the ephemeral range.
	PORT=$((20000 + $$ % 20000))
	swtpm socket --tpm2 --tpmstate dir="$WORK" \
		--server type=tcp,port=$PORT,bindaddr=127.0.0.1 \
		--ctrl type=tcp,port=$((PORT + 1)),bindaddr=127.0.0.1 \
		--flags not-need-init,startup-clear --pid file="$WORK/pid" \
		--daemon --log file="$WORK/log" 2>"$WORK/err" || {
		cat "$WORK/err"
		return 1
	}
	i=0
	while [ ! -s "$WORK/pid" ] && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
	TCTI="swtpm:host=127.0.0.1,port=$PORT"
}

oneTimeTearDown() {
	[ -s "$WORK/pid" ] && kill "$(cat "$WORK/pid")" 2>/dev/null
	rm -rf "$WORK"
}

pcr8() {
	tpm2_pcrread -T "$TCTI" sha256:8 2>/dev/null | sed -n 's/.*8 *: *0x\([0-9A-Fa-f]*\).*/\1/p' |
		tr 'A-F' 'a-f'
}

test_extend_pcr8() {
	digest=$(printf 'initdata' | sha256sum | cut -d' ' -f1)
	assertEquals "PCR8 starts at zero" \
		0000000000000000000000000000000000000000000000000000000000000000 "$(pcr8)"
	out=$("$EXTEND" "$PORT" 8 "$digest")
	assertEquals "tpm-extend failed: $out" 0 $?
	want=$(python3 -c "import hashlib,sys; print(hashlib.sha256(bytes(32)+bytes.fromhex(sys.argv[1])).hexdigest())" "$digest")
	assertEquals "PCR8 == SHA256(0^32 || digest)" "$want" "$(pcr8)"
}

test_bad_pcr_is_a_tpm_error() {
	out=$("$EXTEND" "$PORT" 99 "$(printf x | sha256sum | cut -d' ' -f1)")
	assertEquals 1 $?
	assertContains "$out" "TPM response code 0x"
}

. shunit2
