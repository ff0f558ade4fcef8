#!/usr/bin/python3
# SPDX-License-Identifier: Apache-2.0
"""Checks kbs.py's tpm verifier and the attestation policy that appraises its
claims, on quotes made here the way a TPM makes them (TPM 2.0 Part 2:
TPMS_ATTEST of type QUOTE, TPMT_SIGNATURE RSASSA-SHA256), with an AK
generated here: the good quote is accepted, each bad input is refused with its
own reason, and the AK's trust is a reference value of the policy
("trusted_aks", trustee commit 2f87a432), not a check of the verifier.
Prints "ok" and exits 0, or the first failure.
Usage: tpm_verifier_test.py KBS_DIR
"""
import base64
import hashlib
import struct
import sys

sys.path.insert(0, sys.argv[1])
import kbs  # noqa: E402

from cryptography.hazmat.primitives import hashes, serialization  # noqa: E402
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa  # noqa: E402


def der(key):
    return key.public_key().public_bytes(serialization.Encoding.DER,
                                         serialization.PublicFormat.SubjectPublicKeyInfo)


AK = rsa.generate_private_key(public_exponent=65537, key_size=2048)
OTHER = rsa.generate_private_key(public_exponent=65537, key_size=2048)
INIT_DIGEST = hashlib.sha256(b"initdata document").hexdigest()
REPORT = hashlib.sha384(b"runtime data").digest()


def pcr_values(init_digest=INIT_DIGEST):
    pcrs = [bytes([i]) * 32 for i in range(24)]
    pcrs[8] = hashlib.sha256(bytes(32) + bytes.fromhex(init_digest)).digest()
    return pcrs


def attest(extra, pcrs, sel=b"\xff\xff\xff", magic=0xFF544347, typ=0x8018, tail=b""):
    m = struct.pack(">IH", magic, typ)
    m += struct.pack(">H", 34) + b"\x00\x0b" + bytes(32)       # qualifiedSigner
    m += struct.pack(">H", len(extra)) + extra
    m += bytes(17) + bytes(8)                                    # clockInfo, firmwareVersion
    m += struct.pack(">IHB", 1, 0x000B, len(sel)) + sel
    d = hashlib.sha256(b"".join(pcrs)).digest()
    return m + struct.pack(">H", len(d)) + d + tail


def signature(key, msg, alg=0x0014):
    s = key.sign(msg, padding.PKCS1v15(), hashes.SHA256())
    return struct.pack(">HHH", alg, 0x000B, len(s)) + s


def evidence(key=AK, ak=AK, extra=None, pcrs=None, sent_pcrs=None, **kw):
    pcrs = pcrs or pcr_values()
    msg = attest(REPORT[:32] if extra is None else extra, pcrs, **kw)
    b64 = lambda b: base64.b64encode(b).decode()  # noqa: E731
    return {"tpm_quote": {"signature": b64(signature(key, msg)), "message": b64(msg),
                          "pcrs": [p.hex() for p in (sent_pcrs or pcrs)]},
            "ak_public": b64(der(ak))}


INIT_BYTES = bytes.fromhex(INIT_DIGEST)
INIT_PARSED = ("sha256", INIT_BYTES, {})


def refused(ev, why, init=INIT_PARSED):
    try:
        kbs.verify_tpm(ev, REPORT, init)
    except kbs.KbsError as e:
        if why not in e.reason:
            sys.exit("FAIL: want %r, got %r" % (why, e.reason))
        if e.status != 401 or e.name != "AttestationError":
            sys.exit("FAIL: %d %s" % (e.status, e.name))
        return
    sys.exit("FAIL: accepted, want %r" % why)


def b64der(key):
    return base64.b64encode(der(key)).decode()


claims = kbs.verify_tpm(evidence(), REPORT, INIT_PARSED)
assert claims["pcr08"] == pcr_values()[8].hex() == claims["init_data"]
assert claims["ak_public"] == b64der(AK) and claims["report_data"] == REPORT[:32].hex()
kbs.verify_tpm(evidence(), REPORT, None)

# Trustee's tpm verifier checks the AK's signature only (deps/verifier/src/tpm/
# mod.rs evaluate, trustee 78962cd4): an AK nobody trusts still verifies.
other_claims = kbs.verify_tpm(evidence(ak=OTHER, key=OTHER), REPORT, INIT_PARSED)
# Its trust is the attestation policy's (ear_default_policy_cpu.rego, TPM:
# executables 3 needs pcr11 in tpm_pcr11 and ak_public in trusted_aks).
RV = {"trusted_aks": [b64der(AK)], "tpm_pcr11": [pcr_values()[11].hex()]}
tv, status, why = kbs.appraise("tpm", claims, RV, [])
assert (tv["executables"], tv["hardware"], tv["configuration"], status) == \
    (3, 2, 0, "affirming"), (tv, status)
tv, status, why = kbs.appraise("tpm", other_claims, RV, [])
assert (tv["executables"], status) == (33, "warning"), (tv, status)
assert any("the AK public key is not in the list of trusted keys" in w for w in why), why
tv, status, why = kbs.appraise("tpm", claims, {"trusted_aks": RV["trusted_aks"]}, [])
assert status == "warning" and any("PCR[11]" in w for w in why), why
# An operator's policy that also pins PCR8 (policy_tpm_pcrs).
tv, status, why = kbs.appraise("tpm", claims, dict(RV, tpm_pcr08=["00" * 32]), [8])
assert status == "warning" and any("PCR[8] does not match the reference value" in w
                                   for w in why), why
tv, status, why = kbs.appraise("tpm", claims, dict(RV, tpm_pcr08=[claims["pcr08"]]), [8])
assert status == "affirming", why

refused(evidence(key=OTHER), "signature verification failed")
ev = evidence()
sig = bytearray(base64.b64decode(ev["tpm_quote"]["signature"]))
sig[-1] ^= 1
ev["tpm_quote"]["signature"] = base64.b64encode(bytes(sig)).decode()
refused(ev, "signature verification failed")
ev = evidence()
msg = bytearray(base64.b64decode(ev["tpm_quote"]["message"]))
msg[20] ^= 1
ev["tpm_quote"]["message"] = base64.b64encode(bytes(msg)).decode()
refused(ev, "signature verification failed")
# Trustee's tpm verifier resizes the expected report data to 32 bytes
# (deps/verifier/src/tpm/mod.rs verify_nonce, TPM_REPORT_DATA_SIZE = 32,
# trustee commit 7c390d7a): the 64-byte form older code used is refused,
# and so is the 48-byte hash as it is.
refused(evidence(extra=REPORT.ljust(64, b"\0")), "nonce doesn't match expected report_data")
refused(evidence(extra=REPORT), "nonce doesn't match expected report_data")
refused(evidence(extra=REPORT[:31]), "nonce doesn't match expected report_data")
refused(evidence(extra=hashlib.sha384(b"other").digest().ljust(64, b"\0")),
        "nonce doesn't match expected report_data")
other = pcr_values()
other[3] = bytes(32)
refused(evidence(sent_pcrs=other), "Digest of PCRs does not match digest in Quote")
refused(evidence(), "PCR[8] doesn't match expected initdata hash",
        init=("sha256", hashlib.sha256(b"another document").digest(), {}))
refused(evidence(), "PCR8 binds a sha256 initdata digest",
        init=("sha384", hashlib.sha384(b"x").digest(), {}))
refused(evidence(sel=b"\xff\x00\xff"), "does not cover all 24 PCRs")
refused(evidence(magic=0), "not a TPM-generated quote")
refused(evidence(typ=0x8017), "not a TPM-generated quote")
refused(evidence(tail=b"\0"), "trailing bytes")
ev = evidence()
ev["tpm_quote"]["pcrs"] = ev["tpm_quote"]["pcrs"][:23]
refused(ev, "pcrs must be 24 SHA-256 values")
ev = evidence()
ev["tpm_quote"]["message"] = ev["tpm_quote"]["message"][:41]
refused(ev, "not base64")
ev = evidence()
ev["ak_public"] = "!"
refused(ev, "ak_public is not base64")
ec_key = ec.generate_private_key(ec.SECP256R1())
ev = evidence()
ev["ak_public"] = base64.b64encode(der(ec_key)).decode()
refused(ev, "the AK is not an RSA key")
refused({"report_data": "AA=="}, "Failed to deserialize TPM Evidence")
print("ok")
