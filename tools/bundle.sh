#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# bundle: assembles out/<tee>/ from the stage outputs and writes
# manifest.json, the record a verifier and an auditor start from.
# Reads: the kernel dir, the verity dir, the deps prefix, the init and agent.
# Changes: replaces OUT. On failure: exits non-zero; a partial bundle is
# never left in place (it is built next to OUT and renamed).
set -eu

usage() {
	echo "usage: bundle.sh --tee TEE --kernel-dir DIR --verity-dir DIR --deps-prefix DIR --init FILE --agent FILE --out DIR" >&2
	exit 2
}
tee= kdir= vdir= deps= init= agent= out=
while [ $# -gt 0 ]; do
	case $1 in
	--tee) tee=$2 ;;
	--kernel-dir) kdir=$2 ;;
	--verity-dir) vdir=$2 ;;
	--deps-prefix) deps=$2 ;;
	--init) init=$2 ;;
	--agent) agent=$2 ;;
	--out) out=$2 ;;
	*) echo "bundle.sh: unknown option $1" >&2; usage ;;
	esac
	[ $# -ge 2 ] || usage
	shift 2
done
for v in "$tee" "$kdir" "$vdir" "$deps" "$init" "$agent" "$out"; do
	[ -n "$v" ] || usage
done

top=$(cd "$(dirname "$0")/.." && pwd)
tmp=$out.tmp
rm -rf "$tmp"
mkdir -p "$tmp"

cp "$kdir/vmlinux" "$tmp/vmlinux"
cp "$vdir/rootfs.img" "$tmp/rootfs.img"
cp "$vdir/root_hash.txt" "$vdir/roothash" "$tmp/"
# The measured command line: the verity part, then a panic that ends in a
# power-off instead of a hung guest, and a quiet console (errors still show).
printf '%s panic=-1 quiet\n' "$(cat "$vdir/cmdline")" >"$tmp/cmdline"

sha() { sha256sum "$1" | cut -d' ' -f1; }
json_str() { printf '"%s"' "$(printf '%s' "$1" | sed 's/\\/\\\\/g; s/"/\\"/g')"; }

commit=$(git -C "$top" rev-parse HEAD 2>/dev/null || echo unknown)
dirty=false
[ -z "$(git -C "$top" status --porcelain 2>/dev/null)" ] || dirty=true
busybox_v=$(dpkg-query -W -f '${Version}' busybox-static 2>/dev/null || echo unknown)

{
	echo '{'
	echo '  "format": "sealroot-manifest/1",'
	echo "  \"tee\": $(json_str "$tee"),"
	echo "  \"root_hash\": $(json_str "$(cat "$vdir/roothash")"),"
	echo "  \"kata_verity_params\": $(json_str "$(cat "$vdir/root_hash.txt")"),"
	echo "  \"cmdline\": $(json_str "$(cat "$tmp/cmdline")"),"
	echo '  "artifacts": {'
	echo "    \"vmlinux\": {\"sha256\": \"$(sha "$tmp/vmlinux")\", \"size\": $(wc -c <"$tmp/vmlinux")},"
	echo "    \"rootfs.img\": {\"sha256\": \"$(sha "$tmp/rootfs.img")\", \"size\": $(wc -c <"$tmp/rootfs.img")},"
	echo "    \"cmdline\": {\"sha256\": \"$(sha "$tmp/cmdline")\"},"
	echo "    \"sealroot-init\": {\"sha256\": \"$(sha "$init")\", \"size\": $(wc -c <"$init")},"
	echo "    \"agent\": {\"sha256\": \"$(sha "$agent")\", \"size\": $(wc -c <"$agent")}"
	echo '  },'
	echo '  "kernel": {'
	echo "    \"release\": $(json_str "$(cat "$kdir/release")"),"
	# shellcheck disable=SC1091
	ksrc=$(. "$top/kernel-config/source" && echo "$package $debian_version sha256:$sha256")
	[ -z "${KERNEL_TARBALL:-}" ] || ksrc="$KERNEL_TARBALL sha256:${KERNEL_SHA256:-}"
	echo "    \"source\": $(json_str "$ksrc"),"
	echo "    \"config_sha256\": \"$(sha "$kdir/config")\","
	printf '    "warnings": ['
	sep=
	if [ -s "$kdir/warnings" ]; then
		while IFS= read -r w; do
			printf '%s%s' "$sep" "$(json_str "$w")"
			sep=', '
		done <"$kdir/warnings"
	fi
	echo ']'
	echo '  },'
	echo "  \"dependencies\": $(sed 's/^/  /' "$deps/versions.json" | sed '1s/^  //'),"
	echo "  \"packages\": {\"busybox-static\": $(json_str "$busybox_v")},"
	echo '  "inputs": {'
	echo "    \"git_commit\": \"$commit\","
	echo "    \"git_dirty\": $dirty,"
	echo "    \"source_date_epoch\": ${SOURCE_DATE_EPOCH:-0}"
	echo '  }'
	echo '}'
} >"$tmp/manifest.json"

rm -rf "$out"
mv "$tmp" "$out"
echo "bundle: $out (root hash $(cat "$out/roothash"))" >&2
