#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# deps/build.sh: builds the init's C dependencies as static musl libraries
# from the pinned Debian source packages in deps/pins.
# Output (last stdout line): $SEALROOT_CACHE/deps/<key>/ with include/
# (plus include/kernel: the kernel UAPI headers musl-gcc lacks), lib/*.a,
# lib/pkgconfig/, link-flags and versions.json. Progress goes to stderr.
# Debian's own .a files are glibc builds and do not link with musl
# (lab-notes.md), hence building from source.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
cache=${SEALROOT_CACHE:-$HOME/.cache/sealroot}
jobs=${JOBS:-$(nproc)}
say() { echo "deps: $*" >&2; }

command -v musl-gcc >/dev/null || { echo "deps: musl-gcc missing (./build.sh deps)" >&2; exit 1; }
musl_v=$(dpkg-query -W -f '${Version}' musl-dev 2>/dev/null || echo unknown)
key=$( { cat "$here/pins" "$here/build.sh"; echo "musl $musl_v"; } | sha256sum | cut -c1-16)
prefix=$cache/deps/$key
if [ -f "$prefix/link-flags" ]; then
	say "cached: $prefix"
	echo "$prefix"
	exit 0
fi

src=$cache/src
mkdir -p "$src"
# A fixed build directory, mapped away in debug info and __FILE__, so the
# libraries do not depend on where or by whom they were built.
work=$cache/deps-build/$key
rm -rf "$work"
mkdir -p "$work"
trap 'rm -rf "$work"' EXIT
P=$prefix.tmp
rm -rf "$P"
mkdir -p "$P/include/kernel" "$P/lib/pkgconfig"

# musl-gcc sees only musl's headers; add the kernel UAPI headers.
multiarch=$(gcc -print-multiarch)
ln -s /usr/include/linux "$P/include/kernel/linux"
ln -s "/usr/include/$multiarch/asm" "$P/include/kernel/asm"
ln -s /usr/include/asm-generic "$P/include/kernel/asm-generic"

export CC=musl-gcc
export CFLAGS="-O2 -fPIC -ffunction-sections -fdata-sections -ffile-prefix-map=$work=/build -isystem $P/include/kernel -I$P/include"
export CPPFLAGS="-isystem $P/include/kernel -I$P/include"
export LDFLAGS="-static -L$P/lib"
export PKG_CONFIG_PATH="$P/lib/pkgconfig" PKG_CONFIG_LIBDIR="$P/lib/pkgconfig"
export SOURCE_DATE_EPOCH=${SOURCE_DATE_EPOCH:-0}

# fetch PKG: downloads (once) and verifies every pinned file of PKG.
fetch() {
	pkg=$1
	ver=$(awk -v p="$pkg" '$1 == p { print $2; exit }' "$here/pins")
	awk -v p="$pkg" '$1 == p { print $3, $4 }' "$here/pins" | while read -r file sum; do
		if [ ! -f "$src/$file" ]; then
			say "downloading $pkg $ver"
			# A missing .dsc (404) is fine when the pinned files arrive.
			(cd "$src" && apt-get source --download-only -q "$pkg=$ver" >&2) || true
		fi
		[ -f "$src/$file" ] || { echo "deps: $file not downloaded (is a deb-src entry configured? ./build.sh deps adds one)" >&2; exit 1; }
		have=$(sha256sum "$src/$file" | cut -d' ' -f1)
		[ "$have" = "$sum" ] || { echo "deps: $file has sha256 $have, pinned $sum" >&2; exit 1; }
	done
}

# unpack PKG: into $work/PKG with the Debian patches applied when pinned.
unpack() {
	pkg=$1
	fetch "$pkg"
	orig=$(awk -v p="$pkg" '$1 == p && $3 ~ /orig/ { print $3; exit }' "$here/pins")
	deb=$(awk -v p="$pkg" '$1 == p && $3 ~ /debian/ { print $3; exit }' "$here/pins")
	rm -rf "${work:?}/$pkg"
	if [ -n "$deb" ]; then
		dsc=$(echo "$deb" | sed 's/\.debian\.tar\..*$/.dsc/')
		(cd "$work" && dpkg-source --no-check -x "$src/$dsc" "$pkg" >&2)
	else
		mkdir -p "$work/$pkg"
		tar -xf "$src/$orig" -C "$work/$pkg" --strip-components=1
	fi
	cd "$work/$pkg"
}

build_zlib() {
	unpack zlib
	./configure --static --prefix="$P" >&2
	make -j"$jobs" libz.a >&2
	make install >&2
}

build_openssl() {
	unpack openssl
	# no-async: musl has no makecontext; no-afalgeng: userspace crypto only.
	./Configure linux-x86_64 no-shared no-tests no-engine no-dso no-async \
		no-afalgeng no-module no-legacy no-comp no-ui-console \
		--prefix=/usr/local --libdir=lib --openssldir=/etc/ssl \
		-isystem "$P/include/kernel" >&2
	make -j"$jobs" build_libs >&2
	# A fixed --prefix: OpenSSL compiles its paths into libcrypto.
	make DESTDIR="$work/openssl-dest" install_dev >&2
	cp -R "$work/openssl-dest/usr/local/include/." "$P/include/"
	cp "$work/openssl-dest/usr/local/lib/"*.a "$P/lib/"
	for pc in "$work/openssl-dest/usr/local/lib/pkgconfig/"*.pc; do
		sed "s|^prefix=.*|prefix=$P|" "$pc" >"$P/lib/pkgconfig/${pc##*/}"
	done
}

build_json_c() {
	unpack json-c
	mkdir -p build && cd build
	cmake .. -DCMAKE_C_COMPILER=musl-gcc -DCMAKE_INSTALL_PREFIX="$P" \
		-DCMAKE_INSTALL_LIBDIR=lib -DBUILD_SHARED_LIBS=OFF -DBUILD_STATIC_LIBS=ON \
		-DBUILD_TESTING=OFF -DDISABLE_EXTRA_LIBS=ON -DDISABLE_WERROR=ON >&2
	make -j"$jobs" >&2
	make install >&2
}

build_kmod() {
	unpack kmod
	# A git snapshot: no configure. Its docs need gtk-doc, which we do not
	# build; an empty gtk-doc.make lets automake through without it.
	if [ ! -x configure ]; then
		mkdir -p libkmod/docs
		[ -f libkmod/docs/gtk-doc.make ] || echo 'EXTRA_DIST =' >libkmod/docs/gtk-doc.make
		autoreconf -fi >&2
	fi
	# kmod refuses --enable-static; build its PIC objects and archive them
	# (libkmod's own objects plus the internal libshared it links).
	./configure --prefix="$P" --sysconfdir=/etc \
		--without-zstd --without-xz --without-zlib --without-openssl \
		--disable-manpages --disable-gtk-doc >&2
	make -j"$jobs" libkmod/libkmod.la >&2
	ar rcs "$P/lib/libkmod.a" libkmod/.libs/libkmod*.o shared/.libs/*.o
	cp libkmod/libkmod.h "$P/include/"
	sed -e "s|@prefix@|$P|; s|@exec_prefix@|$P|; s|@libdir@|$P/lib|; s|@includedir@|$P/include|; s|@VERSION@|30|" \
		libkmod/libkmod.pc.in >"$P/lib/pkgconfig/libkmod.pc"
}

build_util_linux() {
	unpack util-linux
	./configure --prefix="$P" --sysconfdir=/etc --localstatedir=/var --disable-all-programs --enable-libuuid --enable-libblkid \
		--disable-shared --enable-static --without-udev --without-systemd --without-python \
		--disable-nls --disable-bash-completion --without-tinfo --without-ncurses \
		--without-readline --without-cap-ng --without-libz --without-selinux >&2
	make -j"$jobs" libuuid.la libblkid.la >&2
	make install-usrlib_execLTLIBRARIES install-pkgconfigDATA install-uuidincHEADERS \
		install-nodist_blkidincHEADERS >&2
}

build_lvm2() {
	unpack lvm2
	./configure --prefix="$P" --sysconfdir=/etc --enable-static_link --disable-selinux --disable-udev_sync \
		--disable-udev-systemd-background-jobs --disable-readline --disable-blkid_wiping \
		--enable-pkgconfig --with-thin=none --with-cache=none --disable-nls >&2
	# Only the static archive: the shared library's symbol-list check is
	# not needed (and trips over musl).
	make -j"$jobs" -C libdm ioctl/libdevmapper.a >&2
	make -C libdm install_include install_pkgconfig >&2
	cp libdm/ioctl/libdevmapper.a "$P/lib/"
}

# cryptsetup's configure insists on popt even with its tools disabled; the
# init never links it.
build_popt() {
	unpack popt
	[ -x configure ] || autoreconf -fi >&2
	./configure --prefix="$P" --disable-shared --enable-static --disable-nls >&2
	make -j"$jobs" -C src libpopt.la >&2
	make -C src install-libLTLIBRARIES install-includeHEADERS >&2
}

build_cryptsetup() {
	unpack cryptsetup
	[ -x configure ] || autoreconf -fi >&2
	./configure --prefix="$P" --sysconfdir=/etc --disable-shared --enable-static \
		--with-crypto_backend=openssl --disable-udev --disable-ssh-token \
		--disable-external-tokens --disable-nls --disable-asciidoc \
		--disable-cryptsetup --disable-veritysetup --disable-integritysetup \
		--disable-selinux --with-luks2-lock-path=/run/cryptsetup >&2
	make -j"$jobs" libcryptsetup.la >&2
	make install-libLTLIBRARIES install-includeHEADERS install-pkgconfigDATA >&2
}

build_curl() {
	unpack curl
	./configure --prefix="$P" --sysconfdir=/etc --disable-shared --enable-static --with-openssl="$P" \
		--with-zlib="$P" --without-libpsl --without-brotli --without-zstd \
		--without-nghttp2 --without-libidn2 --without-librtmp --without-libssh2 \
		--disable-ldap --disable-ldaps --disable-rtsp --disable-dict --disable-telnet \
		--disable-tftp --disable-pop3 --disable-imap --disable-smtp --disable-gopher \
		--disable-mqtt --disable-ftp --disable-file --disable-smb --disable-manual \
		--disable-ntlm --disable-unix-sockets --disable-alt-svc --disable-hsts \
		--without-ca-bundle --without-ca-path >&2
	make -j"$jobs" -C lib >&2
	make -C lib install >&2
	make -C include install >&2
	make install-pkgconfigDATA >&2
}

t0=$(date +%s)
for lib in zlib openssl json_c kmod util_linux lvm2 popt cryptsetup curl; do
	say "building $lib"
	( "build_$lib" )
done

# Link order: each library before the ones it uses.
echo "-lcryptsetup -ldevmapper -ljson-c -lblkid -luuid -lkmod -lcurl -lssl -lcrypto -lz -lpthread" >"$P/link-flags.new"

# versions.json, from the pins.
{
	echo '{'
	awk '!/^#/ && NF == 4 && $3 ~ /orig/ { printf "%s  \"%s\": {\"debian_version\": \"%s\", \"upstream_sha256\": \"%s\"}", sep, $1, $2, $4; sep = ",\n" } END { print "" }' "$here/pins"
	echo '}'
} >"$P/versions.json"

# Smoke test: one call into every library, statically linked and run.
cat >"$work/smoke.c" <<'SMOKE'
#include <curl/curl.h>
#include <json-c/json.h>
#include <libcryptsetup.h>
#include <libdevmapper.h>
#include <libkmod.h>
#include <openssl/crypto.h>
#include <stdio.h>
#include <uuid/uuid.h>
#include <zlib.h>
int main(void)
{
	struct crypt_device *cd = NULL;
	struct kmod_ctx *k = kmod_new(NULL, NULL);
	json_object *j = json_tokener_parse("{\"a\":1}");
	char dmv[64];
	uuid_t u;
	uuid_generate(u);
	/* The host has no device-mapper: ask libdm only for its version. */
	if (!j || !OPENSSL_init_crypto(0, NULL) || !dm_get_library_version(dmv, sizeof(dmv)))
		return 1;
	crypt_init(&cd, "/dev/null");
	printf("smoke ok: %s, zlib %s, libdm %s, json %d\n", curl_version(), zlibVersion(),
	       dmv, json_object_get_int(json_object_object_get(j, "a")));
	crypt_free(cd); json_object_put(j); kmod_unref(k);
	return 0;
}
SMOKE
# shellcheck disable=SC2046
musl-gcc -static -isystem "$P/include/kernel" -I"$P/include" -o "$work/smoke" "$work/smoke.c" \
	-L"$P/lib" $(cat "$P/link-flags.new")
"$work/smoke" >&2
mv "$P/link-flags.new" "$P/link-flags"

# The .pc files name the .tmp prefix; rename it in them before the move.
sed -i "s|$P|$prefix|g" "$P"/lib/pkgconfig/*.pc
rm -rf "$prefix"
mv "$P" "$prefix"
# The kernel header links are absolute, so they survive the move.
say "done in $(($(date +%s) - t0)) s: $prefix"
echo "$prefix"
