#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# deps/build.sh [x86_64|s390x]: the init's C dependencies as static musl
# libraries for that architecture (default x86_64), built from the pinned
# Debian source packages in deps/pins.
# Reads:   deps/pins, deps/pins.cross (s390x), deps/link-flags, deps/smoke.c
#          (the smoke test), deps/patches/<package>/*.patch (if any), Debian's
#          source archive (apt-get source); musl-gcc (x86_64) or gcc-s390x-linux-gnu, its
#          binutils and linux-libc-dev-s390x-cross, and qemu-s390x-static
#          to run the smoke test (s390x).
# Changes: $SEALROOT_CACHE/src/ (checked downloads), $SEALROOT_CACHE/deps/<key>/.
# Failure: exits non-zero naming the package and showing the end of its log;
#          the half-built <key>.tmp is removed, the build tree kept for a look.
#
# The prefix, printed as the last stdout line (progress goes to stderr):
#   include/          headers; include/kernel/ links to the kernel UAPI headers,
#                     which musl-gcc does not see
#   lib/*.a           static archives; lib/pkgconfig/*.pc (relocatable)
#   bin/veritysetup   static, OpenSSL backend
#   bin/mke2fs        static, for the scratch disk (the built-in mke2fs.conf)
#   bin/busybox       s390x only: static, only the applets the image links
#   toolchain/        s390x only: musl built for s390x, with its musl-gcc
#                     wrapper as toolchain/bin/s390x-linux-musl-gcc
#   link-flags        the -l order that links (a copy of deps/link-flags)
#   versions.json     package -> {debian_version, upstream_sha256, debian_sha256}
# Debian's own .a files are glibc builds: they refer to glibc's __*_chk and
# *context symbols and do not link with musl, hence building from source.
set -eu

here=$(cd "$(dirname "$0")" && pwd)
STAGE=deps
# shellcheck source=build-aux/stage.sh
. "$here/../build-aux/stage.sh"
# shellcheck source=build-aux/pins.sh
. "$here/../build-aux/pins.sh"
arch=${1:-x86_64}
src=$cache/src
jobs=${JOBS:-$(nproc)}
work='' P='' current=''

case $jobs in '' | *[!0-9]*) die "JOBS must be a number, not '$jobs'" ;; esac
# cross: the GNU toolchain prefix; run: how the host runs a built program.
case $arch in
x86_64)
	cross='' run=''
	command -v musl-gcc >/dev/null 2>&1 || die "musl-gcc not found (./build.sh deps installs musl-tools)"
	;;
s390x)
	cross=s390x-linux-gnu- run=qemu-s390x-static
	for t in "${cross}gcc" "${cross}ar" "${cross}strip" "$run"; do
		command -v "$t" >/dev/null 2>&1 ||
			die "$t not found (./build.sh deps installs gcc-s390x-linux-gnu and qemu-user-static)"
	done
	[ -d /usr/s390x-linux-gnu/include/asm ] ||
		die "/usr/s390x-linux-gnu/include/asm missing (install linux-libc-dev-s390x-cross)"
	;;
*) die "usage: build.sh [x86_64|s390x]" ;;
esac

# The key covers everything that goes into the libraries or judges them:
# the pins, this script, the smoke test, how sources are unpacked
# (build-aux/pins.sh), the link order, our patches and the toolchain (the
# host's musl for x86_64; for a cross build its pins and compiler). Nothing
# from the environment reaches the build (see the exports below).
patches=
[ -d "$here/patches" ] && patches=$(find "$here/patches" -type f -name '*.patch' | LC_ALL=C sort)
if [ -z "$cross" ]; then
	musl_ver=$(dpkg-query -W -f '${Version}' musl-dev 2>/dev/null) || musl_ver=unknown
	tool_ver="musl-gcc $(musl-gcc -dumpversion)"
	pinfiles=$here/pins
else
	musl_ver="(from deps/pins.cross) arch $arch"
	tool_ver="${cross}gcc $(dpkg-query -W -f '${Version}' "gcc-${cross%-}" 2>/dev/null || ${cross}gcc -dumpversion)"
	pinfiles="$here/pins.cross $here/pins"
fi
# shellcheck disable=SC2086 # the patch list is split on purpose
key=$({
	for f in $pinfiles "$here/build.sh" "$here/smoke.c" "$here/link-flags" $patches; do
		echo "${f#"$here"/} $(sha256sum <"$f" | cut -d' ' -f1)"
	done
	echo "pin_unpack_src $(pin_unpack_key)"
	echo "musl-dev $musl_ver"
	echo "$tool_ver"
} | sha256sum | cut -c1-16)
prefix=$cache/deps/$key

if [ -d "$prefix" ]; then
	say "cached: $prefix"
	echo "$prefix"
	exit 0
fi

# One build per key at a time; a second caller waits and then finds it done.
mkdir -p "$cache/deps" "$src"
exec 9>"$cache/deps/.$key.lock"
if ! flock -n 9; then
	say "waiting for another build of $key"
	flock 9
fi
if [ -d "$prefix" ]; then
	say "cached: $prefix"
	echo "$prefix"
	exit 0
fi

on_exit() {
	rc=$1
	exec 9>&-
	if [ "$rc" = 0 ]; then
		rm -rf "$work"
		return
	fi
	if [ -n "$current" ] && [ -f "$work/log/$current.log" ]; then
		say "FAILED: $current; the end of $work/log/$current.log:"
		tail -n 40 "$work/log/$current.log" | sed 's/^/  /' >&2
	fi
	if [ -n "$P" ]; then rm -rf "$P"; fi
	if [ -n "$current" ]; then
		say "the build tree is kept in $work"
	elif [ -n "$work" ]; then
		rm -rf "$work"
	fi
}
trap 'on_exit $?' EXIT
trap 'exit 130' INT TERM HUP

# ---- the pins ---------------------------------------------------------------
# A cross build: musl first (the toolchain), then deps/pins, then busybox.
release=$(pin_release "$here/pins")
pins=$(pin_lines "$here/pins")
if [ -n "$cross" ]; then
	[ "$(pin_release "$here/pins.cross")" = "$release" ] || die "deps/pins.cross names another Debian release than deps/pins"
	extra=$(pin_lines "$here/pins.cross")
	pins=$(echo "$extra" | awk '$1 == "musl"'; echo "$pins"; echo "$extra" | awk '$1 != "musl"')
fi
[ -n "$pins" ] || die "deps/pins lists no package"
# (mawk, Debian's default awk, has no {n} in regular expressions.)
echo "$pins" | awk '
	function sha(s) { return length(s) == 64 && s !~ /[^0-9a-f]/ }
	NF != 4 || !sha($3) || ($4 != "-" && !sha($4)) {
		print "deps: ERROR: deps/pins: bad line: " $0 > "/dev/stderr"; bad = 1
	}
	END { exit bad }' || exit 1

# ---- download and check, before anything is built ---------------------------
t0=$(date +%s)
while read -r name ver osha dsha; do
	pin_fetch_src "$release" "$name" "$ver" "$osha" "$dsha" deps/pins
done <<EOF
$pins
EOF

# ---- the build environment -------------------------------------------------
# The build tree's path is mapped away (-ffile-prefix-map) and everything
# installs with fixed paths (prefix /usr, /etc, /run) through DESTDIR, so
# neither the cache nor the temporary directory ends up in a library;
# checked after the build.
work=$(mktemp -d "${TMPDIR:-/tmp}/sealroot-deps.XXXXXX")
mkdir -p "$work/src" "$work/dest" "$work/log"
P=$prefix.tmp
rm -rf "$P"
mkdir -p "$P/include/kernel" "$P/lib/pkgconfig" "$P/bin"

# musl-gcc searches musl's headers only; add the kernel's UAPI headers.
multiarch=$(gcc -print-multiarch)
if [ -z "$cross" ]; then
	[ -d "/usr/include/$multiarch/asm" ] || die "/usr/include/$multiarch/asm missing (install linux-libc-dev)"
	ln -s /usr/include/linux "$P/include/kernel/linux"
	ln -s "/usr/include/$multiarch/asm" "$P/include/kernel/asm"
	ln -s /usr/include/asm-generic "$P/include/kernel/asm-generic"
else
	# linux-libc-dev-s390x-cross: the same UAPI headers, s390's asm.
	for d in linux asm asm-generic; do
		ln -s "/usr/${cross%-}/include/$d" "$P/include/kernel/$d"
	done
fi

unset CPATH LIBRARY_PATH CPLUS_INCLUDE_PATH OBJC_INCLUDE_PATH LD_LIBRARY_PATH \
	LD_RUN_PATH PKG_CONFIG_PATH PKG_CONFIG_SYSROOT_DIR CONFIG_SITE MAKEFLAGS MFLAGS
export LC_ALL=C TZ=UTC
umask 022
# Fixed rather than the commit time: the key does not cover the environment,
# and OpenSSL records this date ("built on") in libcrypto.
export SOURCE_DATE_EPOCH=1686355200 # 2023-06-10, Debian 12's release
if [ -z "$cross" ]; then
	export CC=musl-gcc
	host_flag=''
else
	# The toolchain's wrapper, found through PATH so that no cache path is
	# recorded (OpenSSL keeps its compiler command); binutils for the target.
	export CC=${cross%-gnu-}-musl-gcc
	export PATH="$P/toolchain/bin:$PATH"
	export AR=${cross}ar RANLIB=${cross}ranlib STRIP=${cross}strip NM=${cross}nm
	export OBJCOPY=${cross}objcopy OBJDUMP=${cross}objdump READELF=${cross}readelf LD=${cross}ld
	host_flag=--host=${cross%-}
	# Answers configure cannot find by running a test program.
	export ac_cv_func_malloc_0_nonnull=yes ac_cv_func_realloc_0_nonnull=yes
fi
# -fPIC lets the init link static-pie; the sections let it drop unused code.
base_cflags="-O2 -pipe -fPIC -ffunction-sections -fdata-sections -fstack-protector-strong"
export CFLAGS="$base_cflags -ffile-prefix-map=$work/src/="
export CPPFLAGS="-I$P/include"
export LDFLAGS="-L$P/lib"
# The kernel headers go through the environment rather than a flag, so the
# path stays out of recorded flags (OpenSSL's "compiler:" string).
export C_INCLUDE_PATH="$P/include/kernel"
export PKG_CONFIG_LIBDIR="$P/lib/pkgconfig"

# unpack: the source tree of the current package in $work/src/$name, with
# Debian's patches and then ours applied; cds into it.
unpack() {
	pin_fetch_src "$release" "$name" "$ver" "$osha" "$dsha" deps/pins
	dir=$work/src/$name
	pin_unpack_src "$dir"
	cd "$dir"
	for p in "$here/patches/$name"/*.patch; do
		[ -f "$p" ] || continue
		echo "applying ${p#"$here"/}"
		patch -p1 --batch --forward --no-backup-if-mismatch <"$p"
	done
}

# unapply PATCH...: reverts Debian patches that do not apply to our build.
unapply() {
	for p in "$@"; do
		patch -R -p1 --batch --no-backup-if-mismatch <"debian/patches/$p"
	done
}

# Every build_<package> runs in a subshell with its log as output, installs
# into $dest with prefix /usr, and leaves the picking to collect().
dest() { echo "$work/dest/$name"; }

build_zlib() {
	unpack
	./configure --static --prefix=/usr
	make -j"$jobs" libz.a
	make install DESTDIR="$(dest)"
}

build_openssl() {
	unpack
	# Own flags only: OpenSSL compiles them into libcrypto, and it builds
	# in its tree with relative paths. No modules, engines or dlopen in a
	# static PID 1; no AF_ALG engine; the kernel headers come through
	# C_INCLUDE_PATH (crypto/mem_sec.c needs linux/mman.h).
	# No algorithm the guest never uses: what stays is TLS 1.2/1.3 with
	# ECDHE, RSA and ECDSA certificates, AES-GCM and ChaCha20-Poly1305 (the
	# KBS), ECDH-ES, AES key wrap, AES-GCM and RSA-OAEP (the JWE), AES-XTS,
	# PBKDF2 and HMAC (cryptsetup), SHA-1/2/3. Less to attack, and less for
	# OpenSSL 3 to construct when it first fetches an algorithm: it builds
	# every entry of that kind (measured with callgrind: the attest step's
	# key generation, key agreement, digest and cipher fetches take 40%
	# fewer instructions; docs/performance.md).
	case $arch in s390x) target=linux64-s390x ;; *) target=linux-x86_64 ;; esac
	CFLAGS=$base_cflags CPPFLAGS='' LDFLAGS='' ./Configure "$target" \
		no-shared no-module no-dso no-engine no-afalgeng no-legacy no-comp \
		no-ui-console no-tests \
		no-aria no-bf no-camellia no-cast no-des no-dh no-dsa no-ec2m no-gost \
		no-idea no-md4 no-mdc2 no-ocb no-rc2 no-rc4 no-rc5 no-rmd160 no-scrypt \
		no-seed no-siphash no-sm2 no-sm3 no-sm4 no-srp no-whirlpool \
		--prefix=/usr --libdir=lib --openssldir=/etc/ssl
	make -j"$jobs" build_libs
	make install_dev DESTDIR="$(dest)"
}

build_json_c() {
	unpack
	# Build type None: no flags besides ours (json-c defaults to debug).
	# shellcheck disable=SC2046 # the cross settings are a word list
	cmake -S . -B build -DCMAKE_BUILD_TYPE=None -DCMAKE_C_COMPILER="$CC" \
		$(if [ -n "$cross" ]; then echo "-DCMAKE_SYSTEM_NAME=Linux -DCMAKE_SYSTEM_PROCESSOR=$arch \
			-DCMAKE_AR=$(command -v "$AR") -DCMAKE_RANLIB=$(command -v "$RANLIB")"; fi) \
		-DCMAKE_INSTALL_PREFIX=/usr -DCMAKE_INSTALL_LIBDIR=lib \
		-DBUILD_SHARED_LIBS=OFF -DBUILD_STATIC_LIBS=ON -DBUILD_TESTING=OFF \
		-DBUILD_APPS=OFF -DDISABLE_EXTRA_LIBS=ON -DDISABLE_WERROR=ON
	cmake --build build -j "$jobs"
	DESTDIR="$(dest)" cmake --install build
}

build_kmod() {
	unpack
	# A git snapshot: no configure. Without gtkdocize, kmod's autogen.sh
	# touches gtk-doc.make; so do we.
	touch libkmod/docs/gtk-doc.make
	autoreconf -fi
	./configure $host_flag --prefix=/usr --sysconfdir=/etc --without-zstd --without-xz \
		--without-zlib --without-openssl --disable-manpages \
		--disable-python --disable-test-modules
	# kmod refuses --enable-static. Its tools link libkmod-internal, a
	# static archive of libkmod plus its helpers: that is our libkmod.a.
	make -j"$jobs" libkmod/libkmod-internal.la libkmod/libkmod.pc
	install -D -m 644 libkmod/.libs/libkmod-internal.a "$(dest)/usr/lib/libkmod.a"
	install -D -m 644 libkmod/libkmod.h "$(dest)/usr/include/libkmod.h"
	install -D -m 644 libkmod/libkmod.pc "$(dest)/usr/lib/pkgconfig/libkmod.pc"
}

build_util_linux() {
	unpack
	# Debian regenerates the build system with autogen.sh (one of its
	# patches changes configure.ac); so do we.
	./autogen.sh
	./configure $host_flag --prefix=/usr --sysconfdir=/etc --localstatedir=/var --runstatedir=/run \
		--disable-all-programs --enable-libuuid --enable-libblkid \
		--disable-shared --enable-static --disable-nls --disable-asciidoc \
		--disable-bash-completion --without-udev --without-systemd --without-python \
		--without-selinux --without-audit --without-econf --without-libz \
		--without-tinfo --without-ncursesw --without-ncurses --without-readline \
		--without-cap-ng --without-btrfs --without-user
	make -j"$jobs"
	make install DESTDIR="$(dest)"
}

build_lvm2() {
	unpack
	autoreconf -fi # Debian's patch changes configure.ac
	./configure $host_flag --prefix=/usr --sysconfdir=/etc --localstatedir=/var \
		--with-default-dm-run-dir=/run --with-default-run-dir=/run/lvm \
		--with-default-locking-dir=/run/lock/lvm \
		--enable-static_link --enable-pkgconfig --disable-selinux --disable-udev_sync \
		--disable-blkid_wiping --disable-readline \
		--disable-nls --disable-dmeventd --disable-cmdlib --disable-lvmpolld \
		--disable-lvmlockd-sanlock --disable-lvmlockd-dlm --disable-notify-dbus \
		--disable-systemd-journal --disable-app-machineid \
		--with-thin=none --with-cache=none --with-vdo=none --with-writecache=none \
		--with-integrity=none
	# libdevmapper only, static only: the shared library's symbol check
	# is not needed, and the LVM tools need libaio.
	make -j"$jobs" -C libdm ioctl/libdevmapper.a
	make -C libdm install_include install_pkgconfig DESTDIR="$(dest)"
	install -D -m 644 libdm/ioctl/libdevmapper.a "$(dest)/usr/lib/libdevmapper.a"
}

build_popt() {
	unpack
	autoreconf -fi
	./configure $host_flag --prefix=/usr --disable-shared --enable-static --disable-nls
	make -j"$jobs"
	make install DESTDIR="$(dest)"
}

build_cryptsetup() {
	unpack
	autoreconf -fi # no configure in the upstream tarball
	# OpenSSL backend, internal argon2, no udev, no tokens or plugins.
	# --enable-static-cryptsetup builds veritysetup.static as well.
	./configure $host_flag --prefix=/usr --sysconfdir=/etc --localstatedir=/var --runstatedir=/run \
		--disable-shared --enable-static --enable-static-cryptsetup \
		--with-crypto_backend=openssl --enable-internal-argon2 --disable-libargon2 \
		--disable-udev --disable-ssh-token --disable-external-tokens \
		--disable-cryptsetup --enable-veritysetup --disable-integritysetup \
		--disable-selinux --disable-pwquality --disable-passwdqc --disable-fips \
		--disable-nls --disable-asciidoc --with-luks2-lock-path=/run/cryptsetup
	make -j"$jobs"
	make install DESTDIR="$(dest)"
	install -D -m 755 "$(dest)/usr/sbin/veritysetup.static" "$P/bin/veritysetup"
	"${cross}strip" --strip-all "$P/bin/veritysetup"
}

build_curl() {
	unpack
	# Debian builds its OpenSSL flavour without the last two patches,
	# which rename the library for the GnuTLS and NSS flavours.
	tail -n 2 debian/patches/series | tr '\n' ' ' | grep -qx '90_gnutls.patch 99_nss.patch ' ||
		{ echo "curl: the series no longer ends with the GnuTLS and NSS patches"; exit 1; }
	unapply 99_nss.patch 90_gnutls.patch
	autoreconf -fi # as Debian does: its patches change configure.ac
	# HTTP and HTTPS over OpenSSL, nothing else (no NTLM: it needs DES and
	# MD4, which OpenSSL is built without); no CA path compiled in
	# (the host's would be found otherwise): the init names its CAs.
	./configure $host_flag --prefix=/usr --sysconfdir=/etc --disable-shared --enable-static \
		--with-openssl --with-zlib --without-ca-bundle --without-ca-path \
		--without-ca-fallback --disable-manual --disable-ldap --disable-ldaps \
		--disable-rtsp --disable-dict --disable-telnet --disable-tftp --disable-pop3 \
		--disable-imap --disable-smb --disable-smtp --disable-gopher --disable-mqtt \
		--disable-ftp --disable-file --disable-ntlm --disable-ntlm-wb --without-libpsl --without-brotli \
		--without-zstd --without-nghttp2 --without-nghttp3 --without-ngtcp2 \
		--without-quiche --without-msh3 --without-hyper --without-libidn2 \
		--without-librtmp --without-libssh --without-libssh2 --without-libgsasl \
		--without-gssapi
	make -j"$jobs" -C lib
	make -C lib install DESTDIR="$(dest)"
	make -C include install DESTDIR="$(dest)"
	make install-pkgconfigDATA DESTDIR="$(dest)"
}

build_e2fsprogs() {
	unpack
	# mke2fs only, against util-linux's libblkid and libuuid from the
	# prefix; no NLS, no FUSE, no daemons. With no /etc/mke2fs.conf in the
	# image it uses its compiled-in default profile.
	./configure $host_flag --prefix=/usr --sysconfdir=/etc --disable-nls --disable-fuse2fs \
		--disable-uuidd --disable-libuuid --disable-libblkid --disable-debugfs \
		--disable-imager --disable-resizer --disable-defrag --disable-tdb \
		--disable-bmap-stats --disable-fsck --disable-e2initrd-helper \
		--disable-elf-shlibs --without-libarchive --disable-backtrace
	make -j"$jobs" libs
	make -C misc mke2fs.static
	install -D -m 755 misc/mke2fs.static "$P/bin/mke2fs"
	"${cross}strip" --strip-all "$P/bin/mke2fs"
}

# musl (cross builds only): the C library and its gcc wrapper, for $arch,
# installed as the prefix's toolchain/. It is built first: everything after
# it compiles with it. Its own flags (musl chooses them), no shared library.
build_musl() {
	unpack
	CFLAGS="-O2 -pipe -ffile-prefix-map=$work/src/=" CPPFLAGS='' LDFLAGS='' C_INCLUDE_PATH='' \
		./configure --target="${cross%-}" CROSS_COMPILE="$cross" CC="${cross}gcc" \
		--prefix="$P/toolchain" --disable-shared --enable-wrapper=gcc
	make -j"$jobs"
	make install
	# musl-gcc names the real compiler and the specs by absolute path; the
	# prefix is renamed at the end, so the wrapper finds the specs beside it.
	cat >"$P/toolchain/bin/$CC" <<WRAP
#!/bin/sh
# musl $ver for $arch: ${cross}gcc with musl's specs (deps/build.sh).
SEALROOT_MUSL_TOOLCHAIN=\$(cd "\$(dirname "\$0")/.." && pwd)
export SEALROOT_MUSL_TOOLCHAIN
exec ${cross}gcc "\$@" -specs "\$SEALROOT_MUSL_TOOLCHAIN/lib/musl-gcc.specs"
WRAP
	chmod 755 "$P/toolchain/bin/$CC"
	rm -f "$P/toolchain/bin/musl-gcc"
	# The specs name the toolchain's paths: make them follow the prefix.
	sed -i "s|$P/toolchain\\([^ }]*\\)|%:getenv(SEALROOT_MUSL_TOOLCHAIN \\1)|g" "$P/toolchain/lib/musl-gcc.specs"
	! grep -F "$P" "$P/toolchain/lib/musl-gcc.specs" || { echo "musl: the specs keep a build path"; exit 1; }
}

# busybox (cross builds only): static, with only the applets the image
# links (rootfs/build.sh: APPLETS_BIN, APPLETS_SBIN) and the busybox applet
# itself: allnoconfig plus those. Debian's busybox-static configuration
# does not build against musl (vi's GNU regex), and the image needs none of
# its other 300 applets.
build_busybox() {
	unpack
	make HOSTCC=gcc allnoconfig </dev/null
	for o in STATIC BUSYBOX LONG_OPTS CAT ECHO LS MOUNT UMOUNT POWEROFF MODPROBE \
		ASH SH_IS_ASH BASH_IS_NONE ASH_ECHO; do
		sed -i "/^# CONFIG_$o is not set\$/d; /^CONFIG_$o=/d" .config
		echo "CONFIG_$o=y" >>.config
	done
	yes '' | make HOSTCC=gcc oldconfig >/dev/null
	for o in STATIC CAT ECHO LS MOUNT UMOUNT POWEROFF MODPROBE ASH; do
		grep -qx "CONFIG_$o=y" .config || { echo "busybox: CONFIG_$o did not hold"; exit 1; }
	done
	make -j"$jobs" CC="$CC" HOSTCC=gcc AR="$AR" STRIP="$STRIP" \
		EXTRA_CFLAGS="-ffile-prefix-map=$work/src/=" busybox
	"${cross}strip" --strip-all -o "$P/bin/busybox" busybox
}

# collect: copies the current package's headers, archives and .pc files
# from its DESTDIR into the prefix. The .pc files are made relocatable
# (${pcfiledir}), so the prefix works wherever it is.
collect() {
	d=$(dest)/usr
	if [ -d "$d/include" ]; then cp -R "$d/include/." "$P/include/"; fi
	for f in "$d"/lib/*.a; do
		if [ -f "$f" ]; then cp "$f" "$P/lib/"; fi
	done
	for f in "$d"/lib/pkgconfig/*.pc; do
		[ -f "$f" ] || continue
		# Dependencies' -L/-I into the prefix are redundant there; drop them.
		# shellcheck disable=SC2016 # ${pcfiledir} and ${prefix} are pkg-config's
		sed -e 's|^prefix=/usr$|prefix=${pcfiledir}/../..|' \
			-e 's|^\([a-z_]*\)=/usr/|\1=${prefix}/|' \
			-e 's|^\([a-z_]*\)=/usr$|\1=${prefix}|' \
			-e "s| *-L$P/lib\\b||g; s| *-I$P/include\\b||g" "$f" >"$P/lib/pkgconfig/${f##*/}"
		! grep -nF -e /usr -e "$work" -e "$cache" "$P/lib/pkgconfig/${f##*/}" >&2 ||
			die "${f##*/} keeps a build path (above)"
	done
}

# ---- build -------------------------------------------------------------------
say "sources match deps/pins; building into $P (JOBS=$jobs)"

n=$(echo "$pins" | wc -l)
i=0
while read -r name ver osha dsha; do
	i=$((i + 1))
	fn=build_$(echo "$name" | tr -- '-.+' '___')
	command -v "$fn" >/dev/null 2>&1 || die "deps/pins lists $name, but build.sh has no $fn"
	current=$name
	t=$(date +%s)
	say "[$i/$n] $name $ver"
	("$fn") </dev/null >"$work/log/$name.log" 2>&1
	collect
	say "[$i/$n] $name done in $(($(date +%s) - t)) s"
done <<EOF
$pins
EOF
current=checks

# ---- checks -----------------------------------------------------------------
cp "$here/link-flags" "$P/link-flags"
libs=$(cat "$P/link-flags")
# Every .pc the init may ask pkg-config for, in link order.
pcs="libcryptsetup devmapper json-c blkid uuid libkmod libcurl libssl libcrypto zlib"

head -c 1048576 /dev/zero >"$work/zero.img"

say "smoke test: link with pkg-config --static, and with link-flags"
# shellcheck disable=SC2046,SC2086 # pkg-config output and the flags are word lists
"$CC" -std=c11 -Wall -Werror -static -isystem "$P/include/kernel" \
	$(pkg-config --static --cflags $pcs) -o "$work/smoke-pc" "$here/smoke.c" \
	$(pkg-config --static --libs $pcs) >"$work/log/checks.log" 2>&1
# The way the init's Makefile links, with a trace of every file linked.
# shellcheck disable=SC2086
"$CC" -std=c11 -Wall -Werror -static -isystem "$P/include" -isystem "$P/include/kernel" \
	-o "$work/smoke" "$here/smoke.c" -L"$P/lib" -Wl,--gc-sections -Wl,--trace $libs \
	>"$work/link-trace" 2>>"$work/log/checks.log"
# Debian's glibc archives must never be linked (GCC's own libgcc may be).
! grep -E '^/(usr/)?lib/'"$multiarch"'/|^/usr/[a-z0-9_]+-linux-gnu/lib/' "$work/link-trace" >&2 ||
	die "the smoke test linked glibc files (above)"
! readelf -l "$work/smoke" | grep -q INTERP || die "the smoke test is not static"
# shellcheck disable=SC2086 # $run is empty or one word
$run "$work/smoke-pc" "$work/zero.img" >&2
# shellcheck disable=SC2086
$run "$work/smoke" "$work/zero.img" >&2

# veritysetup: a known answer (from Debian's veritysetup 2.6.1 on the host).
: >"$work/verity.hash"
# shellcheck disable=SC2086
root=$($run "$P/bin/veritysetup" format "$work/zero.img" "$work/verity.hash" \
	--salt=5ea15ea15ea15ea15ea15ea15ea15ea15ea15ea15ea15ea15ea15ea15ea15ea1 \
	--uuid=00000000-0000-0000-0000-000000000000 2>>"$work/log/checks.log" | sed -n 's/^Root hash:[[:space:]]*//p')
[ "$root" = 144ea24fbcba215d1ba164d966623e976e4d1391fab0998b1bd6411413d473a6 ] ||
	die "static veritysetup gave root hash '$root', expected 144ea24f..."
! readelf -l "$P/bin/veritysetup" | grep -q INTERP || die "bin/veritysetup is not static"
# mke2fs: static, and it makes an ext4 file system that the host's
# dumpe2fs (an independent build) reads back with the features asked for.
! readelf -l "$P/bin/mke2fs" | grep -q INTERP || die "bin/mke2fs is not static"
truncate -s 16M "$work/ext4.img"
# shellcheck disable=SC2086
$run "$P/bin/mke2fs" -q -F -t ext4 -b 4096 -O ^has_journal -E nodiscard "$work/ext4.img" ||
	die "static mke2fs failed"
if command -v dumpe2fs >/dev/null 2>&1; then
	feat=$(dumpe2fs -h "$work/ext4.img" 2>/dev/null | sed -n 's/^Filesystem features: *//p')
	case " $feat " in
	*" has_journal "*) die "mke2fs made a journal despite ^has_journal" ;;
	*" extent "*) ;;
	*) die "mke2fs made no ext4 (features: $feat)" ;;
	esac
fi
if [ -n "$cross" ]; then
	! readelf -l "$P/bin/busybox" | grep -q INTERP || die "bin/busybox is not static"
	# shellcheck disable=SC2086
	[ "$($run "$P/bin/busybox" echo sealroot)" = sealroot ] || die "bin/busybox does not run"
	# shellcheck disable=SC2086
	for a in cat echo ls mount umount poweroff modprobe sh; do
		$run "$P/bin/busybox" --list | grep -qx "$a" || die "bin/busybox has no applet $a"
	done
fi
say "smoke test passed${run:+ (under $run)}; veritysetup root hash matches, mke2fs makes ext4"

# Reproducibility: no build path in the output; archives without dates or owners.
! grep -rlF -e "$work" -e "$cache" "$P" >&2 || die "build paths leak into the files above"
for a in "$P"/lib/*.a; do
	! ar tv "$a" | grep -v ' 0/0 .* 1970 ' >&2 ||
		die "${a##*/} has members with dates or owners (above)"
done

# versions.json, in the pins' order.
echo "$pins" | awk '
	BEGIN { print "{" }
	{
		deb = ($4 == "-") ? "null" : "\"" $4 "\""
		printf "%s  \"%s\": {\"debian_version\": \"%s\", \"upstream_sha256\": \"%s\", \"debian_sha256\": %s}",
			sep, $1, $2, $3, deb
		sep = ",\n"
	}
	END { print "\n}" }' >"$P/versions.json"

current=''
mv "$P" "$prefix"
P=''
say "done in $(($(date +%s) - t0)) s: $prefix"
echo "$prefix"
