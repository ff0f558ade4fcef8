#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# reference-values: writes reference-values.json for a bundle, the values a
# verifier (Trustee's RVPS) should expect: the root hash, the kernel,
# command line and initrd digests, and the TEE's launch measurements from
# sealroot-measure (docs/bundles.md; schema docs/reference-values.schema.json);
# for snp and tdx also the lines Kata's Go runtime ("kata") and runtime-rs
# ("kata_runtime_rs") boot, with theirs.
# Usage: reference-values.sh TEE BUNDLE_DIR KERNEL MEASURE_TOOL [FIRMWARE]
#   SNP_VCPUS (default 1), SNP_VCPU_TYPES (default "EPYC-v4 EPYC-Milan
#   EPYC-Genoa") and SNP_GUEST_FEATURES (default "0x1 0x21") choose the
#   SNP launch digests computed.
# Reads: the bundle's files. Changes: writes BUNDLE_DIR/reference-values.json.
# Prints nothing. On failure: "reference-values: ERROR: ..." (exit 2 for
# wrong arguments) or the measure tool's error, exit non-zero; a missing
# firmware is recorded in the file, not hidden.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
STAGE=reference-values
# shellcheck source=tools/common.sh
. "$top/tools/common.sh"
[ $# -ge 4 ] || usage_die "usage: reference-values.sh TEE BUNDLE_DIR KERNEL MEASURE_TOOL [FIRMWARE]"
tee=$1 dir=$2 kernel=$3 measure=$4 firmware=${5:-}
vcpus=${SNP_VCPUS:-1}
types=${SNP_VCPU_TYPES:-EPYC-v4 EPYC-Milan EPYC-Genoa}
features=${SNP_GUEST_FEATURES:-0x1 0x21}

cmdline=$(cat "$dir/cmdline") # without the file's newline: what the firmware measures
digests() { # FILE: {"sha256": .., "sha384": ..}
	printf '{"sha256": "%s", "sha384": "%s"}' "$(sha256_of "$1")" "$(sha384sum <"$1" | cut -d' ' -f1)"
}
# snp_digests LINE [TYPES]: the launch digests of LINE, one JSON object per
# vCPU type (TYPES, default $types) and guest-features value,
# comma-separated.
snp_digests() {
	_sep=
	for t in ${2:-$types}; do
		for f in $features; do
			_d=$("$measure" snp --ovmf "$dir/$firmware" --kernel "$dir/$kernel" \
				--initrd "$empty" --append "$1" --vcpus "$vcpus" \
				--vcpu-type "$t" --guest-features "$f") || return 1
			printf '%s      {"vcpus": %s, "vcpu_type": %s, "guest_features": %s, "launch_digest": %s}' \
				"$_sep" "$vcpus" "$(json_str "$t")" "$(json_str "$f")" "$(json_str "$_d")"
			_sep=',
'
		done
	done
}

# kata_line TEE RUNTIME: the line Kata boots for this bundle under its
# qemu-TEE template (RUNTIME go, the object "kata") or its
# qemu-TEE-runtime-rs template (RUNTIME rs, "kata_runtime_rs"): from
# tools/kata-cmdline.sh, for the Kata commit it names (that runtime's own
# parameters around the bundle's kernel_params, and the extensions), with
# that line's digests and launch measurements (docs/kata.md, row 12).
kata_line() {
	_kp=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["kernel_params"])' "$dir/manifest.json")
	_words=
	if [ -f "$dir/extensions.json" ]; then
		_words=$(python3 -c 'import json,sys
for e in json.load(open(sys.argv[1])):
    print("kata.extension.%s.verity_params%s" % (e["name"], "=" + e["verity_params"] if e["verity_params"] else ""))' \
			"$dir/extensions.json") || die "cannot read $dir/extensions.json"
	fi
	case $2 in
	go) _shape=$1 _key=kata _runtime=go _template=qemu-$1 ;;
	rs) _shape=rs-$1 _key=kata_runtime_rs _runtime=runtime-rs _template=qemu-$1-runtime-rs ;;
	esac
	# shellcheck disable=SC2086 # one word per extension
	_line=$("$top/tools/kata-cmdline.sh" "$_shape" "$(cat "$dir/root_hash.txt")" erofs "$_kp" /dev/vda1 /dev/vda2 $_words) ||
		return 1
	printf '%s' "$_line" >"$empty.kata"
	echo "  \"$_key\": {\"runtime\": \"$_runtime\", \"template\": \"$_template\", \"kata_commit\": \"$("$top/tools/kata-cmdline.sh" --commit)\","
	echo "    \"cmdline\": {\"value\": $(json_str "$_line"), \"digests\": $(digests "$empty.kata")},"
	case $1 in
	snp)
		# runtime-rs always runs -cpu EPYC-v4 for SNP (cmdline_generator.rs
		# add_sev_snp_protection_device, cpu.set_type): that type alone.
		_t=
		[ "$2" = go ] || _t=EPYC-v4
		echo '    "launch_digests": ['
		snp_digests "$_line" "$_t" || return 1
		echo
		echo '    ]},'
		;;
	tdx)
		_o=$("$measure" tdx --ovmf "$dir/$firmware" --kernel "$dir/$kernel" --append "$_line" \
			--initrd-form "$(tdx_initrd_form)") || return 1
		echo "    \"rtmr2\": $(json_str "$(printf '%s\n' "$_o" | sed -n 's/^rtmr2 //p')")},"
		;;
	esac
}

empty=$(mktemp)
trap 'rm -f "$empty" "$empty.cmd" "$empty.err" "$empty.kata"' EXIT
printf '%s' "$cmdline" >"$empty.cmd"

{
	echo '{'
	echo '  "format": "sealroot-reference-values/1",'
	echo "  \"tee\": $(json_str "$tee"),"
	if [ "$tee" = se ]; then
		# No verity disk: the root is the initrd inside the SE image.
		echo '  "root_hash": null,'
		echo '  "kata_verity_params": null,'
	else
		echo "  \"root_hash\": $(json_str "$(cat "$dir/roothash")"),"
		echo "  \"kata_verity_params\": $(json_str "$(cat "$dir/root_hash.txt")"),"
	fi
	# Each extension image the command line names (bundle.sh --extension):
	# a verifier checks its root hash in the command line it attests.
	if [ -f "$dir/extensions.json" ]; then
		echo "  \"extensions\": $(cat "$dir/extensions.json"),"
	else
		echo '  "extensions": [],'
	fi
	echo "  \"kernel\": {\"file\": $(json_str "$kernel"), \"digests\": $(digests "$dir/$kernel")},"
	echo "  \"cmdline\": {\"value\": $(json_str "$cmdline"), \"digests\": $(digests "$empty.cmd")},"
	if [ -f "$dir/initrd.img" ]; then
		echo "  \"initrd\": {\"file\": \"initrd.img\", \"digests\": $(digests "$dir/initrd.img")},"
	else
		echo "  \"initrd\": {\"file\": null, \"digests\": $(digests "$empty")},"
	fi
	case $tee in
	snp)
		if [ -n "$firmware" ]; then
			# Kernel hashes (QEMU kernel-hashes=on): the digest covers the
			# kernel, initrd and command line. bundle.sh has refused a
			# firmware without the kernel-hashes section, so there is no
			# digest here that covers less.
			echo "  \"snp\": {\"firmware\": {\"file\": $(json_str "$firmware"), \"sha256\": \"$(sha256_of "$dir/$firmware")\"},"
			echo "    \"kernel_hashes\": true,"
			echo "    \"launch_digests\": ["
			snp_digests "$cmdline" || exit 1
			echo
			echo '    ]},'
			kata_line snp go || exit 1
			kata_line snp rs || exit 1
		else
			echo '  "snp": {"unavailable": "no AmdSev firmware (firmware/build.sh snp)"},'
		fi
		;;
	tdx)
		if [ -n "$firmware" ]; then
			# No initrd: RTMR2 then holds the command line alone.
			form=$(tdx_initrd_form)
			out=$("$measure" tdx --ovmf "$dir/$firmware" --kernel "$dir/$kernel" \
				--append "$cmdline" --initrd-form "$form")
			v() { printf '%s\n' "$out" | sed -n "s/^$1 //p"; }
			echo "  \"tdx\": {\"firmware\": {\"file\": $(json_str "$firmware"), \"sha256\": \"$(sha256_of "$dir/$firmware")\"},"
			echo "    \"mrtd\": $(json_str "$(v mrtd)"), \"rtmr1\": $(json_str "$(v rtmr1)"), \"rtmr2\": $(json_str "$(v rtmr2)"),"
			echo "    \"rtmr2_cmdline_form\": \"$form\","
			echo '    "rtmr0": "measured on the target host: it depends on QEMU'"'"'s ACPI tables and the firmware variables"},'
			kata_line tdx go || exit 1
			kata_line tdx rs || exit 1
		else
			echo '  "tdx": {"unavailable": "no IntelTdx firmware (firmware/build.sh tdx)"},'
		fi
		;;
	se)
		echo '  "se": {"note": "no launch digest to precompute: the SE header is encrypted for the host key documents, and se.version, se.tag, se.image_phkh and se.attestation_phkh come from the SE image (pvextract-hdr) after tools/se-image.sh runs genprotimg",'
		echo "    \"genprotimg_inputs\": {\"kernel\": $(digests "$dir/$kernel"), \"initrd\": $(digests "$dir/initrd.img"), \"parmfile\": $(digests "$dir/parmfile")},"
		echo "    \"parmfile\": $(json_str "$cmdline")},"
		;;
	esac
	echo "  \"bundle\": {\"manifest_sha256\": \"$(sha256_of "$dir/manifest.json")\"}"
	echo '}'
} >"$dir/reference-values.json"
