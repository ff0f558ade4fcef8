#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# swtpm for tests: a TPM 2.0 with the attestation key that guest-components'
# tpm attester (and so the init) expects, and the same TPM given to a QEMU
# guest. Needs swtpm and tpm2-tools (build.sh installs both).

# vtpm_tcp DIR: a swtpm on loopback TCP with its state in DIR, for
# tpm2-tools; sets VTPM_PORT, VTPM_TCTI and VTPM_PID. A taken port is retried.
vtpm_tcp() {
	_try=0
	while [ $_try -lt 10 ]; do
		_port=$((20000 + ($$ * 7 + _try * 131) % 20000))
		rm -f "$1/swtpm.pid"
		if swtpm socket --tpm2 --tpmstate dir="$1" \
			--server type=tcp,port=$_port,bindaddr=127.0.0.1 \
			--ctrl type=tcp,port=$((_port + 1)),bindaddr=127.0.0.1 \
			--flags not-need-init,startup-clear --pid file="$1/swtpm.pid" \
			--daemon --log file="$1/swtpm.log" 2>>"$1/swtpm.err"; then
			_i=0
			while [ ! -s "$1/swtpm.pid" ] && [ $_i -lt 50 ]; do sleep 0.1; _i=$((_i + 1)); done
			VTPM_PID=$(cat "$1/swtpm.pid")
			VTPM_PORT=$_port
			VTPM_TCTI="swtpm:host=127.0.0.1,port=$_port"
			return 0
		fi
		_try=$((_try + 1))
	done
	return 1
}

vtpm_kill() {
	[ -n "${VTPM_PID:-}" ] && kill "$VTPM_PID" 2>/dev/null
	# swtpm writes its state on the way out: wait for it.
	_i=0
	while [ -n "${VTPM_PID:-}" ] && kill -0 "$VTPM_PID" 2>/dev/null && [ $_i -lt 50 ]; do
		sleep 0.1
		_i=$((_i + 1))
	done
	VTPM_PID=
}

# vtpm_make_ak: an AK as guest-components' tpm attester expects it: RSA-2048,
# RSASSA-SHA256, under the EK, persistent at 0x81010002; its public key in
# $VTPM_DIR/ak.pem. No resource manager sits between tpm2-tools and swtpm,
# so the transient objects each tool leaves loaded are flushed, as tpmrm
# would. The log is $VTPM_DIR/ak.log.
vtpm_make_ak() {
	(cd "$VTPM_DIR" &&
		tpm2_createek -T "$VTPM_TCTI" -c ek.ctx -G rsa -u ek.pub &&
		tpm2_flushcontext -T "$VTPM_TCTI" -t &&
		tpm2_createak -T "$VTPM_TCTI" -C ek.ctx -c ak.ctx -G rsa -g sha256 -s rsassa \
			-u ak.pub -n ak.name &&
		tpm2_flushcontext -T "$VTPM_TCTI" -t &&
		tpm2_evictcontrol -T "$VTPM_TCTI" -c ak.ctx 0x81010002 &&
		tpm2_flushcontext -T "$VTPM_TCTI" -t &&
		tpm2_readpublic -T "$VTPM_TCTI" -c 0x81010002 -f pem -o ak.pem) >"$VTPM_DIR/ak.log" 2>&1
}

# vtpm_provision DIR: a fresh TPM state in DIR (VTPM_DIR) with the AK.
vtpm_provision() {
	VTPM_DIR=$1
	mkdir -p "$VTPM_DIR"
	vtpm_tcp "$VTPM_DIR" || return 1
	vtpm_make_ak
	_rc=$?
	vtpm_kill
	return $_rc
}

# vtpm_start_qemu: the provisioned TPM served to QEMU on $VTPM_DIR/sock.
# Then pass: -chardev socket,id=chrtpm,path=$VTPM_DIR/sock
#   -tpmdev emulator,id=tpm0,chardev=chrtpm -device tpm-tis,tpmdev=tpm0
# and tpm_tis.force=1 on a -M microvm command line (no ACPI entry there).
vtpm_start_qemu() {
	rm -f "$VTPM_DIR/swtpm.pid" "$VTPM_DIR/sock"
	swtpm socket --tpm2 --tpmstate dir="$VTPM_DIR" \
		--ctrl type=unixio,path="$VTPM_DIR/sock" --pid file="$VTPM_DIR/swtpm.pid" \
		--daemon --log file="$VTPM_DIR/swtpm.log",level=${VTPM_LOG_LEVEL:-1} 2>>"$VTPM_DIR/swtpm.err" || return 1
	_i=0
	while { [ ! -s "$VTPM_DIR/swtpm.pid" ] || [ ! -S "$VTPM_DIR/sock" ]; } && [ $_i -lt 50 ]; do
		sleep 0.1
		_i=$((_i + 1))
	done
	VTPM_PID=$(cat "$VTPM_DIR/swtpm.pid")
}
