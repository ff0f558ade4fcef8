#!/usr/bin/python3
# SPDX-License-Identifier: Apache-2.0
"""A reference RCAR 0.4.0 client for the test KBS's self-tests (urllib + jwcrypto).

auth -> attest (sample evidence, or with --tpm-ak a TPM quote made here and
signed by that software AK; a fresh EC P-256 or RSA-2048 key) -> GET the
resource -> write the decrypted plaintext to --out. The report data is built
with json.dumps (not kbs.py's JCS), so the two sides do not share code.

Exit status: 0 the secret was written; 2 an HTTP error (the line names the
status and the Trustee error name); 3 the JWE did not decrypt; 4 a malformed or
oversized reply; 1 anything else. Knobs for negative tests: --version, --tee,
--bad-nonce, --bad-report-data, --report-data-size, --skip-attest, --sleep,
--bearer, --bogus-bearer, --save-token, --save-cookie.
"""

import argparse
import base64
import hashlib
import http.cookies
import json
import ssl
import struct
import sys
import time
import urllib.error
import urllib.request



class Fail(Exception):
    def __init__(self, code, msg):
        super().__init__(msg)
        self.code = code


def canon(obj):
    # Enough of RFC 8785 for ASCII keys and integer-free JWKs: sorted keys, no
    # whitespace, only '"', '\' and control characters escaped.
    return json.dumps(obj, sort_keys=True, separators=(",", ":"),
                      ensure_ascii=False).encode("utf-8")


class Client:
    def __init__(self, url, cacert, verbose, max_reply):
        self.url = url.rstrip("/")
        self.max_reply = max_reply
        self.cookie = None
        self.verbose = verbose
        self.ctx = None
        if self.url.startswith("https:"):
            self.ctx = ssl.create_default_context(cafile=cacert) if cacert else \
                ssl.create_default_context()

    def call(self, method, path, body=None, bearer=None, save=None, with_cookie=False):
        data = None if body is None else json.dumps(body).encode("utf-8")
        req = urllib.request.Request(self.url + path, data=data, method=method)
        if data is not None:
            req.add_header("Content-Type", "application/json")
        if self.cookie and (not bearer or with_cookie):
            req.add_header("Cookie", "kbs-session-id=" + self.cookie)
        if bearer:
            req.add_header("Authorization", "Bearer " + bearer)
        try:
            resp = urllib.request.urlopen(req, timeout=20, context=self.ctx)
        except urllib.error.HTTPError as e:
            raw = e.read(4096)
            try:
                info = json.loads(raw)
                name = info["type"].rsplit("/", 1)[-1]
                detail = info["detail"]
            except (ValueError, KeyError, TypeError, AttributeError):
                name, detail = "-", raw[:200].decode("utf-8", "replace")
            raise Fail(2, "%s %s: HTTP %d %s: %s" % (method, path, e.code, name, detail))
        except urllib.error.URLError as e:
            raise Fail(1, "%s %s: %s" % (method, path, e.reason))
        with resp:
            raw = resp.read(self.max_reply + 1)
            if len(raw) > self.max_reply:
                raise Fail(4, "%s %s: reply over %d bytes (Content-Length %s)" % (
                    method, path, self.max_reply, resp.headers.get("Content-Length")))
            if save:
                with open(save, "wb") as f:
                    f.write(raw)
            for h in resp.headers.get_all("Set-Cookie") or []:
                if self.verbose:
                    print("Set-Cookie: " + h, file=sys.stderr)
                c = http.cookies.SimpleCookie()
                c.load(h)
                if "kbs-session-id" in c:
                    self.cookie = c["kbs-session-id"].value
            try:
                return json.loads(raw)
            except ValueError as e:
                raise Fail(4, "%s %s: reply is not JSON: %s" % (method, path, e))


def tpm_evidence(ak_file, report, init_digest):
    """A TPM 2.0 quote (TPM 2.0 Part 2: TPMS_ATTEST of type QUOTE over all 24
    SHA-256 PCRs, TPMT_SIGNATURE RSASSA-SHA256) made and signed here, in the
    evidence form guest-components' tpm attester sends. PCR8 holds
    SHA256(0^32 || init-data digest) when there is a sha256 init-data; the
    other PCRs are zero."""
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import padding
    with open(ak_file, "rb") as f:
        ak = serialization.load_pem_private_key(f.read(), None)
    pcrs = [bytes(32)] * 24
    if init_digest is not None:
        pcrs[8] = hashlib.sha256(bytes(32) + init_digest).digest()
    m = struct.pack(">IH", 0xFF544347, 0x8018)
    m += struct.pack(">H", 34) + b"\x00\x0b" + bytes(32)       # qualifiedSigner
    m += struct.pack(">H", len(report)) + report                # extraData
    m += bytes(17) + bytes(8)                                    # clockInfo, firmwareVersion
    m += struct.pack(">IHB", 1, 0x000B, 3) + b"\xff\xff\xff"    # one SHA-256 selection
    d = hashlib.sha256(b"".join(pcrs)).digest()
    m += struct.pack(">H", len(d)) + d
    s = ak.sign(m, padding.PKCS1v15(), hashes.SHA256())
    sig = struct.pack(">HHH", 0x0014, 0x000B, len(s)) + s
    der = ak.public_key().public_bytes(serialization.Encoding.DER,
                                       serialization.PublicFormat.SubjectPublicKeyInfo)
    b64 = lambda b: base64.b64encode(b).decode()  # noqa: E731
    return {"tpm_quote": {"signature": b64(sig), "message": b64(m),
                          "pcrs": [p.hex() for p in pcrs]},
            "ak_public": b64(der)}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--url", required=True)
    ap.add_argument("--resource", required=True, help="repo/type/tag")
    ap.add_argument("--out", required=True)
    ap.add_argument("--cacert")
    ap.add_argument("--rsa", action="store_true", help="RSA-2048 / RSA-OAEP-256 key")
    ap.add_argument("--init-data", metavar="FILE", help="send this TOML as init-data")
    ap.add_argument("--tee", default="sample")
    ap.add_argument("--version", default="0.4.0")
    ap.add_argument("--bad-nonce", action="store_true")
    ap.add_argument("--bad-report-data", action="store_true")
    ap.add_argument("--skip-attest", action="store_true")
    ap.add_argument("--sleep", type=float, default=0, help="seconds before the GET")
    ap.add_argument("--bearer", action="store_true", help="GET with the token, no cookie")
    ap.add_argument("--bogus-bearer", action="store_true",
                    help="GET with the cookie and Authorization: Bearer of a bogus token")
    ap.add_argument("--save-token", metavar="FILE", help="also write the attestation token")
    ap.add_argument("--save-cookie", metavar="FILE", help="also write the session id")
    ap.add_argument("--tpm-ak", metavar="PEM", help="send tpm evidence signed by this key")
    ap.add_argument("--report-data-size", type=int,
                    help="place the digest cut or zero-padded to this many bytes "
                    "(default: as-is for sample, 32 for tpm)")
    ap.add_argument("--send-pubkey", metavar="JSON",
                    help="send this tee-pubkey instead (report data still matches it)")
    ap.add_argument("--save-jwe", metavar="FILE", help="also write the raw resource reply")
    ap.add_argument("--max-reply", type=int, default=1 << 20, help="reply size cap")
    ap.add_argument("--save-key", metavar="FILE", help="also write the private JWK")
    ap.add_argument("-v", "--verbose", action="store_true")
    a = ap.parse_args()

    from jwcrypto import jwe, jwk
    from jwcrypto.common import JWException

    c = Client(a.url, a.cacert, a.verbose, a.max_reply)
    try:
        ch = c.call("POST", "/kbs/v0/auth", {
            "version": a.version, "tee": a.tee,
            "extra-params": {"supported-hash-algorithms": ["sha256", "sha384", "sha512"]}})
        if not isinstance(ch, dict) or not isinstance(ch.get("nonce"), str) or not c.cookie:
            raise Fail(4, "auth: no nonce or no cookie")
        nonce = ch["nonce"]
        if a.rsa:
            key = jwk.JWK.generate(kty="RSA", size=2048)
            pub = json.loads(key.export_public())
            pub = {"kty": "RSA", "alg": "RSA-OAEP-256", "n": pub["n"], "e": pub["e"]}
        else:
            key = jwk.JWK.generate(kty="EC", crv="P-256")
            pub = json.loads(key.export_public())
            pub = {"kty": "EC", "crv": "P-256", "alg": "ECDH-ES+A256KW",
                   "x": pub["x"], "y": pub["y"]}
        if a.send_pubkey:
            pub = json.loads(a.send_pubkey)
        if a.save_key:
            with open(a.save_key, "w") as f:
                f.write(key.export_private())
        token = None
        if not a.skip_attest:
            digest = hashlib.sha384(canon({"additional-evidence": "", "nonce": nonce,
                                           "tee-pubkey": pub})).digest()
            if a.bad_report_data:
                digest = bytes([digest[0] ^ 1]) + digest[1:]
            size = a.report_data_size or (32 if a.tpm_ak else len(digest))
            digest = digest[:size].ljust(size, b"\0")
            body, init_digest = None, None
            if a.init_data:
                with open(a.init_data, "rb") as f:
                    body = f.read().decode("utf-8")
                init_digest = hashlib.sha256(body.encode("utf-8")).digest()
            if a.tpm_ak:
                evidence = tpm_evidence(a.tpm_ak, digest, init_digest)
            else:
                evidence = {"svn": "1", "report_data": base64.b64encode(digest).decode()}
            att = {"runtime-data": {"nonce": nonce + ("x" if a.bad_nonce else ""),
                                    "tee-pubkey": pub},
                   "tee-evidence": {"primary_evidence": evidence, "additional_evidence": ""}}
            if body is not None:
                att["init-data"] = {"format": "toml", "body": body}
            r = c.call("POST", "/kbs/v0/attest", att)
            if not isinstance(r, dict) or not isinstance(r.get("token"), str) \
                    or r["token"].count(".") != 2:
                raise Fail(4, "attest: no JWT token")
            token = r["token"]
            if a.save_token:
                with open(a.save_token, "w") as f:
                    f.write(token)
        if a.save_cookie:
            with open(a.save_cookie, "w") as f:
                f.write(c.cookie)
        if a.sleep:
            time.sleep(a.sleep)
        if a.bogus_bearer:
            j = c.call("GET", "/kbs/v0/resource/" + a.resource, bearer="a.b.c",
                       with_cookie=True, save=a.save_jwe)
        else:
            j = c.call("GET", "/kbs/v0/resource/" + a.resource,
                       bearer=token if a.bearer else None, save=a.save_jwe)
        want = {"protected", "encrypted_key", "iv", "ciphertext", "tag"}
        if not isinstance(j, dict) or set(j) != want:
            raise Fail(4, "resource: not a flattened JWE with exactly %s" % sorted(want))
        hdr = json.loads(base64.urlsafe_b64decode(j["protected"] + "=" * (-len(j["protected"]) % 4)))
        alg = "RSA-OAEP-256" if a.rsa else "ECDH-ES+A256KW"
        if hdr.get("alg") != alg or hdr.get("enc") != "A256GCM" or \
                (not a.rsa and "epk" not in hdr):
            raise Fail(4, "resource: unexpected protected header %s" % hdr)
        if a.verbose:
            print("protected: " + json.dumps(hdr, sort_keys=True), file=sys.stderr)
        try:
            e = jwe.JWE()
            e.deserialize(json.dumps(j), key=key)
            pt = e.payload
        except (JWException, ValueError) as ex:
            raise Fail(3, "resource: JWE does not decrypt: %s" % (str(ex) or type(ex).__name__))
        with open(a.out, "wb") as f:
            f.write(pt)
        print("ok %d bytes" % len(pt))
    except Fail as f:
        print("client: " + str(f), file=sys.stderr)
        sys.exit(f.code)


if __name__ == "__main__":
    main()
