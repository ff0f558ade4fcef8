#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# se-image: seals an se bundle into the IBM Secure Execution image that
# Kata starts (configuration-qemu-se.toml's kernel = .../sealroot-se.img).
# Usage: se-image.sh [--initdata FILE.toml] BUNDLE_DIR HKD.crt [HKD.crt ...]
#                    [-- GENPROTIMG_ARGS...]
#   --initdata FILE.toml: the workload owner's initdata. SE has no launch
#   field for its digest, so the digest is sealed into the parmfile:
#   sealroot.initdata_digest=<alg>:<hex> (build/host/sealroot-initdata's
#   cmdline-key, the document's own algorithm over the file's bytes), which
#   the init checks before it parses the initdata. Without it the guest
#   refuses every initdata disk, so se-image.sh refuses too, unless the
#   parmfile has sealroot.initdata=optional (an image that runs without
#   initdata; then it warns).
#   HKD.crt: the host key document of each IBM Z machine the guest may run
#   on (from IBM Resource Link). Without "-- ..." the host key documents
#   are checked against IBM's signing keys, which genprotimg then needs:
#   pass --cert ibm-z-host-key-signing.crt --cert DigiCertCA.crt [--crl ...]
#   after "--", or --no-verify to skip that (not for production).
# Reads: BUNDLE_DIR/{bzImage,initrd.img,parmfile}; build/host/sealroot-initdata
# with --initdata (make tools); needs genprotimg (s390-tools; not packaged
# for amd64 in Debian: run it on s390x, or build s390-tools' genprotimg on
# this host).
# Changes: writes BUNDLE_DIR/sealroot-se.img and BUNDLE_DIR/sealroot-se.parmfile
# (the command line sealed in it: the parmfile, plus the initdata key),
# both replaced only when genprotimg succeeds. Prints the image's path on
# stderr.
# On failure: "se-image: ERROR: ..." (exit 2 for wrong arguments, else 1) or
# genprotimg's own error; no partial image is left.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
STAGE=se-image
# shellcheck source=tools/common.sh
. "$top/tools/common.sh"
usage() {
	usage_die "usage: se-image.sh [--initdata FILE.toml] BUNDLE_DIR HKD.crt [HKD.crt ...] [-- GENPROTIMG_ARGS...]"
}
initdata=
if [ "${1:-}" = --initdata ]; then
	[ $# -ge 2 ] || usage
	initdata=$2
	[ -f "$initdata" ] || usage_die "no initdata document $initdata"
	shift 2
fi
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

# The command line to seal: the parmfile's one line, and the initdata key.
line=$(cat "$dir/parmfile")
case " $line " in
*" sealroot.initdata_digest="*) die "$dir/parmfile already has sealroot.initdata_digest" ;;
esac
if [ -n "$initdata" ]; then
	tool=$top/build/host/sealroot-initdata
	[ -x "$tool" ] || die "$tool missing (make tools)"
	# The tool checks the document as the init will; a refusal is its message.
	out=$("$tool" "$initdata") || die "sealroot-initdata refused $initdata"
	key=$(printf '%s\n' "$out" | sed -n 's/^cmdline-key: //p')
	[ -n "$key" ] || die "sealroot-initdata printed no cmdline-key for $initdata"
	line="$line $key"
else
	case " $line " in
	*" sealroot.initdata=optional "*)
		say "WARNING: no --initdata: this image accepts no initdata (an SE guest binds it only through the sealed parmfile)" ;;
	*) die "no --initdata FILE.toml: an SE guest binds initdata only through the sealed parmfile, so this image would refuse every initdata, while $dir/parmfile requires one; pass --initdata, or add sealroot.initdata=optional to the parmfile for an image without initdata" ;;
	esac
fi

command -v genprotimg >/dev/null 2>&1 ||
	die "genprotimg not found (s390-tools; not packaged for amd64 in Debian)"
rm -f "$dir/sealroot-se.img.tmp" "$dir/sealroot-se.parmfile.tmp"
printf '%s\n' "$line" >"$dir/sealroot-se.parmfile.tmp"
# shellcheck disable=SC2086 # the host key document options are a word list
genprotimg --image="$dir/bzImage" --ramdisk="$dir/initrd.img" \
	--parmfile="$dir/sealroot-se.parmfile.tmp" \
	$hkds --output="$dir/sealroot-se.img.tmp" "$@" || {
	rm -f "$dir/sealroot-se.img.tmp" "$dir/sealroot-se.parmfile.tmp"
	exit 1
}
mv "$dir/sealroot-se.parmfile.tmp" "$dir/sealroot-se.parmfile"
mv "$dir/sealroot-se.img.tmp" "$dir/sealroot-se.img"
say "$dir/sealroot-se.img"
