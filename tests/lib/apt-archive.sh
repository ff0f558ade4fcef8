# SPDX-License-Identifier: Apache-2.0
# A small signed Debian archive on the local file system, for the pin tests
# (no network): build-aux/pins.sh reads it through file: URIs, checked with
# a key made here, exactly as it reads Debian's archive.
#   archive_init DIR           the key, and the empty suites of bookworm and
#                              trixie (main, -updates: DIR/debian; -security:
#                              DIR/debian-security); exports the
#                              SEALROOT_DEBIAN_* variables that point there
#   archive_deb SUITE PKG VER FILE...  a binary package (Architecture: all)
#                              holding FILE..., given as PATH=CONTENT-FILE;
#                              with its changelog.Debian.gz from $CHANGES
#   archive_src SUITE PKG VER [missing]  a "3.0 (quilt)" source package
#                              (an orig tarball of one file, a debian
#                              tarball with its changelog from $CHANGES);
#                              "missing": listed, but its files are not in
#                              the pool, as the real archive 404s on some
#   archive_sign               writes every suite's indices and InRelease
# CHANGES: the text of the Debian changelog entries, dpkg's format.

archive_init() {
	A=$1
	mkdir -p "$A/gnupg" "$A/work"
	chmod 700 "$A/gnupg"
	GNUPGHOME=$A/gnupg gpg -q --batch --pinentry-mode loopback --passphrase '' \
		--quick-gen-key 'sealroot test archive <test@invalid>' ed25519 sign never 2>/dev/null
	GNUPGHOME=$A/gnupg gpg -q --batch --export >"$A/keyring.gpg"
	for r in bookworm trixie; do
		for s in "$r" "$r-updates"; do mkdir -p "$A/debian/dists/$s/main/binary-amd64" "$A/debian/dists/$s/main/source"; done
		mkdir -p "$A/debian-security/dists/$r-security/main/binary-amd64" "$A/debian-security/dists/$r-security/main/source"
	done
	export SEALROOT_DEBIAN_MIRROR="file://$A/debian"
	export SEALROOT_DEBIAN_SECURITY_MIRROR="file://$A/debian-security"
	export SEALROOT_DEBIAN_KEYRING="$A/keyring.gpg"
}

# archive_root SUITE: the archive (debian or debian-security) of a suite.
archive_root() {
	case $1 in *-security) echo "$A/debian-security" ;; *) echo "$A/debian" ;; esac
}

archive_changelog() { # PKG VER OUT
	{
		echo "$1 ($2) unstable; urgency=medium"
		echo
		echo "${CHANGES:-  * Test release.}"
		echo
		echo " -- Test <test@invalid>  Thu, 01 Jan 2026 00:00:00 +0000"
	} >"$3"
}

archive_deb() {
	_suite=$1 _pkg=$2 _ver=$3
	shift 3
	_r=$(archive_root "$_suite")
	_d=$A/work/deb-$_pkg-$_ver
	rm -rf "$_d"
	mkdir -p "$_d/DEBIAN" "$_d/usr/share/doc/$_pkg" "$_r/pool/$_suite"
	printf 'Package: %s\nVersion: %s\nArchitecture: all\nMaintainer: Test <test@invalid>\nDescription: test\n' \
		"$_pkg" "$_ver" >"$_d/DEBIAN/control"
	archive_changelog "$_pkg" "$_ver" "$_d/usr/share/doc/$_pkg/changelog.Debian"
	gzip -9n "$_d/usr/share/doc/$_pkg/changelog.Debian"
	for _x in "$@"; do
		mkdir -p "$_d/$(dirname "${_x%%=*}")"
		cp "${_x#*=}" "$_d/${_x%%=*}"
	done
	dpkg-deb -Zxz --root-owner-group --build "$_d" "$_r/pool/$_suite/${_pkg}_${_ver#*:}_all.deb" >/dev/null
}

archive_src() {
	_suite=$1 _pkg=$2 _ver=$3
	_r=$(archive_root "$_suite")
	_nv=${_ver#*:}
	_uv=${_nv%-*}
	_d=$A/work/src-$_pkg-$_ver
	rm -rf "$_d"
	mkdir -p "$_d/$_pkg-$_uv" "$_d/debian/patches" "$_d/out"
	echo "$_pkg $_uv upstream" >"$_d/$_pkg-$_uv/README"
	tar --sort=name --mtime=@0 --owner=0 --group=0 -C "$_d" -cJf "$_d/out/${_pkg}_$_uv.orig.tar.xz" "$_pkg-$_uv"
	archive_changelog "$_pkg" "$_ver" "$_d/debian/changelog"
	: >"$_d/debian/patches/series"
	tar --sort=name --mtime=@0 --owner=0 --group=0 -C "$_d" -cJf "$_d/out/${_pkg}_$_nv.debian.tar.xz" debian
	{
		printf 'Format: 3.0 (quilt)\nSource: %s\nBinary: %s\nArchitecture: all\nVersion: %s\n' "$_pkg" "$_pkg" "$_ver"
		printf 'Maintainer: Test <test@invalid>\nChecksums-Sha256:\n'
		for _f in "$_d"/out/*.tar.xz; do printf ' %s %s %s\n' "$(sha256sum <"$_f" | cut -d' ' -f1)" "$(wc -c <"$_f")" "${_f##*/}"; done
		printf 'Files:\n'
		for _f in "$_d"/out/*.tar.xz; do printf ' %s %s %s\n' "$(md5sum <"$_f" | cut -d' ' -f1)" "$(wc -c <"$_f")" "${_f##*/}"; done
	} >"$_d/out/${_pkg}_$_nv.dsc"
	mkdir -p "$_r/pool/$_suite"
	cp "$_d"/out/* "$_r/pool/$_suite/"
	# The index is made from the pool; "missing" then drops the tarballs.
	mkdir -p "$A/work/missing"
	[ "${4:-}" != missing ] || echo "$_r/pool/$_suite/${_pkg}_$_uv.orig.tar.xz $_r/pool/$_suite/${_pkg}_$_nv.debian.tar.xz" >>"$A/work/missing/list"
}

archive_sign() {
	for _r in "$A/debian" "$A/debian-security"; do
		for _s in "$_r"/dists/*; do
			_suite=${_s##*/}
			(cd "$_r" && if [ -d "pool/$_suite" ]; then dpkg-scanpackages -m "pool/$_suite" /dev/null 2>/dev/null; fi) \
				>"$_s/main/binary-amd64/Packages"
			(cd "$_r" && if [ -d "pool/$_suite" ]; then dpkg-scansources "pool/$_suite" /dev/null 2>/dev/null; fi) \
				>"$_s/main/source/Sources"
			{
				printf 'Origin: Debian\nSuite: %s\nCodename: %s\nDate: %s\n' "$_suite" "$_suite" "$(LC_ALL=C date -u -R)"
				printf 'Architectures: amd64\nComponents: main\nSHA256:\n'
				for _f in main/binary-amd64/Packages main/source/Sources; do
					printf ' %s %s %s\n' "$(sha256sum <"$_s/$_f" | cut -d' ' -f1)" "$(wc -c <"$_s/$_f")" "$_f"
				done
			} >"$_s/Release"
			rm -f "$_s/InRelease"
			GNUPGHOME=$A/gnupg gpg -q --batch --clearsign -o "$_s/InRelease" "$_s/Release"
		done
	done
	if [ -f "$A/work/missing/list" ]; then
		# shellcheck disable=SC2046
		rm -f $(cat "$A/work/missing/list")
	fi
}
