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
	start_kbs main "{\"resources\": {
		\"default/key/web\": {\"file\": \"$W/secret.bin\", \"policy\": \"allow\"},
		\"default/key/denied\": {\"file\": \"$W/denied.bin\", \"policy\": \"deny\"},
		\"other/cert/gone\": {\"file\": \"$W/nonexistent\", \"policy\": \"allow\"}}}" ||
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
		\"policy\": \"allow\"}}, \"fault\": \"$1\"}" || fail "server with fault $1 did not start"
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

# Asserts the error reply of the last raw(): status and Trustee error name.
assertError() { # STATUS NAME
	assertEquals "status, body $(cat "$W/body")" "$1" "$CODE"
	assertEquals "error type" "https://github.com/confidential-containers/kbs/errors/$2" \
		"$(field "$W/body" type)"
}

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
	assertTrue "cookie form: $cookie" "printf '%s\n' '$cookie' | grep -qE \
		'^kbs-session-id=[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}; Expires=[A-Z][a-z]{2}, [0-9]{2} [A-Z][a-z]{2} [0-9]{4} [0-9]{2}:[0-9]{2}:[0-9]{2} GMT$'"
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

test_wrong_version() {
	ready || return 0
	for v in 0.3.0 0.4.1 0.4 '0.4.0 ' v0.4.0 1.0.0; do
		raw main POST /kbs/v0/auth -d "{\"version\":\"$v\",\"tee\":\"sample\",\"extra-params\":\"\"}"
		assertError 401 AttestationError
		assertContains "$v" "$(field "$W/body" detail)" "Version Mismatch"
	done
	assertFalse "no cookie for a refused auth" "grep -qi '^set-cookie' $W/headers"
	client "$(url main)" --version 0.3.0 --resource default/key/web --out "$W/v.out"
	assertEquals "client: $OUT" 2 "$RC"
	assertContains "$OUT" "HTTP 401 AttestationError"
}

test_bad_auth_requests() {
	ready || return 0
	raw main POST /kbs/v0/auth -d '{"version":"0.4.0","tee":"bogus","extra-params":""}'
	assertError 401 AttestationError
	assertContains "$(field "$W/body" detail)" "unknown tee"
	raw main POST /kbs/v0/auth -d '{"version":"0.4.0","tee":"sample"}'
	assertError 401 AttestationError
	assertContains "$(field "$W/body" detail)" "extra-params"
	raw main POST /kbs/v0/auth -d '{"version":"0.4.0","tee":"sample","extra-params":'
	assertError 400 BadRequest
	raw main POST /kbs/v0/auth -d '{"version":"0.4.0","version":"0.4.0","tee":"sample","extra-params":""}'
	assertError 400 BadRequest
	raw main POST /kbs/v0/auth -d '[1,2]'
	assertError 401 AttestationError
}

test_other_tee_not_implemented() {
	ready || return 0
	for t in snp tdx se; do
		client "$(url main)" --tee $t --resource default/key/web --out "$W/t.out"
		assertEquals "$t: $OUT" 2 "$RC"
		assertContains "$t" "$OUT" "verifier not implemented in the test KBS"
	done
	# tpm has a verifier: sample-shaped evidence is refused by it.
	client "$(url main)" --tee tpm --resource default/key/web --out "$W/t.out"
	assertEquals "tpm: $OUT" 2 "$RC"
	assertContains "$OUT" "tpm evidence needs ak_public and tpm_quote"
	assertFalse "nothing written" "[ -e $W/t.out ]"
}

test_deny_policy() {
	ready || return 0
	client "$(url main)" --resource default/key/denied --out "$W/deny.out"
	assertEquals "client: $OUT" 2 "$RC"
	assertContains "$OUT" "HTTP 401 PolicyDeny"
	assertFalse "nothing written" "[ -e $W/deny.out ]"
}

test_unknown_resource() {
	ready || return 0
	client "$(url main)" --resource default/key/nope --out "$W/nope.out"
	assertEquals "client: $OUT" 2 "$RC"
	assertContains "$OUT" "HTTP 404 ResourceNotFound"
	# A configured resource whose file is missing is a server fault, not a 200.
	client "$(url main)" --resource other/cert/gone --out "$W/gone.out"
	assertEquals "client: $OUT" 2 "$RC"
	assertContains "$OUT" "HTTP 500"
}

test_bad_paths() {
	ready || return 0
	raw main GET /kbs/v0/resource/default/key
	assertError 404 InvalidRequestPath
	raw main GET /kbs/v0/resource/default/../key/web --path-as-is
	assertError 404 InvalidRequestPath
	raw main GET /kbs/v0/resource/a/b/c/d
	assertError 404 InvalidRequestPath
	raw main GET /kbs/v0/auth
	assertError 404 InvalidRequestPath
	raw main POST /kbs/v1/auth -d "$auth_body"
	assertError 404 InvalidRequestPath
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
	assertError 401 AttestationError
}

test_expired_session() {
	ready || return 0
	start_kbs short "{\"resources\": {\"default/key/web\": {\"file\": \"$W/secret.bin\",
		\"policy\": \"allow\"}}, \"session_seconds\": 1}" || fail "no server"
	client "$(url short)" --resource default/key/web --out "$W/short.out"
	assertEquals "in time: $OUT" 0 "$RC"
	client "$(url short)" --sleep 1.2 --resource default/key/web --out "$W/late.out"
	assertEquals "too late: $OUT" 2 "$RC"
	assertContains "$OUT" "HTTP 401 TokenNotFound"
	assertContains "$OUT" "expired"
	assertFalse "nothing written" "[ -e $W/late.out ]"
}

test_report_data_mismatch() {
	ready || return 0
	client "$(url main)" --bad-report-data --resource default/key/web --out "$W/rd.out"
	assertEquals "client: $OUT" 2 "$RC"
	assertContains "$OUT" "HTTP 401 AttestationError"
	assertContains "$OUT" "report data mismatch"
}

test_nonce_mismatch() {
	ready || return 0
	client "$(url main)" --bad-nonce --resource default/key/web --out "$W/nonce.out"
	assertEquals "client: $OUT" 2 "$RC"
	assertContains "$OUT" "nonce in the handshake session is different"
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
		assertContains "${case#*|}: $OUT" "$OUT" "${case%%|*}"
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
	start_kbs init "{\"resources\": {\"default/key/web\": {\"file\": \"$W/secret.bin\",
		\"policy\": \"allow\"}},
		\"expected_init_data_sha384\": \"$(sha384sum <"$W/init.toml" | cut -d' ' -f1)\"}" ||
		fail "no server"
	client "$(url init)" --init-data "$W/init.toml" --resource default/key/web --out "$W/i.out"
	assertEquals "match: $OUT" 0 "$RC"
	assertTrue "plaintext" "cmp $W/secret.bin $W/i.out"
	client "$(url init)" --init-data "$W/init-other.toml" --resource default/key/web --out "$W/i2.out"
	assertEquals "mismatch: $OUT" 2 "$RC"
	assertContains "$OUT" "init-data digest mismatch"
	client "$(url init)" --resource default/key/web --out "$W/i3.out"
	assertEquals "missing: $OUT" 2 "$RC"
	assertContains "$OUT" "init-data is required"
	client "$(url init)" --init-data "$W/init512.toml" --resource default/key/web --out "$W/i4.out"
	assertEquals "another algorithm: $OUT" 2 "$RC"
	# The TOML's algorithm picks the hash: sha512, a SHA-512 digest.
	start_kbs init512 "{\"resources\": {\"default/key/web\": {\"file\": \"$W/secret.bin\",
		\"policy\": \"allow\"}},
		\"expected_init_data_sha384\": \"$(sha512sum <"$W/init512.toml" | cut -d' ' -f1)\"}" ||
		fail "no server"
	client "$(url init512)" --init-data "$W/init512.toml" --resource default/key/web --out "$W/i5.out"
	assertEquals "sha512: $OUT" 0 "$RC"
	client "$(url init512)" --init-data "$W/init.toml" --resource default/key/web --out "$W/i6.out"
	assertEquals "sha384 doc against a sha512 digest: $OUT" 2 "$RC"
}

test_init_data_checked_without_expectation() {
	ready || return 0
	printf 'version = "0.1.0"\nalgorithm = "sha256"\n[data]\n' >"$W/ok.toml"
	client "$(url main)" --init-data "$W/ok.toml" --resource default/key/web --out "$W/n1.out"
	assertEquals "sha256: $OUT" 0 "$RC"
	# Trustee parses init-data as attestation-service/src/lib.rs Initdata
	# (trustee 78962cd4): algorithm is kbs-types' HashAlgorithm, serde
	# lowercase names only (kbs-types src/hash_algorithm.rs, 900aa8fd), and
	# version and data are required.
	printf 'version = "0.1.0"\nalgorithm = "sha-256"\n[data]\n' >"$W/spelling.toml"
	client "$(url main)" --init-data "$W/spelling.toml" --resource default/key/web --out "$W/n3.out"
	assertEquals "sha-256 spelling: $OUT" 2 "$RC"
	assertContains "$OUT" "is not sha256, sha384 or sha512"
	printf 'version = "0.1.0"\nalgorithm = "sha256"\n' >"$W/nodata.toml"
	client "$(url main)" --init-data "$W/nodata.toml" --resource default/key/web --out "$W/n4.out"
	assertEquals "no [data]: $OUT" 2 "$RC"
	assertContains "$OUT" "data is missing"
	printf 'algorithm = "sha256"\n[data]\n' >"$W/noversion.toml"
	client "$(url main)" --init-data "$W/noversion.toml" --resource default/key/web --out "$W/n5.out"
	assertEquals "no version: $OUT" 2 "$RC"
	printf 'version = "0.1.0"\nalgorithm = "md5"\n[data]\n' >"$W/md5.toml"
	client "$(url main)" --init-data "$W/md5.toml" --resource default/key/web --out "$W/n2.out"
	assertEquals "md5: $OUT" 2 "$RC"
	assertContains "$OUT" "is not sha256, sha384 or sha512"
	printf 'algorithm = "sha384"\n[data\n' >"$W/bad.toml"
	client "$(url main)" --init-data "$W/bad.toml" --resource default/key/web --out "$W/n3.out"
	assertEquals "not TOML: $OUT" 2 "$RC"
	assertContains "$OUT" "init-data is not TOML"
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
	assertContains "$OUT" "report data mismatch"
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
	assertContains "$OUT" "Content-Length 2097152"
	# Without the cap it is a real 2 MiB JWE (of other bytes): valid JSON.
	client "$(url f_oversized)" --max-reply 4194304 --resource default/key/web \
		--out "$W/o2.out" --save-jwe "$W/o2.raw"
	assertEquals "uncapped: $OUT" 0 "$RC"
	assertEquals "2 MiB" 2097152 "$(wc -c <"$W/o2.raw")"
	assertFalse "not the secret" "cmp -s $W/secret.bin $W/o2.out"
}

test_request_limits() {
	ready || return 0
	head -c 1048577 /dev/zero | tr '\0' ' ' >"$W/big"
	raw main POST /kbs/v0/auth --data-binary @"$W/big"
	assertError 413 PayloadTooLarge
	head -c 1048576 /dev/zero | tr '\0' ' ' >"$W/limit"
	raw main POST /kbs/v0/auth --data-binary @"$W/limit"
	assertError 400 BadRequest
	printf '\377' >"$W/notutf8"
	raw main POST /kbs/v0/auth --data-binary @"$W/notutf8"
	assertError 400 BadRequest
	raw main POST /kbs/v0/auth -d '{"version":"0.4.0","tee":"sample","extra-params":NaN}'
	assertError 400 BadRequest
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
		\"policy\": \"allow\"}}}" --tls "$W/pki/server.pem" "$W/pki/server.key" || fail "no server"
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
# one passes; a wrong AK, signature, nonce, PCR set or PCR8 is refused.
test_tpm_verifier() {
	ready || return 0
	out=$("$PY" -B "$KBSDIR/tpm_verifier_test.py" "$KBSDIR" 2>&1)
	assertEquals "$out" 0 $?
	assertEquals ok "$out"
}

test_bad_config_is_refused() {
	ready || return 0
	printf '{"fault": "flip_everything"}' >"$W/badcfg.json"
	out=$("$PY" "$KBSDIR/kbs.py" --config "$W/badcfg.json" 2>&1)
	assertNotEquals 0 $?
	assertContains "$out" "fault must be one of"
	printf '{"resources": {"a/b": {"file": "x", "policy": "allow"}}}' >"$W/badcfg.json"
	out=$("$PY" "$KBSDIR/kbs.py" --config "$W/badcfg.json" 2>&1)
	assertNotEquals 0 $?
	assertContains "$out" "is not <repo>/<type>/<tag>"
}

# shellcheck disable=SC1091
. /usr/bin/shunit2
