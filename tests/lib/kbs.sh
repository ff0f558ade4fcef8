#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# The test KBS (tests/kbs/kbs.py) for boot cases, and the QEMU network that
# reaches it. Sourced after tests/lib/boot.sh.
#
# The guest gets QEMU user networking with restrict=on (no route to the host
# or beyond) and one guestfwd: 10.0.2.100:8080 in the guest runs
# `kbs-fwd <port>` (tests/kbs/fwd.c) on the host per connection, i.e.
# reaches the test KBS on loopback and nothing else.

KBS_GUEST_URL=http://10.0.2.100:8080
KBS_PY=/usr/bin/python3 # Debian's, which has python3-jwcrypto
KBS_FWD=$TOP/build/test/kbs-fwd # make test-bins

# kbs_start CONFIG_JSON [extra kbs.py args]: starts the KBS on a free
# loopback port; sets KBS_PORT and KBS_PID. Its log is $CASE_WORK/kbs.log.
kbs_start() {
	_cfg=$1
	shift
	# Truncate here, not in the child: a restarted KBS must not let the
	# loop below read the previous one's port before the child's
	# redirection has run.
	: >"$CASE_WORK/kbs.out"
	KBS_PORT=
	"$KBS_PY" "$TOP/tests/kbs/kbs.py" --port 0 --config "$_cfg" "$@" \
		>"$CASE_WORK/kbs.out" 2>"$CASE_WORK/kbs.log" &
	KBS_PID=$!
	_i=0
	while [ $_i -lt 100 ]; do
		KBS_PORT=$(sed -n 's/^listening \([0-9]*\)$/\1/p' "$CASE_WORK/kbs.out")
		[ -n "$KBS_PORT" ] && return 0
		kill -0 "$KBS_PID" 2>/dev/null || break
		sleep 0.1
		_i=$((_i + 1))
	done
	cat "$CASE_WORK/kbs.log" >&2
	case_fail "the test KBS did not start"
}

kbs_stop() {
	[ -n "${KBS_PID:-}" ] && kill "$KBS_PID" 2>/dev/null && wait "$KBS_PID" 2>/dev/null
	KBS_PID=
}

# boot_run_kbs DISK CMDLINE [qemu args...]: boot_run with the guest's one
# network interface, whose only reachable address is the test KBS.
boot_run_kbs() {
	_disk=$1 _cmdline=$2
	shift 2
	[ -x "$KBS_FWD" ] || case_fail "$KBS_FWD is missing (make test-bins)"
	boot_run "$_disk" "$_cmdline" -netdev "$(kbs_netdev)" -device virtio-net-device,netdev=n0 "$@"
}

# kbs_netdev: the -netdev value of that network (id n0), to KBS_PORT.
kbs_netdev() {
	echo "user,id=n0,restrict=on,guestfwd=tcp:10.0.2.100:8080-cmd:$KBS_FWD ${KBS_PORT:-9}"
}

# attest_initdata OUT: an initdata document whose aa.toml names the test KBS
# (ATTEST_URL overrides the URL, ATTEST_CERT names a PEM file to trust,
# ATTEST_ALGORITHM the digest, sha384 by default; ATTEST_TAIL is appended
# to sealroot.toml, ATTEST_DATA to [data]), with a sealroot.toml that allows sample
# evidence, configures the network and asks for default/key/web as web.key;
# then its disk image (INITDATA). The document is $OUT.toml. A plain
# http:// URL gets the owner's allow_http = true, which the init requires
# for it; ATTEST_ALLOW_HTTP=no leaves it out. ATTEST_RAW=yes writes the disk
# with initdata_raw, for documents the host tool refuses.
attest_initdata() {
	_url=${ATTEST_URL:-$KBS_GUEST_URL}
	_http=
	case $_url in http://*) [ "${ATTEST_ALLOW_HTTP:-yes}" = no ] || _http='allow_http = true' ;; esac
	_cert=
	if [ -n "${ATTEST_CERT:-}" ]; then
		_cert=$(printf 'cert = """\n%s\n"""' "$(cat "$ATTEST_CERT")")
	fi
	cat >"$1.toml" <<TOML
version = "0.1.0"
algorithm = "${ATTEST_ALGORITHM:-sha384}"
[data]
"aa.toml" = '''
[token_configs.kbs]
url = "${_url}"
${_cert}
'''
"sealroot.toml" = '''
[attestation]
allow_sample = true
${_http}
retries = ${ATTEST_RETRIES:-3}
deadline_ms = ${ATTEST_DEADLINE_MS:-20000}
${ATTEST_EXTRA:-}
[network]
address = "10.0.2.15/24"
gateway = "10.0.2.2"

[[resource]]
uri = "kbs:///default/key/web"
path = "web.key"
${ATTEST_TAIL:-}
'''
${ATTEST_DATA:-}
TOML
	if [ "${ATTEST_RAW:-}" = yes ]; then
		initdata_raw "$1.toml" "$1"
	else
		initdata_image "$1.toml" "$1"
	fi
	INITDATA=$1
}

# kbs_config OUT SECRET_FILE POLICY [FAULT] [EXPECTED_INITDATA_TOML]: the
# test KBS's configuration for one resource, default/key/web (POLICY: allow,
# or deny for a rule of the resource policy that denies that path). The
# expected digest is taken with ATTEST_ALGORITHM (sha384).
# KBS_RESOURCES_EXTRA is appended to the resources object
# (', "repo/type/tag": {...}').
#
# The rest is what a Trustee operator configures (trustee 78962cd4):
# - sample evidence (the default): Trustee's default resource policy
#   (kbs/sample_policies/default.rego) refuses every sample token, so the
#   operator installs allow_all.rego: "resource_policy": "allow_all".
# - tpm, when KBS_TPM_AK names the AK public key (PEM): the AK is a
#   reference value, "trusted_aks", in the claim's form (base64 of the DER),
#   and PCR11 one of "tpm_pcr11" (KBS_TPM_PCR11, 64 hex digits; all zero by
#   default, as no firmware extends it here), which Trustee's default
#   attestation policy requires for an affirming appraisal (trustee
#   2f87a432); KBS_TPM_PCRS, a JSON object {"8": "<hex>"}, adds an
#   operator's policy rule per PCR with its reference value "tpm_pcrNN";
#   the resource policy is affirming.rego. attest_requires_affirming makes
#   the test KBS refuse the attest itself when the appraisal is not
#   affirming (stricter than Trustee, which would refuse at the resource
#   request; tests/kbs/README.md).
kbs_config() {
	_exp=null
	[ -n "${5:-}" ] && _exp="\"$("${ATTEST_ALGORITHM:-sha384}sum" "$5" | cut -d' ' -f1)\""
	_fault=null
	[ -n "${4:-}" ] && _fault="\"$4\""
	_policy='"resource_policy": "allow_all"'
	if [ -n "${KBS_TPM_AK:-}" ]; then
		_ak=$(openssl pkey -pubin -in "$KBS_TPM_AK" -outform DER | base64 -w0)
		[ -n "$_ak" ] || case_fail "cannot read the AK public key $KBS_TPM_AK"
		_policy=$("$KBS_PY" - "$_ak" "${KBS_TPM_PCR11:-0000000000000000000000000000000000000000000000000000000000000000}" \
			"${KBS_TPM_PCRS:-}" <<'PY'
import json, sys
ak, pcr11, pcrs = sys.argv[1], sys.argv[2].lower(), json.loads(sys.argv[3] or "{}")
rv = {"trusted_aks": [ak], "tpm_pcr11": [pcr11]}
for k, v in pcrs.items():
    rv["tpm_pcr%02d" % int(k)] = [v.lower()]
print(json.dumps({"resource_policy": "affirming", "attest_requires_affirming": True,
                  "reference_values": rv,
                  "policy_tpm_pcrs": sorted(int(k) for k in pcrs)})[1:-1])
PY
		) || case_fail "cannot write the tpm policy of the test KBS"
	fi
	cat >"$1" <<JSON
{"resources": {"default/key/web": {"file": "$2", "policy": "$3"}${KBS_RESOURCES_EXTRA:-}},
 $_policy,
 "expected_init_data_sha384": $_exp,
 "fault": $_fault,
 "session_seconds": 300}
JSON
}

# no_secret_anywhere SECRET_FILE FILE...: fails when the secret's bytes, or
# their hex (either case) or base64, appear in any FILE (disk images, the
# initdata, ...) or in the console, QEMU's stderr or QEMU's command line. The patterns go through files, so a large secret works, and
# a grep that cannot run fails the case instead of passing it.
no_secret_anywhere() {
	_s=$1
	shift
	# Always the console, QEMU's stderr and its command line as well.
	set -- "$@" "${LOG:-}" "${LOG:-}.qemu" "${LOG:-}.cmd"
	od -An -tx1 -v "$_s" | tr -d ' \n' >"$_s.hex"
	base64 -w0 <"$_s" >"$_s.b64"
	for _f in "$@"; do
		[ -f "$_f" ] || continue
		for _p in "$_s" "$_s.hex" "$_s.b64"; do
			_i=
			[ "$_p" = "$_s.hex" ] && _i=-i
			grep -qaF $_i -f "$_p" "$_f"
			case $? in
			0) case_fail "the secret ($_p) appears in $_f" ;;
			1) ;;
			*) case_fail "grep could not search $_f for $_p" ;;
			esac
		done
	done
	rm -f "$_s.hex" "$_s.b64"
}
