#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# Make a throw-away CA and a server certificate for the test KBS:
#   DIR/ca.pem  DIR/server.pem  DIR/server.key   (and DIR/ca.key)
# The server certificate names IP 127.0.0.1 (the host), IP 10.0.2.2 (the host
# as a QEMU user-network guest sees it) and DNS localhost; more subjectAltName
# entries may follow, e.g.  gen-cert.sh DIR IP:192.0.2.1 DNS:kbs.test
# Keys are EC P-256, valid 30 days. Usage: gen-cert.sh DIR [SAN...]
set -eu
[ $# -ge 1 ] || { echo "usage: $0 DIR [SAN...]" >&2; exit 2; }
d=$1
shift
san="IP:127.0.0.1,IP:10.0.2.2,DNS:localhost"
for s in "$@"; do
	case $s in
	IP:* | DNS:*) san="$san,$s" ;;
	*) echo "$0: a SAN is IP:<addr> or DNS:<name>, not '$s'" >&2; exit 2 ;;
	esac
done
mkdir -p "$d"
umask 077
openssl req -x509 -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
	-keyout "$d/ca.key" -out "$d/ca.pem" -days 30 -subj "/CN=sealroot test KBS CA" \
	-addext "basicConstraints=critical,CA:TRUE" \
	-addext "keyUsage=critical,keyCertSign,cRLSign" 2>/dev/null
openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
	-keyout "$d/server.key" -out "$d/server.csr" -subj "/CN=127.0.0.1" 2>/dev/null
cat >"$d/server.ext" <<EOF
basicConstraints=critical,CA:FALSE
keyUsage=critical,digitalSignature
extendedKeyUsage=serverAuth
subjectAltName=$san
EOF
openssl x509 -req -in "$d/server.csr" -CA "$d/ca.pem" -CAkey "$d/ca.key" \
	-set_serial "0x$(od -An -N8 -tx1 /dev/urandom | tr -d ' \n')" -days 30 \
	-extfile "$d/server.ext" -out "$d/server.pem" 2>/dev/null
rm -f "$d/server.csr" "$d/server.ext"
chmod 644 "$d/ca.pem" "$d/server.pem"
