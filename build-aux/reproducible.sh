# SPDX-License-Identifier: Apache-2.0
# shellcheck shell=sh
# build-aux/reproducible.sh: what makes an image a pure function of its
# content, shared by rootfs/build.sh (the root) and tools/extension.sh
# (extension images). Sourced after build-aux/stage.sh (for die), with top
# set to the repository's top directory. Defines functions only:
#   sde_set          SOURCE_DATE_EPOCH: as given, else the last commit's
#                    time, else 0; dies unless it is a number of seconds
#   tree_fix_modes D directories and executables 0755, other files 0644,
#                    setuid and setgid bits cleared (the explicit 00755:
#                    GNU chmod keeps a directory's setgid for "0755"), so
#                    neither the umask nor the inputs' modes leak in
#   tree_fix_times D every mtime SOURCE_DATE_EPOCH, links included
# Not in build-aux/stage.sh, whose every change rebuilds every kernel.

sde_set() {
	if [ -z "${SOURCE_DATE_EPOCH:-}" ]; then
		# shellcheck disable=SC2154 # top: the sourcing script's
		SOURCE_DATE_EPOCH=$(git -C "$top" log -1 --format=%ct 2>/dev/null || true)
		SOURCE_DATE_EPOCH=${SOURCE_DATE_EPOCH:-0}
	fi
	case $SOURCE_DATE_EPOCH in
	'' | *[!0-9]*) die "SOURCE_DATE_EPOCH=$SOURCE_DATE_EPOCH is not a number of seconds" ;;
	esac
}

tree_fix_modes() {
	find "$1" -type d -exec chmod 00755 {} +
	find "$1" -type f -perm -u+x -exec chmod 00755 {} +
	find "$1" -type f ! -perm -u+x -exec chmod 00644 {} +
}

tree_fix_times() {
	find "$1" -exec touch -h -d "@$SOURCE_DATE_EPOCH" {} +
}
