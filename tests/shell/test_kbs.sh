#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# shunit2 tests for the test KBS (tests/kbs/kbs.py), the independent RCAR 0.4.0
# server the boot tests attest against: the happy paths (EC and RSA keys,
# cookie and bearer token), every rejection (version, tee, key, nonce, report
# data, init-data, session, policy, path, size, JSON), every fault mode, HTTPS
# with a generated CA, and its JCS (RFC 8785) against the known answer of
# Trustee's attestation-service tests and hand-written edge cases.
# The resource replies are also decrypted by tests/kbs/decrypt-ref.py, which
# follows RFC 7518 step by step without jwcrypto.
# The test_rule* functions each show one rule in which the server follows
# upstream Trustee (confidential-containers/trustee, commit 78962cd416dc,
# 2026-08-21; the file and function are named at each); tests/kbs/README.md
# lists them.
# Run alone: sh tests/shell/test_kbs.sh
TOP=$(cd "$(dirname "$0")/../.." && pwd)
PY=/usr/bin/python3
KBSDIR=${KBSDIR:-$TOP/tests/kbs}
NOJW=
"$PY" -c 'import jwcrypto.jwe, cryptography' 2>/dev/null ||
	NOJW="/usr/bin/python3 lacks jwcrypto (Debian python3-jwcrypto)"
MARK=TOPSECRET-5ea1f00d-do-not-log

oneTimeSetUp() {
	W=$(mktemp -d)
	[ -z "$NOJW" ] || return 0
	{
		echo "$MARK"
		head -c 777 /dev/urandom
	} >"$W/secret.bin"
	printf 'denied' >"$W/denied.bin"
	# Sample evidence needs the operator's allow_all resource policy (rule 8).
	start_kbs main "{\"resources\": {
		\"default/key/web\": {\"file\": \"$W/secret.bin\", \"policy\": \"allow\"},
		\"default/key/denied\": {\"file\": \"$W/denied.bin\", \"policy\": \"deny\"},
		\"other/cert/gone\": {\"file\": \"$W/nonexistent\", \"policy\": \"allow\"}},
		\"resource_policy\": \"allow_all\"}" ||
		fail "the main server did not start"
}

oneTimeTearDown() {
	for _p in "$W"/*.bgpid; do
		[ -s "$_p" ] && kill "$(cat "$_p")" 2>/dev/null
	done
	rm -rf "$W"
}

ready() {
	[ -z "$NOJW" ] && return 0
	echo "SKIP: $NOJW"
	return 1
}

# NAME CONFIG-JSON [kbs.py options...]: start a server on a free port; the
# port lands in $W/NAME.port, its log in $W/NAME.err.
start_kbs() {
	_n=$1 _c=$2
	shift 2
	printf '%s\n' "$_c" >"$W/$_n.json"
	"$PY" "$KBSDIR/kbs.py" --config "$W/$_n.json" --port 0 --pidfile "$W/$_n.pid" "$@" \
		>"$W/$_n.out" 2>"$W/$_n.err" &
	echo $! >"$W/$_n.bgpid"
	_i=0
	until grep -q '^listening [0-9][0-9]*$' "$W/$_n.out" 2>/dev/null; do
		_i=$((_i + 1))
		if [ $_i -gt 200 ] || ! kill -0 "$(cat "$W/$_n.bgpid")" 2>/dev/null; then
			cat "$W/$_n.err" >&2
			return 1
		fi
		sleep 0.05
	done
	sed -n '1s/^listening //p' "$W/$_n.out" >"$W/$_n.port"
}

# A server that serves the usual secret with one fault.
start_fault() { # FAULT
	start_kbs "f_$1" "{\"resources\": {\"default/key/web\": {\"file\": \"$W/secret.bin\",
		\"policy\": \"allow\"}}, \"resource_policy\": \"allow_all\", \"fault\": \"$1\"}" ||
		fail "server with fault $1 did not start"
}

# A server with one resource, default/key/web, and the JSON members given
# (', "resource_policy": ...').
start_one() { # NAME EXTRA-MEMBERS
	start_kbs "$1" "{\"resources\": {\"default/key/web\": {\"file\": \"$W/secret.bin\",
		\"policy\": \"allow\"}}$2}" || fail "server $1 did not start"
}

lastlog() { # NAME: the server's last log line
	tail -n 1 "$W/$1.err"
}

url() { # NAME
	echo "http://127.0.0.1:$(cat "$W/$1.port")"
}

# URL [client.py options...]: $OUT is its output (stdout and stderr), $RC its status.
client() {
	_u=$1
	shift
	OUT=$("$PY" "$KBSDIR/client.py" --url "$_u" "$@" 2>&1)
	RC=$?
}

# NAME METHOD PATH [curl options...]: a raw request, with a cookie jar per test.
# $CODE is the status; the body is in $W/body, the headers in $W/headers.
raw() {
	_n=$1 _m=$2 _p=$3
	shift 3
	CODE=$(curl -s -o "$W/body" -D "$W/headers" -w '%{http_code}' -X "$_m" \
		-b "$W/jar" -c "$W/jar" -H 'Expect:' "$@" "$(url "$_n")$_p")
}

field() { # FILE KEY: a top-level member of a JSON file
	"$PY" -c 'import json,sys; print(json.load(open(sys.argv[1]))[sys.argv[2]])' "$1" "$2"
}

jcs() { # JSON: kbs.py's canonical form
	printf '%s' "$1" | "$PY" "$KBSDIR/kbs.py" --jcs -
}

hexof() {
	od -An -v -tx1 | tr -s ' \n' '  '
}

# Asserts the error reply of the last raw(): status and Trustee error name
# (kbs/src/error.rs Error::error_response), and, if given, the exact detail.
assertError() { # STATUS NAME [DETAIL]
	assertEquals "status, body $(cat "$W/body")" "$1" "$CODE"
	assertEquals "error type" "https://github.com/confidential-containers/kbs/errors/$2" \
		"$(field "$W/body" type)"
	[ $# -lt 3 ] || assertEquals "detail" "$3" "$(field "$W/body" detail)"
}

ATTEST_FAILED="Attestation error: RCAR handshake Attest failed"
AUTH_FAILED="Attestation error: RCAR handshake Auth failed"

auth_body='{"version":"0.4.0","tee":"sample","extra-params":""}'

test_happy_path_ec() {
	ready || return 0
	client "$(url main)" --resource default/key/web --out "$W/ec.out" \
		--save-jwe "$W/ec.jwe" --save-key "$W/ec.jwk"
	assertEquals "client: $OUT" 0 "$RC"
	assertTrue "plaintext == the secret file" "cmp $W/secret.bin $W/ec.out"
	"$PY" "$KBSDIR/decrypt-ref.py" "$W/ec.jwe" "$W/ec.jwk" >"$W/ec.ref" 2>"$W/ec.referr"
	assertEquals "decrypt-ref: $(cat "$W/ec.referr")" 0 $?
	assertTrue "decrypt-ref agrees" "cmp $W/secret.bin $W/ec.ref"
	assertEquals "flattened JWE members" "ciphertext encrypted_key iv protected tag" \
		"$("$PY" -c 'import json,sys; print(*sorted(json.load(open(sys.argv[1]))))' "$W/ec.jwe")"
	hdr=$("$PY" -c 'import json,sys,base64
p=json.load(open(sys.argv[1]))["protected"]
h=json.loads(base64.urlsafe_b64decode(p+"="*(-len(p)%4)))
print(h["alg"], h["enc"], sorted(h), sorted(h["epk"]), h["epk"]["crv"])' "$W/ec.jwe")
	assertEquals "ECDH-ES+A256KW A256GCM ['alg', 'enc', 'epk'] ['crv', 'kty', 'x', 'y'] P-256" "$hdr"
	# Byte for byte the header serde_json writes for kbs-types'
	# ProtectedHeader (kbs/src/jwe/mod.rs ecdh_es_a256kw_p256): alg, enc, then
	# epk with its keys in order, no blanks.
	assertEquals "protected header form" ok "$("$PY" -c 'import json,sys,base64
p=json.load(open(sys.argv[1]))["protected"]
raw=base64.urlsafe_b64decode(p+"="*(-len(p)%4)).decode()
h=json.loads(raw); e=h["epk"]
want="{\"alg\":\"ECDH-ES+A256KW\",\"enc\":\"A256GCM\",\"epk\":{\"crv\":\"P-256\",\"kty\":\"EC\",\"x\":\"%s\",\"y\":\"%s\"}}" % (e["x"], e["y"])
print("ok" if raw == want else raw)' "$W/ec.jwe")"
}

test_happy_path_rsa() {
	ready || return 0
	client "$(url main)" --rsa --resource default/key/web --out "$W/rsa.out" \
		--save-jwe "$W/rsa.jwe" --save-key "$W/rsa.jwk"
	assertEquals "client: $OUT" 0 "$RC"
	assertTrue "plaintext == the secret file" "cmp $W/secret.bin $W/rsa.out"
	"$PY" "$KBSDIR/decrypt-ref.py" "$W/rsa.jwe" "$W/rsa.jwk" >"$W/rsa.ref" 2>"$W/rsa.referr"
	assertEquals "decrypt-ref: $(cat "$W/rsa.referr")" 0 $?
	assertTrue "decrypt-ref agrees" "cmp $W/secret.bin $W/rsa.ref"
	assertContains "$OUT" "ok $(wc -c <"$W/secret.bin") bytes"
}

test_bearer_token() {
	ready || return 0
	client "$(url main)" --bearer --resource default/key/web --out "$W/bearer.out"
	assertEquals "client: $OUT" 0 "$RC"
	assertTrue "plaintext == the secret file" "cmp $W/secret.bin $W/bearer.out"
	raw main GET /kbs/v0/resource/default/key/web -H 'Authorization: Bearer a.b.c'
	assertError 401 TokenVerifierError
}

test_log_has_one_line_per_request_and_no_secret() {
	ready || return 0
	client "$(url main)" --resource default/key/web --out "$W/log.out"
	assertEquals "client: $OUT" 0 "$RC"
	assertTrue "auth logged" "grep -q '^kbs: POST /kbs/v0/auth 200 ' $W/main.err"
	assertTrue "attest logged" "grep -q '^kbs: POST /kbs/v0/attest 200 ' $W/main.err"
	assertTrue "resource logged" \
		"grep -q '^kbs: GET /kbs/v0/resource/default/key/web 200 ' $W/main.err"
	assertFalse "no secret in the log" "grep -q $MARK $W/main.err"
	assertTrue "the pidfile holds the server" "[ \"\$(cat $W/main.pid)\" = \"\$(cat $W/main.bgpid)\" ]"
}

test_auth_reply() {
	ready || return 0
	rm -f "$W/jar"
	raw main POST /kbs/v0/auth -d "$auth_body"
	assertEquals "status" 200 "$CODE"
	cookie=$(sed -n 's/^[Ss]et-[Cc]ookie: *//p' "$W/headers" | tr -d '\r')
	# kbs/src/attestation/session.rs SessionStatus::auth and ::cookie: a
	# simple UUID v4 (32 hex digits) and Expires, nothing else.
	assertTrue "cookie form: $cookie" "printf '%s\n' '$cookie' | grep -qE \
		'^kbs-session-id=[0-9a-f]{12}4[0-9a-f]{3}[89ab][0-9a-f]{15}; Expires=[A-Z][a-z]{2}, [0-9]{2} [A-Z][a-z]{2} [0-9]{4} [0-9]{2}:[0-9]{2}:[0-9]{2} GMT$'"
	ahead=$("$PY" -c 'import sys,time,email.utils
print(round(email.utils.parsedate_to_datetime(sys.argv[1].split("Expires=")[1]).timestamp()-time.time()))' "$cookie")
	assertTrue "expires 300 s ahead, not $ahead" "[ $ahead -ge 298 ] && [ $ahead -le 301 ]"
	assertEquals "32-byte nonce" 32 "$(field "$W/body" nonce | base64 -d | wc -c)"
	assertEquals "extra-params" "" "$(field "$W/body" extra-params)"
	assertEquals "two members" "extra-params nonce" \
		"$("$PY" -c 'import json,sys; print(*sorted(json.load(open(sys.argv[1]))))' "$W/body")"
	n1=$(field "$W/body" nonce)
	raw main POST /kbs/v0/auth -d "$auth_body"
	assertNotEquals "a fresh nonce" "$n1" "$(field "$W/body" nonce)"
	for t in sample snp tdx se tpm az-snp-vtpm cca; do
		raw main POST /kbs/v0/auth -d "{\"version\":\"0.4.0\",\"tee\":\"$t\",\"extra-params\":{}}"
		assertEquals "tee $t" 200 "$CODE"
	done
}

# kbs/src/attestation/backend.rs __auth: semver's Version::parse, then the
# VersionReq "=0.4.0", which ignores build metadata and refuses a pre-release.
test_wrong_version() {
	ready || return 0
	for v in 0.3.0 0.4.1 1.0.0 0.4.0-rc.1; do
		raw main POST /kbs/v0/auth -d "{\"version\":\"$v\",\"tee\":\"sample\",\"extra-params\":\"\"}"
		assertError 401 AttestationError \
			"$AUTH_FAILED: KBS Client Protocol Version Mismatch: expect =0.4.0 while the request is $v"
	done
	assertFalse "no cookie for a refused auth" "grep -qi '^set-cookie' $W/headers"
	for v in 0.4 '0.4.0 ' v0.4.0 00.4.0 0.4.0+; do
		raw main POST /kbs/v0/auth -d "{\"version\":\"$v\",\"tee\":\"sample\",\"extra-params\":\"\"}"
		assertError 401 AttestationError "$AUTH_FAILED: failed to parse KBS version"
	done
	raw main POST /kbs/v0/auth -d '{"version":"0.4.0+build.7","tee":"sample","extra-params":""}'
	assertEquals "build metadata is ignored" 200 "$CODE"
	client "$(url main)" --version 0.3.0 --resource default/key/web --out "$W/v.out"
	assertEquals "client: $OUT" 2 "$RC"
	assertContains "$OUT" "HTTP 401 AttestationError"
}

# A Request that kbs-types cannot deserialize: 401, "deserialize Request"
# (backend.rs __auth), malformed JSON included.
test_bad_auth_requests() {
	ready || return 0
	for body in '{"version":"0.4.0","tee":"bogus","extra-params":""}' \
		'{"version":"0.4.0","tee":"sample"}' \
		'{"version":"0.4.0","tee":"sample","extra-params":' \
		'{"version":"0.4.0","version":"0.4.0","tee":"sample","extra-params":""}' \
		'{"version":0.4,"tee":"sample","extra-params":""}' '[1,2]' ''; do
		raw main POST /kbs/v0/auth -d "$body"
		assertError 401 AttestationError "$AUTH_FAILED: deserialize Request"
	done
	raw main POST /kbs/v0/auth -d '{"version":"0.4.0","tee":"bogus","extra-params":""}'
	assertContains "$(lastlog main)" "unknown tee 'bogus'"
}

test_other_tee_not_implemented() {
	ready || return 0
	for t in snp tdx se; do
		client "$(url main)" --tee $t --resource default/key/web --out "$W/t.out"
		assertEquals "$t: $OUT" 2 "$RC"
		assertContains "$t" "$OUT" "HTTP 401 AttestationError: $ATTEST_FAILED"
		assertContains "$t" "$(lastlog main)" "verifier not implemented in the test KBS"
	done
	# tpm has a verifier: sample-shaped evidence is refused by it.
	client "$(url main)" --tee tpm --resource default/key/web --out "$W/t.out"
	assertEquals "tpm: $OUT" 2 "$RC"
	assertContains "$(lastlog main)" "Failed to deserialize TPM Evidence"
	assertFalse "nothing written" "[ -e $W/t.out ]"
}

test_deny_policy() {
	ready || return 0
	client "$(url main)" --resource default/key/denied --out "$W/deny.out"
	assertEquals "client: $OUT" 2 "$RC"
	assertContains "$OUT" "HTTP 401 PolicyDeny"
	assertFalse "nothing written" "[ -e $W/deny.out ]"
}

# A resource the storage does not have is the resource plugin's error,
# after the token and the policy: 401 PluginInternalError (kbs/src/api_server.rs
# api; resource/kv_storage.rs read_secret_resource "resource not found").
test_unknown_resource() {
	ready || return 0
	client "$(url main)" --resource default/key/nope --out "$W/nope.out"
	assertEquals "client: $OUT" 2 "$RC"
	assertContains "$OUT" "HTTP 401 PluginInternalError: Plugin internal error"
	assertContains "$(lastlog main)" "resource not found: default/key/nope"
	# A configured resource whose file is missing: the same.
	client "$(url main)" --resource other/cert/gone --out "$W/gone.out"
	assertEquals "client: $OUT" 2 "$RC"
	assertContains "$OUT" "HTTP 401 PluginInternalError"
	assertFalse "nothing written" "[ -e $W/nope.out ] || [ -e $W/gone.out ]"
}

# Paths: outside /kbs/v0/ no route (actix-web's empty 404); an unknown
# plugin, or auth with GET, PluginNotFound (404); a resource path the
# plugin cannot parse is its error (401), and only after the token.
test_bad_paths() {
	ready || return 0
	rm -f "$W/jar"
	raw main POST /kbs/v1/auth -d "$auth_body"
	assertEquals "no route" 404 "$CODE"
	assertEquals "empty body" 0 "$(wc -c <"$W/body")"
	raw main POST //kbs/v0/auth -d "$auth_body" --path-as-is
	assertEquals "a doubled slash: no route" 404 "$CODE"
	raw main GET /kbs/v0/auth
	assertError 404 PluginNotFound "Plugin auth not found"
	raw main GET /kbs/v0/keys/a/b/c
	assertError 404 PluginNotFound "Plugin keys not found"
	raw main GET /kbs/v0/
	assertError 404 PluginNotFound "Plugin  not found"
	for p in default/key default/../key/web a/b/c/d default/key/.web .x/key/web; do
		raw main GET "/kbs/v0/resource/$p" --path-as-is
		assertError 401 TokenNotFound "Attestation Token not found"
	done
	client "$(url main)" --save-token "$W/path.tok" --resource default/key/web --out "$W/path.out"
	assertEquals "client: $OUT" 0 "$RC"
	for p in default/key default/../key/web a/b/c/d default/key/.web .x/key/web default//web; do
		raw main GET "/kbs/v0/resource/$p" --path-as-is -H "Authorization: Bearer $(cat "$W/path.tok")"
		assertError 401 PluginInternalError "Plugin internal error"
		assertContains "$p" "$(lastlog main)" "illegal ResourceDesc format"
	done
}

test_resource_without_attest() {
	ready || return 0
	client "$(url main)" --skip-attest --resource default/key/web --out "$W/na.out"
	assertEquals "client: $OUT" 2 "$RC"
	assertContains "$OUT" "HTTP 401 TokenNotFound"
	rm -f "$W/jar"
	raw main GET /kbs/v0/resource/default/key/web
	assertError 401 TokenNotFound
	raw main GET /kbs/v0/resource/default/key/web -H 'Cookie: kbs-session-id=5ea1f00d'
	assertError 401 TokenNotFound
	raw main POST /kbs/v0/attest -d '{}'
	assertError 401 AttestationError "$ATTEST_FAILED"
	assertContains "$(lastlog main)" "cookie not found"
}

test_expired_session() {
	ready || return 0
	start_one short ', "resource_policy": "allow_all", "session_seconds": 1'
	client "$(url short)" --resource default/key/web --out "$W/short.out"
	assertEquals "in time: $OUT" 0 "$RC"
	client "$(url short)" --sleep 1.2 --resource default/key/web --out "$W/late.out"
	assertEquals "too late: $OUT" 2 "$RC"
	assertContains "$OUT" "HTTP 401 TokenNotFound"
	assertContains "$(lastlog short)" "session expired"
	assertFalse "nothing written" "[ -e $W/late.out ]"
}

test_report_data_mismatch() {
	ready || return 0
	client "$(url main)" --bad-report-data --resource default/key/web --out "$W/rd.out"
	assertEquals "client: $OUT" 2 "$RC"
	assertContains "$OUT" "HTTP 401 AttestationError"
	assertContains "$(lastlog main)" "report data mismatch"
}

test_nonce_mismatch() {
	ready || return 0
	client "$(url main)" --bad-nonce --resource default/key/web --out "$W/nonce.out"
	assertEquals "client: $OUT" 2 "$RC"
	assertContains "$(lastlog main)" "nonce in the handshake session is different"
}

test_tee_pubkey_checks() {
	ready || return 0
	# The P-256 generator point: valid, so only the named defect fails.
	x=axfR8uEsQkf4vOblY6RA8ncDfYEt6zOg9KE5RdiYwpY
	y=T-NC4v4af5uO5-tKfA-eFivOM1drMV7Oy7ZAaDe_UfU
	yb=T-NC4v4af5uO5-tKfA-eFivOM1drMV7Oy7ZAaDe_UfY
	n1024=$("$PY" -c 'import base64; print(base64.urlsafe_b64encode(b"\xc1"+bytes(126)+b"\x01").rstrip(b"=").decode())')
	for case in \
		"P-384|{\"kty\":\"EC\",\"crv\":\"P-384\",\"alg\":\"ECDH-ES+A256KW\",\"x\":\"$x\",\"y\":\"$y\"}" \
		"must be ECDH-ES+A256KW|{\"kty\":\"EC\",\"crv\":\"P-256\",\"alg\":\"ECDH-ES\",\"x\":\"$x\",\"y\":\"$y\"}" \
		"exactly kty, crv, alg, x, y|{\"kty\":\"EC\",\"crv\":\"P-256\",\"alg\":\"ECDH-ES+A256KW\",\"x\":\"$x\",\"y\":\"$y\",\"kid\":\"1\"}" \
		"bad EC point|{\"kty\":\"EC\",\"crv\":\"P-256\",\"alg\":\"ECDH-ES+A256KW\",\"x\":\"$x\",\"y\":\"$yb\"}" \
		"bad EC point|{\"kty\":\"EC\",\"crv\":\"P-256\",\"alg\":\"ECDH-ES+A256KW\",\"x\":\"$x=\",\"y\":\"$y\"}" \
		"fewer than 2048|{\"kty\":\"RSA\",\"alg\":\"RSA-OAEP-256\",\"n\":\"$n1024\",\"e\":\"AQAB\"}" \
		"must be RSA-OAEP-256|{\"kty\":\"RSA\",\"alg\":\"RSA-OAEP\",\"n\":\"$n1024\",\"e\":\"AQAB\"}" \
		"kty must be EC or RSA|{\"kty\":\"OKP\",\"crv\":\"X25519\",\"x\":\"$x\"}"; do
		client "$(url main)" --send-pubkey "${case#*|}" --resource default/key/web --out "$W/pk.out"
		assertEquals "${case#*|}: $OUT" 2 "$RC"
		assertContains "${case#*|}: $OUT" "$(lastlog main)" "${case%%|*}"
	done
	# The generator itself passes the key checks (the JWE then cannot decrypt).
	client "$(url main)" --send-pubkey "{\"kty\":\"EC\",\"crv\":\"P-256\",\"alg\":\"ECDH-ES+A256KW\",\"x\":\"$x\",\"y\":\"$y\"}" \
		--resource default/key/web --out "$W/pk.out"
	assertEquals "valid foreign key: $OUT" 3 "$RC"
}

test_init_data_digest() {
	ready || return 0
	cat >"$W/init.toml" <<'EOF'
version = "0.1.0"
algorithm = "sha384"
[data]
"aa.toml" = '''
[token_configs.kbs]
url = "http://10.0.2.2:8080"
'''
"policy.rego" = "package agent_policy\ndefault AllowRequestsFailingPolicy := true\n"
EOF
	sed 's/8080/8081/' "$W/init.toml" >"$W/init-other.toml"
	sed 's/sha384/sha512/' "$W/init.toml" >"$W/init512.toml"
	start_one init ", \"resource_policy\": \"allow_all\",
		\"expected_init_data_sha384\": \"$(sha384sum <"$W/init.toml" | cut -d' ' -f1)\""
	client "$(url init)" --init-data "$W/init.toml" --resource default/key/web --out "$W/i.out"
	assertEquals "match: $OUT" 0 "$RC"
	assertTrue "plaintext" "cmp $W/secret.bin $W/i.out"
	client "$(url init)" --init-data "$W/init-other.toml" --resource default/key/web --out "$W/i2.out"
	assertEquals "mismatch: $OUT" 2 "$RC"
	assertContains "$(lastlog init)" "init-data digest mismatch"
	client "$(url init)" --resource default/key/web --out "$W/i3.out"
	assertEquals "missing: $OUT" 2 "$RC"
	assertContains "$(lastlog init)" "init-data is required"
	client "$(url init)" --init-data "$W/init512.toml" --resource default/key/web --out "$W/i4.out"
	assertEquals "another algorithm: $OUT" 2 "$RC"
	# The TOML's algorithm picks the hash: sha512, a SHA-512 digest.
	start_one init512 ", \"resource_policy\": \"allow_all\",
		\"expected_init_data_sha384\": \"$(sha512sum <"$W/init512.toml" | cut -d' ' -f1)\""
	client "$(url init512)" --init-data "$W/init512.toml" --resource default/key/web --out "$W/i5.out"
	assertEquals "sha512: $OUT" 0 "$RC"
	client "$(url init512)" --init-data "$W/init.toml" --resource default/key/web --out "$W/i6.out"
	assertEquals "sha384 doc against a sha512 digest: $OUT" 2 "$RC"
}

# Rule 6: init-data is parsed as Trustee parses it, digest or none
# configured: attestation-service/src/lib.rs parse_init_data,
# toml::from_str::<Initdata> (version: String, algorithm: kbs-types
# HashAlgorithm, serde lowercase names only, kbs-types src/hash_algorithm.rs;
# data: HashMap<String, String>; serde ignores other top-level keys), and
# kbs/src/attestation/coco/builtin.rs BuiltInCoCoAs::verify (format "toml").
test_rule6_init_data_parsed_as_trustee() {
	ready || return 0
	for doc in 'version = "0.1.0"\nalgorithm = "sha256"\n[data]\n' \
		'version = "0.1.0"\nalgorithm = "sm3"\n[data]\n"a" = "b"\n' \
		'version = "0.1.0"\nalgorithm = "sha512"\nextra = 7\n[data]\n[other]\nx = 1\n'; do
		printf %b "$doc" >"$W/ok.toml"
		client "$(url main)" --init-data "$W/ok.toml" --resource default/key/web --out "$W/n1.out"
		assertEquals "$doc: $OUT" 0 "$RC"
		assertContains "$doc" "$(grep 'attest 200' "$W/main.err" | tail -n 1)" \
			"init-data $(sed -n 's/^algorithm = "\(.*\)"$/\1/p' "$W/ok.toml")"
	done
	for case in \
		'is not sha256, sha384, sha512 or sm3|version = "0.1.0"\nalgorithm = "sha-256"\n[data]\n' \
		'is not sha256, sha384, sha512 or sm3|version = "0.1.0"\nalgorithm = "SHA256"\n[data]\n' \
		'is not sha256, sha384, sha512 or sm3|version = "0.1.0"\nalgorithm = "md5"\n[data]\n' \
		'is not sha256, sha384, sha512 or sm3|version = "0.1.0"\n[data]\n' \
		'data missing or not a map of strings|version = "0.1.0"\nalgorithm = "sha256"\n' \
		'data missing or not a map of strings|version = "0.1.0"\nalgorithm = "sha256"\n[data]\nn = 1\n' \
		'data missing or not a map of strings|version = "0.1.0"\nalgorithm = "sha256"\ndata = "x"\n' \
		'version missing or not a string|algorithm = "sha256"\n[data]\n' \
		'version missing or not a string|version = 1\nalgorithm = "sha256"\n[data]\n' \
		'parse TOML structured data|algorithm = "sha384"\n[data\n' \
		'parse TOML structured data|version = "0.1.0"\nversion = "0.1.0"\nalgorithm = "sha256"\n[data]\n'; do
		printf %b "${case#*|}" >"$W/bad.toml"
		client "$(url main)" --init-data "$W/bad.toml" --resource default/key/web --out "$W/n2.out"
		assertEquals "${case#*|}: $OUT" 2 "$RC"
		assertContains "${case#*|}" "$OUT" "HTTP 401 AttestationError: $ATTEST_FAILED"
		assertContains "${case#*|}" "$(lastlog main)" "${case%%|*}"
	done
	assertFalse "nothing written" "[ -e $W/n2.out ]"
	# Only "toml" as the format.
	rm -f "$W/jar"
	raw main POST /kbs/v0/auth -d "$auth_body"
	nonce=$(field "$W/body" nonce)
	raw main POST /kbs/v0/attest -d "{\"init-data\":{\"format\":\"json\",\"body\":\"{}\"},
		\"runtime-data\":{\"nonce\":\"$nonce\",\"tee-pubkey\":{\"kty\":\"EC\",\"crv\":\"P-256\",
		\"alg\":\"ECDH-ES+A256KW\",\"x\":\"axfR8uEsQkf4vOblY6RA8ncDfYEt6zOg9KE5RdiYwpY\",
		\"y\":\"T-NC4v4af5uO5-tKfA-eFivOM1drMV7Oy7ZAaDe_UfU\"}},
		\"tee-evidence\":{\"primary_evidence\":{\"svn\":\"1\"},\"additional_evidence\":\"\"}}"
	assertError 401 AttestationError "$ATTEST_FAILED"
	assertContains "$(lastlog main)" "Unsupported initdata format: json"
}

test_fault_flip_ciphertext() {
	ready || return 0
	start_fault flip_ciphertext
	client "$(url f_flip_ciphertext)" --resource default/key/web --out "$W/fc.out" \
		--save-jwe "$W/fc.jwe" --save-key "$W/fc.jwk"
	assertEquals "client: $OUT" 3 "$RC"
	assertContains "$OUT" "JWE does not decrypt"
	assertFalse "nothing written" "[ -e $W/fc.out ]"
	assertFalse "decrypt-ref refuses too" \
		"$PY $KBSDIR/decrypt-ref.py $W/fc.jwe $W/fc.jwk >/dev/null 2>&1"
	client "$(url f_flip_ciphertext)" --rsa --resource default/key/web --out "$W/fc2.out"
	assertEquals "RSA: $OUT" 3 "$RC"
}

test_fault_flip_tag() {
	ready || return 0
	start_fault flip_tag
	client "$(url f_flip_tag)" --resource default/key/web --out "$W/ft.out" \
		--save-jwe "$W/ft.jwe" --save-key "$W/ft.jwk"
	assertEquals "client: $OUT" 3 "$RC"
	assertFalse "nothing written" "[ -e $W/ft.out ]"
	assertFalse "decrypt-ref refuses too" \
		"$PY $KBSDIR/decrypt-ref.py $W/ft.jwe $W/ft.jwk >/dev/null 2>&1"
	assertEquals "a 16-byte tag still" 16 "$("$PY" -c 'import json,sys,base64
t=json.load(open(sys.argv[1]))["tag"]; print(len(base64.urlsafe_b64decode(t+"="*(-len(t)%4))))' "$W/ft.jwe")"
}

test_fault_wrong_key() {
	ready || return 0
	start_fault wrong_key
	client "$(url f_wrong_key)" --resource default/key/web --out "$W/wk.out" \
		--save-jwe "$W/wk.jwe" --save-key "$W/wk.jwk"
	assertEquals "client: $OUT" 3 "$RC"
	assertFalse "decrypt-ref refuses too" \
		"$PY $KBSDIR/decrypt-ref.py $W/wk.jwe $W/wk.jwk >/dev/null 2>&1"
	client "$(url f_wrong_key)" --rsa --resource default/key/web --out "$W/wk2.out"
	assertEquals "RSA: $OUT" 3 "$RC"
	assertFalse "nothing written" "[ -e $W/wk.out ] || [ -e $W/wk2.out ]"
}

test_fault_wrong_nonce() {
	ready || return 0
	start_fault wrong_nonce
	client "$(url f_wrong_nonce)" --resource default/key/web --out "$W/wn.out"
	assertEquals "client: $OUT" 2 "$RC"
	assertContains "$OUT" "POST /kbs/v0/attest: HTTP 401 AttestationError"
	assertContains "$(lastlog f_wrong_nonce)" "report data mismatch"
}

test_fault_garbage() {
	ready || return 0
	start_fault garbage
	client "$(url f_garbage)" --resource default/key/web --out "$W/g.out" --save-jwe "$W/g.raw"
	assertEquals "client: $OUT" 4 "$RC"
	assertContains "$OUT" "reply is not JSON"
	assertEquals "the body" "not json{{{" "$(cat "$W/g.raw")"
	assertTrue "logged as a 200" "grep -q 'GET /kbs/v0/resource/default/key/web 200 fault garbage' $W/f_garbage.err"
}

test_fault_oversized() {
	ready || return 0
	start_fault oversized
	client "$(url f_oversized)" --resource default/key/web --out "$W/o.out"
	assertEquals "client: $OUT" 4 "$RC"
	assertContains "$OUT" "Content-Length 17825792"
	# Without the cap it is a real 17 MiB JWE (of other bytes): valid JSON,
	# one MiB past the init's 16 MiB cap (init/http.h HTTP_MAX_BODY).
	client "$(url f_oversized)" --max-reply 20971520 --resource default/key/web \
		--out "$W/o2.out" --save-jwe "$W/o2.raw"
	assertEquals "uncapped: $OUT" 0 "$RC"
	assertEquals "17 MiB" 17825792 "$(wc -c <"$W/o2.raw")"
	assertFalse "not the secret" "cmp -s $W/secret.bin $W/o2.out"
}

# Rule 3: the request body limit is Trustee's: kbs/src/config.rs
# DEFAULT_PAYLOAD_REQUEST_SIZE = 2 (MiB), set by kbs/src/api_server.rs
# ApiServer::server as actix-web's PayloadConfig. A body of exactly 2 MiB
# is read (and, not being a Request, refused with 401); one byte more is
# actix-web's 413 (types/payload.rs HttpMessageBody::limit, PayloadError::
# Overflow, text/plain "payload reached size limit"), before any parsing.
test_rule3_body_limit_2mib() {
	ready || return 0
	head -c 2097153 /dev/zero | tr '\0' ' ' >"$W/big"
	raw main POST /kbs/v0/auth --data-binary @"$W/big"
	assertEquals "over 2 MiB" 413 "$CODE"
	assertEquals "actix-web's text" "payload reached size limit" "$(cat "$W/body")"
	assertTrue "text/plain" "grep -qi '^content-type: text/plain' $W/headers"
	raw main POST /kbs/v0/attest --data-binary @"$W/big"
	assertEquals "over 2 MiB, attest" 413 "$CODE"
	head -c 2097152 /dev/zero | tr '\0' ' ' >"$W/limit"
	raw main POST /kbs/v0/auth --data-binary @"$W/limit"
	assertError 401 AttestationError "$AUTH_FAILED: deserialize Request"
	# What the 1 MiB limit of the old server refused is read now.
	{
		printf '{"version":"0.4.0","tee":"sample","extra-params":"'
		head -c 1500000 /dev/zero | tr '\0' 'a'
		printf '"}'
	} >"$W/mid"
	raw main POST /kbs/v0/auth --data-binary @"$W/mid"
	assertEquals "a 1.5 MB Request" 200 "$CODE"
	printf '\377' >"$W/notutf8"
	raw main POST /kbs/v0/auth --data-binary @"$W/notutf8"
	assertError 401 AttestationError "$AUTH_FAILED: deserialize Request"
	raw main POST /kbs/v0/auth -d '{"version":"0.4.0","tee":"sample","extra-params":NaN}'
	assertError 401 AttestationError "$AUTH_FAILED: deserialize Request"
	# The server is still up afterwards.
	raw main POST /kbs/v0/auth -d "$auth_body"
	assertEquals 200 "$CODE"
}

test_https() {
	ready || return 0
	sh "$KBSDIR/gen-cert.sh" "$W/pki" || fail "gen-cert.sh failed"
	for f in ca.pem server.pem server.key; do
		assertTrue "$f" "[ -s $W/pki/$f ]"
	done
	assertTrue "chain verifies" "openssl verify -CAfile $W/pki/ca.pem $W/pki/server.pem >/dev/null 2>&1"
	assertContains "$(openssl x509 -in "$W/pki/server.pem" -noout -ext subjectAltName 2>/dev/null)" \
		"IP Address:127.0.0.1"
	start_kbs tls "{\"resources\": {\"default/key/web\": {\"file\": \"$W/secret.bin\",
		\"policy\": \"allow\"}}, \"resource_policy\": \"allow_all\"}" \
		--tls "$W/pki/server.pem" "$W/pki/server.key" || fail "no server"
	u="https://127.0.0.1:$(cat "$W/tls.port")"
	client "$u" --cacert "$W/pki/ca.pem" --resource default/key/web --out "$W/tls.out"
	assertEquals "client: $OUT" 0 "$RC"
	assertTrue "plaintext" "cmp $W/secret.bin $W/tls.out"
	client "$u" --resource default/key/web --out "$W/tls2.out"
	assertEquals "without the CA: $OUT" 1 "$RC"
	assertContains "$OUT" "CERTIFICATE_VERIFY_FAILED"
	sh "$KBSDIR/gen-cert.sh" "$W/pki2" >/dev/null 2>&1
	client "$u" --cacert "$W/pki2/ca.pem" --resource default/key/web --out "$W/tls3.out"
	assertEquals "another CA: $OUT" 1 "$RC"
	client "http://127.0.0.1:$(cat "$W/tls.port")" --resource default/key/web --out "$W/tls4.out"
	assertNotEquals "plain HTTP to the TLS port: $OUT" 0 "$RC"
	assertFalse "nothing written" "[ -e $W/tls2.out ] || [ -e $W/tls3.out ] || [ -e $W/tls4.out ]"
}

test_jcs_known_answer() {
	ready || return 0
	assertEquals '{"a":"test","b":1,"c":{"d":"e"}}' "$(jcs '{"b":1,"a":"test","c":{"d":"e"}}')"
	assertEquals e71ce8e70d814ba6639c3612ebee0ff1f76f650f8dbb5e47157e0f3f525cd22c4597480a186427c813ca941da78870c3 \
		"$(jcs '{"b":1,"a":"test","c":{"d":"e"}}' | sha384sum | cut -d' ' -f1)"
	assertEquals "whitespace and nesting" '[true,false,null,-5,0,{"y":{},"z":[]},"x"]' \
		"$(jcs ' [ true , false , null , -5 , -0 , { "z" : [ ] , "y" : { } } , "x" ] ')"
	assertEquals "2^53-1" '[9007199254740991,-9007199254740991]' \
		"$(jcs '[9007199254740991,-9007199254740991]')"
}

test_jcs_escapes() {
	ready || return 0
	# Only " \ and controls are escaped: \b \t \n \f \r, else \u00xx in
	# lowercase; / DEL and non-ASCII are written as they are.
	jcs '{"s":"a\/b\u0001\u001F\u0008\t\n\u000c\r\"\\\u00e9\u20ac\ud83d\ude00\u007f\u0000","\/":0}' >"$W/esc.got"
	printf '{"/":0,"s":"a/b\\u0001\\u001f\\b\\t\\n\\f\\r\\"\\\\\303\251\342\202\254\360\237\230\200\177\\u0000"}' >"$W/esc.want"
	assertEquals "$(hexof <"$W/esc.want")" "$(hexof <"$W/esc.got")"
}

test_jcs_key_order_is_utf16() {
	ready || return 0
	# RFC 8785 3.2.3: U+1F600 (D83D DE00 in UTF-16) sorts before U+FB33.
	jcs '{"\u20ac":"Euro","\r":"CR","\ufb33":"Dalet","1":"One","\ud83d\ude00":"Emoji","\u0080":"Ctl","\u00f6":"o"}' >"$W/ord.got"
	printf '{"\\r":"CR","1":"One","\302\200":"Ctl","\303\266":"o","\342\202\254":"Euro","\360\237\230\200":"Emoji","\357\254\263":"Dalet"}' >"$W/ord.want"
	assertEquals "$(hexof <"$W/ord.want")" "$(hexof <"$W/ord.got")"
}

test_jcs_rejects() {
	ready || return 0
	for bad in '{"a":1.5}' '[1e2]' '[1.0]' '[NaN]' '[Infinity]' '["\ud800"]' '{"\udc00":1}' \
		'{"a":1,"a":2}' '[9007199254740992]' '[-9007199254740993]' '{"a":' ''; do
		out=$(jcs "$bad" 2>&1)
		assertNotEquals "'$bad' -> '$out'" 0 $?
	done
}

test_report_data_hash_per_tee() {
	ready || return 0
	rd='{"additional-evidence":"","nonce":"bm9uY2U=","tee-pubkey":{"alg":"RSA-OAEP-256","e":"AQAB","kty":"RSA","n":"x/y"}}'
	for t in sample:sha384 se:sha512 snp:sha384; do
		got=$("$PY" -B -c 'import sys; sys.path.insert(0, sys.argv[1]); import kbs
print(kbs.report_data(sys.argv[2], "", "bm9uY2U=", {"kty":"RSA","n":"x/y","e":"AQAB","alg":"RSA-OAEP-256"}).hex())' "$KBSDIR" "${t%:*}")
		assertEquals "${t%:*}" "$(printf '%s' "$rd" | "${t#*:}sum" | cut -d' ' -f1)" "$got"
	done
}

# The tpm verifier on quotes built in Python with a generated AK: the good
# one passes; a wrong signature, nonce, PCR set or PCR8 is refused; an AK
# nobody trusts passes the verifier and fails the attestation policy.
test_tpm_verifier() {
	ready || return 0
	out=$("$PY" -B "$KBSDIR/tpm_verifier_test.py" "$KBSDIR" 2>&1)
	assertEquals "$out" 0 $?
	assertEquals ok "$out"
}

# A bad configuration makes the server exit at start (each run is capped, so
# a server that takes it cannot hang the suite).
test_bad_config_is_refused() {
	ready || return 0
	printf '{"fault": "flip_everything"}' >"$W/badcfg.json"
	out=$(timeout 10 "$PY" "$KBSDIR/kbs.py" --port 0 --config "$W/badcfg.json" 2>&1)
	assertNotEquals 0 $?
	assertContains "$out" "fault must be one of"
	printf '{"resources": {"a/b": {"file": "x", "policy": "allow"}}}' >"$W/badcfg.json"
	out=$(timeout 10 "$PY" "$KBSDIR/kbs.py" --port 0 --config "$W/badcfg.json" 2>&1)
	assertNotEquals 0 $?
	assertContains "$out" "is not <repo>/<type>/<tag>"
	# Keys of the old server that no longer mean what they did.
	for key in '"deny_status": 403' '"tpm_trusted_aks": []' '"tpm_pcrs": {}'; do
		printf '{%s}' "$key" >"$W/badcfg.json"
		out=$(timeout 10 "$PY" "$KBSDIR/kbs.py" --port 0 --config "$W/badcfg.json" 2>&1)
		assertNotEquals "$key" 0 $?
		assertContains "$key" "$out" "unknown keys"
	done
	printf '{"resource_policy": "allow"}' >"$W/badcfg.json"
	out=$(timeout 10 "$PY" "$KBSDIR/kbs.py" --port 0 --config "$W/badcfg.json" 2>&1)
	assertNotEquals 0 $?
	assertContains "$out" "resource_policy must be one of"
}

# Rule 1: 401 for every refusal, 404 only for no route or an unknown plugin
# (kbs/src/error.rs Error::error_response); a resource the storage lacks is
# refused after the resource policy (kbs/src/api_server.rs api: token,
# policy, then the plugin), so a denying policy answers first.
test_rule1_statuses_missing_resource_after_policy() {
	ready || return 0
	start_one deny_all ', "resource_policy": "deny_all"'
	client "$(url deny_all)" --resource default/key/nope --out "$W/r1.out"
	assertEquals "client: $OUT" 2 "$RC"
	assertContains "deny_all, missing" "$OUT" "HTTP 401 PolicyDeny: Access denied by policy"
	client "$(url deny_all)" --resource default/key/web --out "$W/r1.out"
	assertContains "deny_all, present" "$OUT" "HTTP 401 PolicyDeny"
	client "$(url main)" --resource default/key/nope --out "$W/r1.out"
	assertContains "allow_all, missing" "$OUT" "HTTP 401 PluginInternalError"
	# Every status this server answers with, and no other.
	codes=$(sed -n 's/^kbs: [A-Z]* [^ ]* \([0-9]*\) .*/\1/p' "$W"/*.err | sort -u | tr '\n' ' ')
	for c in $codes; do
		case $c in 200 | 401 | 404 | 413) ;; *) fail "status $c answered" ;; esac
	done
	# Admin endpoints and writes need the admin (DenyAll by default): 401.
	raw main POST /kbs/v0/resource/default/key/web -d x
	assertError 401 AdminAuthInitialization
	raw main GET /kbs/v0/resource-policy
	assertError 401 AdminAuthAccess
	raw main POST /kbs/v0/attestation-policy -d '{}'
	assertError 401 AdminAuthAccess
	raw main HEAD /kbs/v0/auth
	assertEquals "a method without a route" 405 "$CODE"
}

# Rule 2: every error body is kbs-types ErrorInformation, {"type":
# ".../kbs/errors/<variant>", "detail": <the variant's text>}, exactly, with
# no Content-Type (kbs/src/error.rs Error::error_response; the variants and
# their texts are those of kbs/src/error.rs and kbs/src/attestation/error.rs).
test_rule2_error_bodies() {
	ready || return 0
	rm -f "$W/jar"
	e=https://github.com/confidential-containers/kbs/errors
	raw main GET /kbs/v0/resource/default/key/web
	assertEquals "{\"type\":\"$e/TokenNotFound\",\"detail\":\"Attestation Token not found\"}" \
		"$(cat "$W/body")"
	assertFalse "no Content-Type" "grep -qi '^content-type' $W/headers"
	raw main GET /kbs/v0/resource/default/key/web -H 'Authorization: Bearer a.b.c'
	assertEquals "{\"type\":\"$e/TokenVerifierError\",\"detail\":\"Token Verifier error\"}" \
		"$(cat "$W/body")"
	raw main GET /kbs/v0/nope
	assertEquals "{\"type\":\"$e/PluginNotFound\",\"detail\":\"Plugin nope not found\"}" \
		"$(cat "$W/body")"
	raw main POST /kbs/v0/attest -d '{}'
	assertEquals "{\"type\":\"$e/AttestationError\",\"detail\":\"$ATTEST_FAILED\"}" \
		"$(cat "$W/body")"
	raw main POST /kbs/v0/auth -d '{}'
	assertEquals "{\"type\":\"$e/AttestationError\",\"detail\":\"$AUTH_FAILED: deserialize Request\"}" \
		"$(cat "$W/body")"
	client "$(url main)" --resource default/key/denied --out "$W/r2.out"
	assertContains "$OUT" "HTTP 401 PolicyDeny: Access denied by policy"
	client "$(url main)" --resource default/key/gone --out "$W/r2.out"
	assertContains "$OUT" "HTTP 401 PluginInternalError: Plugin internal error"
	# The reason is in the log only, as Trustee logs it.
	assertContains "$(lastlog main)" "resource not found: default/key/gone"
}

# Rule 4: the session cookie is tried before a bearer token
# (kbs/src/api_server.rs ApiServer::get_attestation_token: the attested
# session of the cookie, else Authorization: Bearer as actix-web-httpauth's
# Bearer::parse reads it, case-sensitive "Bearer").
test_rule4_cookie_before_bearer() {
	ready || return 0
	client "$(url main)" --bogus-bearer --resource default/key/web --out "$W/r4.out"
	assertEquals "attested cookie and a bogus bearer: $OUT" 0 "$RC"
	assertTrue "plaintext" "cmp $W/secret.bin $W/r4.out"
	client "$(url main)" --skip-attest --save-cookie "$W/r4.sid" --resource default/key/web \
		--out "$W/r4b.out"
	assertEquals "unattested: $OUT" 2 "$RC"
	client "$(url main)" --save-token "$W/r4.tok" --resource default/key/web --out "$W/r4c.out"
	assertEquals "client: $OUT" 0 "$RC"
	rm -f "$W/jar"
	tok=$(cat "$W/r4.tok")
	raw main GET /kbs/v0/resource/default/key/web -H "Cookie: kbs-session-id=$(cat "$W/r4.sid")" \
		-H "Authorization: Bearer $tok"
	assertEquals "an unattested session, then the bearer" 200 "$CODE"
	raw main GET /kbs/v0/resource/default/key/web -H "Cookie: kbs-session-id=0000" \
		-H "Authorization: Bearer $tok"
	assertEquals "an unknown session, then the bearer" 200 "$CODE"
	raw main GET /kbs/v0/resource/default/key/web -H "Authorization: bearer $tok"
	assertError 401 TokenNotFound
	raw main GET /kbs/v0/resource/default/key/web -H "Authorization: Basic $tok"
	assertError 401 TokenNotFound
	raw main GET /kbs/v0/resource/default/key/web -H "Cookie: kbs-session-id=$(cat "$W/r4.sid")"
	assertError 401 TokenNotFound
	assertContains "$(lastlog main)" "The session is not authorized"
}

# Rule 5: the report data each verifier expects (trustee deps/verifier/src):
# sample the digest as it is (sample/mod.rs verify_tee_evidence); snp and tdx
# regularize_data to 64 (snp/mod.rs, tdx/mod.rs evaluate); se 64 of SHA-512
# (se/ibmse.rs SeVerifier::evaluate); tpm resized to 32 (tpm/mod.rs
# verify_nonce, TPM_REPORT_DATA_SIZE, since trustee 7c390d7a).
test_rule5_report_data_per_tee() {
	ready || return 0
	out=$("$PY" -B -c 'import sys, hashlib; sys.path.insert(0, sys.argv[1]); import kbs
d384 = hashlib.sha384(b"x").digest(); d512 = hashlib.sha512(b"x").digest()
for tee, d in (("sample", d384), ("snp", d384), ("tdx", d384), ("se", d512), ("tpm", d384)):
    print(tee, len(kbs.expected_report_data(tee, d)), kbs.expected_report_data(tee, d) == d[:32].ljust(32, b"\0") if tee == "tpm" else kbs.expected_report_data(tee, d) == d.ljust(64 if tee != "sample" else 48, b"\0"))
' "$KBSDIR")
	assertEquals "sample 48 True
snp 64 True
tdx 64 True
se 64 True
tpm 32 True" "$out"
	# Over the wire: sample as it is, zero-padded to 64 refused.
	client "$(url main)" --report-data-size 64 --resource default/key/web --out "$W/r5.out"
	assertEquals "sample padded to 64: $OUT" 2 "$RC"
	assertContains "$(lastlog main)" "REPORT_DATA is different from that in Sample Quote"
	# tpm: the 32-byte quote passes the verifier, a 64-byte one does not.
	openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "$W/r5ak.pem" 2>/dev/null
	client "$(url main)" --tee tpm --tpm-ak "$W/r5ak.pem" --resource default/key/web \
		--out "$W/r5a.out"
	assertEquals "tpm, 32 bytes: $OUT" 0 "$RC"
	client "$(url main)" --tee tpm --tpm-ak "$W/r5ak.pem" --report-data-size 64 \
		--resource default/key/web --out "$W/r5b.out"
	assertEquals "tpm, 64 bytes: $OUT" 2 "$RC"
	assertContains "$(lastlog main)" "TPM quote nonce doesn't match expected report_data"
	assertFalse "nothing written" "[ -e $W/r5.out ] || [ -e $W/r5b.out ]"
}

# Rule 7: AK trust is a reference value of the attestation policy, not a
# check of the verifier (trustee 2f87a432, "TPM: Update attestation policy to
# check trusted AK against reference values"): the tpm verifier checks the
# signature by the AK sent (deps/verifier/src/tpm/mod.rs evaluate), and the
# default policy (attestation-service/src/ear_token/
# ear_default_policy_cpu.rego, TPM) makes executables 3, and the appraisal
# affirming, only for ak_public in "trusted_aks" and pcr11 in "tpm_pcr11".
# The resource policy then decides (kbs/sample_policies): affirming.rego
# refuses a warning; Trustee's default.rego does not look at the status.
test_rule7_tpm_trusted_aks_reference_value() {
	ready || return 0
	openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "$W/ak.pem" 2>/dev/null
	openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "$W/other.pem" 2>/dev/null
	ak=$(openssl pkey -in "$W/ak.pem" -pubout -outform DER | base64 -w0)
	zero=0000000000000000000000000000000000000000000000000000000000000000
	rv="\"reference_values\": {\"trusted_aks\": [\"$ak\"], \"tpm_pcr11\": [\"$zero\"]}"
	start_one tpm_aff ", \"resource_policy\": \"affirming\", $rv"
	client "$(url tpm_aff)" --tee tpm --tpm-ak "$W/ak.pem" --resource default/key/web --out "$W/r7a.out"
	assertEquals "trusted AK: $OUT" 0 "$RC"
	assertTrue "plaintext" "cmp $W/secret.bin $W/r7a.out"
	assertContains "$(grep 'attest 200' "$W/tpm_aff.err")" "cpu0 affirming"
	client "$(url tpm_aff)" --tee tpm --tpm-ak "$W/other.pem" --resource default/key/web \
		--out "$W/r7b.out"
	assertEquals "untrusted AK, affirming.rego: $OUT" 2 "$RC"
	assertContains "$OUT" "GET /kbs/v0/resource/default/key/web: HTTP 401 PolicyDeny"
	assertContains "$(grep 'attest 200' "$W/tpm_aff.err" | tail -n 1)" \
		"cpu0 warning): cpu0: executables 33: the AK public key is not in the list of trusted keys"
	start_one tpm_pcr ", \"resource_policy\": \"affirming\",
		\"reference_values\": {\"trusted_aks\": [\"$ak\"], \"tpm_pcr11\": [\"$(printf 1%.0s $(seq 64))\"]}"
	client "$(url tpm_pcr)" --tee tpm --tpm-ak "$W/ak.pem" --resource default/key/web --out "$W/r7c.out"
	assertEquals "PCR11 not a reference value: $OUT" 2 "$RC"
	assertContains "$OUT" "HTTP 401 PolicyDeny"
	# Trustee's default resource policy releases to any TEE that is not
	# sample, whatever the appraisal: so does this server.
	start_one tpm_def ", $rv"
	client "$(url tpm_def)" --tee tpm --tpm-ak "$W/other.pem" --resource default/key/web \
		--out "$W/r7d.out"
	assertEquals "untrusted AK, default.rego: $OUT" 0 "$RC"
	# The stricter switch the boot cases use: the attest itself is refused.
	start_one tpm_strict ", \"resource_policy\": \"affirming\", \"attest_requires_affirming\": true, $rv"
	client "$(url tpm_strict)" --tee tpm --tpm-ak "$W/other.pem" --resource default/key/web \
		--out "$W/r7e.out"
	assertEquals "untrusted AK, strict: $OUT" 2 "$RC"
	assertContains "$OUT" "POST /kbs/v0/attest: HTTP 401 AttestationError"
	assertContains "$(lastlog tpm_strict)" "the AK public key is not in the list of trusted keys"
	client "$(url tpm_strict)" --tee tpm --tpm-ak "$W/ak.pem" --resource default/key/web \
		--out "$W/r7f.out"
	assertEquals "trusted AK, strict: $OUT" 0 "$RC"
	assertFalse "nothing written" "[ -e $W/r7b.out ] || [ -e $W/r7c.out ] || [ -e $W/r7e.out ]"
}

# Rule 8: sample evidence attests, and Trustee's default resource policy
# (kbs/sample_policies/default.rego, installed by kbs/src/api_server.rs
# ApiServer::new) refuses its token: `not input.submods.cpu0
# ["ear.veraison.annotated-evidence"].sample`. An operator allows it with
# allow_all.rego, or with affirming.rego and the sample reference values of
# the default attestation policy (ear_default_policy_cpu.rego, Sample).
test_rule8_sample_denied_by_default_policy() {
	ready || return 0
	start_one s_default ""
	client "$(url s_default)" --resource default/key/web --out "$W/r8a.out"
	assertEquals "default policy: $OUT" 2 "$RC"
	assertContains "$OUT" "GET /kbs/v0/resource/default/key/web: HTTP 401 PolicyDeny"
	assertContains "$(grep 'attest 200' "$W/s_default.err")" "cpu0 contraindicated"
	client "$(url main)" --resource default/key/web --out "$W/r8b.out"
	assertEquals "allow_all: $OUT" 0 "$RC"
	start_one s_aff ', "resource_policy": "affirming"'
	client "$(url s_aff)" --resource default/key/web --out "$W/r8c.out"
	assertEquals "affirming, no reference values: $OUT" 2 "$RC"
	assertContains "$OUT" "HTTP 401 PolicyDeny"
	start_one s_aff_rv ', "resource_policy": "affirming", "reference_values": {
		"launch_digest": ["abcde"], "svn": ["1"], "major_version": 1, "minimum_minor_version": 0}'
	client "$(url s_aff_rv)" --resource default/key/web --out "$W/r8d.out"
	assertEquals "affirming, sample reference values: $OUT" 0 "$RC"
	assertContains "$(grep 'attest 200' "$W/s_aff_rv.err")" "cpu0 affirming"
	assertFalse "nothing written" "[ -e $W/r8a.out ] || [ -e $W/r8c.out ]"
}

# The challenge: extra-params "" for every TEE but se, for which
# "supported-hash-algorithms" must hold sha512 (any case), and the challenge
# says {"selected-hash-algorithm": "sha512"} (kbs/src/attestation/mod.rs
# generate_extra_params).
test_challenge_selected_hash_algorithm() {
	ready || return 0
	raw main POST /kbs/v0/auth -d '{"version":"0.4.0","tee":"se","extra-params":{"supported-hash-algorithms":["sha384","SHA512"]}}'
	assertEquals 200 "$CODE"
	assertEquals "{'selected-hash-algorithm': 'sha512'}" "$(field "$W/body" extra-params)"
	raw main POST /kbs/v0/auth -d '{"version":"0.4.0","tee":"se","extra-params":{"supported-hash-algorithms":["sha384"]}}'
	assertError 401 AttestationError "$AUTH_FAILED: Attestation Service generate challenge failed"
	raw main POST /kbs/v0/auth -d '{"version":"0.4.0","tee":"se","extra-params":{"supported-hash-algorithms":"sha512"}}'
	assertError 401 AttestationError "$AUTH_FAILED: Attestation Service generate challenge failed"
	raw main POST /kbs/v0/auth -d '{"version":"0.4.0","tee":"se","extra-params":""}'
	assertEquals "" "$(field "$W/body" extra-params)"
	raw main POST /kbs/v0/auth -d '{"version":"0.4.0","tee":"tdx","extra-params":{"supported-hash-algorithms":["sha512"]}}'
	assertEquals "" "$(field "$W/body" extra-params)"
}

# shellcheck disable=SC1091
. /usr/bin/shunit2
