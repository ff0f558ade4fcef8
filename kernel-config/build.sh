#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# kernel-config/build.sh TEE [debug]: builds the guest kernel for TEE from
# the pinned source and the fragments, cached by a hash of its inputs.
# Output dir (last stdout line): $SEALROOT_CACHE/kernel/<key>/ with vmlinux
# (PVH ELF, stripped), bzImage, config, release, warnings and
# modules/lib/modules/<release>/. Progress goes to stderr.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
tee=${1:?usage: build.sh none|tdx|snp|se [debug]}
debug=${2:-}
cache=${SEALROOT_CACHE:-$HOME/.cache/sealroot}
jobs=${JOBS:-$(nproc)}
say() { echo "kernel: $*" >&2; }

case $tee in none | tdx | snp) arch=x86_64 ;; se) arch=s390 ;;
*) echo "kernel: unknown TEE '$tee'" >&2; exit 2 ;; esac
[ -z "$debug" ] || [ "$debug" = debug ] || { echo "kernel: second argument must be 'debug'" >&2; exit 2; }

# shellcheck disable=SC1091
. "$here/source"
tarball=${KERNEL_TARBALL:-$tarball}
sha256=${KERNEL_SHA256:-$sha256}
[ -f "$tarball" ] || { echo "kernel: no source tarball $tarball (apt-get install $package)" >&2; exit 1; }

frags="$here/base.config $here/$tee.config"
[ -n "$debug" ] && frags="$frags $here/debug.config"
# The key covers everything that changes the result; the build timestamp is
# fixed (below), so it is not an input.
key=$( { echo "$sha256 $arch"; for f in $frags "$here/build.sh"; do sha256sum <"$f"; done; } |
	sha256sum | cut -c1-16)
out=$cache/kernel/$tee${debug:+-debug}-$key
if [ -f "$out/vmlinux" ] || [ -f "$out/bzImage" ] || [ -f "$out/image" ]; then
	say "cached: $out"
	echo "$out"
	exit 0
fi

# Unpacked source, cached by its sha256 (verified once, before unpacking).
src=$cache/kernel-src/$sha256
if [ ! -f "$src/.unpacked" ]; then
	say "verifying $tarball"
	have=$(sha256sum "$tarball" | cut -d' ' -f1)
	[ "$have" = "$sha256" ] || {
		echo "kernel: $tarball has sha256 $have, pinned $sha256 (kernel-config/source)" >&2
		exit 1
	}
	say "unpacking $tarball"
	rm -rf "$src"
	mkdir -p "$src"
	tar -xf "$tarball" -C "$src" --strip-components=1
	touch "$src/.unpacked"
fi

tmp=$out.tmp
rm -rf "$tmp"
mkdir -p "$tmp/obj"
trap 'rm -rf "$tmp"' EXIT
obj=$tmp/obj
# Reproducible: no host, user or time in the image.
export KBUILD_BUILD_TIMESTAMP="1970-01-01" KBUILD_BUILD_USER=sealroot KBUILD_BUILD_HOST=sealroot
mk() { make -s -C "$src" O="$obj" ARCH="$arch" ${CROSS_COMPILE:+CROSS_COMPILE=$CROSS_COMPILE} "$@"; }

say "configuring $tee${debug:+ (debug)}: tinyconfig + $(echo "$frags" | sed "s|$here/||g")"
mk tinyconfig >&2
# shellcheck disable=SC2086
(cd "$obj" && ARCH=$arch "$src/scripts/kconfig/merge_config.sh" -m -O "$obj" "$obj/.config" $frags) >"$tmp/merge.log" 2>&1
mk olddefconfig >&2

# A fragment symbol that did not survive is a warning for TEE symbols the
# source lacks (never silent), and an error for anything else.
: >"$tmp/warnings"
for f in $frags; do
	grep -E '^CONFIG_[A-Z0-9_]+=' "$f" | while IFS= read -r line; do
		sym=${line%%=*} want=${line#*=}
		if [ "$want" = n ]; then
			grep -qE "^$sym=" "$obj/.config" && echo "$sym is set, fragment wants it off" >>"$tmp/errors"
			continue
		fi
		grep -qx "$line" "$obj/.config" && continue
		if ! grep -rqE "^(menu)?config ${sym#CONFIG_}\$" "$src" --include='Kconfig*'; then
			case $sym in
			CONFIG_TDX_GUEST_DRIVER) min=6.2 ;;
			CONFIG_TSM_REPORTS) min=6.7 ;;
			*) min="a newer kernel" ;;
			esac
			echo "$sym does not exist in this kernel source ($(cat "$obj/include/config/kernel.release" 2>/dev/null || make -s -C "$src" kernelversion)); needs $min" >>"$tmp/warnings"
		else
			echo "$line did not apply (have: $(grep -E "^$sym=|^# $sym is not set" "$obj/.config" || echo absent))" >>"$tmp/errors"
		fi
	done
done
if [ -s "$tmp/warnings" ]; then
	sed 's/^/kernel: WARNING: /' "$tmp/warnings" >&2
fi
if [ -s "$tmp/errors" ]; then
	sed 's/^/kernel: ERROR: /' "$tmp/errors" >&2
	exit 1
fi
"$here/check-config.sh" "$obj/.config" ${debug:+debug}
# For tests of the configuration step alone.
if [ -n "${KERNEL_STOP_AFTER_CONFIG:-}" ]; then
	say "stopping after configuration (KERNEL_STOP_AFTER_CONFIG)"
	exit 0
fi

say "building with -j$jobs (a first build takes several minutes)"
if [ "$arch" = x86_64 ]; then
	mk -j"$jobs" vmlinux bzImage modules >&2
	strip --strip-debug -o "$tmp/vmlinux" "$obj/vmlinux"
	cp "$obj/arch/x86/boot/bzImage" "$tmp/bzImage"
else
	mk -j"$jobs" bzImage modules >&2
	cp "$obj/arch/s390/boot/bzImage" "$tmp/image"
fi
mk INSTALL_MOD_PATH="$tmp/modules" INSTALL_MOD_STRIP=1 DEPMOD=true modules_install >&2
cp "$obj/.config" "$tmp/config"
cp "$obj/include/config/kernel.release" "$tmp/release"
rm -rf "$obj" "$tmp/merge.log"
# modules_install leaves links back into the build tree.
rm -f "$tmp"/modules/lib/modules/*/build "$tmp"/modules/lib/modules/*/source
rm -rf "$out"
mv "$tmp" "$out"
say "done: $out ($(cat "$out/release"))"
echo "$out"
