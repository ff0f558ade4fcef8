#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# rootfs/build.sh: stages the guest's root tree and packs it into a
# reproducible erofs image.
#   --init FILE          static PID 1           -> /sbin/init
#   --agent FILE         workload agent         -> /usr/bin/kata-agent
#   --busybox FILE       static busybox         -> /bin/busybox (+ applet links)
#   --modules-dir DIR    INSTALL_MOD_PATH tree with lib/modules/<release>/
#   --modules-list FILE  modules the init loads -> /etc/sealroot/modules
#   --extra DIR          copied over the tree last (tests)
#   --compress ALG       erofs compression (default none: file bytes stay findable)
#   --out FILE           the erofs image
# Reproducible: SOURCE_DATE_EPOCH (default: the last commit's time) for every
# mtime, root ownership, explicit modes, a fixed UUID, no xattrs.
# Needs root (mknod for /dev/console, which must exist before devtmpfs).
set -eu

die() { echo "rootfs: $*" >&2; exit 1; }
init= agent= busybox=/bin/busybox moddir= modlist= extra= compress= out=
while [ $# -gt 0 ]; do
	[ $# -ge 2 ] || die "option $1 needs a value"
	case $1 in
	--init) init=$2 ;;
	--agent) agent=$2 ;;
	--busybox) busybox=$2 ;;
	--modules-dir) moddir=$2 ;;
	--modules-list) modlist=$2 ;;
	--extra) extra=$2 ;;
	--compress) compress=$2 ;;
	--out) out=$2 ;;
	*) die "unknown option $1" ;;
	esac
	shift 2
done
[ -n "$init" ] || die "--init is required"
[ -n "$agent" ] || die "--agent is required"
[ -n "$out" ] || die "--out is required"
for f in "$init" "$agent" "$busybox"; do
	[ -f "$f" ] || die "no such file: $f"
done
[ -z "$moddir" ] || [ -n "$modlist" ] || die "--modules-dir needs --modules-list"

top=$(cd "$(dirname "$0")/.." && pwd)
if [ -z "${SOURCE_DATE_EPOCH:-}" ]; then
	SOURCE_DATE_EPOCH=$(git -C "$top" log -1 --format=%ct 2>/dev/null || echo 0)
fi
# A fixed UUID: the image must be a pure function of its content.
UUID=5ea1f00d-0000-4000-8000-000000000001

umask 022
st=$(mktemp -d "${TMPDIR:-/tmp}/sealroot-rootfs.XXXXXX")
trap 'rm -rf "$st"' EXIT
r=$st/root
mkdir -p "$r"
for d in bin sbin lib etc etc/sealroot usr usr/bin proc sys dev run tmp mnt var root; do
	mkdir -p "$r/$d"
done
mknod -m 0600 "$r/dev/console" c 5 1
mknod -m 0666 "$r/dev/null" c 1 3

install -m 0755 "$init" "$r/sbin/init"
install -m 0755 "$agent" "$r/usr/bin/kata-agent"
install -m 0755 "$busybox" "$r/bin/busybox"
# A few applets for the agent and tests. The init never execs a shell.
for a in sh cat echo ls mount umount sleep dd grep poweroff; do
	ln -s busybox "$r/bin/$a"
done
# The kernel calls /sbin/modprobe for crypto modules on demand; after the
# init sets modules_disabled=1 such requests fail, as they should.
ln -s ../bin/busybox "$r/sbin/modprobe"

: >"$r/etc/sealroot/modules"
if [ -n "$moddir" ]; then
	rel=$(ls "$moddir/lib/modules")
	[ "$(echo "$rel" | wc -l)" = 1 ] || die "want one release in $moddir/lib/modules, have: $rel"
	mkdir -p "$r/lib/modules"
	cp -R "$moddir/lib/modules/$rel" "$r/lib/modules/$rel"
	depmod -b "$r" "$rel"
	# The list, without comments; each name must be a module of this kernel.
	sed 's/#.*//; s/[[:space:]]//g; /^$/d' "$modlist" >"$r/etc/sealroot/modules"
	while IFS= read -r m; do
		grep -q "/$m.ko:\|/$(echo "$m" | tr _ -).ko:\|/$(echo "$m" | tr - _).ko:" \
			"$r/lib/modules/$rel/modules.dep" || die "module $m is not in $moddir ($rel)"
	done <"$r/etc/sealroot/modules"
fi
[ -z "$extra" ] || cp -R "$extra/." "$r/"

# Fixed modes and times (umask and the inputs' mtimes must not leak in).
find "$r" -type d -exec chmod 0755 {} +
chmod 1777 "$r/tmp"
chmod 0700 "$r/root"
find "$r" -type f -path "$r/lib/modules/*" -exec chmod 0644 {} +
chmod 0644 "$r/etc/sealroot/modules"
find "$r" -exec touch -h -d "@$SOURCE_DATE_EPOCH" {} +

rm -f "$out"
mkfs.erofs --quiet -T"$SOURCE_DATE_EPOCH" -U"$UUID" --all-root -x-1 \
	${compress:+-z"$compress"} "$out" "$r" >&2
size=$(wc -c <"$out")
[ $((size % 4096)) = 0 ] || die "image size $size is not a multiple of 4096"
echo "rootfs: $out ($size bytes)" >&2
