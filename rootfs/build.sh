#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# rootfs/build.sh: stages the guest's root tree and packs it into a
# reproducible erofs image, or (--format cpio) a newc initramfs for the se
# bundle, whose root is the initrd sealed in the SE image.
#   --init FILE          static PID 1 (required)     -> /sbin/init, 0755
#   --agent FILE         workload agent (required)   -> /usr/bin/kata-agent, 0755;
#                        "none" leaves it out (a fault-matrix test image)
#   --busybox FILE       static busybox (default /bin/busybox) -> /bin/busybox + applet links
#   --mke2fs FILE        static mke2fs (optional) -> /sbin/mke2fs, for the scratch disk
#   --agent-policy FILE  the kata-agent's default policy (Rego, package agent_policy)
#                        -> /etc/kata-opa/default-policy.rego, 0644; default
#                        rootfs/default-policy.rego (docs/kata.md, row 2)
#   --modules-dir DIR    INSTALL_MOD_PATH tree holding lib/modules/<release>/
#   --modules-list FILE  module names, one a line, '#' comments -> /etc/sealroot/modules;
#                        only those modules and their dependencies are copied
#   --extra DIR          a tree copied over the staging root last (tests)
#   --compress ALG       lz4 or lz4hc[,LEVEL] (default none: a file's bytes stay
#                        findable in the image, e.g. for tamper tests)
#   --format erofs|cpio  erofs (default) or an uncompressed newc cpio archive
#   --out FILE           the image (required)
# Reads those files (and rootfs/apt-packages for a hint when a tool is
# missing). Changes: writes FILE (through FILE.tmp, renamed when complete).
# Prints the image's path as the last stdout line, a summary on stderr.
# Fails with "rootfs: ERROR: ..." and exit 1, leaving no FILE.tmp.
# Reproducible: SOURCE_DATE_EPOCH (default: the last commit's time, else 0)
# for every mtime and the erofs build time, root ownership, fixed modes
# (directories 0755, files 0755 if executable else 0644), a fixed UUID,
# no xattrs. Needs root: /dev/console must be a real node in the image.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/.." && pwd)
STAGE=rootfs
# shellcheck source=build-aux/stage.sh
. "$top/build-aux/stage.sh"
# shellcheck source=build-aux/reproducible.sh
. "$top/build-aux/reproducible.sh"
usage="usage: build.sh --init FILE --agent FILE --out FILE [--busybox FILE] [--mke2fs FILE] [--agent-policy FILE] [--modules-dir DIR --modules-list FILE] [--extra DIR] [--compress lz4|lz4hc[,N]] [--format erofs|cpio]"
init='' agent='' busybox=/bin/busybox mke2fs='' policy=$here/default-policy.rego moddir='' modlist='' extra='' compress='' out='' format=erofs
while [ $# -gt 0 ]; do
	case $1 in
	--init | --agent | --busybox | --mke2fs | --agent-policy | --modules-dir | --modules-list | --extra | --compress | --format | --out)
		[ $# -ge 2 ] || die "option $1 needs a value" ;;
	-h | --help) echo "$usage"; exit 0 ;;
	*) die "unknown option $1 ($usage)" ;;
	esac
	case $1 in
	--init) init=$2 ;;
	--agent) agent=$2 ;;
	--busybox) busybox=$2 ;;
	--mke2fs) mke2fs=$2 ;;
	--agent-policy) policy=$2 ;;
	--modules-dir) moddir=$2 ;;
	--modules-list) modlist=$2 ;;
	--extra) extra=$2 ;;
	--compress) compress=$2 ;;
	--format) format=$2 ;;
	--out) out=$2 ;;
	esac
	shift 2
done
[ -n "$init" ] || die "--init is required ($usage)"
[ -n "$agent" ] || die "--agent is required ($usage)"
[ -n "$out" ] || die "--out is required ($usage)"
for f in "$init" "$agent" "$busybox"; do
	[ "$f" = none ] && [ "$f" = "$agent" ] && continue
	[ -f "$f" ] || die "no such file: $f"
	# The image has no libc and no loader.
	if readelf -l "$f" 2>/dev/null | grep -q 'program interpreter'; then
		die "$f is dynamically linked; the image has no shared libraries"
	fi
done
# The agent evaluates data.agent_policy.<Request> (kata-containers
# src/agent/policy/src/policy.rs, allow_request): another package, or a
# file that is not text, would deny every request of the pod.
[ -f "$policy" ] || die "no such file: $policy (--agent-policy)"
[ -s "$policy" ] || die "--agent-policy $policy is empty"
[ "$(wc -c <"$policy")" -le 1048576 ] || die "--agent-policy $policy is larger than 1 MiB"
[ "$(tr -d '\000' <"$policy" | wc -c)" = "$(wc -c <"$policy")" ] || die "--agent-policy $policy has NUL bytes"
grep -q '^[[:space:]]*package[[:space:]][[:space:]]*agent_policy[[:space:]]*$' "$policy" ||
	die "--agent-policy $policy has no 'package agent_policy' line, the package the kata-agent queries"
[ -z "$moddir" ] || [ -n "$modlist" ] || die "--modules-dir needs --modules-list"
[ -z "$modlist" ] || [ -n "$moddir" ] || die "--modules-list needs --modules-dir"
[ -z "$modlist" ] || [ -f "$modlist" ] || die "no such file: $modlist"
[ -z "$moddir" ] || [ -d "$moddir/lib/modules" ] || die "no lib/modules in $moddir"
[ -z "$extra" ] || [ -d "$extra" ] || die "no such directory: $extra"
case $format in
erofs) ;;
cpio) [ -z "$compress" ] || die "--compress is for erofs; the kernel takes the cpio uncompressed" ;;
*) die "unsupported --format $format (want erofs or cpio)" ;;
esac
case $compress in
'' | lz4 | lz4hc) ;;
lz4hc,[0-9] | lz4hc,1[0-2]) ;;
*) die "unsupported --compress $compress (want lz4, lz4hc or lz4hc,0..12)" ;;
esac
[ "$(id -u)" = 0 ] || die "must run as root (mknod /dev/console)"
for t in mkfs.$format depmod modinfo; do
	[ "$t" != mkfs.cpio ] || t=cpio
	command -v "$t" >/dev/null ||
		die "$t not found (apt-get install $(sed 's/#.*//' "$here/apt-packages" | tr -s ' \n' ' '))"
done

sde_set
# A fixed UUID: the image must be a pure function of its content.
UUID=5ea1f00d-0000-4000-8000-000000000001
# Busybox applets for the agent's and the tests' use; the init never execs a
# shell. The kernel runs /sbin/modprobe for crypto modules it requests; once
# the init has set modules_disabled=1 such requests fail, as they should.
APPLETS_BIN="cat echo ls mount poweroff sh umount"
APPLETS_SBIN="modprobe"

export LC_ALL=C
umask 022
st=$(mktemp -d "${TMPDIR:-/tmp}/sealroot-rootfs.XXXXXX")
trap 'rm -rf "$st"; rm -f "$out.tmp"' EXIT
trap 'exit 1' HUP INT TERM
r=$st/root
mkdir "$r"
for d in bin dev etc etc/kata-opa etc/sealroot lib mnt proc root run sbin sys tmp usr usr/bin var; do
	mkdir -p "$r/$d"
done
# What the kata-agent writes outside /run, on this read-only root
# (docs/kata.md, rows 1 and 7; kata-containers src/agent/src, commit
# 7c6ba40c): CreateSandbox creates /var/run/sandbox-ns (namespace.rs,
# PERSISTENT_NS_DIR) and CreateContainer reads /var/run/cdi (rpc.rs), so
# /var/run is /run, the tmpfs, as on FHS systems. setup_guest_dns
# bind-mounts the pod's DNS over /etc/resolv.conf only when that file
# exists (network.rs, do_setup_guest_dns): an empty one.
ln -s ../run "$r/var/run"
: >"$r/etc/resolv.conf"
mknod -m 0600 "$r/dev/console" c 5 1
mknod -m 0666 "$r/dev/null" c 1 3

install -m 0755 "$init" "$r/sbin/init"
[ "$agent" = none ] || install -m 0755 "$agent" "$r/usr/bin/kata-agent"
install -m 0755 "$busybox" "$r/bin/busybox"
install -m 0644 "$policy" "$r/etc/kata-opa/default-policy.rego"
if [ -n "$mke2fs" ]; then
	[ -f "$mke2fs" ] || die "no such file: $mke2fs"
	install -m 0755 "$mke2fs" "$r/sbin/mke2fs"
fi
# Check the applets exist when this busybox runs here (same architecture).
have=$("$r/bin/busybox" --list 2>/dev/null || true)
for a in $APPLETS_BIN $APPLETS_SBIN; do
	[ -z "$have" ] || printf '%s\n' "$have" | grep -qx "$a" || die "$busybox has no applet $a"
done
for a in $APPLETS_BIN; do ln -s busybox "$r/bin/$a"; done
for a in $APPLETS_SBIN; do ln -s ../bin/busybox "$r/sbin/$a"; done

# Modules: the requested ones and, recursively, their dependencies (modinfo
# 'depends') and soft dependencies (those present; libkmod skips absent
# ones). A name may also be built in (modules.builtin): listed, not copied.
# Then host depmod writes modules.dep.bin for the guest's libkmod.
: >"$r/etc/sealroot/modules"
if [ -n "$moddir" ]; then
	rels=$(ls "$moddir/lib/modules")
	if [ -z "$rels" ] || [ "$(printf '%s\n' "$rels" | wc -l)" != 1 ]; then
		die "want one release in $moddir/lib/modules, have: $(printf '%s\n' "$rels" | tr '\n' ' ')"
	fi
	rel=$rels
	src=$moddir/lib/modules/$rel
	dst=$r/lib/modules/$rel
	norm() { printf '%s\n' "$1" | tr - _; }

	# The list, without comments and blanks.
	sed 's/#.*//; s/[[:space:]]//g; /^$/d' "$modlist" >"$st/list"
	if grep -v '^[A-Za-z0-9_-]\{1,63\}$' "$st/list" >"$st/bad"; then
		die "bad module name '$(head -n 1 "$st/bad")' in $modlist"
	fi
	dup=$(tr - _ <"$st/list" | sort | uniq -d | head -n 1)
	[ -z "$dup" ] || die "module $dup is listed twice in $modlist"

	# Index "<name> <path>" of the release's module files, and the built-ins.
	(cd "$src" && find . -type f \( -name '*.ko' -o -name '*.ko.xz' -o -name '*.ko.zst' \)) |
		sed 's|^\./||' | sort | while IFS= read -r p; do
		n=${p##*/}
		printf '%s %s\n' "$(norm "${n%%.ko*}")" "$p"
	done >"$st/index"
	dup=$(cut -d' ' -f1 "$st/index" | uniq -d | head -n 1)
	[ -z "$dup" ] || die "module $dup exists twice in $src"
	: >"$st/builtin"
	if [ -f "$src/modules.builtin" ]; then
		sed 's|.*/||; s|\.ko$||' "$src/modules.builtin" | tr - _ >"$st/builtin"
	fi

	: >"$st/done"
	: >"$st/files"
	: >"$st/deps"
	todo=$(tr - _ <"$st/list")
	while [ -n "$todo" ]; do
		next=
		for n in $todo; do
			! grep -qx "$n" "$st/done" || continue
			echo "$n" >>"$st/done"
			p=$(awk -v n="$n" '$1 == n { print $2 }' "$st/index")
			if [ -z "$p" ]; then
				grep -qx "$n" "$st/builtin" || die "module $n is not in $moddir ($rel)"
				continue
			fi
			deps=$(modinfo -F depends "$src/$p") || die "modinfo $src/$p failed"
			deps=$(printf '%s\n' "$deps" | tr ',-' ' _')
			echo "$p" >>"$st/files"
			printf '%s %s\n' "$p" "$deps" >>"$st/deps"
			for d in $deps; do
				grep -q "^$(norm "$d") " "$st/index" || die "module $d (needed by $n) is not in $moddir ($rel)"
				next="$next $(norm "$d")"
			done
			for d in $(modinfo -F softdep "$src/$p" | tr ' ' '\n' | grep -v ':$' || true); do
				! grep -q "^$(norm "$d") " "$st/index" || next="$next $(norm "$d")"
			done
		done
		todo=$next
	done

	mkdir -p "$dst"
	sort "$st/files" | while IFS= read -r p; do
		mkdir -p "$dst/$(dirname "$p")"
		cp "$src/$p" "$dst/$p"
	done
	# modules.order limited to what is shipped; the built-in lists as they are.
	if [ -f "$src/modules.order" ]; then
		grep -Fxf "$st/files" "$src/modules.order" >"$dst/modules.order" || true
	fi
	for f in modules.builtin modules.builtin.modinfo; do
		[ ! -f "$src/$f" ] || cp "$src/$f" "$dst/$f"
	done
	# An empty configuration: the host's /etc/depmod.d must not shape the image.
	mkdir "$st/depmod.d"
	depmod -C "$st/depmod.d" -b "$r" "$rel" || die "depmod failed for $rel"
	[ -s "$dst/modules.dep.bin" ] || die "depmod wrote no modules.dep.bin"
	# The guest's libkmod follows depmod (symbols), the copy above followed
	# modinfo (modpost's list): they must agree.
	while read -r p deps; do
		have=$(awk -v p="$p:" '$1 == p { $1 = ""; print }' "$dst/modules.dep" |
			tr ' ' '\n' | sed 's|.*/||; s|\.ko.*||' | tr - _)
		for d in $deps; do
			printf '%s\n' "$have" | grep -qx "$d" || die "depmod does not record that $p needs $d"
		done
	done <"$st/deps"
	cp "$st/list" "$r/etc/sealroot/modules"
fi

if [ -n "$extra" ]; then
	# Replace, never write through, what the tree already holds (bin/sh is a
	# link to busybox).
	cp -RP --remove-destination "$extra/." "$r/"
fi

# Fixed modes and times: neither the umask nor the inputs' modes or mtimes
# may leak into the image.
tree_fix_modes "$r"
chmod 1777 "$r/tmp"
chmod 0700 "$r/root"
chmod 0600 "$r/dev/console"
chmod 0666 "$r/dev/null"
tree_fix_times "$r"

mkdir -p "$(dirname "$out")"
rm -f "$out" "$out.tmp"
if [ "$format" = cpio ]; then
	# Sorted names, owner 0:0, the fixed mtimes, inode numbers from 1
	# (--reproducible): a pure function of the tree.
	(cd "$r" && find . -mindepth 1 -print0 | LC_ALL=C sort -z |
		cpio --quiet --null -o -H newc -R 0:0 --reproducible) >"$out.tmp" || die "cpio failed"
	mv "$out.tmp" "$out"
	say "$out ($(wc -c <"$out") bytes, cpio, SOURCE_DATE_EPOCH=$SOURCE_DATE_EPOCH)"
	echo "$out"
	exit 0
fi
mkfs.erofs --quiet -T"$SOURCE_DATE_EPOCH" -U"$UUID" --all-root -x-1 \
	${compress:+-z"$compress"} "$out.tmp" "$r" >&2 || die "mkfs.erofs failed"
size=$(wc -c <"$out.tmp")
[ $((size % 4096)) = 0 ] || die "image size $size is not a multiple of 4096"
mv "$out.tmp" "$out"
say "$out ($size bytes, SOURCE_DATE_EPOCH=$SOURCE_DATE_EPOCH)"
echo "$out"
