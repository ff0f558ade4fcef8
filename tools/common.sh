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
