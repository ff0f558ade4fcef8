# SPDX-License-Identifier: Apache-2.0
# build-aux/pins.sh: pinned Debian packages, fetched by their exact version
# into $cache/src. Sourced after build-aux/stage.sh.
#
# Every pin file names the Debian release it pins from ("release bookworm";
# kernel-config/source: release=trixie). A release is reached through a
# private apt configuration in $cache/apt/<release>/: its own sources.list
# (binary and source indices of <release>, <release>-updates and
# <release>-security, checked with Debian's archive keyring), its own index
# lists and an empty dpkg status. The host's apt sources, the packages it
# has installed and the files they put under /usr/src are never read, so a
# security update that moves a package on the host changes nothing here,
# and the host's apt is left as it is.
#
# apt checks every download against the release's signed index; the pins
# then check it once more, so a file in $cache/src is either what a pin
# names or rejected.
#
#   pin_release FILE              the release a pin file names
#   pin_lines FILE                its pin lines: no comments, blank lines
#                                 or release line
#   pin_apt REL TOOL ARGS...      apt-get or apt-cache on that release alone
#   pin_refresh REL               fetches the release's indices
#   pin_served REL deb|src PKG    the versions served, newest first
#   pin_require REL deb|src PKG VER WHERE
#                                 dies with the versions served and the
#                                 command that moves the pins, unless VER is
#                                 served (the indices are refreshed once first)
#   pin_fetch_deb REL PKG VER SHA WHERE
#                                 the .deb; sets PIN_DEB (its path)
#   pin_fetch_src REL PKG VER ORIG_SHA DEBIAN_SHA WHERE
#                                 the source tarballs; sets PIN_ORIG and
#                                 PIN_DEBIAN ("" when DEBIAN_SHA is "-":
#                                 the upstream tarball alone is built)
#   pin_unpack_src DEST           PIN_ORIG into DEST, then PIN_DEBIAN's
#                                 debian/ and its patches, in series order
#   pin_unpack_key                a hash of pin_unpack_src's own text, for
#                                 the cache keys of what it unpacks (the
#                                 rest of this file changes no output)
# WHERE names the pin for messages (e.g. "deps/pins").

# A mirror and the key that signs it may be named (a local mirror; the tests'
# own signed archive).
PIN_MIRROR=${SEALROOT_DEBIAN_MIRROR:-http://deb.debian.org/debian}
PIN_SECURITY=${SEALROOT_DEBIAN_SECURITY_MIRROR:-http://deb.debian.org/debian-security}
PIN_KEYRING=${SEALROOT_DEBIAN_KEYRING:-/usr/share/keyrings/debian-archive-keyring.gpg}
PIN_UPDATE_CMD='make update-pins'

pin_release() {
	_r=$(sed -n -e 's/^release[ =]\([a-z]*\)[[:space:]]*$/\1/p' "$1")
	case $_r in
	bookworm | trixie) echo "$_r" ;;
	*) die "$1 names no Debian release (a line 'release bookworm' or 'release trixie')" ;;
	esac
}

pin_lines() { sed -e 's/#.*//' -e '/^[[:space:]]*$/d' -e '/^release[[:space:]]/d' "$1"; }

pin_apt() {
	_d=$cache/apt/$1 _tool=$2
	shift 2
	# No sandbox user: the downloads land in our own temporary directories.
	"$_tool" -q -o Dir::Etc::SourceList="$_d/sources.list" -o Dir::Etc::SourceParts="$_d/none" \
		-o Dir::State::Lists="$_d/lists" -o Dir::State::status="$_d/status" \
		-o Dir::Cache="$_d/cache" -o Dir::Etc::PreferencesParts="$_d/none" \
		-o Dir::Etc::Preferences="$_d/none" -o Acquire::Languages=none \
		-o APT::Sandbox::User=root "$@"
}

pin_refresh() {
	_d=$cache/apt/$1
	mkdir -p "$_d/lists/partial" "$_d/cache/archives/partial" "$_d/none"
	: >"$_d/status"
	{
		for _s in "$1" "$1-updates"; do
			for _t in deb deb-src; do echo "$_t [signed-by=$PIN_KEYRING] $PIN_MIRROR $_s main"; done
		done
		for _t in deb deb-src; do echo "$_t [signed-by=$PIN_KEYRING] $PIN_SECURITY $1-security main"; done
	} >"$_d/sources.list"
	say "fetching the Debian $1 package indices (private apt configuration in $_d)"
	# One refresh of a release at a time (apt's own list lock would fail a
	# second stage that refreshes at the same moment, not wait for it).
	(flock 8 && pin_apt "$1" apt-get update) 8>"$_d/.refresh.lock" >"$_d/update.log" 2>&1 ||
		{ sed 's/^/  /' "$_d/update.log" >&2; die "apt-get update for Debian $1 failed"; }
	touch "$_d/.updated"
}

# The indices are fetched once; a pin that is not found refreshes them.
pin_ready() { [ -f "$cache/apt/$1/.updated" ] || pin_refresh "$1"; }

# pin_sort: Debian versions on stdin, newest first (dpkg's own ordering).
pin_sort() {
	_left=$(sort -u)
	while [ -n "$_left" ]; do
		_max=
		for _v in $_left; do
			if [ -z "$_max" ] || dpkg --compare-versions "$_v" gt "$_max"; then _max=$_v; fi
		done
		echo "$_max"
		_left=$(echo "$_left" | grep -vxF "$_max" || true)
	done
}

pin_served() {
	pin_ready "$1"
	case $2 in
	deb) pin_apt "$1" apt-cache madison "$3" 2>/dev/null |
		awk -F' *[|] *' -v p="$3" '{ sub(/^ +/, "", $1) } $1 == p && $3 ~ /Packages$/ { print $2 }' ;;
	src) pin_apt "$1" apt-cache showsrc --only-source "$3" 2>/dev/null | sed -n 's/^Version: //p' ;;
	esac | pin_sort
}

pin_require() {
	pin_served "$1" "$2" "$3" | grep -qxF "$4" && return 0
	pin_refresh "$1"
	_served=$(pin_served "$1" "$2" "$3" | tr '\n' ' ' | sed 's/ $//')
	echo "$_served" | tr ' ' '\n' | grep -qxF "$4" && return 0
	die "$3 $4 (pinned in $5) is no longer served by Debian $1, which offers: ${_served:-no version at all}; run '$PIN_UPDATE_CMD' to move the pins to what is served, then review the diff and commit it"
}

# pin_download REL DIR apt-get-ARGS...: runs apt-get in a new directory DIR
# under $cache/src; its output goes to DIR.log. Judged by what arrives, not
# by apt's status: the security archive can 404 on a .dsc whose tarballs it
# serves.
pin_download() {
	_rel=$1 _dl=$2
	shift 2
	mkdir -p "$_dl"
	(cd "$_dl" && pin_apt "$_rel" apt-get "$@") </dev/null >"$_dl.log" 2>&1 || true
}

pin_fetch_deb() {
	_pat="${2}_${3#*:}_*.deb"
	_f=$(only_file "$cache/src" "$_pat")
	if [ -z "$_f" ]; then
		pin_require "$1" deb "$2" "$3" "$5"
		say "downloading $2 $3 (apt-get download, Debian $1)"
		mkdir -p "$cache/src"
		_dl=$(mktemp -d "$cache/src/.download.XXXXXX")
		pin_download "$1" "$_dl" download "$2=$3"
		_f=$(only_file "$_dl" "$_pat")
		if [ -z "$_f" ]; then
			sed 's/^/  /' "$_dl.log" >&2
			rm -rf "$_dl" "$_dl.log"
			die "apt-get download $2=$3 gave no $_pat"
		fi
		_have=$(sha256_of "$_dl/$_f")
		[ "$_have" = "$4" ] || { rm -rf "$_dl" "$_dl.log"; die "downloaded $_f has sha256 $_have, $5 says $4"; }
		mv -f "$_dl/$_f" "$cache/src/$_f" # one file system: whole or not at all
		rm -rf "$_dl" "$_dl.log"
	fi
	_have=$(sha256_of "$cache/src/$_f")
	[ "$_have" = "$4" ] ||
		die "$cache/src/$_f has sha256 $_have, $5 says $4 (delete the file to download it again)"
	PIN_DEB=$cache/src/$_f
}

# pin_src_names PKG VER: the tarball patterns, from Debian's naming (no
# epoch in a file name; the upstream version has no Debian revision).
pin_src_names() {
	_nv=${2#*:}
	pin_orig_pat="${1}_${_nv%-*}.orig.tar.*"
	pin_debian_pat="${1}_$_nv.debian.tar.*"
}

pin_fetch_src() {
	pin_src_names "$2" "$3"
	_o=$(only_file "$cache/src" "$pin_orig_pat") _d=
	[ "$5" = - ] || _d=$(only_file "$cache/src" "$pin_debian_pat")
	if [ -z "$_o" ] || { [ "$5" != - ] && [ -z "$_d" ]; }; then
		pin_require "$1" src "$2" "$3" "$6"
		say "downloading $2 $3 (apt-get source, Debian $1)"
		mkdir -p "$cache/src"
		_dl=$(mktemp -d "$cache/src/.download.XXXXXX")
		pin_download "$1" "$_dl" source --download-only "$2=$3"
		_o=$(only_file "$_dl" "$pin_orig_pat")
		[ "$5" = - ] || _d=$(only_file "$_dl" "$pin_debian_pat")
		if [ -z "$_o" ] || { [ "$5" != - ] && [ -z "$_d" ]; }; then
			sed 's/^/  /' "$_dl.log" >&2
			rm -rf "$_dl" "$_dl.log"
			die "Debian $1 lists $2 $3, but apt-get source did not deliver $pin_orig_pat${_d:+ and $pin_debian_pat} (see above); run '$PIN_UPDATE_CMD', which keeps the newest version it can fetch"
		fi
		for _x in "$_o:$4" ${_d:+"$_d:$5"}; do
			_have=$(sha256_of "$_dl/${_x%%:*}")
			[ "$_have" = "${_x#*:}" ] ||
				{ rm -rf "$_dl" "$_dl.log"; die "downloaded ${_x%%:*} has sha256 $_have, $6 says ${_x#*:}"; }
		done
		mv -f "$_dl/$_o" "$cache/src/"
		[ -z "$_d" ] || mv -f "$_dl/$_d" "$cache/src/"
		rm -rf "$_dl" "$_dl.log"
	fi
	for _x in "$_o:$4" ${_d:+"$_d:$5"}; do
		_have=$(sha256_of "$cache/src/${_x%%:*}")
		[ "$_have" = "${_x#*:}" ] ||
			die "$cache/src/${_x%%:*} has sha256 $_have, $6 says ${_x#*:} (delete the file to download it again)"
	done
	PIN_ORIG=$cache/src/$_o PIN_DEBIAN=${_d:+$cache/src/$_d}
}

# Debian's "3.0 (quilt)" layout, unpacked as dpkg-source does, without the
# .dsc (which the archive does not always serve; the tarballs are what the
# pins check): the upstream tree, debian/ over it, then every patch in
# debian/patches/series ("name [-pN]", comments and blank lines skipped).
pin_unpack_src() {
	mkdir -p "$1"
	tar -xf "$PIN_ORIG" -C "$1" --strip-components=1 --no-same-owner
	[ -n "$PIN_DEBIAN" ] || return 0
	rm -rf "$1/debian"
	tar -xf "$PIN_DEBIAN" -C "$1" --no-same-owner
	[ -f "$1/debian/patches/series" ] || return 0
	sed -e 's/#.*//' -e '/^[[:space:]]*$/d' "$1/debian/patches/series" | while read -r _p _lvl; do
		patch -d "$1" ${_lvl:--p1} --batch --forward --no-backup-if-mismatch -s <"$1/debian/patches/$_p" ||
			die "Debian's patch $_p does not apply to ${PIN_ORIG##*/}"
	done || exit 1
}

# (Called from a stage folder's script: $here is that folder.)
pin_unpack_key() {
	sed -n '/^pin_unpack_src() {$/,/^}$/p' "${here:?}/../build-aux/pins.sh" | sha256sum | cut -c1-16
}
