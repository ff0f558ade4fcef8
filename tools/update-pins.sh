#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# tools/update-pins.sh [--dry-run] (make update-pins): moves every pinned
# Debian package to the newest version its release serves and delivers.
#   reads:   deps/pins, deps/pins.cross, firmware/pins, kernel-config/source;
#            the Debian archive through the private apt configuration of
#            build-aux/pins.sh (its indices are fetched afresh)
#   changes: those pin files (not with --dry-run), $SEALROOT_CACHE/src/
#            (the new downloads, checked as every build checks them)
#   prints:  one line per pin that moves, "PACKAGE OLD -> NEW", then the
#            Debian changelog entries in between (the CVEs they fix), and a
#            line for every newer version that is listed but whose files the
#            archive does not deliver (it keeps the newest one it can fetch)
#   fails:   exit 1 naming what failed; a pin file is only rewritten whole
# Review the diff and commit it. Run again the same day, it changes nothing.
# When edk2 or the edk2 toolchain moves, the firmware images are rebuilt
# (FIRMWARE_LEARN=1 firmware/build.sh TEE) to pin their new sha256s.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
STAGE=update-pins
# shellcheck source=build-aux/stage.sh
. "$top/build-aux/stage.sh"
# shellcheck source=build-aux/pins.sh
. "$top/build-aux/pins.sh"
dry=
case ${1:-} in
'') ;;
--dry-run) dry=1 ;;
*) echo "usage: tools/update-pins.sh [--dry-run]" >&2; exit 2 ;;
esac
mkdir -p "$cache/src"
work=$(mktemp -d "${TMPDIR:-/tmp}/sealroot-pins.XXXXXX")
trap 'rm -rf "$work"' EXIT
trap 'exit 130' INT TERM HUP
moved=0

# changes FILE OLD: the changelog entries after OLD, short: every entry's
# heading and every line that names a CVE, or all of it when that is short.
changes() {
	dpkg-parsechangelog -l "$1" --since "$2" -S Changes >"$work/changes" 2>/dev/null || return 0
	if [ "$(wc -l <"$work/changes")" -le 40 ]; then
		sed 's/^/    /' "$work/changes"
	else
		grep -E '^ [a-z0-9]|CVE-[0-9]{4}-[0-9]+' "$work/changes" | sed 's/^/    /'
		echo "    ($(wc -l <"$work/changes") lines in all; headings and CVE lines shown)"
	fi
}

# rewrite FILE AWK-PROGRAM: FILE through awk, replaced whole.
rewrite() {
	[ -z "$dry" ] || return 0
	awk "$2" "$1" >"$1.new" && mv "$1.new" "$1"
}

# newer REL deb|src PKG VER: the versions served that are newer than VER.
newer() {
	pin_served "$1" "$2" "$3" >"$work/served"
	grep -qxF "$4" "$work/served" ||
		echo "$3: the pinned $4 is no longer served by Debian $1 (it offers: $(tr '\n' ' ' <"$work/served"))" >&2
	while read -r v; do
		if dpkg --compare-versions "$v" gt "$4"; then echo "$v"; fi
	done <"$work/served"
}

# update_src FILE REL PKG VER ORIG DEB: a source pin; sets NEW_VER, NEW_ORIG,
# NEW_DEB to the newest version whose tarballs arrive (VER's when none).
update_src() {
	NEW_VER=$4 NEW_ORIG=$5 NEW_DEB=$6
	for u_v in $(newer "$2" src "$3" "$4"); do
		pin_src_names "$3" "$u_v"
		u_dl=$(mktemp -d "$cache/src/.update.XXXXXX")
		pin_download "$2" "$u_dl" source --download-only "$3=$u_v"
		u_o=$(only_file "$u_dl" "$pin_orig_pat") u_d=
		[ "$6" = - ] || u_d=$(only_file "$u_dl" "$pin_debian_pat")
		if [ -z "$u_o" ] || { [ "$6" != - ] && [ -z "$u_d" ]; }; then
			echo "$3: $u_v is listed by Debian $2, but its files are not delivered; not taken"
			rm -rf "$u_dl" "$u_dl.log"
			continue
		fi
		NEW_VER=$u_v NEW_ORIG=$(sha256_of "$u_dl/$u_o") NEW_DEB=-
		[ -z "$u_d" ] || NEW_DEB=$(sha256_of "$u_dl/$u_d")
		echo "$3 $4 -> $u_v ($1)"
		if [ -n "$u_d" ]; then
			tar -xOf "$u_dl/$u_d" debian/changelog >"$work/changelog" 2>/dev/null && changes "$work/changelog" "$4"
		else
			echo "    (the upstream tarball alone is pinned: no Debian changelog)"
		fi
		mv -f "$u_dl/$u_o" "$cache/src/"
		[ -z "$u_d" ] || mv -f "$u_dl/$u_d" "$cache/src/"
		rm -rf "$u_dl" "$u_dl.log"
		moved=$((moved + 1))
		return 0
	done
}

# update_deb FILE REL PKG VER SHA: a binary pin; sets NEW_VER and NEW_SHA,
# and NEW_DEBFILE to the .deb in the cache.
update_deb() {
	NEW_VER=$4 NEW_SHA=$5 NEW_DEBFILE=
	for u_v in $(newer "$2" deb "$3" "$4"); do
		u_dl=$(mktemp -d "$cache/src/.update.XXXXXX")
		pin_download "$2" "$u_dl" download "$3=$u_v"
		u_f=$(only_file "$u_dl" "${3}_${u_v#*:}_*.deb")
		if [ -z "$u_f" ]; then
			echo "$3: $u_v is listed by Debian $2, but the .deb is not delivered; not taken"
			rm -rf "$u_dl" "$u_dl.log"
			continue
		fi
		NEW_VER=$u_v NEW_SHA=$(sha256_of "$u_dl/$u_f")
		echo "$3 $4 -> $u_v ($1)"
		dpkg-deb --fsys-tarfile "$u_dl/$u_f" | tar -xOf - "./usr/share/doc/$3/changelog.Debian.gz" 2>/dev/null |
			gzip -dc >"$work/changelog" 2>/dev/null && changes "$work/changelog" "$4"
		mv -f "$u_dl/$u_f" "$cache/src/$u_f"
		rm -rf "$u_dl" "$u_dl.log"
		NEW_DEBFILE=$cache/src/$u_f
		moved=$((moved + 1))
		return 0
	done
}

# refresh REL: the release's indices, fetched afresh once per run.
refreshed=
refresh() {
	case " $refreshed " in *" $1 "*) return 0 ;; esac
	pin_refresh "$1"
	refreshed="$refreshed $1"
}

# ---- deps/pins, deps/pins.cross: source packages -----------------------------
for f in deps/pins deps/pins.cross; do
	rel=$(pin_release "$top/$f")
	refresh "$rel"
	pin_lines "$top/$f" >"$work/lines"
	while read -r pkg ver orig deb; do
		update_src "$f" "$rel" "$pkg" "$ver" "$orig" "$deb"
		[ "$NEW_VER" != "$ver" ] || continue
		rewrite "$top/$f" "\$1 == \"$pkg\" && \$2 == \"$ver\" { \$2 = \"$NEW_VER\"; \$3 = \"$NEW_ORIG\"; \$4 = \"$NEW_DEB\" } { print }"
	done <"$work/lines"
done

# ---- kernel-config/source: linux-source-X.Y, and the tarball inside ------------
f=kernel-config/source
rel=$(pin_release "$top/$f")
refresh "$rel"
package=$(sed -n 's/^package=//p' "$top/$f")
kver=$(sed -n 's/^debian_version=//p' "$top/$f")
ksha=$(sed -n 's/^deb_sha256=//p' "$top/$f")
kpath=$(sed -n 's/^path=//p' "$top/$f")
update_deb "$f" "$rel" "$package" "$kver" "$ksha"
if [ "$NEW_VER" != "$kver" ]; then
	tsha=$(dpkg-deb --fsys-tarfile "$NEW_DEBFILE" | tar -xOf - "./$kpath" | sha256sum | cut -d' ' -f1)
	rewrite "$top/$f" "/^debian_version=/ { \$0 = \"debian_version=$NEW_VER\" }
		/^deb_sha256=/ { \$0 = \"deb_sha256=$NEW_SHA\" } /^sha256=/ { \$0 = \"sha256=$tsha\" } { print }"
fi

# ---- firmware/pins: ovmf (binary), edk2 (source), the edk2 toolchain ---------
f=firmware/pins
rel=$(pin_release "$top/$f")
refresh "$rel"
relearn=
pin_lines "$top/$f" >"$work/lines"
while read -r kind a b c d e g; do
	case $kind:$d in
	image:deb:*)
		pkg=${d#deb:} path=${pkg#*:} pkg=${pkg%%:*}
		update_deb "$f" "$rel" "$pkg" "$c" "$e"
		[ "$NEW_VER" != "$c" ] || continue
		rm -rf "$work/x" && mkdir "$work/x" && dpkg-deb -x "$NEW_DEBFILE" "$work/x"
		[ -f "$work/x/$path" ] || die "$pkg $NEW_VER has no $path"
		isha=$(sha256_of "$work/x/$path")
		rewrite "$top/$f" "\$1 == \"image\" && \$2 == \"$a\" { \$4 = \"$NEW_VER\"; \$6 = \"$NEW_SHA\"; \$7 = \"$isha\" } { print }"
		;;
	srcpkg:*)
		update_src "$f" "$rel" "$a" "$b" "$c" "$d"
		[ "$NEW_VER" != "$b" ] || continue
		relearn=1
		rewrite "$top/$f" "\$1 == \"srcpkg\" && \$2 == \"$a\" { \$3 = \"$NEW_VER\"; \$4 = \"$NEW_ORIG\"; \$5 = \"$NEW_DEB\" }
			\$1 == \"image\" && \$5 ~ /^edk2:/ { \$4 = \"$NEW_VER\" } { print }"
		;;
	toolchain:*)
		have=$(sh "$top/firmware/build.sh" --toolchain | sha256sum | cut -d' ' -f1)
		[ "$have" != "$a" ] || continue
		echo "edk2 toolchain: the host's differs from the one firmware/pins was made with"
		relearn=1 moved=$((moved + 1))
		rewrite "$top/$f" "\$1 == \"toolchain\" { \$2 = \"$have\" } { print }"
		;;
	esac
done <"$work/lines"
if [ -n "$relearn" ]; then
	for t in $(pin_lines "$top/$f" | awk '$1 == "image" && $5 ~ /^edk2:/ { print $3 }'); do
		if [ -n "$dry" ]; then
			echo "firmware $t: would be rebuilt to pin its image"
			continue
		fi
		say "rebuilding the $t firmware to pin its image (several minutes)"
		FIRMWARE_LEARN=1 "$top/firmware/build.sh" "$t" >"$work/fw.out" 2>"$work/fw.err" ||
			{ tail -n 20 "$work/fw.err" >&2; die "firmware/build.sh $t failed"; }
		out=$(tail -n 1 "$work/fw.out")
		name=$(pin_lines "$top/$f" | awk -v t="$t" '$1 == "image" && $3 == t { print $2 }')
		isha=$(sha256_of "$out/$name")
		echo "firmware $t: $name is $isha"
		rewrite "$top/$f" "\$1 == \"image\" && \$3 == \"$t\" { \$7 = \"$isha\" } { print }"
	done
fi

if [ "$moved" = 0 ]; then
	echo "update-pins: every pin is the newest version Debian serves and delivers"
else
	echo "update-pins: $moved pin(s) moved${dry:+ (dry run: no file changed)}; review 'git diff' and commit"
fi
