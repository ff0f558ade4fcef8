#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# repro-check TEE: builds the dist tarball of the committed HEAD twice, in
# two fresh clones at different paths (of different lengths), with
# different TZ, umask, user and locale, one after the other; the tarballs
# and every file in the bundles must be bit-identical.
# Reads: the git repository's HEAD and the shared cache. Changes: temporary
# clones only (removed). Prints the verdict on stdout. On failure: the end
# of a failed build's log, or which files differ, then "repro-check:
# ERROR: ..." and exit 1.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
STAGE=repro-check
# shellcheck source=tools/common.sh
. "$top/tools/common.sh"
tee=${1:-none}
a=$(mktemp -d /tmp/sr-repro-a.XXXXXX)
b=$(mktemp -d /tmp/sr-repro-bb-longer-path.XXXXXX)
trap 'rm -rf "$a" "$b"' EXIT
[ -z "$(git -C "$top" status --porcelain --untracked-files=no)" ] ||
	say "note: uncommitted changes are not part of the check (HEAD is built)"

build() { # DIR TZ UMASK USER
	git clone -q "$top" "$1/src"
	(cd "$1/src" && umask "$3" && TZ=$2 USER=$4 LOGNAME=$4 LC_ALL=C.UTF-8 \
		make -s dist TEE="$tee" >"$1/log" 2>&1) || {
		tail -n 20 "$1/log" >&2
		die "the build in $1 failed"
	}
}
build "$a" UTC 022 builder-a
build "$b" Pacific/Kiritimati 077 someone-else
ta=$(ls "$a"/src/out/dist/*.tar.gz) tb=$(ls "$b"/src/out/dist/*.tar.gz)
if cmp -s "$ta" "$tb"; then
	echo "repro-check: $tee: identical ($(sha256sum "$ta" | cut -d' ' -f1) $(basename "$ta"))"
	exit 0
fi
diff -r "$a/src/out/$tee" "$b/src/out/$tee" >&2 || true
die "$tee: the two dist tarballs differ (the files above)"
