#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# lib/tpm2.c (used by init/tee/tpm.c) against swtpm, an independent TPM 2.0:
# - the init's hand-marshalled TPM2_PCR_Extend must leave PCR8 (SHA-256
#   bank) at SHA256(0^32 || digest), which is what the verifier expects for
#   initdata, read back with tpm2-tools; a bad PCR index is a TPM error;
# - its TPM2_PCR_Read, TPM2_ReadPublic and TPM2_Quote, with an AK that
#   tpm2-tools provisions at 0x81010002 as guest-components expects, must
#   give a quote that Python's cryptography verifies with the exported AK,
#   over the nonce-derived qualifying data and the PCRs tpm2-tools reads.
TOP=$(cd "$(dirname "$0")/../.." && pwd)
TOOL=$TOP/build/test/tpm-tool

# shellcheck source=../lib/tpm.sh
. "$TOP/tests/lib/tpm.sh"

oneTimeSetUp() {
	WORK=$(mktemp -d)
	VTPM_DIR=$WORK
	vtpm_tcp "$WORK" || {
		cat "$WORK/swtpm.err"
		return 1
	}
	PORT=$VTPM_PORT
	TCTI=$VTPM_TCTI
}

oneTimeTearDown() {
	vtpm_kill
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
	out=$("$TOOL" "$PORT" extend 8 "$digest")
	assertEquals "tpm-extend failed: $out" 0 $?
	want=$(python3 -c "import hashlib,sys; print(hashlib.sha256(bytes(32)+bytes.fromhex(sys.argv[1])).hexdigest())" "$digest")
	assertEquals "PCR8 == SHA256(0^32 || digest)" "$want" "$(pcr8)"
}

test_bad_pcr_is_a_tpm_error() {
	out=$("$TOOL" "$PORT" extend 99 "$(printf x | sha256sum | cut -d' ' -f1)")
	assertEquals 1 $?
	assertContains "$out" "TPM response code 0x"
}

test_quote_verifies() {
	vtpm_make_ak
	assertEquals "provisioning the AK: $(tail -n 3 "$WORK/ak.log")" 0 $?
	# The report data as the tpm attester places it: a SHA-384 digest
	# zero-padded to 64 bytes (TPM2B_DATA's maximum).
	qd=$(printf 'nonce-derived report data' | sha384sum | cut -d' ' -f1)00000000000000000000000000000000
	mkdir -p "$WORK/q"
	out=$("$TOOL" "$PORT" quote "$qd" "$WORK/q")
	assertEquals "tpm-tool quote: $out" 0 $?
	tpm2_pcrread -T "$TCTI" sha256:all -o "$WORK/pcrs.tools" >/dev/null 2>&1
	assertTrue "the init's PCR_Read equals tpm2_pcrread's" "cmp -s '$WORK/pcrs.tools' '$WORK/q/pcrs'"
	res=$(/usr/bin/python3 - "$WORK/q" "$qd" <<'PY'
import hashlib, struct, sys
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding
d, qd = sys.argv[1], bytes.fromhex(sys.argv[2])
msg = open(d + "/message", "rb").read()
sig = open(d + "/signature", "rb").read()
pcrs = open(d + "/pcrs", "rb").read()
ak = serialization.load_der_public_key(open(d + "/ak.der", "rb").read())
alg, hal, n = struct.unpack(">HHH", sig[:6])
assert (alg, hal) == (0x0014, 0x000b), "not RSASSA-SHA256"
ak.verify(sig[6:6 + n], msg, padding.PKCS1v15(), hashes.SHA256())
magic, typ = struct.unpack(">IH", msg[:6])
assert (magic, typ) == (0xff544347, 0x8018), "not a quote"
o = 6
n, = struct.unpack(">H", msg[o:o + 2]); o += 2 + n      # qualifiedSigner
n, = struct.unpack(">H", msg[o:o + 2]); extra = msg[o + 2:o + 2 + n]; o += 2 + n
assert extra == qd, "extraData is not the qualifying data"
o += 17 + 8                                               # clockInfo, firmwareVersion
count, bank, size = struct.unpack(">IHB", msg[o:o + 7]); sel = msg[o + 7:o + 7 + size]; o += 7 + size
assert (count, bank, sel) == (1, 0x000b, b"\xff\xff\xff"), "not all 24 SHA-256 PCRs"
n, = struct.unpack(">H", msg[o:o + 2]); pcr_digest = msg[o + 2:o + 2 + n]
assert pcr_digest == hashlib.sha256(pcrs).digest(), "pcrDigest does not cover the PCRs"
print("verified")
PY
)
	assertEquals "$res" verified "$res"
}

test_quote_without_ak_fails() {
	tpm2_evictcontrol -T "$TCTI" -c 0x81010002 >/dev/null 2>&1
	out=$("$TOOL" "$PORT" quote "$(printf y | sha256sum | cut -d' ' -f1)" "$WORK")
	assertEquals 1 $?
	assertContains "$out" "TPM response code 0x"
}

# An unrestricted signing key can sign anything, a forged TPMS_ATTEST
# included, so it is no AK: the TPM quotes with it, but tpm_ak_spki()
# refuses to hand its public key to the verifier.
test_unrestricted_signing_key_is_refused() {
	tpm2_evictcontrol -T "$TCTI" -c 0x81010002 >/dev/null 2>&1
	# No resource manager here: free the slots earlier tests left loaded.
	tpm2_flushcontext -T "$TCTI" -t >/dev/null 2>&1
	(cd "$WORK" &&
		tpm2_createprimary -T "$TCTI" -C o -G rsa2048 -c prim.ctx &&
		tpm2_flushcontext -T "$TCTI" -t &&
		tpm2_create -T "$TCTI" -C prim.ctx -G rsa2048:rsassa-sha256 -u sk.pub -r sk.priv \
			-a 'fixedtpm|fixedparent|sensitivedataorigin|userwithauth|sign' &&
		tpm2_flushcontext -T "$TCTI" -t &&
		tpm2_load -T "$TCTI" -C prim.ctx -u sk.pub -r sk.priv -c sk.ctx &&
		tpm2_flushcontext -T "$TCTI" -t &&
		tpm2_evictcontrol -T "$TCTI" -c sk.ctx 0x81010002 &&
		tpm2_flushcontext -T "$TCTI" -t) >"$WORK/sk.log" 2>&1
	assertEquals "provisioning the signing key: $(tail -n 3 "$WORK/sk.log")" 0 $?
	out=$("$TOOL" "$PORT" quote "$(printf z | sha256sum | cut -d' ' -f1)" "$WORK/sk")
	assertEquals "refused: $out" 1 $?
	assertContains "$out" "0x81010002 is not a restricted signing key"
	assertFalse "no AK exported" "[ -e '$WORK/sk/ak.der' ]"
	tpm2_evictcontrol -T "$TCTI" -c 0x81010002 >/dev/null 2>&1
}

. shunit2
