#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# sealroot's front door: a thin, friendly wrapper around make.
#   ./build.sh          install what is missing, build the default image
#                       (TEE=none) and boot it in QEMU
#   ./build.sh deps     only install the Debian packages (idempotent)
#   ./build.sh image    make image   (TEE=..., AGENT=... are passed through)
#   ./build.sh boot     boot out/$TEE in QEMU
#   ./build.sh test     make test
set -eu
cd "$(dirname "$0")"
TEE=${TEE:-none}
export TEE

say() { printf '\033[1msealroot:\033[0m %s\n' "$*" >&2; }

as_root() {
	if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi
}

# Debian packages the build and the tests need. The stage folders list
# their own extras in apt-packages files, which are added here. No pinned
# input is installed here: the kernel source, the libraries' and edk2's
# sources and the firmware packages are fetched by their exact versions
# into the cache (build-aux/pins.sh), whatever the host has installed.
# libc6-dev-s390x-cross: boot case 074 builds an s390x glibc program (the
# cross gcc only recommends it).
PACKAGES="build-essential make musl-tools musl-dev pkg-config dpkg-dev git
ca-certificates xz-utils cpio lz4 bc bison flex libelf-dev libssl-dev kmod
busybox-static erofs-utils cryptsetup-bin fdisk e2fsprogs
qemu-system-x86 util-linux procps libcmocka-dev shunit2 libkmod-dev
libcryptsetup-dev libdevmapper-dev python3 zlib1g-dev clang libclang-rt-14-dev
swtpm tpm2-tools libjson-c-dev libcurl4-openssl-dev python3-jwcrypto
python3-cryptography python3-jsonschema valgrind gnupg libc6-dev-s390x-cross"

deps() {
	extra=$(cat deps/apt-packages rootfs/apt-packages kernel-config/apt-packages firmware/apt-packages 2>/dev/null |
		sed 's/#.*//' | tr -s ' \n' ' ')
	missing=
	for p in $PACKAGES $extra; do
		dpkg-query -W -f '${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' ||
			missing="$missing $p"
	done
	if [ -n "$missing" ]; then
		say "apt-get update"
		as_root apt-get update -q >/dev/null
		say "installing:$missing"
		# shellcheck disable=SC2086
		as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q \
			--no-install-recommends $missing
	else
		say "all Debian packages present"
	fi
}

image() {
	say "building the $TEE image (kernel and static libraries are cached in ${SEALROOT_CACHE:-$HOME/.cache/sealroot})"
	make image TEE="$TEE" ${AGENT:+AGENT="$AGENT"}
	say "bundle in out/$TEE:"
	ls -l "out/$TEE" >&2
}

# The whole story: an initdata disk from examples/initdata.toml (INITDATA=
# picks another document), the test KBS holding a fresh demo secret for
# that initdata only, and the guest attesting to it before its agent runs.
boot() {
	make initdata TEE="$TEE" ${INITDATA:+INITDATA="$INITDATA"}
	say "booting out/$TEE in QEMU (TCG) with initdata build/$TEE/initdata.img and the test KBS; the console follows"
	tools/demo-boot.sh "out/$TEE" "build/$TEE/initdata.img" "${INITDATA:-examples/initdata.toml}"
}

case ${1:-all} in
all) deps; image; boot ;;
deps) deps ;;
image) image ;;
boot) boot ;;
test) make test ;;
*) echo "usage: $0 [all|deps|image|boot|test]" >&2; exit 2 ;;
esac
