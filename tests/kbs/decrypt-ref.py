#!/usr/bin/python3
# SPDX-License-Identifier: Apache-2.0
"""Decrypt a KBS resource reply by the letter of the specs, without jwcrypto:
the flattened JWE that Trustee's kbs/src/jwe/mod.rs sends, ECDH-ES+A256KW
(RFC 7518 4.6: Concat KDF, then AES key unwrap, RFC 3394) or RSA-OAEP-256,
then A256GCM with the "protected" string as AAD.

  decrypt-ref.py JWE.json PRIVATE.jwk > plaintext

Concat KDF is spelled out with hashlib; AES key unwrap, AES-GCM, ECDH and
RSA-OAEP come from python3-cryptography. The point is a second opinion on
what jwcrypto produced: the C client follows the same formula.
"""
import base64
import hashlib
import json
import struct
import sys

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.keywrap import aes_key_unwrap


def d64(s):
    return base64.urlsafe_b64decode(s + "=" * (-len(s) % 4))


def num(s):
    return int.from_bytes(d64(s), "big")


def main():
    with open(sys.argv[1]) as f:
        j = json.load(f)
    with open(sys.argv[2]) as f:
        k = json.load(f)
    if set(j) != {"protected", "encrypted_key", "iv", "ciphertext", "tag"}:
        sys.exit("members: %s" % sorted(j))
    hdr = json.loads(d64(j["protected"]))
    iv, tag = d64(j["iv"]), d64(j["tag"])
    if len(iv) != 12 or len(tag) != 16 or hdr.get("enc") != "A256GCM":
        sys.exit("bad iv, tag or enc")
    if hdr["alg"] == "ECDH-ES+A256KW":
        if set(hdr) != {"alg", "enc", "epk"} or hdr["epk"].get("crv") != "P-256":
            sys.exit("header: %s" % hdr)
        epk = ec.EllipticCurvePublicNumbers(num(hdr["epk"]["x"]), num(hdr["epk"]["y"]),
                                            ec.SECP256R1()).public_key()
        priv = ec.derive_private_key(num(k["d"]), ec.SECP256R1())
        z = priv.exchange(ec.ECDH(), epk)
        alg = b"ECDH-ES+A256KW"
        kek = hashlib.sha256(struct.pack(">I", 1) + z + struct.pack(">I", len(alg)) + alg +
                             struct.pack(">III", 0, 0, 256)).digest()
        ek = d64(j["encrypted_key"])
        if len(ek) != 40:
            sys.exit("encrypted_key is %d bytes" % len(ek))
        cek = aes_key_unwrap(kek, ek)
    elif hdr["alg"] == "RSA-OAEP-256":
        if set(hdr) != {"alg", "enc"}:
            sys.exit("header: %s" % hdr)
        pub = rsa.RSAPublicNumbers(num(k["e"]), num(k["n"]))
        priv = rsa.RSAPrivateNumbers(num(k["p"]), num(k["q"]), num(k["d"]), num(k["dp"]),
                                     num(k["dq"]), num(k["qi"]), pub).private_key()
        cek = priv.decrypt(d64(j["encrypted_key"]), padding.OAEP(
            mgf=padding.MGF1(hashes.SHA256()), algorithm=hashes.SHA256(), label=None))
    else:
        sys.exit("alg %s" % hdr["alg"])
    pt = AESGCM(cek).decrypt(iv, d64(j["ciphertext"]) + tag, j["protected"].encode("ascii"))
    sys.stdout.buffer.write(pt)


if __name__ == "__main__":
    main()
