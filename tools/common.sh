# SPDX-License-Identifier: Apache-2.0
# shellcheck shell=sh
# tools/common.sh: sourced by the tools/*.sh scripts in place of
# build-aux/stage.sh, which it sources (say, die, sha256_of, ...: every
# message "STAGE: ...", every error "STAGE: ERROR: ..."). Set STAGE and top
# (the repository's top directory) before sourcing. Adds what only the tools
# use:
#   usage_die MSG   "STAGE: ERROR: MSG" on stderr, then exit 2: wrong arguments
#   json_str S      S between double quotes with \ and " escaped: a JSON
#                   string, and equally a TOML basic string (S holds no
#                   control characters)
#   tdx_initrd_form "appended" or "prepended": where the pinned tdx firmware
#                   puts initrd=initrd (sealroot-measure tdx --initrd-form)
# These two are not in build-aux/stage.sh because kernel-config/build.sh keys
# its cache on that whole file: any change there rebuilds every kernel.

# shellcheck source=build-aux/stage.sh disable=SC2154 # top: the sourcing script's
. "$top/build-aux/stage.sh"

usage_die() {
	echo "$STAGE: ERROR: $*" >&2
	exit 2
}

# printf, not echo: dash's echo would interpret the backslashes.
json_str() { printf '"%s"' "$(printf '%s' "$1" | sed 's/\\/\\\\/g; s/"/\\"/g')"; }

# Where the tdx firmware puts initrd=initrd in the command line it measures
# (edk2 OvmfPkg/Library/X86QemuLoadImageLib/X86QemuLoadImageLib.c,
# QemuLoadKernelImage): appended up to edk2-stable202505, prepended from
# commit a2ac0fea49 (edk2-stable202508) on. Taken from the edk2 version
# firmware/pins (FIRMWARE_PINS for another file) gives the tdx image;
# TDX_INITRD_FORM overrides it for a firmware of one's own.
tdx_initrd_form() {
	if [ -n "${TDX_INITRD_FORM:-}" ]; then
		case $TDX_INITRD_FORM in appended | prepended) echo "$TDX_INITRD_FORM" ;;
		*) die "TDX_INITRD_FORM=$TDX_INITRD_FORM is neither appended nor prepended" ;;
		esac
		return
	fi
	_v=$(awk '$1 == "image" && $3 == "tdx" { print $4 }' "${FIRMWARE_PINS:-$top/firmware/pins}")
	_y=${_v%%.*} _m=${_v#*.}
	_m=${_m%%[!0-9]*}
	case $_y.$_m in
	[0-9][0-9][0-9][0-9].[0-9][0-9]) ;;
	*) die "${FIRMWARE_PINS:-firmware/pins}: the tdx image's version '$_v' is not an edk2 YYYY.MM version" ;;
	esac
	if [ $((_y * 100 + ${_m#0})) -ge 202508 ]; then echo prepended; else echo appended; fi
}
