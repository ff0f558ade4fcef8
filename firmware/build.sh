#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# firmware/build.sh TEE: the firmware image a bundle for TEE boots with, from
# firmware/pins, cached in $SEALROOT_CACHE/firmware/<key>/ (key: a hash of
# the pins, this script and the TEE). Prints that directory as the last
# stdout line; it holds <name> and `source` (where the image came from and
# its sha256). TEE=none: Debian's OVMF.fd (pinned .deb). TEE=snp and tdx:
# built from Debian's edk2 source package (pinned tarballs) with its own
# BaseTools: AmdSevX64 (its grub image made with the host's grub-efi-amd64-bin,
# mtools and dosfstools) and IntelTdxX64 (with firmware/patches/).
# TEE=se: no firmware; prints nothing.
# Reads: apt (download only), the pins. Changes: the cache.
# On failure: exits non-zero naming what failed, with the end of its log.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
tee=${1:?usage: firmware/build.sh none|snp|tdx|se}
cache=${SEALROOT_CACHE:-$HOME/.cache/sealroot}
jobs=${JOBS:-$(nproc)}
say() { echo "firmware: $*" >&2; }
die() { echo "firmware: ERROR: $*" >&2; exit 1; }

[ "$tee" = se ] && { say "TEE=se boots no firmware (the SE image is started by the Ultravisor)"; exit 0; }
line=$(awk -v t="$tee" '$1 !~ /^#/ && $2 == t' "$here/pins")
[ -n "$line" ] || die "no firmware for TEE=$tee in firmware/pins"
set -- $line
name=$1 kind=$3 ver=$4 sha=$5 path=$6

key=$({ sha256sum <"$here/pins"; sha256sum <"$here/build.sh"; cat "$here"/patches/*.patch 2>/dev/null | sha256sum; echo "$tee"; } | sha256sum | cut -c1-16)
out=$cache/firmware/$tee-$key
if [ -f "$out/$name" ]; then
	say "cached: $out"
	echo "$out"
	exit 0
fi
mkdir -p "$cache/firmware" "$cache/src"
tmp=$(mktemp -d "$cache/firmware/.build.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
sha_of() { sha256sum "$1" | cut -d' ' -f1; }

case $kind in
deb)
	pkg=${ver%%=*} pver=${ver#*=}
	deb=$cache/src/${pkg}_${pver}_all.deb
	if [ ! -f "$deb" ] || [ "$(sha_of "$deb")" != "$sha" ]; then
		say "downloading $pkg $pver"
		(cd "$tmp" && apt-get download -q "$pkg=$pver") >"$tmp/log" 2>&1 ||
			{ tail -n 5 "$tmp/log" >&2; die "apt-get download $pkg=$pver failed"; }
		mv "$tmp"/"${pkg}"_*.deb "$deb"
	fi
	[ "$(sha_of "$deb")" = "$sha" ] || die "$deb has sha256 $(sha_of "$deb"), firmware/pins says $sha"
	dpkg-deb -x "$deb" "$tmp/x"
	[ -f "$tmp/x/$path" ] || die "$deb has no $path"
	mkdir -p "$tmp/out"
	cp "$tmp/x/$path" "$tmp/out/$name"
	echo "Debian $pkg $pver (.deb sha256 $sha), $path; image sha256 $(sha_of "$tmp/out/$name")" >"$tmp/out/source"
	;;
edk2)
	src=$(awk '$1 == "edk2-src"' "$here/pins")
	set -- $src
	sver=$4 orig_sha=$5 deb_sha=$6
	for f in "edk2_${sver%-*}.orig.tar.xz:$orig_sha" "edk2_$sver.debian.tar.xz:$deb_sha"; do
		file=${f%%:*} want=${f#*:}
		if [ ! -f "$cache/src/$file" ] || [ "$(sha_of "$cache/src/$file")" != "$want" ]; then
			say "downloading edk2 $sver (apt-get source)"
			(cd "$tmp" && apt-get source --download-only -q "edk2=$sver") >"$tmp/log" 2>&1 ||
				{ tail -n 5 "$tmp/log" >&2; die "apt-get source edk2=$sver failed (deb-src entries: ./build.sh deps adds them)"; }
			for g in "$tmp"/edk2_*; do mv -f "$g" "$cache/src/"; done
		fi
		[ "$(sha_of "$cache/src/$file")" = "$want" ] || die "$file has sha256 $(sha_of "$cache/src/$file"), firmware/pins says $want"
	done
	dpkg-source -x "$cache/src/edk2_$sver.dsc" "$tmp/src" >"$tmp/log" 2>&1 ||
		{ tail -n 5 "$tmp/log" >&2; die "dpkg-source -x edk2 failed"; }
	for p in "$here"/patches/*.patch; do
		[ -f "$p" ] || continue
		patch -d "$tmp/src" -p1 --batch --forward --no-backup-if-mismatch <"$p" >>"$tmp/log" 2>&1 ||
			{ tail -n 5 "$tmp/log" >&2; die "patch ${p#"$here"/} does not apply"; }
	done
	t0=$(date +%s)
	say "building BaseTools and $path (a few minutes)"
	(
		cd "$tmp/src"
		unset MAKEFLAGS
		export SOURCE_DATE_EPOCH=1686355200 LC_ALL=C TZ=UTC
		make -C BaseTools -j"$jobs"
		# edksetup.sh is a bash script.
		# It reads the positional parameters as its own options: none.
		WORKSPACE="$tmp/src" EDK_JOBS=$jobs EDK_DSC=$path bash -c \
			'set --; . ./edksetup.sh && build -a X64 -t GCC5 -b RELEASE -n "$EDK_JOBS" -p "$EDK_DSC"' 
	) >"$tmp/build.log" 2>&1 || { tail -n 20 "$tmp/build.log" >&2; die "the edk2 build of $path failed"; }
	fd=$(find "$tmp/src/Build" -path '*RELEASE_GCC5/FV/OVMF.fd' | head -n 1)
	[ -n "$fd" ] || die "the edk2 build of $path left no OVMF.fd"
	mkdir -p "$tmp/out"
	cp "$fd" "$tmp/out/$name"
	echo "built from Debian edk2 $sver (orig $orig_sha, debian $deb_sha), $path, RELEASE GCC5 in $(($(date +%s) - t0)) s; image sha256 $(sha_of "$tmp/out/$name")" >"$tmp/out/source"
	;;
*) die "unknown kind $kind in firmware/pins" ;;
esac
rm -rf "$out"
mv "$tmp/out" "$out"
say "$name: $(cat "$out/source")"
echo "$out"
