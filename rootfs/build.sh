#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# rootfs/build.sh: stages the guest's root tree and packs it into a
# reproducible erofs image, or (--format cpio) a newc initramfs for the se
# bundle, whose root is the initrd sealed in the SE image.
#   --init FILE          static PID 1 (required)     -> /sbin/init, 0755
#   --agent FILE         workload agent (required)   -> /usr/bin/kata-agent, 0755;
#                        "none" leaves it out (a fault-matrix test image)
#   --agent-libs DIR     a dynamically linked agent's loader and libraries, DIR
#                        laid out like the root they come from (a sysroot):
#                        its PT_INTERP and, recursively, every DT_NEEDED are
#                        installed, nothing else (docs/kata.md, row 10)
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
# missing). Changes: writes FILE (through FILE.tmp, renamed when complete)
# and FILE.agent-libs, one line "<sha256> <size> interpreter|library <path>"
# for each file --agent-libs installed (empty for a static agent), which
# tools/bundle.sh puts in the manifest. No other file in the image may be
# dynamically linked.
# Prints the image's path as the last stdout line, a summary on stderr.
# Fails with "rootfs: ERROR: ..." and exit 1, leaving no FILE.tmp and no
# FILE.agent-libs.
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
usage="usage: build.sh --init FILE --agent FILE --out FILE [--busybox FILE] [--mke2fs FILE] [--agent-policy FILE] [--agent-libs DIR] [--modules-dir DIR --modules-list FILE] [--extra DIR] [--compress lz4|lz4hc[,N]] [--format erofs|cpio]"
init='' agent='' libs='' busybox=/bin/busybox mke2fs='' policy=$here/default-policy.rego moddir='' modlist='' extra='' compress='' out='' format=erofs
while [ $# -gt 0 ]; do
	case $1 in
	--init | --agent | --agent-libs | --busybox | --mke2fs | --agent-policy | --modules-dir | --modules-list | --extra | --compress | --format | --out)
		[ $# -ge 2 ] || die "option $1 needs a value" ;;
	-h | --help) echo "$usage"; exit 0 ;;
	*) die "unknown option $1 ($usage)" ;;
	esac
	case $1 in
	--init) init=$2 ;;
	--agent) agent=$2 ;;
	--agent-libs) libs=$2 ;;
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
# ELF facts, from binutils' readelf (which reads any architecture's ELF);
# nothing for a file that is not ELF.
#   elf_id FILE        "<class>, <data>, <machine>"
#   elf_type FILE      EXEC, DYN, REL, ...
#   elf_interp FILE    its PT_INTERP, the program interpreter
#   elf_dyn FILE TAG   the values of a dynamic tag (NEEDED, SONAME, RPATH,
#                      RUNPATH), one a line
elf_id() {
	readelf -hW "$1" 2>/dev/null |
		awk -F': +' '/^ *(Class|Data|Machine):/ { v = v (v == "" ? "" : ", ") $2 } END { print v }'
}
elf_type() { readelf -hW "$1" 2>/dev/null | sed -n 's/^ *Type: *\([A-Z]*\).*/\1/p'; }
elf_interp() { readelf -lW "$1" 2>/dev/null | sed -n 's/.*\[Requesting program interpreter: \(.*\)\]$/\1/p'; }
elf_dyn() { readelf -dW "$1" 2>/dev/null | sed -n "s/^.*($2) .*\[\(.*\)\]\$/\1/p"; }

for f in "$init" "$agent" "$busybox"; do
	[ "$f" = none ] && [ "$f" = "$agent" ] && continue
	[ -f "$f" ] || die "no such file: $f"
done
# The image has no libc and no loader, but the agent's when it needs them.
for f in "$init" "$busybox"; do
	i=$(elf_interp "$f")
	[ -z "$i" ] || die "$f is dynamically linked (interpreter $i); only the agent may be, with --agent-libs"
done
aint='' aid=''
if [ "$agent" != none ]; then
	aint=$(elf_interp "$agent")
	[ -z "$aint" ] || [ -n "$libs" ] ||
		die "$agent is dynamically linked (interpreter $aint): give its loader and libraries with --agent-libs DIR (make AGENT_LIBS=DIR)"
	aid=$(elf_id "$agent")
	iid=$(elf_id "$init")
	[ -z "$aid" ] || [ -z "$iid" ] || [ "$aid" = "$iid" ] || die "$agent is $aid, but the init $init is $iid"
fi
if [ -n "$libs" ]; then
	[ -n "$aint" ] || die "--agent-libs $libs is for a dynamically linked agent; $agent has no ELF interpreter"
	[ -d "$libs" ] || die "no such directory: $libs (--agent-libs)"
fi
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

# resolve_in DIR PATH: the regular file that the absolute PATH names when
# DIR is the root, symbolic links followed as the loader would follow them
# there (an absolute target or ".." never leaves DIR); fails when there is
# none.
resolve_in() {
	_n=0 _p=$2
	while :; do
		_cur='' _rest=${_p#/} _again=''
		while [ -n "$_rest" ]; do
			_c=${_rest%%/*}
			case $_rest in */*) _rest=${_rest#*/} ;; *) _rest='' ;; esac
			case $_c in
			'' | .) continue ;;
			..) _cur=${_cur%/*}; continue ;;
			esac
			if [ -L "$1$_cur/$_c" ]; then
				_n=$((_n + 1))
				[ "$_n" -le 40 ] || return 1
				_t=$(readlink "$1$_cur/$_c")
				case $_t in /*) _p=$_t/$_rest ;; *) _p=$_cur/$_t/$_rest ;; esac
				_again=1
				break
			fi
			_cur=$_cur/$_c
		done
		[ -n "$_again" ] || break
	done
	[ -n "$_cur" ] && [ -f "$1$_cur" ] && [ ! -L "$1$_cur" ] || return 1
	printf '%s\n' "$1$_cur"
}

# check_names FILE NAME: no search path of its own (the loader would look
# where the build did not), and needed libraries by plain name only.
check_names() {
	for _t in RPATH RUNPATH; do
		_v=$(elf_dyn "$1" $_t | head -n 1)
		[ -z "$_v" ] || die "$2 has a $_t ($_v): the image's loader must search only its default directories, as the build does"
	done
	_v=$(elf_dyn "$1" NEEDED | grep -v '^[A-Za-z0-9_+-][A-Za-z0-9._+-]*$' | head -n 1 || true)
	[ -z "$_v" ] || die "$2 needs \"$_v\", which is not a plain library name"
}

# check_dso FILE NAME: a shared object of the agent's class, byte order and
# machine.
check_dso() {
	[ "$(elf_type "$1")" = DYN ] || die "$2 ($1) is not an ELF shared object"
	_v=$(elf_id "$1")
	[ "$_v" = "$aid" ] || die "$2 ($1) is $_v, but the agent is $aid"
	check_names "$1" "$2"
}

# agent_libs: the agent's PT_INTERP and, recursively, every DT_NEEDED, from
# $libs into the root, nothing else; one "<role> <path> <source>" line each
# in $st/libs. The image has no /etc/ld.so.cache, so the loader looks for a
# library only in its system directories, which glibc's ld.so holds as
# strings (Debian's x86-64: /lib/x86_64-linux-gnu/, /usr/lib/x86_64-linux-gnu/,
# /lib/, /usr/lib/; Fedora's: /lib64/, /usr/lib64/): the build reads them
# from the interpreter and takes each library from the first of them that
# holds it in $libs, as the loader will in the image. The environment the
# init gives the agent has no LD_* variable (init/agent.c).
agent_libs() {
	# The interpreter: at its own absolute path, which must be a plain one
	# in a library directory (not under /run, /tmp, /proc..., mounted over).
	case $aint in
	*[!A-Za-z0-9._+/-]* | *//* | */./* | */../* | */. | */.. | */)
		die "the agent's interpreter \"$aint\" is not a plain absolute path" ;;
	/lib/?* | /lib64/?* | /usr/lib/?* | /usr/lib64/?*) ;;
	*) die "the agent's interpreter $aint is not under /lib, /lib64, /usr/lib or /usr/lib64" ;;
	esac
	check_names "$agent" "$agent"
	src=$(resolve_in "$libs" "$aint") || die "the agent's interpreter $aint is not in $libs"
	check_dso "$src" "the interpreter $aint"
	printf 'interpreter %s %s\n' "$aint" "$src" >>"$st/libs"
	dirs=$(strings -a "$src" | grep -E '^/(usr/(local/)?)?lib[A-Za-z0-9_+-]*/([A-Za-z0-9_+-][A-Za-z0-9._+-]*/)*$' |
		awk '!seen[$0]++' | tr '\n' ' ' || true)
	[ -n "$dirs" ] || die "the interpreter $aint names no library directory (is it glibc's ld.so?)"
	# Needed by that name, the loader takes the interpreter already loaded.
	isoname=$(elf_dyn "$src" SONAME | head -n 1)
	: >"$st/libs.done"
	todo=$(elf_dyn "$agent" NEEDED | sed 's/$/:kata-agent/'; elf_dyn "$src" NEEDED | sed "s|\$|:$aint|")
	while [ -n "$todo" ]; do
		next=''
		for e in $todo; do
			n=${e%%:*} by=${e#*:}
			! grep -Fqx "$n" "$st/libs.done" || continue
			echo "$n" >>"$st/libs.done"
			if [ "$n" = "$isoname" ] || [ "$n" = "${aint##*/}" ]; then continue; fi
			lib=''
			for d in $dirs; do
				if s=$(resolve_in "$libs" "$d$n"); then
					lib=$d$n
					break
				fi
			done
			[ -n "$lib" ] || die "$n (needed by $by) is not in $libs where the loader looks ($(printf '%s' "${dirs% }" | sed 's/ /, /g')))"
			check_dso "$s" "$n"
			printf 'library %s %s\n' "$lib" "$s" >>"$st/libs"
			next="$next $(elf_dyn "$s" NEEDED | sed "s/\$/:$n/" | tr '\n' ' ')"
		done
		todo=$next
	done
	while read -r role path s; do
		if [ -e "$r$path" ] || [ -L "$r$path" ]; then die "$path, the agent's $role, is already in the image"; fi
		mkdir -p "$r${path%/*}"
		if [ "$role" = interpreter ]; then install -m 0755 "$s" "$r$path"; else install -m 0644 "$s" "$r$path"; fi
	done <"$st/libs"
}

export LC_ALL=C
umask 022
st=$(mktemp -d "${TMPDIR:-/tmp}/sealroot-rootfs.XXXXXX")
trap 'rm -rf "$st"; rm -f "$out.tmp" "$out.agent-libs.tmp"' EXIT
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
: >"$st/libs"
[ -z "$libs" ] || agent_libs
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

# Nothing else is dynamically linked (libc.so.6 has an interpreter too), and
# the agent's files are the ones resolved above (--extra replaced none).
find "$r" -type f -exec readelf -lW /dev/null {} + 2>/dev/null |
	awk '/^File: / { f = substr($0, 7) } /\[Requesting program interpreter: / { print f }' >"$st/dynamic"
while IFS= read -r p; do
	p=${p#"$r"}
	[ "$p" != /usr/bin/kata-agent ] || [ -z "$libs" ] || continue
	! awk -v p="$p" '$2 == p { f = 1 } END { exit !f }' "$st/libs" || continue
	die "$p in the image is dynamically linked; only the agent may be, with --agent-libs"
done <"$st/dynamic"
if [ -n "$libs" ]; then
	# What would make the loader load something else: a preload list, a
	# cache or its configuration, or another shared object where it looks
	# (a glibc-hwcaps subdirectory included). Only the resolved files.
	for f in etc/ld.so.preload etc/ld.so.cache etc/ld.so.conf etc/ld.so.conf.d; do
		if [ -e "$r/$f" ] || [ -L "$r/$f" ]; then
			die "/$f in the image would change what the agent's loader loads"
		fi
	done
	find "$r" \( -type f -o -type l \) \( -name '*.so' -o -name '*.so.*' \) >"$st/shared"
	while IFS= read -r p; do
		p=${p#"$r"}
		awk -v p="$p" '$2 == p { f = 1 } END { exit !f }' "$st/libs" ||
			die "$p in the image is a shared object the agent's loader could load; only the resolved libraries may be"
	done <"$st/shared"
	cmp -s "$agent" "$r/usr/bin/kata-agent" || die "/usr/bin/kata-agent in the image is not $agent"
	while read -r role path s; do
		cmp -s "$s" "$r$path" || die "$path in the image is not the agent's $role $s"
	done <"$st/libs"
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
rm -f "$out" "$out.tmp" "$out.agent-libs"
# What the agent's loader and libraries are, for the manifest.
sort -k2,2 "$st/libs" | while read -r role path s; do
	printf '%s %s %s %s\n' "$(sha256_of "$r$path")" "$(wc -c <"$r$path")" "$role" "$path"
done >"$out.agent-libs.tmp"
if [ "$format" = cpio ]; then
	# Sorted names, owner 0:0, the fixed mtimes, inode numbers from 1
	# (--reproducible): a pure function of the tree.
	(cd "$r" && find . -mindepth 1 -print0 | LC_ALL=C sort -z |
		cpio --quiet --null -o -H newc -R 0:0 --reproducible) >"$out.tmp" || die "cpio failed"
	mv "$out.agent-libs.tmp" "$out.agent-libs"
	mv "$out.tmp" "$out"
	say "$out ($(wc -c <"$out") bytes, cpio, SOURCE_DATE_EPOCH=$SOURCE_DATE_EPOCH)"
	echo "$out"
	exit 0
fi
mkfs.erofs --quiet -T"$SOURCE_DATE_EPOCH" -U"$UUID" --all-root -x-1 \
	${compress:+-z"$compress"} "$out.tmp" "$r" >&2 || die "mkfs.erofs failed"
size=$(wc -c <"$out.tmp")
[ $((size % 4096)) = 0 ] || die "image size $size is not a multiple of 4096"
mv "$out.agent-libs.tmp" "$out.agent-libs"
mv "$out.tmp" "$out"
say "$out ($size bytes, SOURCE_DATE_EPOCH=$SOURCE_DATE_EPOCH)"
echo "$out"
