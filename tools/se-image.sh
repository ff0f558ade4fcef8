#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# se-image: seals an se bundle into the IBM Secure Execution image that
# Kata starts (configuration-qemu-se.toml's kernel = .../sealroot-se.img).
# Usage: se-image.sh BUNDLE_DIR HKD.crt [HKD.crt ...] [-- GENPROTIMG_ARGS...]
#   HKD.crt: the host key document of each IBM Z machine the guest may run
#   on (from IBM Resource Link). Without "-- ..." the host key documents
#   are checked against IBM's signing keys, which genprotimg then needs:
#   pass --cert ibm-z-host-key-signing.crt --cert DigiCertCA.crt [--crl ...]
#   after "--", or --no-verify to skip that (not for production).
# Reads: BUNDLE_DIR/{bzImage,initrd.img,parmfile}; needs genprotimg
# (s390-tools; not packaged for amd64 in Debian: run it on s390x, or build
# s390-tools' genprotimg on this host).
# Changes: writes BUNDLE_DIR/sealroot-se.img (replaced only when genprotimg
# succeeds). Prints its path on stderr.
# On failure: "se-image: ERROR: ..." (exit 2 for wrong arguments, else 1) or
# genprotimg's own error; no partial image is left.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
STAGE=se-image
# shellcheck source=tools/common.sh
. "$top/tools/common.sh"
usage() { usage_die "usage: se-image.sh BUNDLE_DIR HKD.crt [HKD.crt ...] [-- GENPROTIMG_ARGS...]"; }
[ $# -ge 2 ] || usage
dir=$1
shift
hkds=
while [ $# -gt 0 ] && [ "$1" != -- ]; do
	[ -f "$1" ] || usage_die "no host key document $1"
	hkds="$hkds --host-key-document=$1"
	shift
done
[ -n "$hkds" ] || usage
[ $# -eq 0 ] || shift # the "--"
for f in bzImage initrd.img parmfile; do
	[ -f "$dir/$f" ] || die "$dir/$f missing (make image TEE=se)"
done
command -v genprotimg >/dev/null 2>&1 ||
	die "genprotimg not found (s390-tools; not packaged for amd64 in Debian)"
rm -f "$dir/sealroot-se.img.tmp"
# shellcheck disable=SC2086 # the host key document options are a word list
genprotimg --image="$dir/bzImage" --ramdisk="$dir/initrd.img" --parmfile="$dir/parmfile" \
	$hkds --output="$dir/sealroot-se.img.tmp" "$@" || {
	rm -f "$dir/sealroot-se.img.tmp"
	exit 1
}
mv "$dir/sealroot-se.img.tmp" "$dir/sealroot-se.img"
say "$dir/sealroot-se.img"
