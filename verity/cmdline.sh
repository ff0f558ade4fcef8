# SPDX-License-Identifier: Apache-2.0
# shellcheck shell=sh
# verity/cmdline.sh: the one place that builds a dm-verity root's kernel
# parameters. Sourced, after build-aux/stage.sh (for die), by
# verity/build.sh and tools/bundle.sh; defines functions and VERITY_ROOT only.
#   VERITY_ROOT               "root=/dev/dm-0 ro rootfstype=erofs": the root
#                             is the mapped device the kernel creates
#   verity_params ROOT SALT BLOCKS BS
#                             Kata's kernel_verity_params, the line of
#                             root_hash.txt: root_hash=ROOT,salt=SALT,
#                             data_blocks=BLOCKS,data_block_size=BS,
#                             hash_block_size=BS
#   verity_param PARAMS KEY   one field of such a line; dies when it lacks KEY
#   verity_dm_create PARAMS DATA_DEV HASH_DEV
#                             dm-mod.create="dm-verity,,,ro,0 SECTORS verity 1
#                             DATA_DEV HASH_DEV BS HBS BLOCKS 0 sha256 ROOT SALT"
#                             (SECTORS = BLOCKS * BS / 512): the table the
#                             kernel's dm-init sets up before it mounts root;
#                             dies when PARAMS lacks a field
# Call verity_param and verity_dm_create as VAR=$(...), so that their
# failure stops a set -e script. Where the form comes from: docs/bundles.md
# ("The command line, as Kata builds it").

# shellcheck disable=SC2034 # used by the sourcing scripts
VERITY_ROOT="root=/dev/dm-0 ro rootfstype=erofs"

verity_params() {
	printf 'root_hash=%s,salt=%s,data_blocks=%s,data_block_size=%s,hash_block_size=%s\n' "$1" "$2" "$3" "$4" "$4"
}

verity_param() {
	_v=$(printf '%s\n' "$1" | tr ',' '\n' | sed -n "s/^$2=//p")
	[ -n "$_v" ] || die "the verity parameters lack $2: $1"
	printf '%s\n' "$_v"
}

verity_dm_create() {
	_root=$(verity_param "$1" root_hash) && _salt=$(verity_param "$1" salt) &&
		_blocks=$(verity_param "$1" data_blocks) && _bs=$(verity_param "$1" data_block_size) &&
		_hbs=$(verity_param "$1" hash_block_size) || return 1
	printf 'dm-mod.create="dm-verity,,,ro,0 %s verity 1 %s %s %s %s %s 0 sha256 %s %s"\n' \
		$((_blocks * _bs / 512)) "$2" "$3" "$_bs" "$_hbs" "$_blocks" "$_root" "$_salt"
}
