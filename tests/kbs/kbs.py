#!/usr/bin/python3
# SPDX-License-Identifier: Apache-2.0
"""A small test Key Broker Service speaking Trustee's RCAR protocol 0.4.0.

It exists so that the init's C client (init/attest.c, with lib/kbs_reply.c,
lib/jcs.c and lib/jwe.c) can be tested against an independent implementation:
the report data, the JCS canonicalisation (RFC 8785) and the session handling
are written here from Trustee's sources, and the JWE is made by jwcrypto.
Only the Python standard library and Debian's python3-jwcrypto and
python3-cryptography are used. See tests/kbs/README.md, which lists where each
rule comes from and where this server differs from Trustee.

Upstream sources (confidential-containers/trustee unless named otherwise):
  kbs/docs/kbs_attestation_protocol.md   the protocol text
  kbs/src/attestation/backend.rs         auth, attest, sessions (read at 03d89ef8053e)
  kbs/src/error.rs                       error bodies and statuses (079fcf843a5e)
  kbs/src/jwe/mod.rs                     the resource reply's JWE
  deps/verifier/src/sample/mod.rs        the sample verifier
  deps/verifier/src/tpm/mod.rs           the tpm verifier (15f876f340b8)
  kbs/docs/initdata.md                   the init-data document
  virtee/kbs-types                       Request, Challenge, Attestation, Tee, TeePubKey

Modes:
  kbs.py --config FILE [--port N] [--tls CERT KEY] [--pidfile FILE]
      serve on 127.0.0.1 until killed; the first stdout line is "listening <port>".
  kbs.py --jcs FILE
      print the RFC 8785 canonical form of the JSON in FILE ("-": stdin), no newline.
"""

import argparse
import base64
import binascii
import email.utils
import hashlib
import http.server
import json
import os
import re
import secrets
import signal
import ssl
import sys
import threading
import time
import tomllib
import uuid

PROTOCOL_VERSION = "0.4.0"
API = "/kbs/v0"
ERROR_PREFIX = "https://github.com/confidential-containers/kbs/errors/"
COOKIE = "kbs-session-id"
MAX_BODY = 1 << 20  # request bodies above this get 413
OVERSIZED = 2 << 20  # the "oversized" fault's reply length
# kbs-types' Tee enum (virtee/kbs-types), whose names Trustee's Request takes.
TEES = frozenset(["tdx", "snp", "se", "cca", "tpm", "az-snp-vtpm", "az-tdx-vtpm", "sample",
                  "sampledevice", "sgx", "csv", "nvidia", "hygondcu", "dpu"])
FAULTS = (None, "flip_ciphertext", "flip_tag", "wrong_nonce", "garbage", "oversized",
          "wrong_key")
# Trustee parses init-data into attestation-service/src/lib.rs Initdata
# (parse_init_data; trustee commit 78962cd4): version a string, algorithm a
# kbs-types HashAlgorithm (src/hash_algorithm.rs, serde rename_all =
# "lowercase", kbs-types commit 900aa8fd: exactly sha256, sha384, sha512 or
# sm3), data a required map of strings. The spec text's "sha-384" spelling
# is refused there, so it is refused here. sm3 is not offered: the init
# never sends it.
INITDATA_HASHES = {"sha256": "sha256", "sha384": "sha384", "sha512": "sha512"}
# deps/verifier/src/tpm/mod.rs TPM_REPORT_DATA_SIZE (trustee 7c390d7a).
TPM_REPORT_DATA_SIZE = 32
SEGMENT = re.compile(r"[A-Za-z0-9_.-]{1,128}")
B64URL = re.compile(r"[A-Za-z0-9_-]*")


def log(msg):
    sys.stderr.write("kbs: %s\n" % msg)
    sys.stderr.flush()


# --------------------------------------------------------------------------
# RFC 8785 JSON Canonicalization Scheme, written from the RFC.

class JcsError(ValueError):
    pass


_JCS_ESCAPES = {0x08: "\\b", 0x09: "\\t", 0x0A: "\\n", 0x0C: "\\f", 0x0D: "\\r",
                0x22: '\\"', 0x5C: "\\\\"}
MAX_SAFE_INTEGER = (1 << 53) - 1


def _jcs_string(s):
    out = ['"']
    for ch in s:
        c = ord(ch)
        esc = _JCS_ESCAPES.get(c)
        if esc is not None:
            out.append(esc)
        elif c < 0x20:
            out.append("\\u%04x" % c)
        elif 0xD800 <= c <= 0xDFFF:
            raise JcsError("lone surrogate in a string")
        else:
            out.append(ch)  # no escaping of "/", DEL or non-ASCII
    out.append('"')
    return "".join(out)


def _utf16_key(k):
    # Sorting the big-endian UTF-16 bytes orders by UTF-16 code units.
    return k.encode("utf-16-be", "strict")


def _jcs(v, out):
    if v is None:
        out.append("null")
    elif v is True:
        out.append("true")
    elif v is False:
        out.append("false")
    elif isinstance(v, int):
        # ES6 number serialisation equals the decimal integer only up to 2^53.
        if abs(v) > MAX_SAFE_INTEGER:
            raise JcsError("integer out of the IEEE-754 exact range")
        out.append(str(v))
    elif isinstance(v, float):
        raise JcsError("floating-point numbers are not accepted")
    elif isinstance(v, str):
        out.append(_jcs_string(v))
    elif isinstance(v, list):
        out.append("[")
        for i, e in enumerate(v):
            if i:
                out.append(",")
            _jcs(e, out)
        out.append("]")
    elif isinstance(v, dict):
        try:
            keys = sorted(v, key=_utf16_key)
        except UnicodeEncodeError as e:
            raise JcsError("lone surrogate in a key") from e
        out.append("{")
        for i, k in enumerate(keys):
            if i:
                out.append(",")
            out.append(_jcs_string(k))
            out.append(":")
            _jcs(v[k], out)
        out.append("}")
    else:
        raise JcsError("not a JSON value: %r" % type(v))


def jcs(value):
    """The RFC 8785 canonical UTF-8 bytes of a parsed JSON value."""
    out = []
    try:
        _jcs(value, out)
    except RecursionError as e:
        raise JcsError("nested too deeply") from e
    return "".join(out).encode("utf-8")


def report_data(tee, additional_evidence, nonce, tee_pubkey):
    """The digest the TEE evidence must carry: SHA-384 (SHA-512 for se) of the
    JCS of the runtime data object backend.rs builds for the primary evidence
    ({"tee-pubkey", "nonce", "additional-evidence"})."""
    rd = jcs({"additional-evidence": additional_evidence, "nonce": nonce,
              "tee-pubkey": tee_pubkey})
    return (hashlib.sha512 if tee == "se" else hashlib.sha384)(rd).digest()


# --------------------------------------------------------------------------
# JSON input

class BadJson(ValueError):
    pass


def _pairs(pairs):
    d = {}
    for k, v in pairs:
        if k in d:
            raise BadJson("duplicate member %r" % k)
        d[k] = v
    return d


def _no_constant(name):
    raise BadJson("%s is not JSON" % name)


def parse_json(data):
    """Strict JSON: UTF-8 only, no duplicate members, no NaN/Infinity."""
    try:
        text = data.decode("utf-8") if isinstance(data, bytes) else data
        return json.loads(text, object_pairs_hook=_pairs, parse_constant=_no_constant)
    except BadJson:
        raise
    except (UnicodeDecodeError, ValueError, RecursionError) as e:
        raise BadJson(str(e).splitlines()[0] if str(e) else type(e).__name__) from e


def b64url_decode(s):
    if not isinstance(s, str) or not B64URL.fullmatch(s) or len(s) % 4 == 1:
        raise ValueError("not unpadded base64url")
    return base64.urlsafe_b64decode(s + "=" * (-len(s) % 4))


def b64url(b):
    return base64.urlsafe_b64encode(b).rstrip(b"=").decode("ascii")


# --------------------------------------------------------------------------
# Errors, sessions, configuration

class KbsError(Exception):
    """An error reply: HTTP status, Trustee error name, detail."""

    def __init__(self, status, name, detail, headers=()):
        super().__init__(detail)
        self.status, self.name, self.detail, self.headers = status, name, detail, headers


def attest_fail(detail):
    # backend.rs wraps every auth and attest failure in RcarAuthFailed or
    # RcarAttestFailed, which error.rs answers with 401.
    return KbsError(401, "AttestationError", detail)


class Session:
    def __init__(self, tee, nonce, seconds):
        self.id = str(uuid.uuid4())
        self.tee = tee
        self.nonce = nonce
        self.expires = time.time() + seconds
        self.attested = False
        self.tee_pubkey = None
        self.token = None

    def expired(self):
        return time.time() >= self.expires

    def cookie(self):
        return "%s=%s; Expires=%s" % (COOKIE, self.id,
                                      email.utils.formatdate(self.expires, usegmt=True))


def load_config(path):
    try:
        with open(path, "rb") as f:
            cfg = parse_json(f.read())
    except (OSError, BadJson) as e:
        sys.exit("kbs: config %s: %s" % (path, e))
    if not isinstance(cfg, dict):
        sys.exit("kbs: config: not a JSON object")
    known = {"resources", "expected_init_data_sha384", "fault", "session_seconds",
             "deny_status", "tpm_trusted_aks", "tpm_pcrs"}
    extra = set(cfg) - known
    if extra:
        sys.exit("kbs: config: unknown keys %s" % sorted(extra))
    res = cfg.get("resources", {})
    if not isinstance(res, dict):
        sys.exit("kbs: config: resources must be an object")
    for name, r in res.items():
        parts = name.split("/")
        if len(parts) != 3 or not all(SEGMENT.fullmatch(p) and p not in (".", "..")
                                      for p in parts):
            sys.exit("kbs: config: resource name %r is not <repo>/<type>/<tag>" % name)
        if (not isinstance(r, dict) or not isinstance(r.get("file"), str)
                or r.get("policy") not in ("allow", "deny") or set(r) - {"file", "policy"}):
            sys.exit("kbs: config: resource %s needs exactly file and policy "
                     "(allow|deny)" % name)
    exp = cfg.get("expected_init_data_sha384")
    if exp is not None and (not isinstance(exp, str)
                            or not re.fullmatch(r"([0-9a-fA-F]{2}){32,64}", exp)):
        sys.exit("kbs: config: expected_init_data_sha384 must be hex or null")
    if cfg.get("fault") not in FAULTS:
        sys.exit("kbs: config: fault must be one of %s" % (FAULTS,))
    secs = cfg.get("session_seconds", 300)
    if isinstance(secs, bool) or not isinstance(secs, (int, float)) or secs <= 0:
        sys.exit("kbs: config: session_seconds must be a positive number")
    if cfg.get("deny_status", 401) not in (401, 403):
        sys.exit("kbs: config: deny_status must be 401 or 403")
    aks = cfg.get("tpm_trusted_aks", [])
    if not isinstance(aks, list) or not all(isinstance(a, str) for a in aks):
        sys.exit("kbs: config: tpm_trusted_aks must be a list of public key files")
    trusted = set()
    for a in aks:
        trusted.add(hashlib.sha256(load_public_der(a)).digest())
    pcrs = cfg.get("tpm_pcrs", {})
    if not isinstance(pcrs, dict) or not all(
            re.fullmatch(r"[0-9]|1[0-9]|2[0-3]", k) and isinstance(v, str)
            and re.fullmatch(r"[0-9a-fA-F]{64}", v) for k, v in pcrs.items()):
        sys.exit("kbs: config: tpm_pcrs maps a PCR index (0..23) to 64 hex digits")
    return {"resources": res, "expected": exp.lower() if exp else None,
            "fault": cfg.get("fault"), "session_seconds": secs,
            "deny_status": cfg.get("deny_status", 401), "tpm_trusted_aks": trusted,
            "tpm_pcrs": {int(k): bytes.fromhex(v) for k, v in pcrs.items()}}


def load_public_der(path):
    """A public key file (PEM or DER) as DER SubjectPublicKeyInfo."""
    from cryptography.hazmat.primitives import serialization
    try:
        with open(path, "rb") as f:
            data = f.read()
        key = (serialization.load_pem_public_key(data) if data.startswith(b"-----")
               else serialization.load_der_public_key(data))
    except (OSError, ValueError) as e:
        sys.exit("kbs: config: public key %s: %s" % (path, e))
    return key.public_bytes(serialization.Encoding.DER,
                            serialization.PublicFormat.SubjectPublicKeyInfo)


# --------------------------------------------------------------------------
# The TEE public key, the evidence, the init-data

def check_tee_pubkey(k):
    """Accept exactly kbs-types' TeePubKey members, so that "the JWK as
    received" and the TeePubKey that backend.rs re-serialises give the same
    JCS."""
    from cryptography.hazmat.primitives.asymmetric import ec, rsa
    if not isinstance(k, dict):
        raise attest_fail("tee-pubkey is not a JSON object")
    if not all(isinstance(v, str) for v in k.values()):
        raise attest_fail("tee-pubkey members must be strings")
    kty = k.get("kty")
    if kty == "EC":
        if set(k) != {"kty", "crv", "alg", "x", "y"}:
            raise attest_fail("an EC tee-pubkey has exactly kty, crv, alg, x, y")
        if k["crv"] != "P-256":
            raise attest_fail("tee-pubkey: curve %r is not P-256" % k["crv"])
        if k["alg"] != "ECDH-ES+A256KW":
            raise attest_fail("tee-pubkey: EC alg must be ECDH-ES+A256KW")
        try:
            x, y = b64url_decode(k["x"]), b64url_decode(k["y"])
            if len(x) != 32 or len(y) != 32:
                raise ValueError("x and y must be 32 bytes")
            ec.EllipticCurvePublicNumbers(int.from_bytes(x, "big"), int.from_bytes(y, "big"),
                                          ec.SECP256R1()).public_key()
        except (ValueError, binascii.Error) as e:
            raise attest_fail("tee-pubkey: bad EC point: %s" % e) from e
    elif kty == "RSA":
        if set(k) != {"kty", "alg", "n", "e"}:
            raise attest_fail("an RSA tee-pubkey has exactly kty, alg, n, e")
        if k["alg"] != "RSA-OAEP-256":
            raise attest_fail("tee-pubkey: RSA alg must be RSA-OAEP-256")
        try:
            n, e = b64url_decode(k["n"]), b64url_decode(k["e"])
            if not n or n[0] == 0 or not e or e[0] == 0:
                raise ValueError("n and e must be minimal big-endian integers")
            nn = int.from_bytes(n, "big")
            if nn.bit_length() < 2048:
                raise ValueError("modulus of %d bits, fewer than 2048" % nn.bit_length())
            rsa.RSAPublicNumbers(int.from_bytes(e, "big"), nn).public_key()
        except (ValueError, binascii.Error) as e:
            raise attest_fail("tee-pubkey: bad RSA key: %s" % e) from e
    else:
        raise attest_fail("tee-pubkey: kty must be EC or RSA")


def verify_sample(evidence, digest):
    """The sample verifier (deps/verifier/src/sample/mod.rs):
    {"svn": str, "report_data": base64(digest)}, the digest matched exactly."""
    if not isinstance(evidence, dict):
        raise attest_fail("sample evidence is not a JSON object")
    if not isinstance(evidence.get("svn"), str):
        raise attest_fail("sample evidence: svn must be a string")
    rd = evidence.get("report_data")
    try:
        if not isinstance(rd, str):
            raise ValueError("not a string")
        got = base64.b64decode(rd, validate=True)
    except (ValueError, binascii.Error) as e:
        raise attest_fail("sample evidence: report_data is not base64: %s" % e) from e
    if got != digest:
        raise attest_fail("sample evidence: report data mismatch")


# TPM 2.0 Part 2 constants for the quote.
TPM_GENERATED_VALUE = 0xFF544347
TPM_ST_ATTEST_QUOTE = 0x8018
TPM_ALG_RSASSA = 0x0014
TPM_ALG_SHA256 = 0x000B
INITDATA_PCR = 8


def _b64(evidence, key, what):
    v = evidence.get(key)
    try:
        if not isinstance(v, str):
            raise ValueError("not a string")
        return base64.b64decode(v, validate=True)
    except (ValueError, binascii.Error) as e:
        raise attest_fail("tpm evidence: %s is not base64: %s" % (what, e)) from e


class _Reader:
    """Big-endian TPM unmarshalling that fails on a short buffer."""

    def __init__(self, b):
        self.b, self.o = b, 0

    def take(self, n):
        if self.o + n > len(self.b):
            raise attest_fail("tpm evidence: TPMS_ATTEST is truncated")
        v = self.b[self.o:self.o + n]
        self.o += n
        return v

    def u16(self):
        return int.from_bytes(self.take(2), "big")

    def u32(self):
        return int.from_bytes(self.take(4), "big")

    def tpm2b(self):
        return self.take(self.u16())


def verify_tpm(evidence, digest, trusted_aks, init, reference_pcrs):
    """The tpm verifier, as deps/verifier/src/tpm/mod.rs's evaluate: a trusted
    AK (by the SHA-256 of its DER), its RSASSA-SHA256
    signature over the TPMS_ATTEST, a quote of all 24 SHA-256 PCRs whose
    pcrDigest covers the PCRs sent, extraData == the report data resized
    (cut or zero-padded) to TPM_REPORT_DATA_SIZE = 32 bytes (verify_nonce,
    trustee commit 7c390d7a; read at 78962cd4), and PCR8 == SHA256(0^32 ||
    initdata digest).
    Returns the 24 PCR values."""
    from cryptography.exceptions import InvalidSignature
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import padding, rsa
    if not isinstance(evidence, dict) or not isinstance(evidence.get("tpm_quote"), dict):
        raise attest_fail("tpm evidence needs ak_public and tpm_quote")
    q = evidence["tpm_quote"]
    ak_der = _b64(evidence, "ak_public", "ak_public")
    if hashlib.sha256(ak_der).digest() not in trusted_aks:
        raise attest_fail("tpm evidence: the AK public key is not in the list of trusted keys")
    try:
        ak = serialization.load_der_public_key(ak_der)
    except ValueError as e:
        raise attest_fail("tpm evidence: ak_public is not a DER public key") from e
    if not isinstance(ak, rsa.RSAPublicKey):
        raise attest_fail("tpm evidence: the AK is not an RSA key")
    sig = _b64(q, "signature", "signature")
    msg = _b64(q, "message", "message")
    pcrs = q.get("pcrs")
    if (not isinstance(pcrs, list) or len(pcrs) != 24
            or not all(isinstance(p, str) and re.fullmatch(r"[0-9a-fA-F]{64}", p)
                       for p in pcrs)):
        raise attest_fail("tpm evidence: pcrs must be 24 SHA-256 values in hex")
    pcrs = [bytes.fromhex(p) for p in pcrs]
    # TPMT_SIGNATURE: sigAlg, hash, TPM2B signature.
    if len(sig) < 6:
        raise attest_fail("tpm evidence: signature is truncated")
    alg, hal, n = int.from_bytes(sig[0:2], "big"), int.from_bytes(sig[2:4], "big"), \
        int.from_bytes(sig[4:6], "big")
    if (alg, hal) != (TPM_ALG_RSASSA, TPM_ALG_SHA256) or len(sig) != 6 + n:
        raise attest_fail("tpm evidence: the signature is not RSASSA with SHA-256")
    try:
        ak.verify(sig[6:], msg, padding.PKCS1v15(), hashes.SHA256())
    except InvalidSignature as e:
        raise attest_fail("tpm evidence: TPM quote signature verification failed") from e
    # TPMS_ATTEST of a quote.
    r = _Reader(msg)
    if r.u32() != TPM_GENERATED_VALUE or r.u16() != TPM_ST_ATTEST_QUOTE:
        raise attest_fail("tpm evidence: the message is not a TPM-generated quote")
    r.tpm2b()                                   # qualifiedSigner
    extra = r.tpm2b()
    r.take(17 + 8)                              # clockInfo, firmwareVersion
    if r.u32() != 1 or r.u16() != TPM_ALG_SHA256:
        raise attest_fail("tpm evidence: the quote is not over one SHA-256 PCR selection")
    sel = r.take(r.take(1)[0])
    if sel != b"\xff\xff\xff":
        raise attest_fail("tpm evidence: the quote does not cover all 24 PCRs")
    pcr_digest = r.tpm2b()
    if r.o != len(msg):
        raise attest_fail("tpm evidence: trailing bytes after the quote")
    if pcr_digest != hashlib.sha256(b"".join(pcrs)).digest():
        raise attest_fail("tpm evidence: digest of PCRs does not match digest in Quote")
    if extra != digest[:TPM_REPORT_DATA_SIZE].ljust(TPM_REPORT_DATA_SIZE, b"\0"):
        raise attest_fail("tpm evidence: TPM quote nonce doesn't match expected report_data")
    if init is not None:
        if init[0] != "sha256":
            raise attest_fail("tpm evidence: PCR8 binds a sha256 initdata digest, not %s"
                              % init[0])
        want = hashlib.sha256(bytes(32) + bytes.fromhex(init[1])).digest()
        if pcrs[INITDATA_PCR] != want:
            raise attest_fail("tpm evidence: TPM PCR[8] doesn't match expected initdata hash")
    for i, v in sorted(reference_pcrs.items()):
        if pcrs[i] != v:
            raise attest_fail("tpm evidence: PCR[%d] does not match the reference value" % i)
    return pcrs


def check_init_data(init_data, expected):
    """Returns (algorithm, hex digest) or None; raises on a bad or wrong one."""
    if init_data is None:
        if expected is not None:
            raise attest_fail("init-data is required and missing")
        return None
    if (not isinstance(init_data, dict) or not isinstance(init_data.get("format"), str)
            or not isinstance(init_data.get("body"), str)):
        raise attest_fail("init-data needs string members format and body")
    if init_data["format"] != "toml":
        raise attest_fail("init-data format %r is not supported (toml only)"
                          % init_data["format"])
    body = init_data["body"]
    try:
        doc = tomllib.loads(body)
    except tomllib.TOMLDecodeError as e:
        raise attest_fail("init-data is not TOML: %s" % e) from e
    alg = INITDATA_HASHES.get(doc.get("algorithm")) if isinstance(doc.get("algorithm"),
                                                                   str) else None
    if alg is None:
        raise attest_fail("init-data algorithm %r is not sha256, sha384 or sha512"
                          % (doc.get("algorithm"),))
    if not isinstance(doc.get("version"), str):
        raise attest_fail("init-data has no string version")
    data = doc.get("data")
    if not isinstance(data, dict) or not all(isinstance(v, str) for v in data.values()):
        raise attest_fail("init-data data is missing or not a map of strings")
    try:
        raw = body.encode("utf-8")
    except UnicodeEncodeError as e:
        raise attest_fail("init-data body is not valid Unicode") from e
    digest = hashlib.new(alg, raw).hexdigest()
    if expected is not None and digest != expected:
        raise attest_fail("init-data digest mismatch")
    return alg, digest


# --------------------------------------------------------------------------
# The server

class Kbs:
    def __init__(self, cfg):
        from jwcrypto import jwk
        self.cfg = cfg
        self.sessions = {}
        self.lock = threading.Lock()
        self.token_key = jwk.JWK.generate(kty="EC", crv="P-256", kid=b64url(os.urandom(8)))

    # sessions --------------------------------------------------------
    def new_session(self, tee):
        s = Session(tee, base64.b64encode(secrets.token_bytes(32)).decode("ascii"),
                    self.cfg["session_seconds"])
        with self.lock:
            now = time.time()
            for sid in [i for i, v in self.sessions.items() if v.expires <= now]:
                del self.sessions[sid]
            self.sessions[s.id] = s
        return s

    def session(self, headers):
        sid = None
        for h in headers.get_all("Cookie") or []:
            for part in h.split(";"):
                name, _, value = part.strip().partition("=")
                if name == COOKIE:
                    sid = value.strip().strip('"')
        if sid is None:
            return None, "no %s cookie" % COOKIE
        with self.lock:
            s = self.sessions.get(sid)
        if s is None:
            return None, "unknown session"
        if s.expired():
            return None, "session expired"
        return s, None

    # tokens ----------------------------------------------------------
    def make_token(self, session, init_digest):
        from jwcrypto import jwt
        now = int(time.time())
        annotated = {"runtime_data_claims": {"tee-pubkey": session.tee_pubkey}}
        if init_digest:
            annotated["init_data_claims"] = {"algorithm": init_digest[0],
                                             "digest": init_digest[1]}
        claims = {"iss": "sealroot-test-kbs", "iat": now,
                  "exp": int(session.expires) + 1,
                  "eat_profile": "tag:github.com,2023:veraison/ear",
                  "submods": {"cpu0": {"ear.status": "affirming",
                                       "ear.veraison.annotated-evidence": annotated}}}
        t = jwt.JWT(header={"alg": "ES256", "typ": "JWT", "kid": self.token_key["kid"]},
                    claims=claims)
        t.make_signed_token(self.token_key)
        return t.serialize()

    def pubkey_from_token(self, token):
        from jwcrypto import jwt
        from jwcrypto.common import JWException
        try:
            t = jwt.JWT(jwt=token, key=self.token_key, algs=["ES256"])
            claims = json.loads(t.claims)
            return claims["submods"]["cpu0"]["ear.veraison.annotated-evidence"][
                "runtime_data_claims"]["tee-pubkey"]
        except (JWException, ValueError, KeyError, TypeError) as e:
            raise KbsError(401, "TokenVerifierError", "bearer token: %s" % e) from e

    # handlers --------------------------------------------------------
    def auth(self, body):
        req = parse_json(body)
        if not isinstance(req, dict):
            raise attest_fail("RCAR handshake Auth failed: Request is not a JSON object")
        if "extra-params" not in req:
            raise attest_fail("RCAR handshake Auth failed: missing field `extra-params`")
        version = req.get("version")
        if not isinstance(version, str):
            raise attest_fail("RCAR handshake Auth failed: version is not a string")
        if version != PROTOCOL_VERSION:
            raise attest_fail("RCAR handshake Auth failed: KBS Client Protocol Version "
                              "Mismatch: expect =%s while the request is %s"
                              % (PROTOCOL_VERSION, version))
        tee = req.get("tee")
        if not isinstance(tee, str) or tee not in TEES:
            raise attest_fail("RCAR handshake Auth failed: unknown tee %r" % (tee,))
        s = self.new_session(tee)
        reply = {"nonce": s.nonce, "extra-params": ""}
        return 200, reply, [("Set-Cookie", s.cookie())], "tee=%s" % tee

    def attest(self, headers, body):
        s, why = self.session(headers)
        if s is None:
            raise attest_fail("RCAR handshake Attest failed: %s" % why)
        att = parse_json(body)
        if not isinstance(att, dict):
            raise attest_fail("Attestation is not a JSON object")
        rt = att.get("runtime-data")
        ev = att.get("tee-evidence")
        if not isinstance(rt, dict) or not isinstance(rt.get("nonce"), str) \
                or "tee-pubkey" not in rt:
            raise attest_fail("runtime-data needs nonce and tee-pubkey")
        if not isinstance(ev, dict) or "primary_evidence" not in ev:
            raise attest_fail("tee-evidence needs primary_evidence")
        if not isinstance(ev.get("additional_evidence"), str):
            raise attest_fail("tee-evidence needs additional_evidence, a string")
        if s.attested:
            # backend.rs returns the session's token again without re-verifying.
            return 200, {"token": s.token}, [("Set-Cookie", s.cookie())], "already attested"
        if rt["nonce"] != s.nonce:
            raise attest_fail("the nonce in the handshake session is different from the "
                              "client side in KBS protocol's Attestation message")
        pub = rt["tee-pubkey"]
        check_tee_pubkey(pub)
        if self.cfg["fault"] == "wrong_nonce":
            raise attest_fail("verify TEE evidence failed: sample evidence: report data "
                              "mismatch")
        try:
            digest = report_data(s.tee, ev["additional_evidence"], s.nonce, pub)
        except JcsError as e:
            raise attest_fail("runtime data cannot be canonicalised: %s" % e) from e
        init = check_init_data(att.get("init-data"), self.cfg["expected"])
        if s.tee == "sample":
            verify_sample(ev["primary_evidence"], digest)
        elif s.tee == "tpm":
            verify_tpm(ev["primary_evidence"], digest, self.cfg["tpm_trusted_aks"], init,
                       self.cfg["tpm_pcrs"])
        else:
            raise attest_fail("verify TEE evidence failed: tee %s: verifier not implemented "
                              "in the test KBS" % s.tee)
        if ev["additional_evidence"]:
            try:
                add = parse_json(ev["additional_evidence"])
            except BadJson as e:
                raise attest_fail("additional_evidence is not JSON: %s" % e) from e
            if not isinstance(add, dict):
                raise attest_fail("additional_evidence is not a JSON object")
            kbs_digest = hashlib.sha384(jcs({"nonce": s.nonce, "tee-pubkey": pub})).digest()
            for tee, e in add.items():
                if tee != "sample":
                    raise attest_fail("additional evidence for %r: verifier not "
                                      "implemented in the test KBS" % tee)
                verify_sample(e, kbs_digest)
        with self.lock:
            s.tee_pubkey = pub
            s.token = self.make_token(s, init)
            s.attested = True
        return 200, {"token": s.token}, [("Set-Cookie", s.cookie())], \
            "attested (%s key%s)" % (pub["kty"], ", init-data %s" % init[0] if init else "")

    def resource(self, headers, path):
        parts = path.split("/")
        if len(parts) != 3 or not all(SEGMENT.fullmatch(p) and p not in (".", "..")
                                      for p in parts):
            raise KbsError(404, "InvalidRequestPath",
                           "Request path %s/resource/%s is invalid" % (API, path))
        authz = headers.get("Authorization")
        if authz is not None:
            scheme, _, token = authz.partition(" ")
            if scheme.lower() != "bearer" or not token.strip():
                raise KbsError(401, "TokenNotFound", "Authorization is not a bearer token")
            pub = self.pubkey_from_token(token.strip())
        else:
            s, why = self.session(headers)
            if s is None:
                raise KbsError(401, "TokenNotFound", "Attestation Token not found: %s" % why)
            if not s.attested:
                raise KbsError(401, "TokenNotFound",
                               "Attestation Token not found: the session is not attested")
            pub = s.tee_pubkey
        r = self.cfg["resources"].get(path)
        if r is None:
            raise KbsError(404, "ResourceNotFound", "resource %s does not exist" % path)
        if r["policy"] != "allow":
            raise KbsError(self.cfg["deny_status"], "PolicyDeny", "Access denied by policy")
        try:
            with open(r["file"], "rb") as f:
                data = f.read()
        except OSError as e:
            raise KbsError(500, "PluginInternalError",
                           "resource %s: cannot read its file: %s" % (path, e.strerror)) from e
        fault = self.cfg["fault"]
        if fault == "garbage":
            return 200, b"not json{{{", [], "fault garbage"
        if fault == "oversized":
            return 200, oversized_jwe(pub), [], "fault oversized"
        if fault == "wrong_key":
            from jwcrypto import jwk
            other = jwk.JWK.generate(kty="EC", crv="P-256") if pub["kty"] == "EC" else \
                jwk.JWK.generate(kty="RSA", size=2048)
            reply = encrypt(json.loads(other.export_public()), data)
        else:
            reply = encrypt(pub, data)
        if fault in ("flip_ciphertext", "flip_tag"):
            member = "ciphertext" if fault == "flip_ciphertext" and reply["ciphertext"] \
                else "tag"
            b = bytearray(b64url_decode(reply[member]))
            b[len(b) // 2] ^= 0xFF
            reply[member] = b64url(bytes(b))
        return 200, reply, [], "%d bytes sealed%s" % (
            len(data), " (fault %s)" % fault if fault else "")


def encrypt(pub, plaintext):
    """A flattened JWE (protected, encrypted_key, iv, ciphertext, tag) to pub."""
    from jwcrypto import jwe, jwk
    alg = "ECDH-ES+A256KW" if pub["kty"] == "EC" else "RSA-OAEP-256"
    key = jwk.JWK(**{k: v for k, v in pub.items() if k != "alg"})
    j = jwe.JWE(plaintext, protected={"alg": alg, "enc": "A256GCM"})
    j.add_recipient(key)
    # The compact form moves jwcrypto's per-recipient epk into the protected
    # header (and re-encrypts with that header as AAD): the flattened form
    # without "aad" that Trustee's kbs/src/jwe/mod.rs sends.
    p, ek, iv, ct, tag = j.serialize(compact=True).split(".")
    return {"protected": p, "encrypted_key": ek, "iv": iv, "ciphertext": ct, "tag": tag}


def oversized_jwe(pub):
    """A real JWE (of random bytes) padded to exactly OVERSIZED bytes."""
    body = json.dumps(encrypt(pub, os.urandom(OVERSIZED * 3 // 4 - 4096)),
                      separators=(",", ":")).encode()
    assert len(body) <= OVERSIZED
    return body + b" " * (OVERSIZED - len(body))


class Server(http.server.ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, addr, kbs, tls):
        self.kbs = kbs
        self.ssl_ctx = None
        if tls:
            self.ssl_ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            self.ssl_ctx.minimum_version = ssl.TLSVersion.TLSv1_2
            self.ssl_ctx.load_cert_chain(tls[0], tls[1])
        super().__init__(addr, Handler)

    def finish_request(self, request, client_address):
        if self.ssl_ctx is None:
            return super().finish_request(request, client_address)
        # The TLS handshake runs in the request thread, not in accept().
        request.settimeout(Handler.timeout)
        try:
            tls = self.ssl_ctx.wrap_socket(request, server_side=True)
        except (ssl.SSLError, OSError) as e:
            log("TLS handshake failed: %s" % e)
            return None
        try:
            return super().finish_request(tls, client_address)
        finally:
            tls.close()


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "sealroot-test-kbs/" + PROTOCOL_VERSION
    sys_version = ""
    timeout = 30

    def log_request(self, code="-", size="-"):
        pass  # one line per request is written by reply()

    def log_message(self, fmt, *args):
        log(fmt % args)

    def reply(self, status, body, headers, reason):
        if isinstance(body, (dict, list)):
            body = json.dumps(body, separators=(",", ":")).encode("utf-8")
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        for h, v in headers:
            self.send_header(h, v)
        if self.close_connection:
            self.send_header("Connection", "close")
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)
        log("%s %s %d %s" % (self.command, self.path.split("?")[0], status, reason))

    def read_body(self):
        if self.headers.get("Transfer-Encoding"):
            self.close_connection = True
            raise KbsError(411, "LengthRequired", "chunked bodies are not supported")
        cl = self.headers.get("Content-Length", "0")
        if not cl.isdigit():
            self.close_connection = True
            raise KbsError(400, "BadRequest", "bad Content-Length")
        n = int(cl)
        if n > MAX_BODY:
            # Drain a little so the client sees the reply, then close.
            self.close_connection = True
            left = min(n, 8 * MAX_BODY)
            while left > 0:
                chunk = self.rfile.read(min(left, 65536))
                if not chunk:
                    break
                left -= len(chunk)
            raise KbsError(413, "PayloadTooLarge",
                           "request body of %d bytes, over %d" % (n, MAX_BODY))
        data = self.rfile.read(n)
        if len(data) != n:
            self.close_connection = True
            raise KbsError(400, "BadRequest", "short request body")
        return data

    def handle_api(self, method):
        kbs = self.server.kbs
        path = self.path.split("?", 1)[0]
        try:
            body = self.read_body()
            if method == "POST" and path == API + "/auth":
                status, reply, hdrs, reason = kbs.auth(body)
            elif method == "POST" and path == API + "/attest":
                status, reply, hdrs, reason = kbs.attest(self.headers, body)
            elif method == "GET" and path.startswith(API + "/resource/"):
                status, reply, hdrs, reason = kbs.resource(
                    self.headers, path[len(API + "/resource/"):])
            else:
                raise KbsError(404, "InvalidRequestPath",
                               "Request path %s is invalid" % path)
        except BadJson as e:
            status, reply, hdrs, reason = 400, {
                "type": ERROR_PREFIX + "BadRequest",
                "detail": "malformed JSON: %s" % e}, [], "malformed JSON: %s" % e
        except KbsError as e:
            status, hdrs, reason = e.status, list(e.headers), "%s: %s" % (e.name, e.detail)
            reply = {"type": ERROR_PREFIX + e.name, "detail": e.detail}
        except Exception as e:  # a bug here must not look like a protocol answer
            status, hdrs, reason = 500, [], "internal error: %s" % type(e).__name__
            reply = {"type": ERROR_PREFIX + "InternalError", "detail": type(e).__name__}
            import traceback
            traceback.print_exc()
        self.reply(status, reply, hdrs, reason)

    def do_POST(self):
        self.handle_api("POST")

    def do_GET(self):
        self.handle_api("GET")


def serve(args):
    __import__("jwcrypto.jwe")  # fail early and clearly without it
    cfg = load_config(args.config)
    srv = Server(("127.0.0.1", args.port), Kbs(cfg), args.tls)
    port = srv.server_address[1]
    if args.pidfile:
        with open(args.pidfile, "w") as f:
            f.write("%d\n" % os.getpid())

    def stop(signum, frame):
        raise SystemExit(0)
    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    print("listening %d" % port, flush=True)
    log("%s on 127.0.0.1:%d, %d resources, fault %s, sessions %ss%s" % (
        "https" if args.tls else "http", port, len(cfg["resources"]), cfg["fault"],
        cfg["session_seconds"],
        ", init-data %s" % cfg["expected"] if cfg["expected"] else ""))
    try:
        srv.serve_forever()
    finally:
        srv.server_close()
        if args.pidfile:
            try:
                os.unlink(args.pidfile)
            except OSError:
                pass


def main():
    ap = argparse.ArgumentParser(description="test KBS (Trustee RCAR %s)" % PROTOCOL_VERSION)
    ap.add_argument("--config", help="JSON configuration (see README.md)")
    ap.add_argument("--port", type=int, default=0, help="0: pick a free port")
    ap.add_argument("--tls", nargs=2, metavar=("CERT", "KEY"), help="serve HTTPS")
    ap.add_argument("--pidfile")
    ap.add_argument("--jcs", metavar="FILE", help="print the JCS of a JSON file and exit")
    args = ap.parse_args()
    if args.jcs is not None:
        try:
            if args.jcs == "-":
                data = sys.stdin.buffer.read()
            else:
                with open(args.jcs, "rb") as f:
                    data = f.read()
            out = jcs(parse_json(data))
        except (OSError, BadJson, JcsError) as e:
            sys.exit("kbs: --jcs: %s" % e)
        sys.stdout.buffer.write(out)
        return
    if not args.config:
        ap.error("--config is required to serve")
    serve(args)


if __name__ == "__main__":
    main()
