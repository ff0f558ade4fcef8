#!/usr/bin/python3
# SPDX-License-Identifier: Apache-2.0
"""A small test Key Broker Service speaking Trustee's RCAR protocol 0.4.0.

It exists so that the init's C client (init/attest.c, with lib/kbs_reply.c,
lib/jcs.c and lib/jwe.c) can be tested against an independent implementation
that behaves like upstream Trustee, rule by rule, and is never more lenient.
The report data, the JCS canonicalisation (RFC 8785), the sessions, the
verifiers, the attestation and resource policies are written here from
Trustee's sources; the JWE is made by jwcrypto. Only the Python standard
library and Debian's python3-jwcrypto and python3-cryptography are used.

Upstream read: confidential-containers/trustee at commit 78962cd416dc
(2026-08-21), called "trustee 78962cd4" below; every rule names its file and
function there. Also virtee/kbs-types (the serde types, version 0.18.0 as
Trustee's Cargo.lock pins it), veraison/rust-ear 975ba6fd (the EAR status),
actix/actix-web 4dc9f1d3 and actix/actix-extras 30736af2 (the HTTP layer).
tests/kbs/README.md lists the rules, and where this server is stricter.

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

# kbs/src/attestation/backend.rs VERSION_REQ: "=0.4.0" (trustee 78962cd4).
PROTOCOL_VERSION = "0.4.0"
# kbs/src/api_server.rs KBS_PREFIX, the one route "/kbs/v0/{path:.*}".
API = "/kbs/v0"
# kbs/src/error.rs ERROR_TYPE_PREFIX.
ERROR_PREFIX = "https://github.com/confidential-containers/kbs/errors/"
# kbs/src/attestation/session.rs KBS_SESSION_ID.
COOKIE = "kbs-session-id"
# kbs/src/config.rs DEFAULT_PAYLOAD_REQUEST_SIZE = 2 (MiB), applied by
# kbs/src/api_server.rs ApiServer::server as web::PayloadConfig::new(1024 *
# 1024 * payload_request_size): a body of 2097152 bytes is read, one byte
# more is refused by actix-web (actix-web/src/types/payload.rs
# HttpMessageBody::limit: PayloadError::Overflow; error/response_error.rs:
# 413, text/plain "payload reached size limit").
MAX_BODY = 2 * 1024 * 1024
OVERSIZED = 17 << 20  # the "oversized" fault's reply length: past the init's 16 MiB cap
SLOW_ATTEST = 12  # seconds the "slow_attest" fault holds the attest reply
# kbs-types 0.18.0 Tee, serde names, as Trustee matches them (trustee
# 78962cd4 deps/verifier/src/lib.rs to_verifier). Its NvidiaDpu is left out:
# its serde name could not be read here, and the init never sends it.
TEES = frozenset(["az-snp-vtpm", "az-tdx-vtpm", "nvidia", "sgx", "snp", "tdx", "cca",
                  "csv", "se", "hygondcu", "tpm", "sample", "sampledevice"])
FAULTS = (None, "flip_ciphertext", "flip_tag", "wrong_nonce", "garbage", "oversized", "slow_attest",
          "wrong_key")
# attestation-service/src/lib.rs Initdata (parse_init_data; trustee
# 78962cd4): `algorithm` is kbs-types' HashAlgorithm, serde rename_all =
# "lowercase" (kbs-types src/hash_algorithm.rs): exactly sha256, sha384,
# sha512 or sm3. The spec text's "sha-384" spelling is refused there.
INITDATA_HASHES = ("sha256", "sha384", "sha512", "sm3")
# deps/verifier/src/tpm/mod.rs TPM_REPORT_DATA_SIZE (trustee 7c390d7a).
TPM_REPORT_DATA_SIZE = 32
# kbs/src/plugins/implementations/resource/backend.rs ResourceDesc::try_from:
# each of repository, type and tag matches [a-zA-Z0-9_-]+[a-zA-Z0-9_.-]*.
RESOURCE_SEGMENT = re.compile(r"[A-Za-z0-9_-][A-Za-z0-9_.-]*", re.ASCII)
B64URL = re.compile(r"[A-Za-z0-9_-]*")
# kbs/sample_policies/*.rego, the resource policies Trustee ships; default.rego
# is the one kbs/src/api_server.rs ApiServer::new installs.
RESOURCE_POLICIES = ("default", "allow_all", "deny_all", "affirming")


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


def runtime_digest(tee, runtime):
    """The expected report data before it is placed: the JCS of the runtime
    data object hashed with SHA-384, SHA-512 for se (kbs/src/attestation/coco/
    builtin.rs BuiltInCoCoAs::verify picks the hash; attestation-service/src/
    lib.rs parse_runtime_data canonicalises with serde_json_canonicalizer)."""
    return (hashlib.sha512 if tee == "se" else hashlib.sha384)(jcs(runtime)).digest()


def report_data(tee, additional_evidence, nonce, tee_pubkey):
    """The digest of the runtime data backend.rs __attest builds for the primary
    evidence: {"tee-pubkey", "nonce", "additional-evidence"}."""
    return runtime_digest(tee, {"additional-evidence": additional_evidence, "nonce": nonce,
                                "tee-pubkey": tee_pubkey})


def regularize_data(data, n):
    """deps/verifier/src/lib.rs regularize_data: zero-padded or cut to n bytes."""
    return data[:n].ljust(n, b"\0")


def expected_report_data(tee, digest):
    """The report data each verifier compares with its evidence (trustee
    78962cd4): sample as it is (deps/verifier/src/sample/mod.rs
    verify_tee_evidence); snp and tdx regularized to 64 (snp/mod.rs and
    tdx/mod.rs evaluate, "REPORT_DATA"); se regularized to 64 and compared
    with the first 64 bytes of USER_DATA (se/ibmse.rs SeVerifier::evaluate,
    SE_REPORT_DATA_SIZE); tpm resized to 32 and compared with the quote's
    extraData (tpm/mod.rs verify_nonce, TPM_REPORT_DATA_SIZE)."""
    if tee == "sample":
        return digest
    if tee in ("snp", "tdx", "se"):
        return regularize_data(digest, 64)
    if tee == "tpm":
        return regularize_data(digest, TPM_REPORT_DATA_SIZE)
    raise ValueError("no report-data rule for tee %s here" % tee)


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
# Errors

class KbsError(Exception):
    """An error reply as kbs/src/error.rs Error::error_response makes it
    (trustee 78962cd4): {"type": ERROR_PREFIX + <variant>, "detail": <the
    variant's Display>}, with no Content-Type; 404 for InvalidRequestPath and
    PluginNotFound, 401 for every other variant. `reason` is what the log
    line gets (Trustee logs the error's Debug form, with its sources)."""

    def __init__(self, name, detail, reason=None):
        super().__init__(detail)
        self.status = 404 if name in ("InvalidRequestPath", "PluginNotFound") else 401
        self.name, self.detail, self.reason = name, detail, reason or detail


class RawReply(Exception):
    """A reply made by actix-web before Trustee's handler runs."""

    def __init__(self, status, body, reason, ctype=None):
        super().__init__(reason)
        self.status, self.body, self.reason, self.ctype = status, body, reason, ctype


def attest_fail(reason):
    # kbs/src/attestation/error.rs RcarAttestFailed displays without its
    # source, inside kbs/src/error.rs AttestationError ("Attestation error: {0}").
    return KbsError("AttestationError", "Attestation error: RCAR handshake Attest failed",
                    reason)


def auth_fail(context, reason=None):
    # RcarAuthFailed displays "RCAR handshake Auth failed: {source}", and an
    # anyhow error displays its outermost context only.
    return KbsError("AttestationError",
                    "Attestation error: RCAR handshake Auth failed: %s" % context,
                    "%s: %s" % (context, reason) if reason else context)


# kbs/src/admin/mod.rs Admin::check_admin_access with the default DenyAll.
ADMIN_DENIED = ("Admin access denied: Admin access denied as DenyAll authorization_mode "
                "is enabled")

# --------------------------------------------------------------------------
# Sessions and configuration


class Session:
    def __init__(self, tee, nonce, seconds):
        # kbs/src/attestation/session.rs SessionStatus::auth:
        # Uuid::new_v4().as_simple(), 32 lowercase hex digits.
        self.id = uuid.uuid4().hex
        self.tee = tee
        self.nonce = nonce
        self.expires = time.time() + seconds
        self.attested = False
        self.token = None

    def expired(self):
        return time.time() >= self.expires

    def cookie(self):
        # session.rs SessionStatus::cookie: name, value and Expires only.
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
    known = {"resources", "resource_policy", "reference_values", "policy_tpm_pcrs",
             "attest_requires_affirming", "expected_init_data_sha384", "fault",
             "session_seconds"}
    extra = set(cfg) - known
    if extra:
        sys.exit("kbs: config: unknown keys %s" % sorted(extra))
    res = cfg.get("resources", {})
    if not isinstance(res, dict):
        sys.exit("kbs: config: resources must be an object")
    for name, r in res.items():
        parts = name.split("/")
        if len(parts) != 3 or not all(RESOURCE_SEGMENT.fullmatch(p) for p in parts):
            sys.exit("kbs: config: resource name %r is not <repo>/<type>/<tag>" % name)
        if (not isinstance(r, dict) or not isinstance(r.get("file"), str)
                or r.get("policy") not in ("allow", "deny") or set(r) - {"file", "policy"}):
            sys.exit("kbs: config: resource %s needs exactly file and policy "
                     "(allow|deny)" % name)
    policy = cfg.get("resource_policy", "default")
    if policy not in RESOURCE_POLICIES:
        sys.exit("kbs: config: resource_policy must be one of %s" % (RESOURCE_POLICIES,))
    rv = cfg.get("reference_values", {})
    if not isinstance(rv, dict):
        sys.exit("kbs: config: reference_values must map an id to a JSON value")
    pcrs = cfg.get("policy_tpm_pcrs", [])
    if (not isinstance(pcrs, list) or not all(
            isinstance(i, int) and not isinstance(i, bool) and 0 <= i <= 23 for i in pcrs)):
        sys.exit("kbs: config: policy_tpm_pcrs must be a list of PCR indices (0..23)")
    strict = cfg.get("attest_requires_affirming", False)
    if not isinstance(strict, bool):
        sys.exit("kbs: config: attest_requires_affirming must be true or false")
    exp = cfg.get("expected_init_data_sha384")
    if exp is not None and (not isinstance(exp, str)
                            or not re.fullmatch(r"([0-9a-fA-F]{2}){32,64}", exp)):
        sys.exit("kbs: config: expected_init_data_sha384 must be hex or null")
    if cfg.get("fault") not in FAULTS:
        sys.exit("kbs: config: fault must be one of %s" % (FAULTS,))
    secs = cfg.get("session_seconds", 300)
    if isinstance(secs, bool) or not isinstance(secs, (int, float)) or secs <= 0:
        sys.exit("kbs: config: session_seconds must be a positive number")
    return {"resources": res, "resource_policy": policy, "reference_values": rv,
            "policy_tpm_pcrs": sorted(set(pcrs)), "attest_requires_affirming": strict,
            "expected": exp.lower() if exp else None, "fault": cfg.get("fault"),
            "session_seconds": secs}


# --------------------------------------------------------------------------
# The Request, the Attestation, the TEE public key

# The semver crate's Version::parse (SemVer 2.0: no leading zeros in numeric
# identifiers, pre-release after "-", build metadata after "+").
_NUM = r"(?:0|[1-9][0-9]*)"
_PRE_ID = r"(?:0|[1-9][0-9]*|[0-9]*[A-Za-z-][0-9A-Za-z-]*)"
SEMVER = re.compile(r"(%s)\.(%s)\.(%s)(?:-(%s(?:\.%s)*))?(?:\+([0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*))?"
                    % (_NUM, _NUM, _NUM, _PRE_ID, _PRE_ID))


def version_matches(version):
    """backend.rs __auth: Version::parse, then VersionReq "=0.4.0", which
    compares major, minor, patch and pre-release and ignores build metadata."""
    m = SEMVER.fullmatch(version)
    if m is None:
        raise auth_fail("failed to parse KBS version", "not SemVer: %r" % version)
    return (m.group(1), m.group(2), m.group(3), m.group(4)) == ("0", "4", "0", None)


def generate_extra_params(tee, params):
    """kbs/src/attestation/mod.rs generate_extra_params: for se with
    "supported-hash-algorithms" (compared in lower case), the challenge selects
    sha512 or the auth fails; every other case gets ""."""
    if tee != "se" or params is None:
        return ""
    if not isinstance(params, dict) or "supported-hash-algorithms" not in params:
        return ""
    algs = params["supported-hash-algorithms"]
    if not isinstance(algs, list):
        raise auth_fail("Attestation Service generate challenge failed",
                        "SE expected hash algorithm array, found %r" % (algs,))
    if "sha512" not in [a.lower() for a in algs if isinstance(a, str)]:
        raise auth_fail("Attestation Service generate challenge failed",
                        "SE TEE does not support sha512")
    return {"selected-hash-algorithm": "sha512"}


def check_tee_pubkey(k):
    """kbs-types TeePubKey, serde tag "kty". Stricter than Trustee, which
    ignores unknown members and checks the curve and alg only when it makes
    the JWE (kbs/src/jwe/mod.rs jwe): here exactly kbs-types' members, P-256
    with ECDH-ES+A256KW or RSA (2048 bits or more) with RSA-OAEP-256, so that
    the JWK as received and the TeePubKey Trustee re-serialises give the same
    JCS, and a key the JWE cannot use is refused at once."""
    from cryptography.hazmat.primitives.asymmetric import ec, rsa
    if not isinstance(k, dict):
        raise ValueError("tee-pubkey is not a JSON object")
    if not all(isinstance(v, str) for v in k.values()):
        raise ValueError("tee-pubkey members must be strings")
    kty = k.get("kty")
    if kty == "EC":
        if set(k) != {"kty", "crv", "alg", "x", "y"}:
            raise ValueError("an EC tee-pubkey has exactly kty, crv, alg, x, y")
        if k["crv"] != "P-256":
            raise ValueError("tee-pubkey: curve %r is not P-256" % k["crv"])
        if k["alg"] != "ECDH-ES+A256KW":
            raise ValueError("tee-pubkey: EC alg must be ECDH-ES+A256KW")
        try:
            x, y = b64url_decode(k["x"]), b64url_decode(k["y"])
            if len(x) != 32 or len(y) != 32:
                raise ValueError("x and y must be 32 bytes")
            ec.EllipticCurvePublicNumbers(int.from_bytes(x, "big"), int.from_bytes(y, "big"),
                                          ec.SECP256R1()).public_key()
        except (ValueError, binascii.Error) as e:
            raise ValueError("tee-pubkey: bad EC point: %s" % e) from e
    elif kty == "RSA":
        if set(k) != {"kty", "alg", "n", "e"}:
            raise ValueError("an RSA tee-pubkey has exactly kty, alg, n, e")
        if k["alg"] != "RSA-OAEP-256":
            raise ValueError("tee-pubkey: RSA alg must be RSA-OAEP-256")
        try:
            n, e = b64url_decode(k["n"]), b64url_decode(k["e"])
            if not n or n[0] == 0 or not e or e[0] == 0:
                raise ValueError("n and e must be minimal big-endian integers")
            nn = int.from_bytes(n, "big")
            if nn.bit_length() < 2048:
                raise ValueError("modulus of %d bits, fewer than 2048" % nn.bit_length())
            rsa.RSAPublicNumbers(int.from_bytes(e, "big"), nn).public_key()
        except (ValueError, binascii.Error) as e:
            raise ValueError("tee-pubkey: bad RSA key: %s" % e) from e
    else:
        raise ValueError("tee-pubkey: kty must be EC or RSA")


def parse_attestation(att):
    """kbs-types Attestation (kebab-case): "runtime-data" {nonce: string,
    "tee-pubkey": TeePubKey}, "tee-evidence" {primary_evidence: any JSON,
    additional_evidence: string}, "init-data" null or {format, body: strings}.
    Unknown members are ignored, as serde does. Raises ValueError."""
    if not isinstance(att, dict):
        raise ValueError("invalid type: expected struct Attestation")
    rt, ev, init = att.get("runtime-data"), att.get("tee-evidence"), att.get("init-data")
    if not isinstance(rt, dict) or not isinstance(rt.get("nonce"), str) \
            or "tee-pubkey" not in rt:
        raise ValueError("runtime-data needs nonce (a string) and tee-pubkey")
    check_tee_pubkey(rt["tee-pubkey"])
    if not isinstance(ev, dict) or "primary_evidence" not in ev:
        raise ValueError("tee-evidence needs primary_evidence")
    if not isinstance(ev.get("additional_evidence"), str):
        raise ValueError("tee-evidence needs additional_evidence, a string")
    if init is not None and (not isinstance(init, dict)
                             or not isinstance(init.get("format"), str)
                             or not isinstance(init.get("body"), str)):
        raise ValueError("init-data needs string members format and body")
    return rt, ev, init


# --------------------------------------------------------------------------
# Init-data

def parse_init_data(init_data):
    """attestation-service/src/lib.rs parse_init_data (trustee 78962cd4):
    toml::from_str::<Initdata> (version: String, algorithm: HashAlgorithm,
    data: HashMap<String, String>; serde ignores other top-level keys), the
    digest of the body's exact bytes with that algorithm, and the claims: the
    data map, with "aa.toml" and "cdh.toml" turned into JSON when they parse
    and "policy.rego" replaced by its policy_data. The format was checked by
    kbs/src/attestation/coco/builtin.rs BuiltInCoCoAs::verify ("toml" only).
    Returns (algorithm, digest bytes, claims)."""
    body = init_data["body"]
    try:
        doc = tomllib.loads(body)
    except tomllib.TOMLDecodeError as e:
        raise attest_fail("verify TEE evidence failed: parse init data: parse TOML "
                          "structured data: %s" % e) from e
    if not isinstance(doc.get("version"), str):
        raise attest_fail("verify TEE evidence failed: parse init data: version "
                          "missing or not a string")
    alg = doc.get("algorithm")
    if not isinstance(alg, str) or alg not in INITDATA_HASHES:
        raise attest_fail("verify TEE evidence failed: parse init data: algorithm %r "
                          "is not sha256, sha384, sha512 or sm3" % (alg,))
    data = doc.get("data")
    if not isinstance(data, dict) or not all(isinstance(v, str) for v in data.values()):
        raise attest_fail("verify TEE evidence failed: parse init data: data missing or "
                          "not a map of strings")
    try:
        raw = body.encode("utf-8")
    except UnicodeEncodeError as e:
        raise attest_fail("verify TEE evidence failed: init-data body is not valid "
                          "Unicode") from e
    claims = dict(data)
    for key in ("cdh.toml", "aa.toml"):
        if key in claims:
            try:
                v = tomllib.loads(claims[key])
                json.dumps(v)
                claims[key] = v
            except (tomllib.TOMLDecodeError, TypeError, ValueError):
                pass
    if "policy.rego" in claims:
        at = claims["policy.rego"].find("policy_data := {")
        if at >= 0:
            try:
                claims["agent_policy_claims"] = json.loads(
                    claims["policy.rego"][at + len("policy_data := "):])
                del claims["policy.rego"]
            except ValueError:
                pass
    return alg, hashlib.new(alg, raw).digest(), claims


# --------------------------------------------------------------------------
# The verifiers

def verify_sample(evidence, digest, init):
    """deps/verifier/src/sample/mod.rs Sample::evaluate: SampleTeeEvidence
    {svn: String, report_data: String (default "")}; report_data, standard
    base64, must be exactly the expected report data; the init-data digest is
    not checked (only recorded). Returns its claims (parse_tee_evidence)."""
    if not isinstance(evidence, dict) or not isinstance(evidence.get("svn"), str):
        raise attest_fail("verify TEE evidence failed: sample: Deserialize Quote failed.")
    rd = evidence.get("report_data", "")
    if not isinstance(rd, str):
        raise attest_fail("verify TEE evidence failed: sample: Deserialize Quote failed.")
    try:
        got = base64.b64decode(rd, validate=True)
    except (ValueError, binascii.Error) as e:
        raise attest_fail("verify TEE evidence failed: sample: base64 decode report data "
                          "for sample evidence: %s" % e) from e
    if got != expected_report_data("sample", digest):
        raise attest_fail("verify TEE evidence failed: sample: report data mismatch: "
                          "REPORT_DATA is different from that in Sample Quote")
    claims = {"svn": evidence["svn"], "report_data": rd, "launch_digest": "abcde",
              "platform_version": {"major": 1, "minor": 4}, "debug": False}
    if init is not None:
        claims["init_data"] = base64.b64encode(init[1]).decode("ascii")
    return claims


# TPM 2.0 Part 2 constants for the quote.
TPM_GENERATED_VALUE = 0xFF544347
TPM_ST_ATTEST_QUOTE = 0x8018
TPM_ALG_RSASSA = 0x0014
TPM_ALG_SHA256 = 0x000B
INITDATA_PCR = 8


def tpm_fail(why):
    return attest_fail("verify TEE evidence failed: tpm evidence: %s" % why)


def _b64(evidence, key, what):
    v = evidence.get(key)
    try:
        if not isinstance(v, str):
            raise ValueError("not a string")
        return base64.b64decode(v, validate=True)
    except (ValueError, binascii.Error) as e:
        raise tpm_fail("%s is not base64: %s" % (what, e)) from e


class _Reader:
    """Big-endian TPM unmarshalling that fails on a short buffer."""

    def __init__(self, b):
        self.b, self.o = b, 0

    def take(self, n):
        if self.o + n > len(self.b):
            raise tpm_fail("TPMS_ATTEST is truncated")
        v = self.b[self.o:self.o + n]
        self.o += n
        return v

    def u16(self):
        return int.from_bytes(self.take(2), "big")

    def u32(self):
        return int.from_bytes(self.take(4), "big")

    def tpm2b(self):
        return self.take(self.u16())


def verify_tpm(evidence, digest, init):
    """deps/verifier/src/tpm/mod.rs TpmVerifier::evaluate (trustee 78962cd4),
    in its order: the evidence {ak_public, tpm_quote {signature, message,
    pcrs}}; the RSASSA signature by the AK sent in the evidence over the
    TPMS_ATTEST (verify_signature; the AK is NOT checked against a trusted
    list here: since trustee 2f87a432 that is the attestation policy's
    "trusted_aks" reference value, see appraise); the PCR digest
    (verify_pcrs); extraData == the report data resized to 32 bytes
    (verify_nonce); PCR8 == SHA256(0^32 || init-data digest)
    (verify_init_data). Returns the claims (parse_tee_evidence,
    extend_claim): init_data, report_data, ak_public, pcr00..pcr23."""
    from cryptography.exceptions import InvalidSignature
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import padding, rsa
    if not isinstance(evidence, dict) or not isinstance(evidence.get("tpm_quote"), dict) \
            or not isinstance(evidence.get("ak_public"), str):
        raise tpm_fail("Failed to deserialize TPM Evidence: it needs ak_public and tpm_quote")
    q = evidence["tpm_quote"]
    sig = _b64(q, "signature", "signature")
    msg = _b64(q, "message", "message")
    pcrs = q.get("pcrs")
    # Stricter than Trustee's parse_pcr_values, which takes any count: all 24.
    if (not isinstance(pcrs, list) or len(pcrs) != 24
            or not all(isinstance(p, str) and re.fullmatch(r"[0-9a-fA-F]{64}", p)
                       for p in pcrs)):
        raise tpm_fail("pcrs must be 24 SHA-256 values in hex")
    pcrs = [bytes.fromhex(p) for p in pcrs]
    # TPMT_SIGNATURE: sigAlg, hash, TPM2B signature.
    if len(sig) < 6:
        raise tpm_fail("signature is truncated")
    alg, hal, n = int.from_bytes(sig[0:2], "big"), int.from_bytes(sig[2:4], "big"), \
        int.from_bytes(sig[4:6], "big")
    if (alg, hal) != (TPM_ALG_RSASSA, TPM_ALG_SHA256) or len(sig) != 6 + n:
        raise tpm_fail("Unsupported signature type, expected RSA-SSA with SHA-256")
    ak_der = _b64(evidence, "ak_public", "ak_public")
    try:
        ak = serialization.load_der_public_key(ak_der)
    except ValueError as e:
        raise tpm_fail("Failed to parse AK public key") from e
    if not isinstance(ak, rsa.RSAPublicKey):
        raise tpm_fail("TPM quote signature verification failed: the AK is not an RSA key")
    try:
        ak.verify(sig[6:], msg, padding.PKCS1v15(), hashes.SHA256())
    except InvalidSignature as e:
        raise tpm_fail("TPM quote signature verification failed") from e
    # TPMS_ATTEST of a quote.
    r = _Reader(msg)
    if r.u32() != TPM_GENERATED_VALUE or r.u16() != TPM_ST_ATTEST_QUOTE:
        raise tpm_fail("the message is not a TPM-generated quote")
    r.tpm2b()                                   # qualifiedSigner
    extra = r.tpm2b()
    r.take(17 + 8)                              # clockInfo, firmwareVersion
    if r.u32() != 1 or r.u16() != TPM_ALG_SHA256:
        raise tpm_fail("the quote is not over one SHA-256 PCR selection")
    sel = r.take(r.take(1)[0])
    if sel != b"\xff\xff\xff":
        raise tpm_fail("the quote does not cover all 24 PCRs")
    pcr_digest = r.tpm2b()
    if r.o != len(msg):
        raise tpm_fail("trailing bytes after the quote")
    if pcr_digest != hashlib.sha256(b"".join(pcrs)).digest():
        raise tpm_fail("Digest of PCRs does not match digest in Quote")
    if extra != expected_report_data("tpm", digest):
        raise tpm_fail("TPM quote nonce doesn't match expected report_data")
    if init is not None:
        # verify_init_data copies the digest into a 32-byte slot: any
        # algorithm but sha256 (or sm3) makes Trustee's copy_from_slice panic,
        # which ends the request without a token. Refused here with a reason.
        if len(init[1]) != 32:
            raise tpm_fail("PCR8 binds a sha256 initdata digest, not %s" % init[0])
        want = hashlib.sha256(bytes(32) + init[1]).digest()
        if pcrs[INITDATA_PCR] != want:
            raise tpm_fail("TPM PCR[8] doesn't match expected initdata hash")
    claims = {"init_data": pcrs[INITDATA_PCR].hex(), "report_data": extra.hex(),
              "ak_public": evidence["ak_public"]}
    for i, p in enumerate(pcrs):
        claims["pcr%02d" % i] = p.hex()
    return claims


# The verifiers of this server, by kbs-types Tee name. Every other TEE is
# refused: there is no hardware (or vendor chain) here to verify it.
VERIFIERS = {"sample": verify_sample, "tpm": verify_tpm}


# --------------------------------------------------------------------------
# The attestation policy (EAR appraisal) and the resource policy

# attestation-service/src/ear_token/ear_default_policy_cpu.rego defaults.
TRUST_DEFAULTS = {"executables": 33, "hardware": 97, "configuration": 36, "file-system": 0,
                  "instance-identity": 0, "runtime-opaque": 0, "storage-opaque": 0,
                  "sourced-data": 0}


def tier(v):
    """veraison/rust-ear src/trust/claim.rs TrustClaim::tier (975ba6fd)."""
    if -1 <= v <= 1:
        return 0, "none"
    if -32 <= v < 32:
        return 1, "affirming"
    if -96 <= v < 96:
        return 2, "warning"
    return 3, "contraindicated"


def rv_in(x, rv, rid):
    """Rego `x in query_reference_value(rid)`: membership in a list (or an
    object's values); an unknown id is null, and nothing is in null."""
    v = rv.get(rid)
    if isinstance(v, list):
        return x in v
    if isinstance(v, dict):
        return x in v.values()
    return False


def _number(v):
    return isinstance(v, (int, float)) and not isinstance(v, bool)


def appraise(tee, claims, rv, policy_pcrs):
    """Trustee's default attestation policy for the cpu class
    (attestation-service/src/ear_token/ear_default_policy_cpu.rego, trustee
    78962cd4), evaluated by EarAttestationTokenBroker::issue (broker.rs):
    the trust vector, the status (rust-ear Appraisal::
    update_status_from_trust_vector: the worst tier), and why each claim
    that is not affirming is what it is. `policy_tpm_pcrs` is an operator's
    addition to that policy: each listed PCR NN must be in the reference
    value tpm_pcrNN, like pcr11 in tpm_pcr11."""
    tv = dict(TRUST_DEFAULTS)
    why = []
    if tee == "sample":
        # Sample: executables 3, hardware 2 and configuration 2.
        if rv_in(claims.get("launch_digest"), rv, "launch_digest"):
            tv["executables"] = 3
        else:
            why.append("executables 33: launch_digest is not in the reference value "
                       "launch_digest")
        pv = claims.get("platform_version", {})
        minimum = rv.get("minimum_minor_version")
        if (rv_in(claims.get("svn"), rv, "svn") and pv.get("major") == rv.get("major_version")
                and _number(minimum) and pv.get("minor", 0) >= minimum):
            tv["hardware"] = 2
        else:
            why.append("hardware 97: svn, major_version or minimum_minor_version do not "
                       "match the reference values")
        if claims.get("debug") is False:
            tv["configuration"] = 2
    elif tee == "tpm":
        # TPM: hardware 2; executables 3 when pcr11 is in tpm_pcr11 and the
        # AK in trusted_aks (trustee 2f87a432); configuration 0.
        tv["hardware"] = 2
        tv["configuration"] = 0
        bad = []
        if not rv_in(claims.get("pcr11"), rv, "tpm_pcr11"):
            bad.append("PCR[11] does not match the reference value (tpm_pcr11)")
        if not rv_in(claims.get("ak_public"), rv, "trusted_aks"):
            bad.append("the AK public key is not in the list of trusted keys "
                       "(reference value trusted_aks)")
        for i in policy_pcrs:
            if i != 11 and not rv_in(claims.get("pcr%02d" % i), rv, "tpm_pcr%02d" % i):
                bad.append("PCR[%d] does not match the reference value (tpm_pcr%02d)" % (i, i))
        if bad:
            why.extend("executables 33: " + b for b in bad)
        else:
            tv["executables"] = 3
    status = max((tier(v) for v in tv.values()), default=(0, "none"))[1]
    return tv, status, why


def resource_policy_allows(policy, claims, data):
    """The resource policies Trustee ships (kbs/sample_policies/*.rego,
    trustee 78962cd4), evaluated over the token's claims with data {plugin,
    resource-path, query} (kbs/src/api_server.rs api)."""
    if policy == "deny_all":
        return False
    if policy == "allow_all":
        return data["plugin"] == "resource"
    if policy == "default":
        ae = claims.get("submods", {}).get("cpu0", {}).get(
            "ear.veraison.annotated-evidence", {})
        # `not input...["sample"]`: Rego's not holds for undefined or false.
        return data["plugin"] == "resource" and ae.get("sample", False) is False
    # affirming.rego: every submod affirming, and at least one.
    subs = claims.get("submods", {})
    return len(subs) > 0 and all(s.get("ear.status") == "affirming" for s in subs.values())


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
    def new_session(self, tee, nonce):
        s = Session(tee, nonce, self.cfg["session_seconds"])
        with self.lock:
            now = time.time()
            for sid in [i for i, v in self.sessions.items() if v.expires <= now]:
                del self.sessions[sid]
            self.sessions[s.id] = s
        return s

    @staticmethod
    def cookie(headers):
        """actix-web HttpRequest::cookie: the first cookie of that name."""
        for h in headers.get_all("Cookie") or []:
            for part in h.split(";"):
                name, eq, value = part.strip().partition("=")
                if eq and name == COOKIE:
                    return value.strip()
        return None

    def session(self, sid):
        """session.rs SessionMap::get: an expired session is deleted and
        then not found."""
        with self.lock:
            s = self.sessions.get(sid)
            if s is not None and s.expired():
                del self.sessions[sid]
                return None, "session expired"
        return s, "session not found"

    # tokens ----------------------------------------------------------
    def make_token(self, submods):
        from jwcrypto import jwt
        now = int(time.time())
        claims = {"eat_profile": "tag:github.com,2023:veraison/ear", "iat": now,
                  "ear.verifier-id": {"build": "sealroot-test-kbs", "developer": "sealroot"},
                  "submods": submods, "exp": now + 300, "iss": "sealroot-test-kbs"}
        t = jwt.JWT(header={"alg": "ES256", "typ": "JWT", "kid": self.token_key["kid"]},
                    claims=claims)
        t.make_signed_token(self.token_key)
        return t.serialize()

    def verify_token(self, token):
        """kbs/src/token/mod.rs TokenVerifier::verify, with this server's key."""
        from jwcrypto import jwt
        from jwcrypto.common import JWException
        try:
            t = jwt.JWT(jwt=token, key=self.token_key, algs=["ES256"])
            return json.loads(t.claims)
        except (JWException, ValueError, TypeError) as e:
            raise KbsError("TokenVerifierError", "Token Verifier error",
                           "token verification failed: %s" % (str(e) or type(e).__name__)) from e

    def attestation_token(self, headers):
        """kbs/src/api_server.rs ApiServer::get_attestation_token: the
        attested session of the cookie first (backend.rs
        get_attest_token_from_session), else the Authorization header as
        actix-web-httpauth's Bearer::parse reads it (at least 8 bytes,
        exactly "Bearer", a space, the token). Any failure: TokenNotFound."""
        sid = self.cookie(headers)
        why = "KBS session cookie not found"
        if sid is not None:
            s, why = self.session(sid)
            if s is not None:
                if s.attested:
                    return s.token
                why = "The session is not authorized"
        authz = headers.get("Authorization")
        if authz is not None and len(authz.encode("latin-1", "replace")) >= 8:
            scheme, sp, token = authz.partition(" ")
            if scheme == "Bearer" and sp:
                return token
        raise KbsError("TokenNotFound", "Attestation Token not found",
                       "Attestation Token not found: %s, and no Authorization: Bearer" % why)

    # handlers --------------------------------------------------------
    def auth(self, body):
        """backend.rs AttestationService::__auth."""
        try:
            req = parse_json(body)
        except BadJson as e:
            raise auth_fail("deserialize Request", str(e)) from e
        if not isinstance(req, dict) or not isinstance(req.get("version"), str) \
                or "extra-params" not in req:
            raise auth_fail("deserialize Request",
                            "a Request has version (a string), tee and extra-params")
        tee = req.get("tee")
        if not isinstance(tee, str) or tee not in TEES:
            raise auth_fail("deserialize Request", "unknown tee %r" % (tee,))
        version = req["version"]
        if not version_matches(version):
            raise auth_fail("KBS Client Protocol Version Mismatch: expect =%s while the "
                            "request is %s" % (PROTOCOL_VERSION, version))
        extra = generate_extra_params(tee, req["extra-params"])
        # backend.rs make_nonce: 32 random bytes, standard base64. (For se
        # Trustee asks its SE verifier for an attestation request instead;
        # there is none here, and an se attest is refused.)
        s = self.new_session(tee, base64.b64encode(secrets.token_bytes(32)).decode("ascii"))
        return 200, {"nonce": s.nonce, "extra-params": extra}, \
            [("Set-Cookie", s.cookie())], "tee=%s" % tee

    def attest(self, headers, body):
        """backend.rs AttestationService::__attest, then
        coco/builtin.rs BuiltInCoCoAs::verify and attestation-service/src/lib.rs
        AttestationService::evaluate, in their order."""
        sid = self.cookie(headers)
        if sid is None:
            raise attest_fail("cookie not found")
        try:
            rt, ev, init_data = parse_attestation(parse_json(body))
        except (BadJson, ValueError) as e:
            raise attest_fail("deserialize Attestation: %s" % e) from e
        s, why = self.session(sid)
        if s is None:
            raise attest_fail(why)
        if s.attested:
            # backend.rs: an attested session gets its token again, unverified.
            return 200, {"token": s.token}, [("Set-Cookie", s.cookie())], "already attested"
        if rt["nonce"] != s.nonce:
            raise attest_fail("the nonce in the handshake session is different from the "
                              "client side in KBS protocol's Attestation message")
        pub = rt["tee-pubkey"]
        requests = [(s.tee, ev["primary_evidence"],
                     {"tee-pubkey": pub, "nonce": s.nonce,
                      "additional-evidence": ev["additional_evidence"]}, init_data)]
        if ev["additional_evidence"]:
            # HashMap<Tee, TeeEvidence>, each bound to {"tee-pubkey", "nonce"}.
            try:
                add = parse_json(ev["additional_evidence"])
            except BadJson as e:
                raise attest_fail("additional_evidence is not JSON: %s" % e) from e
            if not isinstance(add, dict) or not all(t in TEES for t in add):
                raise attest_fail("additional_evidence is not a map of Tee to evidence")
            for t, e in add.items():
                requests.append((t, e, {"tee-pubkey": pub, "nonce": s.nonce}, None))
        if self.cfg["fault"] == "wrong_nonce":
            raise attest_fail("verify TEE evidence failed: sample: report data mismatch "
                              "(fault wrong_nonce)")
        for _, _, _, init in requests:
            if init is not None and init["format"] != "toml":
                raise attest_fail("verify TEE evidence failed: Unsupported initdata format: "
                                  "%s" % init["format"])
        submods, init_summary, why = {}, None, []
        for i, (tee, evidence, runtime, init) in enumerate(requests):
            verifier = VERIFIERS.get(tee)
            if verifier is None:
                raise attest_fail("verify TEE evidence failed: tee %s: verifier not "
                                  "implemented in the test KBS" % tee)
            try:
                digest = runtime_digest(tee, runtime)
            except JcsError as e:
                raise attest_fail("verify TEE evidence failed: parse runtime data: %s" % e) \
                    from e
            parsed = parse_init_data(init) if init is not None else None
            if i == 0:
                init_summary = parsed
                self.check_expected_init_data(parsed)
            claims = verifier(evidence, digest, parsed)
            annotated = transform_claims(tee, claims, parsed[2] if parsed else None, runtime)
            tv, status, reasons = appraise(tee, claims, self.cfg["reference_values"],
                                           self.cfg["policy_tpm_pcrs"])
            name = "cpu%d" % len(submods)
            why.extend("%s: %s" % (name, r) for r in reasons)
            submods[name] = {"ear.status": status, "ear.trustworthiness-vector": tv,
                             "ear.appraisal-policy-id": "default",
                             "ear.veraison.annotated-evidence": annotated}
        if self.cfg["attest_requires_affirming"]:
            bad = [n for n, m in submods.items() if m["ear.status"] != "affirming"]
            if bad:
                raise attest_fail("verify TEE evidence failed: the appraisal is not "
                                  "affirming (%s): %s" % (
                                      ", ".join("%s %s" % (n, submods[n]["ear.status"])
                                                for n in bad), "; ".join(why)))
        token = self.make_token(submods)
        with self.lock:
            s.token = token
            s.attested = True
        return 200, {"token": token}, [("Set-Cookie", s.cookie())], \
            "attested (%s key, %s%s)%s" % (
                pub["kty"], ", ".join("%s %s" % (n, m["ear.status"]) for n, m in submods.items()),
                ", init-data %s" % init_summary[0] if init_summary else "",
                ": " + "; ".join(why) if why else "")

    def check_expected_init_data(self, parsed):
        """Stricter than Trustee (see README.md): the digest the attestation's
        init-data must have, if one is configured."""
        exp = self.cfg["expected"]
        if exp is None:
            return
        if parsed is None:
            raise attest_fail("init-data is required and missing (expected_init_data_sha384)")
        if parsed[1].hex() != exp:
            raise attest_fail("init-data digest mismatch (expected_init_data_sha384)")

    def admin_endpoint(self, name):
        raise KbsError("AdminAuthAccess", "admin access denied for endpoint %s: %s"
                       % (name, ADMIN_DENIED))

    def plugin(self, method, headers, plugin, rest):
        """kbs/src/api_server.rs api, for everything but auth and attest."""
        if plugin == "attestation-policy" and method == "POST" or \
                plugin in ("reference-value", "resource-policy") and method in ("GET", "POST"):
            self.admin_endpoint(plugin)
        if plugin != "resource":
            # The plugin manager knows only "resource" (no other plugin is
            # configured here): PluginNotFound, the one 404 of the protocol.
            raise KbsError("PluginNotFound", "Plugin %s not found" % plugin)
        # resource/mod.rs validate_auth: POST and DELETE need the admin.
        if method in ("POST", "DELETE"):
            raise KbsError("AdminAuthInitialization", "failed to initialize [admin] "
                           "configuration: %s" % ADMIN_DENIED)
        claims = self.verify_token(self.attestation_token(headers))
        data = {"plugin": plugin, "resource-path": rest, "query": {}}
        name = "/".join(rest)
        r = self.cfg["resources"].get(name)
        policy = self.cfg["resource_policy"]
        # The resource policy first; a per-resource "deny" is a rule of the
        # operator's policy on that resource-path.
        if not resource_policy_allows(policy, claims, data) or (r and r["policy"] == "deny"):
            raise KbsError("PolicyDeny", "Access denied by policy",
                           "Access denied by policy (%s%s)" % (
                               policy, ", deny for %s" % name if r and r["policy"] == "deny"
                               else ""))
        # Then the plugin: resource/mod.rs handle, ResourceDesc::try_from, and
        # kv_storage.rs read_secret_resource: every failure is a
        # PluginInternalError (401), a missing resource included.
        if method != "GET":
            raise KbsError("PluginInternalError", "Plugin internal error",
                           "Illegal HTTP method. Only supports `GET`, `POST` and `DELETE`")
        if len(rest) != 3 or not all(RESOURCE_SEGMENT.fullmatch(p) for p in rest):
            raise KbsError("PluginInternalError", "Plugin internal error",
                           "illegal ResourceDesc format: %s" % name)
        if r is None:
            raise KbsError("PluginInternalError", "Plugin internal error",
                           "resource not found: %s" % name)
        try:
            with open(r["file"], "rb") as f:
                data = f.read()
        except OSError as e:
            raise KbsError("PluginInternalError", "Plugin internal error",
                           "resource %s: cannot read its file: %s" % (name, e.strerror)) from e
        try:
            pub = claims["submods"]["cpu0"]["ear.veraison.annotated-evidence"][
                "runtime_data_claims"]["tee-pubkey"]
        except (KeyError, TypeError) as e:
            raise KbsError("TokenVerifierError", "Token Verifier error",
                           "no tee-pubkey claim in the token") from e
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


def transform_claims(tee, claims, init_claims, runtime):
    """attestation-service/src/ear_token/broker.rs transform_claims: the
    annotated evidence of one submod. init_data and report_data move out of
    the TEE's claims, with init_data_claims and runtime_data_claims (without
    "additional-evidence", as verbose_token is off by default)."""
    claims = dict(claims)
    out = {}
    if "init_data" in claims:
        out["init_data"] = claims.pop("init_data")
        out["init_data_claims"] = init_claims
    if "report_data" in claims:
        out["report_data"] = claims.pop("report_data")
        out["runtime_data_claims"] = {k: v for k, v in runtime.items()
                                      if k != "additional-evidence"}
    out[tee] = claims
    return out


def encrypt(pub, plaintext):
    """A flattened JWE (protected, encrypted_key, iv, ciphertext, tag) to pub."""
    from jwcrypto import jwe, jwk
    alg = "ECDH-ES+A256KW" if pub["kty"] == "EC" else "RSA-OAEP-256"
    key = jwk.JWK(**{k: v for k, v in pub.items() if k != "alg"})
    j = jwe.JWE(plaintext, protected={"alg": alg, "enc": "A256GCM"})
    j.add_recipient(key)
    # The compact form moves jwcrypto's per-recipient epk into the protected
    # header (and re-encrypts with that header as AAD): the flattened form
    # without "aad" that Trustee's kbs/src/jwe/mod.rs sends. jwcrypto writes
    # the header with sorted keys, as serde_json writes kbs-types'
    # ProtectedHeader: {"alg","enc","epk":{"crv","kty","x","y"}}.
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
    # Buffered: a reply of up to 64 KiB, head and body, leaves in one
    # write (flushed after each request by handle_one_request), as from an
    # HTTP server that builds the whole response before it sends it, not
    # in two, whose second a relay may hold back for the guest's delayed
    # ACK. A larger body is written on its own, after the head.
    wbufsize = 64 * 1024
    server_version = "sealroot-test-kbs/" + PROTOCOL_VERSION
    sys_version = ""
    timeout = 30

    def log_request(self, code="-", size="-"):
        pass  # one line per request is written by reply()

    def handle_expect_100(self):
        # The interim "100 Continue" must not wait in the write buffer.
        ok = super().handle_expect_100()
        self.wfile.flush()
        return ok

    def log_message(self, fmt, *args):
        log(fmt % args)

    def reply(self, status, body, headers, reason, ctype="application/json"):
        if isinstance(body, (dict, list)):
            body = json.dumps(body, separators=(",", ":")).encode("utf-8")
        self.send_response(status)
        if ctype:
            self.send_header("Content-Type", ctype)
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
            # Stricter than actix-web, which reads chunked bodies too.
            self.close_connection = True
            raise RawReply(411, b"", "chunked bodies are not supported")
        cl = self.headers.get("Content-Length", "0")
        if not cl.isdigit():
            # HttpMessageBody::new: PayloadError::UnknownLength, 400.
            self.close_connection = True
            raise RawReply(400, b"payload length is unknown", "bad Content-Length",
                           "text/plain; charset=utf-8")
        n = int(cl)
        if n > MAX_BODY:
            # Drain a little so the client sees the reply, then close.
            self.close_connection = True
            left = min(n, 4 * MAX_BODY)
            while left > 0:
                chunk = self.rfile.read(min(left, 65536))
                if not chunk:
                    break
                left -= len(chunk)
            raise RawReply(413, b"payload reached size limit",
                           "request body of %d bytes, over %d" % (n, MAX_BODY),
                           "text/plain; charset=utf-8")
        data = self.rfile.read(n)
        if len(data) != n:
            self.close_connection = True
            raise RawReply(400, b"", "short request body")
        return data

    def handle_api(self, method):
        kbs = self.server.kbs
        # The request target as sent: http.server turns a leading "//" into
        # "/" in self.path, actix-web's router does not.
        words = self.requestline.split()
        path = (words[1] if len(words) >= 2 else self.path).split("?", 1)[0]
        ctype = "application/json"
        try:
            if not path.startswith(API + "/"):
                # No route matches: actix-web's default 404, empty. The body
                # is not read, so the connection is closed after the reply.
                self.close_connection = True
                raise RawReply(404, b"", "no route for %s" % path)
            if method not in ("GET", "POST", "PUT", "DELETE"):
                # The route has GET, POST, PUT and DELETE only.
                self.close_connection = True
                raise RawReply(405, b"", "method %s not allowed" % method)
            body = self.read_body()
            parts = path[len(API) + 1:].split("/")
            plugin, rest = parts[0], parts[1:]
            if plugin == "auth" and method == "POST":
                status, reply, hdrs, reason = kbs.auth(body)
            elif plugin == "attest" and method == "POST":
                status, reply, hdrs, reason = kbs.attest(self.headers, body)
                if kbs.cfg["fault"] == "slow_attest":
                    # A cold Trustee fetching VCEK or PCS collateral inside
                    # /attest: the answer comes, late.
                    time.sleep(SLOW_ATTEST)
            else:
                status, reply, hdrs, reason = kbs.plugin(method, self.headers, plugin, rest)
        except RawReply as e:
            status, reply, hdrs, reason, ctype = e.status, e.body, [], e.reason, e.ctype
        except KbsError as e:
            status, hdrs, reason, ctype = e.status, [], "%s: %s" % (e.name, e.reason), None
            reply = {"type": ERROR_PREFIX + e.name, "detail": e.detail}
        except Exception as e:  # a bug here must not look like a protocol answer
            status, hdrs, reason = 500, [], "internal error: %s" % type(e).__name__
            reply = {"type": ERROR_PREFIX + "InternalError", "detail": type(e).__name__}
            import traceback
            traceback.print_exc()
        self.reply(status, reply, hdrs, reason, ctype)

    def do_POST(self):
        self.handle_api("POST")

    def do_GET(self):
        self.handle_api("GET")

    def do_PUT(self):
        self.handle_api("PUT")

    def do_DELETE(self):
        self.handle_api("DELETE")

    def do_HEAD(self):
        self.handle_api("HEAD")

    def do_PATCH(self):
        self.handle_api("PATCH")


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
    log("%s on 127.0.0.1:%d, %d resources, resource policy %s%s, fault %s, sessions %ss%s" % (
        "https" if args.tls else "http", port, len(cfg["resources"]), cfg["resource_policy"],
        " (attest requires affirming)" if cfg["attest_requires_affirming"] else "",
        cfg["fault"], cfg["session_seconds"],
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
