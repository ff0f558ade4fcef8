# SPDX-License-Identifier: Apache-2.0
# build-aux/stage.sh: sourced by the stage scripts (deps, kernel, firmware,
# update-pins). Set STAGE, the prefix of every message, before sourcing.
#   say MSG             progress on stderr: "STAGE: MSG"
#   die MSG             "STAGE: ERROR: MSG" on stderr, then exit 1
#   sha256_of FILE      the file's sha256, hex
#   only_file DIR PAT   the one file in DIR matching PAT (signatures *.asc
#                       aside); nothing when none does; an error for several
#   is_sha256 S         whether S is 64 lower-case hex digits
#   cache               ${SEALROOT_CACHE:-$HOME/.cache/sealroot}

cache=${SEALROOT_CACHE:-$HOME/.cache/sealroot}

say() { echo "$STAGE: $*" >&2; }
die() {
	echo "$STAGE: ERROR: $*" >&2
	exit 1
}

sha256_of() { sha256sum <"$1" | cut -d' ' -f1; }

is_sha256() {
	case $1 in *[!0-9a-f]*) return 1 ;; esac
	[ ${#1} = 64 ]
}

only_file() {
	_found=
	for _f in "$1"/$2; do
		case $_f in *.asc) continue ;; esac
		[ -f "$_f" ] || continue
		[ -z "$_found" ] || die "several files match $1/$2"
		_found=${_f##*/}
	done
	echo "$_found"
}
