#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# firmware/build.sh TEE: the firmware image a bundle for TEE boots with, as
# pinned in firmware/pins (firmware/README.md).
#   none  Debian's OVMF.fd, taken from the pinned ovmf .deb;
#   snp   AMDSEV.fd, OvmfPkg/AmdSev/AmdSevX64.dsc built here from Debian's
#         pinned edk2 source package, without grub (an empty grub.efi);
#   tdx   OVMF.inteltdx.fd, OvmfPkg/IntelTdx/IntelTdxX64.dsc, the same way;
#   se    no firmware (the Ultravisor starts the SE image): says so on
#         stderr, prints nothing on stdout and exits 0.
# Reads:   firmware/pins, firmware/patches/*.patch, the pinned packages
#          (fetched by exact version, build-aux/pins.sh), and for edk2 the
#          host toolchain (firmware/apt-packages).
# Changes: $SEALROOT_CACHE/src/ (checked downloads), $SEALROOT_CACHE/apt/,
#          $SEALROOT_CACHE/firmware/<tee>-<key>/ (key: a hash of every input),
#          and /tmp/sealroot-edk2/ (the fixed edk2 build directory, see below).
# Failure: exits non-zero with one line naming what failed (after the end of
#          the build log); a failed edk2 build tree is kept there for a look.
#
# The output directory, printed as the last stdout line (progress goes to
# stderr), holds <name> (sha256 as pinned), `source` (one line: where the
# image came from and its sha256; bundles copy it into manifest.json) and,
# for edk2 builds, `toolchain` and `build-times`.
set -eu

here=$(cd "$(dirname "$0")" && pwd)
STAGE=firmware
# shellcheck source=build-aux/stage.sh
. "$here/../build-aux/stage.sh"
# shellcheck source=build-aux/pins.sh
. "$here/../build-aux/pins.sh"
jobs=${JOBS:-$(nproc)}
work='' O='' tree=''

[ $# = 1 ] || die "usage: firmware/build.sh none|snp|tdx|se|--toolchain"
tee=$1
case $tee in
--toolchain) ;; # prints the edk2 toolchain listing (below)
none | snp | tdx) ;;
se)
	say "TEE=se boots no firmware (the Ultravisor starts the SE image); nothing to build"
	exit 0
	;;
*) die "usage: firmware/build.sh none|snp|tdx|se (not '$tee')" ;;
esac
case $jobs in '' | *[!0-9]* | 0) die "JOBS must be a positive number, not '$jobs'" ;; esac

# ---- the pins ---------------------------------------------------------------
release=$(pin_release "$here/pins")
pins=$(pin_lines "$here/pins")
# (mawk, Debian's default awk, has no {n} in regular expressions.)
echo "$pins" | awk '
	function sha(s) { return length(s) == 64 && s !~ /[^0-9a-f]/ }
	$1 == "image" && NF == 7 && $6 == "-" && ($7 == "unknown" || sha($7)) &&
		$5 ~ /^edk2:OvmfPkg\/[A-Za-z0-9_\/]+\.dsc$/ { next }
	$1 == "image" && NF == 7 && sha($6) && ($7 == "unknown" || sha($7)) &&
		$5 ~ /^deb:[a-z0-9][a-z0-9.+-]*:[A-Za-z0-9_.\/-]+$/ && $5 !~ /\.\./ { next }
	$1 == "srcpkg" && NF == 5 && sha($4) && sha($5) { next }
	$1 == "toolchain" && NF == 2 && sha($2) { next }
	{ print "firmware: ERROR: firmware/pins: bad line: " $0 > "/dev/stderr"; bad = 1 }
	END { exit bad }' || exit 1

# The edk2 toolchain goes into the key and the output: the pinned image
# sha256 holds for these versions (firmware/README.md).
# The build sees Debian's tools only (not /usr/local, pyenv and the like).
clean_path=/usr/sbin:/usr/bin:/sbin:/bin
toolchain() {
	dpkg-query -W -f '${Package} ${Version}\n' gcc-12 binutils nasm acpica-tools uuid-dev \
		make python3 2>/dev/null | LC_ALL=C sort
	echo "gcc: $(PATH=$clean_path gcc --version | head -n 1)"
	echo "python3: $(PATH=$clean_path python3 -c 'import sys; print(sys.version.split()[0])')"
}
if [ "$tee" = --toolchain ]; then
	toolchain
	exit 0
fi
line=$(echo "$pins" | awk -v t="$tee" '$1 == "image" && $3 == t')
[ -n "$line" ] || die "firmware/pins has no image for TEE=$tee"
[ "$(echo "$line" | wc -l)" = 1 ] || die "firmware/pins has several images for TEE=$tee"
# shellcheck disable=SC2086 # a pins line, split on purpose
set -- $line
name=$2 ver=$4 from=$5 src_sha=$6 img_sha=$7
kind=${from%%:*}
case $kind in
edk2)
	dsc=${from#edk2:}
	spkg=$(echo "$pins" | awk '$1 == "srcpkg" && $2 == "edk2"')
	[ -n "$spkg" ] || die "firmware/pins: $name is built from edk2, but there is no 'srcpkg edk2' line"
	# shellcheck disable=SC2086
	set -- $spkg
	[ "$3" = "$ver" ] || die "firmware/pins: $name wants edk2 $ver, the srcpkg line pins $3"
	orig_sha=$4 deb_sha=$5
	;;
deb)
	rest=${from#deb:}
	pkg=${rest%%:*} path=${rest#*:}
	;;
esac

if [ "$kind" = edk2 ]; then
	for t in gcc make nasm iasl python3 bash; do
		(PATH=$clean_path && command -v "$t") >/dev/null 2>&1 ||
			die "$t not found: the edk2 build needs firmware/apt-packages (./build.sh deps installs them)"
	done
	[ -f /usr/include/uuid/uuid.h ] ||
		die "uuid/uuid.h not found: the edk2 build needs uuid-dev (./build.sh deps installs firmware/apt-packages)"
fi

# The image pins hold for the toolchain the pins were made with (its
# listing's sha256, the "toolchain" line). Another toolchain (a later
# Debian 12 point release on a fresh machine) builds another image: that is
# said loudly, not fatal, and `make update-pins` re-pins.
toolchain_pin=$(echo "$pins" | awk '$1 == "toolchain" { print $2 }')
same_toolchain() { [ "$kind" != edk2 ] || [ "$(toolchain | sha256sum | cut -d' ' -f1)" = "$toolchain_pin" ]; }

# The key covers the inputs, not the image's pinned sha256 (a check of the
# output, done on every call, cached or not).
patches=
[ -d "$here/patches" ] && patches=$(find "$here/patches" -type f -name '*.patch' | LC_ALL=C sort)
# shellcheck disable=SC2086 # the patch list is split on purpose
key=$({
	echo "$tee $name $ver $from $src_sha"
	echo "build.sh $(sha256_of "$here/build.sh")"
	echo "pin_unpack_src $(pin_unpack_key)"
	if [ "$kind" = edk2 ]; then
		echo "$spkg"
		for p in $patches; do echo "${p#"$here"/} $(sha256_of "$p")"; done
		toolchain
	fi
} | sha256sum | cut -c1-16)
out=$cache/firmware/$tee-$key

# check_image FILE: the image against its pin (unknown: said, not checked).
check_image() {
	have=$(sha256_of "$1")
	if [ "$img_sha" = unknown ]; then
		say "WARNING: firmware/pins has no sha256 for $name; this one is $have"
		return 0
	fi
	[ "$have" = "$img_sha" ] && return 0
	if [ "$kind" = edk2 ]; then
		say "toolchain used:"
		toolchain | sed 's/^/  /' >&2
		if [ "${FIRMWARE_LEARN:-}" = 1 ]; then
			say "FIRMWARE_LEARN: $name is $have (firmware/pins says $img_sha)"
			return 0
		fi
		if ! same_toolchain; then
			say "WARNING: $name has sha256 $have, not the pinned $img_sha: this toolchain is not the one firmware/pins was made with (its 'toolchain' line), so the image differs; the bundle measures the image it has. Run 'make update-pins' to re-pin"
			return 0
		fi
	fi
	die "$1 has sha256 $have, firmware/pins says $img_sha${2:+ ($2)}"
}

# use_cached: the image is in the cache; checked, it is the answer.
use_cached() {
	check_image "$out/$name" "cached; the same inputs build the same image: check the pin, or delete $out"
	say "cached: $out"
	echo "$out"
	exit 0
}
if [ -f "$out/$name" ]; then use_cached; fi

# One build per key at a time; a second caller waits and then finds it done.
mkdir -p "$cache/firmware" "$cache/src"
exec 9>"$cache/firmware/.$tee-$key.lock"
if ! flock -n 9; then
	say "waiting for another build of $tee-$key"
	flock 9
fi
if [ -f "$out/$name" ]; then use_cached; fi

on_exit() {
	rc=$1
	exec 9>&-
	if [ -n "$O" ]; then rm -rf "$O"; fi
	if [ "$rc" != 0 ] && [ -n "$tree" ]; then
		say "the build tree is kept in $tree (until the next edk2 build), the logs in $work"
		return
	fi
	if [ -n "$tree" ]; then rm -rf "$tree"; fi
	if [ -n "$work" ]; then rm -rf "$work"; fi
}
trap 'on_exit $?' EXIT
trap 'exit 130' INT TERM HUP

t0=$(date +%s)
work=$(mktemp -d "${TMPDIR:-/tmp}/sealroot-firmware.XXXXXX")
O=$out.tmp
rm -rf "$O"
mkdir -p "$O"

case $kind in
deb)
	pin_fetch_deb "$release" "$pkg" "$ver" "$src_sha" firmware/pins
	deb=$PIN_DEB
	dpkg-deb -x "$deb" "$work/x"
	[ -f "$work/x/$path" ] || die "${deb##*/} has no $path"
	cp "$work/x/$path" "$O/$name"
	check_image "$O/$name"
	echo "Debian $pkg $ver (${deb##*/}, sha256 $src_sha): $path; image sha256 $(sha256_of "$O/$name")" >"$O/source"
	;;
edk2)
	pin_fetch_src "$release" edk2 "$ver" "$orig_sha" "$deb_sha" firmware/pins
	# ---- the build directory ------------------------------------------------
	# The image depends on the path it is built at (measured: two builds
	# with the same inputs at different paths differed; edk2 orders objects
	# in its generated makefiles by Python hashes of their paths). So every
	# edk2 build runs in this one fixed directory, one at a time; it must
	# be ours, mode 0700, and not a link.
	bdir=/tmp/sealroot-edk2
	mkdir -m 700 "$bdir" 2>/dev/null || :
	if [ -L "$bdir" ] || [ ! -d "$bdir" ] || [ "$(stat -c %u:%a "$bdir")" != "$(id -u):700" ]; then
		die "$bdir must be a directory owned by $(id -un) with mode 0700, not a link (the edk2 builds run there): remove it"
	fi
	exec 8>"$bdir/.lock"
	if ! flock -n 8; then
		say "waiting for another edk2 build in $bdir"
		flock 8
	fi
	tree=$bdir/src
	rm -rf "$tree"
	# ---- unpack: Debian's patches, then ours ------------------------------
	# As dpkg-source would; the archive does not serve edk2's .dsc for
	# every version, and the pins check the tarballs themselves.
	(pin_unpack_src "$tree") >"$work/unpack.log" 2>&1 ||
		{ tail -n 20 "$work/unpack.log" >&2; die "unpacking edk2 $ver failed"; }
	for p in $patches; do
		patch -d "$tree" -p1 --batch --forward --no-backup-if-mismatch <"$p" >>"$work/unpack.log" 2>&1 ||
			{ tail -n 20 "$work/unpack.log" >&2; die "${p#"$here"/} does not apply to edk2 $ver"; }
	done
	# AmdSevX64 puts a grub image in the firmware, which its PREBUILD step
	# (OvmfPkg/AmdSev/Grub/grub.sh) makes with the host's grub-mkimage. It
	# only runs when no kernel is given; sealroot always boots the kernel
	# directly. An empty grub.efi, newer than grub.sh and grub.cfg, makes
	# grub.sh keep it, as Kata and AMD's own scripts do: no host grub in the
	# image, and a boot without a kernel fails instead of starting grub.
	g=$tree/OvmfPkg/AmdSev/Grub
	: >"$g/grub.efi"
	touch -d '2000-01-01 00:00:00 UTC' "$g/grub.sh" "$g/grub.cfg"
	[ -n "$(find "$g/grub.efi" -newer "$g/grub.sh" -newer "$g/grub.cfg")" ] ||
		die "cannot make the empty grub.efi newer than grub.sh and grub.cfg"

	# ---- build ------------------------------------------------------------------
	# A clean environment: the edk2 tools read CC, EXTRA_OPTFLAGS, MAKEFLAGS
	# and more. PYTHONHASHSEED fixes the order of the objects that the
	# build tool writes into its makefiles (Python sets): without it two
	# builds of the same tree link in different orders.
	clean_env() {
		env -i PATH=$clean_path HOME="$work" PYTHON_COMMAND=python3 \
			LC_ALL=C TZ=UTC SOURCE_DATE_EPOCH=1686355200 PYTHONHASHSEED=0 \
			WORKSPACE="$tree" JOBS="$jobs" DSC="$dsc" "$@"
	}
	say "building BaseTools (JOBS=$jobs)"
	t=$(date +%s)
	# shellcheck disable=SC2016 # expanded by the inner shell
	clean_env sh -c 'cd "$WORKSPACE" && make -C BaseTools -j"$JOBS"' </dev/null >"$work/basetools.log" 2>&1 ||
		{ tail -n 30 "$work/basetools.log" >&2; die "the edk2 BaseTools do not build (log: $work/basetools.log)"; }
	t_bt=$(($(date +%s) - t))
	say "BaseTools done in $t_bt s; building $dsc (RELEASE, GCC5; a few minutes)"
	t=$(date +%s)
	# edksetup.sh is a bash script that reads the positional parameters as
	# its own options (none here), and is not written for set -u.
	# shellcheck disable=SC2016
	clean_env bash -c 'cd "$WORKSPACE" && set -- && . ./edksetup.sh &&
		build -a X64 -t GCC5 -b RELEASE -n "$JOBS" -p "$DSC"' </dev/null >"$work/build.log" 2>&1 ||
		{ grep -E ': error|[Ee]rror [0-9A-F]{5}' "$work/build.log" | head -n 5 >&2 || :
		  tail -n 20 "$work/build.log" >&2; die "the edk2 build of $dsc failed (log: $work/build.log)"; }
	t_fw=$(($(date +%s) - t))
	if [ "$dsc" = OvmfPkg/AmdSev/AmdSevX64.dsc ]; then
		grep -q 'preserving existing grub.efi' "$work/build.log" ||
			die "AmdSevX64: grub.sh did not keep the empty grub.efi (log: $work/build.log)"
	fi
	set -- "$tree"/Build/*/RELEASE_GCC5/FV/OVMF.fd
	if [ $# != 1 ] || [ ! -f "$1" ]; then
		die "the edk2 build of $dsc left no single Build/*/RELEASE_GCC5/FV/OVMF.fd"
	fi
	cp "$1" "$O/$name"
	toolchain >"$O/toolchain"
	printf 'basetools %s s\n%s %s s\nJOBS %s\n' "$t_bt" "$dsc" "$t_fw" "$jobs" >"$O/build-times"
	check_image "$O/$name" "built with the toolchain above; firmware/README.md says what to do"
	echo "built from Debian $release edk2 $ver (orig $orig_sha, debian $deb_sha) with firmware/patches: $dsc, RELEASE, GCC5, empty grub.efi; image sha256 $(sha256_of "$O/$name")" >"$O/source"
	say "BaseTools $t_bt s, $dsc $t_fw s"
	;;
esac

rm -rf "$out"
mv "$O" "$out"
O=''
say "done in $(($(date +%s) - t0)) s: $name $(sha256_of "$out/$name")"
echo "$out"
