#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# kernel-config/build.sh TEE [debug]: the guest kernel for TEE (none, tdx,
# snp: x86_64; se: s390x, cross-built with gcc-s390x-linux-gnu) from the
# pinned source and the fragments, cached by a hash of its inputs.
#   reads:   kernel-config/{source,since,base.config,arch-ARCH.config,
#            TEE.config,debug.config},
#            the pinned .deb, fetched into the cache by build-aux/pins.sh
#            (override: KERNEL_TARBALL with KERNEL_SHA256)
#   changes: under ${SEALROOT_CACHE:-~/.cache/sealroot}: src/ (the .deb),
#            apt/ (the private apt configuration), kernel-src/<sha256>/
#            (the unpacked source), kernel-obj/<sha256>/<TEE>[-debug]/ (objects,
#            kept so that the next configuration rebuilds in seconds) and the
#            output kernel/<TEE>[-debug]-<key>/: vmlinux (stripped; on x86_64
#            a PVH ELF), bzImage (x86_64: the EFI/boot-protocol image; s390x:
#            the compressed image that QEMU -kernel and genprotimg take), arch,
#            config, release, warnings, modules/lib/modules/<release>/
#   fails:   exit 1 (2 on bad usage) with the reason on stderr; an output dir
#            is only ever complete (built as <dir>.tmp, then renamed).
# The last stdout line is the output dir; progress goes to stderr.
# JOBS (default nproc); KERNEL_CLEAN=1 drops the kept objects first.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
usage="usage: build.sh none|tdx|snp|se [debug]"
tee=${1:-}
debug=${2:-}
jobs=${JOBS:-$(nproc)}
STAGE=kernel
# shellcheck source=build-aux/stage.sh
. "$here/../build-aux/stage.sh"
# shellcheck source=build-aux/pins.sh
. "$here/../build-aux/pins.sh"

case $tee in
none | tdx | snp) arch=x86_64 karch=x86_64 bootdir=x86 cross= ;;
se) arch=s390x karch=s390 bootdir=s390 cross=s390x-linux-gnu- ;;
*) echo "kernel: $usage" >&2; exit 2 ;;
esac
[ -z "$debug" ] || [ "$debug" = debug ] || { echo "kernel: $usage" >&2; exit 2; }
variant=$tee${debug:+-debug}

release='' package='' debian_version='' deb_sha256='' path='' sha256=''
# shellcheck source=kernel-config/source
. "$here/source"
# Another source only when a developer names both the tarball and its sum.
if [ -n "${KERNEL_TARBALL:-}${KERNEL_SHA256:-}" ]; then
	[ -n "${KERNEL_TARBALL:-}" ] && [ -n "${KERNEL_SHA256:-}" ] ||
		die "KERNEL_TARBALL and KERNEL_SHA256 go together"
	sha256=$KERNEL_SHA256
fi
is_sha256 "$sha256" || die "no valid sha256 pinned (kernel-config/source, or KERNEL_SHA256 with KERNEL_TARBALL)"
frags="$here/base.config $here/arch-$arch.config $here/$tee.config${debug:+ $here/debug.config}"
if [ -n "$cross" ]; then
	command -v "${cross}gcc" >/dev/null 2>&1 ||
		die "no ${cross}gcc for the $arch kernel (./build.sh deps installs gcc-$arch-linux-gnu)"
fi

# The key covers every input of the result. The build time, user and host
# are fixed below, so they are not inputs. check-config.sh and its lists
# only judge the result; they are re-run on every call instead.
key=$({
	echo "source $sha256 arch $arch"
	for f in $frags "$here/since" "$here/build.sh" "$here/../build-aux/stage.sh"; do
		echo "${f##*/} $(sha256sum <"$f" | cut -d' ' -f1)"
	done
} | sha256sum | cut -c1-16)
out=$cache/kernel/$variant-$key

# cached OUT: re-judges a finished build and repeats its warnings.
cached() {
	[ -f "$1/vmlinux" ] || return 1
	[ ! -s "$1/warnings" ] || sed 's/^/kernel: WARNING: /' "$1/warnings" >&2
	"$here/check-config.sh" "$1/config" "${debug:-release}" "$tee" ||
		die "the cached build $1 no longer passes check-config.sh; change a fragment to rebuild"
	say "cached: $1"
	echo "$1"
}
# The configuration-only test mode never takes the cache's answer.
[ -n "${KERNEL_STOP_AFTER_CONFIG:-}" ] || ! cached "$out" || exit 0

# One kernel build at a time per cache: builds share the source and objects.
mkdir -p "$cache/kernel"
exec 9>"$cache/kernel/.lock"
if command -v flock >/dev/null 2>&1; then
	flock 9
fi
[ -n "${KERNEL_STOP_AFTER_CONFIG:-}" ] || ! cached "$out" || exit 0 # built by whoever held the lock

# --- the source, verified once and unpacked once per sha256
src=$cache/kernel-src/$sha256
if [ ! -f "$src/.unpacked" ]; then
	if [ -n "${KERNEL_TARBALL:-}" ]; then
		[ -f "$KERNEL_TARBALL" ] || die "no source tarball $KERNEL_TARBALL (KERNEL_TARBALL)"
		tarball=$KERNEL_TARBALL
		rm -rf "$src" "$src.tmp"
		mkdir -p "$src.tmp"
	else
		pin_fetch_deb "$release" "$package" "$debian_version" "$deb_sha256" kernel-config/source
		rm -rf "$src" "$src.tmp"
		mkdir -p "$src.tmp"
		tarball=$src.tmp.tar
		dpkg-deb --fsys-tarfile "$PIN_DEB" | tar -xOf - "./$path" >"$tarball" ||
			die "${PIN_DEB##*/} has no $path"
	fi
	say "verifying $tarball"
	have=$(sha256_of "$tarball")
	[ "$have" = "$sha256" ] || { rm -rf "$src.tmp" "$src.tmp.tar"; die "$tarball has sha256 $have, but $sha256 is pinned (kernel-config/source or KERNEL_SHA256)"; }
	say "unpacking $tarball"
	tar -xf "$tarball" -C "$src.tmp" --strip-components=1
	rm -f "$src.tmp.tar"
	touch "$src.tmp/.unpacked"
	mv "$src.tmp" "$src"
fi
# The build date is the newest file of the source: fixed by its sha256, so
# the kernel is not rebuilt for every commit of this repository (as the
# project-wide SOURCE_DATE_EPOCH, the commit time, would make it).
if [ ! -f "$src/.source-date-epoch" ]; then
	find "$src" -path "$src/.*" -prune -o -type f -printf '%T@\n' |
		sort -n | tail -n 1 | cut -d. -f1 >"$src/.source-date-epoch.tmp"
	mv "$src/.source-date-epoch.tmp" "$src/.source-date-epoch"
fi
epoch=$(cat "$src/.source-date-epoch")

# --- reproducible: no host, user, time, build count or caller's flags
export SOURCE_DATE_EPOCH="$epoch"
KBUILD_BUILD_TIMESTAMP=$(date -u -d "@$epoch" '+%a %b %e %H:%M:%S UTC %Y')
export KBUILD_BUILD_TIMESTAMP KBUILD_BUILD_USER=sealroot KBUILD_BUILD_HOST=sealroot KBUILD_BUILD_VERSION=1
export LOCALVERSION= # set and empty: no "+" suffix from setlocalversion
unset KCFLAGS KCPPFLAGS KAFLAGS KBUILD_EXTRA_SYMBOLS INSTALL_MOD_PATH MAKEFLAGS MFLAGS MAKELEVEL

obj=$cache/kernel-obj/$sha256/$variant
[ "${KERNEL_CLEAN:-}" != 1 ] || rm -rf "$obj"
mkdir -p "$obj"
tmp=$out.tmp
rm -rf "$tmp"
mkdir -p "$tmp"
trap 'rm -rf "$tmp"' EXIT
trap 'exit 1' INT TERM HUP
mk() { make -C "$src" O="$obj" ARCH="$karch" ${cross:+CROSS_COMPILE=$cross} "$@"; }

# --- configuration: tinyconfig, the fragments, olddefconfig
say "configuring $variant: tinyconfig + $(echo "$frags" | sed "s|$here/||g")"
# shellcheck disable=SC2086
{ mk -s tinyconfig &&
	(cd "$obj" && ARCH=$karch "$src/scripts/kconfig/merge_config.sh" -m -O "$obj" "$obj/.config" $frags) &&
	mk -s olddefconfig; } >"$tmp/config.log" 2>&1 || { cat "$tmp/config.log" >&2; die "configuration failed"; }

# Every fragment line (the last one of each symbol wins, as in
# merge_config.sh) must hold in the final .config. A symbol this source
# lacks is a warning when kernel-config/since lists it (a newer kernel has
# it), and an error otherwise (renamed or removed: review the fragment).
version=$(mk -s kernelversion)
in_source() { grep -rqE "^[[:space:]]*(menu)?config ${1#CONFIG_}[[:space:]]*\$" --include='Kconfig*' "$src"; }
: >"$tmp/warnings"
: >"$tmp/errors"
# shellcheck disable=SC2086
awk '/^CONFIG_[A-Za-z0-9_]+=/ { s = $0; sub(/=.*/, "", s); if (!(s in v)) o[++n] = s; v[s] = $0 }
	END { for (i = 1; i <= n; i++) print v[o[i]] }' $frags >"$tmp/wanted"
while IFS= read -r line; do
	sym=${line%%=*} want=${line#*=}
	have=$(sed -n "s/^$sym=//p" "$obj/.config")
	if [ "$want" = n ]; then
		[ -z "$have" ] || echo "$line does not hold: have $sym=$have" >>"$tmp/errors"
		continue
	fi
	[ "$have" = "$want" ] && continue
	if in_source "$sym"; then
		echo "$line does not hold: have ${have:+$sym=}${have:-unset} (an unmet dependency?)" >>"$tmp/errors"
	elif ! awk -v s="$sym" -v v="$version" '$1 == s {
			why = $0; sub(/^[^ \t]+[ \t]+[^ \t]+[ \t]+/, "", why)
			printf "%s is not in this kernel source (%s); it needs Linux >= %s: %s\n", s, v, $2, why
			found = 1 }
		END { exit !found }' "$here/since" >>"$tmp/warnings"; then
		echo "$line: $sym is not in this kernel source ($version); renamed or removed?" >>"$tmp/errors"
	fi
done <"$tmp/wanted"
sed 's/^/kernel: WARNING: /' "$tmp/warnings" >&2
if [ -s "$tmp/errors" ]; then
	sed 's/^/kernel: ERROR: /' "$tmp/errors" >&2
	die "the fragments do not hold in the final .config"
fi
"$here/check-config.sh" "$obj/.config" "${debug:-release}" "$tee"
# For tests of the configuration step alone: KERNEL_STOP_AFTER_CONFIG=DIR
# receives config and warnings.
if [ -n "${KERNEL_STOP_AFTER_CONFIG:-}" ]; then
	mkdir -p "$KERNEL_STOP_AFTER_CONFIG"
	cp "$obj/.config" "$KERNEL_STOP_AFTER_CONFIG/config"
	cp "$tmp/warnings" "$KERNEL_STOP_AFTER_CONFIG/warnings"
	say "stopped after the configuration (KERNEL_STOP_AFTER_CONFIG)"
	exit 0
fi

# --- build
say "building $variant with -j$jobs (from scratch: about 10 minutes on 2 cores)"
start=$(date +%s)
mk -j"$jobs" vmlinux bzImage modules >&2
release=$(cat "$obj/include/config/kernel.release")
# A release vmlinux needs no symbols or relocations to boot; a debug one
# keeps its symbols for gdb.
if [ -n "$debug" ]; then
	"${cross}strip" --strip-debug -o "$tmp/vmlinux" "$obj/vmlinux"
else
	"${cross}strip" --strip-all -o "$tmp/vmlinux" "$obj/vmlinux"
fi
# XEN_ELFNOTE_PHYS32_ENTRY (18): the PVH entry point that -kernel vmlinux uses.
if [ "$arch" = x86_64 ]; then
	readelf -n "$tmp/vmlinux" | grep -A1 '^ *Xen ' | grep -qE '0x00000012|PHYS32' ||
		die "vmlinux has no PVH entry note (CONFIG_PVH?)"
fi
cp "$obj/arch/$bootdir/boot/bzImage" "$tmp/bzImage"
echo "$arch" >"$tmp/arch"
cp "$obj/.config" "$tmp/config"
echo "$release" >"$tmp/release"

# Modules: plain and unsigned; stripped of debug sections (deterministic).
mk -s INSTALL_MOD_PATH="$tmp/modules" INSTALL_MOD_STRIP=1 DEPMOD=true modules_install >&2
rm -f "$tmp/modules/lib/modules/$release/build" "$tmp/modules/lib/modules/$release/source"
# depmod takes milliseconds for these few modules; the rootfs stage runs it again.
depmod=$(command -v depmod || echo /sbin/depmod)
[ ! -x "$depmod" ] || "$depmod" -b "$tmp/modules" "$release"

rm -f "$tmp/config.log" "$tmp/wanted" "$tmp/errors"
rm -rf "$out"
mv "$tmp" "$out"
say "done in $(($(date +%s) - start)) s: $out ($release)"
echo "$out"
