#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# bundle: assembles out/<tee>/ from the stage outputs and writes
# manifest.json, the record a verifier and an auditor start from, the Kata
# configuration-qemu-<tee>.toml and reference-values.json (docs/bundles.md).
# Reads: the kernel dir, the verity dir (or, for se, the initrd), the deps
# prefix, the init and agent, the agent policy the root holds (recorded, not
# installed: rootfs/build.sh installs it), the firmware dir (snp, tdx) and
# sealroot-measure.
# --agent-libs FILE: the list rootfs/build.sh wrote beside the root image
# (<image>.agent-libs) of the dynamically linked agent's loader and
# libraries in the root, recorded as the manifest's agent_libs (empty for a
# static agent, or when not given).
# --initdata required|optional (default required): optional puts
# sealroot.initdata=optional on the measured command line (docs/kata.md,
# row 9).
# --extension DIR (repeatable): a guest extension image that make
# extension wrote (DIR/extension.json, extension-<name>.img, verity_params):
# copied in, its kata.extension.<name>.verity_params appended to the
# command line as Kata appends it (so the cmdline digests and launch
# measurements cover it), listed in the Kata configuration's
# guest_extension_images, the manifest and the reference values
# (docs/kata.md, "Extension images").
# Changes: replaces OUT. Prints: progress and warnings on stderr.
# On failure: "bundle: ERROR: ...", exit 2 for wrong arguments, else 1; a
# partial bundle is never left in place (it is built next to OUT and renamed).
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
STAGE=bundle
# shellcheck source=tools/common.sh
. "$top/tools/common.sh"
# shellcheck source=verity/cmdline.sh
. "$top/verity/cmdline.sh"

usage() {
	usage_die "${1:+$1; }usage: bundle.sh --tee TEE --kernel-dir DIR (--verity-dir DIR | --initrd FILE) --deps-prefix DIR --init FILE --agent FILE --out DIR [--agent-libs FILE] [--agent-policy FILE] [--initdata required|optional] [--extension DIR]... [--firmware-dir DIR] [--measure TOOL] [--prefix DIR]"
}
tee= kdir= vdir= initrd= deps= init= agent= out= fwdir= measure= prefix=/opt/sealroot
policy=$top/rootfs/default-policy.rego initdata=required extdirs=
agentlibs=''
while [ $# -gt 0 ]; do
	[ $# -ge 2 ] || usage "option $1 needs a value"
	case $1 in
	--tee) tee=$2 ;;
	--kernel-dir) kdir=$2 ;;
	--verity-dir) vdir=$2 ;;
	--initrd) initrd=$2 ;;
	--deps-prefix) deps=$2 ;;
	--init) init=$2 ;;
	--agent) agent=$2 ;;
	--agent-policy) policy=$2 ;;
	--agent-libs) agentlibs=$2 ;;
	--initdata) initdata=$2 ;;
	--extension)
		case $2 in *[!A-Za-z0-9/_.-]*) usage "--extension $2: only [A-Za-z0-9/_.-] in the path" ;; esac
		extdirs="$extdirs $2" ;;
	--out) out=$2 ;;
	--firmware-dir) fwdir=$2 ;;
	--measure) measure=$2 ;;
	--prefix) prefix=$2 ;;
	*) usage "unknown option $1" ;;
	esac
	shift 2
done
for v in "$tee" "$kdir" "$deps" "$init" "$agent" "$out"; do
	[ -n "$v" ] || usage
done
case $initdata in
required | optional) ;;
*) usage "--initdata $initdata is neither required nor optional" ;;
esac
[ -f "$policy" ] || usage "no agent policy $policy"
# The agent's loader and libraries, as the root holds them (in the verity
# root, or the sealed initrd): {"path", "role", "sha256", "size"} each.
agent_libs_json=
if [ -n "$agentlibs" ]; then
	[ -f "$agentlibs" ] || usage "no agent library list $agentlibs (rootfs/build.sh writes it beside the image)"
	while read -r lsha lsize lrole lpath; do
		case $lsize in '' | *[!0-9]*) lsha=bad ;; esac
		case $lrole in interpreter | library) ;; *) lsha=bad ;; esac
		case $lpath in /*) ;; *) lsha=bad ;; esac
		is_sha256 "$lsha" || die "$agentlibs: not a line rootfs/build.sh writes: $lsize $lrole $lpath"
		agent_libs_json="$agent_libs_json${agent_libs_json:+, }{\"path\": $(json_str "$lpath"), \"role\": \"$lrole\", \"sha256\": \"$lsha\", \"size\": $lsize}"
	done <"$agentlibs"
fi
# Without initdata there is no owner configuration in force (docs/kata.md,
# row 9): a guest runs without it only when the measured command line says
# so, and then the TEE must show that no initdata was given.
idopt=
[ "$initdata" = required ] || idopt=" sealroot.initdata=optional"
# se: the root is the initrd, sealed with the kernel and the command line in
# the SE image (genprotimg); every other TEE has a dm-verity root disk.
if [ "$tee" = se ]; then
	[ -n "$initrd" ] && [ -z "$vdir" ] || usage "se takes --initrd, not --verity-dir"
else
	[ -n "$vdir" ] && [ -z "$initrd" ] || usage "$tee takes --verity-dir, not --initrd"
fi

tmp=$out.tmp
rm -rf "$tmp"
mkdir -p "$tmp"

# The kernel Kata starts: the PVH vmlinux for none (QEMU's direct boot), the
# EFI-stub bzImage for snp and tdx (booted by the TEE firmware); for se the
# s390 compressed image, the kernel genprotimg seals.
kernel=vmlinux
case $tee in snp | tdx | se) kernel=bzImage; cp "$kdir/bzImage" "$tmp/bzImage" ;; esac
[ "$tee" = se ] || cp "$kdir/vmlinux" "$tmp/vmlinux"
if [ "$tee" = se ]; then
	cp "$initrd" "$tmp/initrd.img"
	# The parmfile is all the command line an SE guest gets: QEMU's and
	# Kata's are ignored. So it names the console for the FATAL line.
	# rng_core.default_quality=0: what a host-fed hardware RNG gives is
	# mixed in, never credited (docs/init.md, "Randomness").
	# cgroup_no_v1=all: the agent in init mode takes the cgroup v2 path
	# (docs/kata.md, row 3).
	kernel_params="rdinit=/sbin/init sealroot.root=initramfs$idopt console=ttysclp0 rng_core.default_quality=0 cgroup_no_v1=all panic=-1 quiet"
	printf '%s\n' "$kernel_params" >"$tmp/cmdline"
	cp "$tmp/cmdline" "$tmp/parmfile"
	vp=
else
	# The command line in the form Kata composes it (docs/bundles.md, "The
	# command line, as Kata builds it"): the root parameters and
	# dm-mod.create built from kernel_verity_params on virtio-blk's
	# /dev/vda1 and /dev/vda2, then kernel_params. So the bundle's cmdline
	# is the one Kata's configuration yields.
	cp "$vdir/rootfs.img" "$tmp/rootfs.img"
	cp "$vdir/root_hash.txt" "$vdir/roothash" "$tmp/"
	vp=$(cat "$vdir/root_hash.txt")
	root=$(verity_param "$vp" root_hash)
	create=$(verity_dm_create "$vp" /dev/vda1 /dev/vda2)
	# A panic powers off instead of hanging; a quiet console (errors still
	# show). rng_core.default_quality=0: what a host-fed hardware RNG
	# (virtio-rng) gives is mixed in, never credited (docs/init.md,
	# "Randomness"). cgroup_no_v1=all: the agent in init mode mounts cgroup
	# v2 only when it sees this (or systemd.unified_cgroup_hierarchy=1),
	# else it tries v1 hierarchies (kata-containers 7c6ba40c
	# src/agent/src/main.rs real_main, mount.rs get_cgroup_mounts;
	# docs/kata.md, row 3).
	kernel_params="dm-mod.waitfor=/dev/vda1,/dev/vda2 rng_core.default_quality=0 cgroup_no_v1=all sealroot.roothash=$root$idopt panic=-1 quiet"
	printf '%s %s\n' "$VERITY_ROOT $create" "$kernel_params" >"$tmp/cmdline"
	[ "$root" = "$(cat "$vdir/roothash")" ] || die "root hash mismatch between $vdir/root_hash.txt and $vdir/roothash"
fi

# Extensions: after everything else on the line, as Kata's runtimes append
# them (kata-containers src/runtime/virtcontainers/qemu.go kernelParameters,
# after the configured kernel_params; commit 7c6ba40c).
ext_names= ext_toml= ext_json=
[ -z "$extdirs" ] || [ "$tee" != se ] || die "se takes no extensions: its command line is the sealed parmfile"
for d in $extdirs; do
	[ -f "$d/extension.json" ] && [ -f "$d/verity_params" ] || die "$d is not an extension (make extension)"
	name=$(basename "$d")
	printf '%s' "$name" | grep -qxE '[a-z0-9][a-z0-9_-]{0,9}' || die "$d: bad extension name $name"
	case " $ext_names " in *" $name "*) die "extension $name given twice" ;; esac
	ext_names="$ext_names $name"
	[ -f "$d/extension-$name.img" ] || die "$d has no extension-$name.img"
	cp "$d/extension-$name.img" "$tmp/"
	evp=$(cat "$d/verity_params")
	# One word on the measured line: nothing that would split or quote it.
	case $evp in *[!a-z0-9_=,]*) die "$d/verity_params is not root_hash=..,salt=..,..." ;; esac
	printf ' kata.extension.%s.verity_params%s' "$name" "${evp:+=$evp}" >>"$tmp/ext-params"
	ext_toml="$ext_toml
[[hypervisor.qemu.guest_extension_images]]
name = $(json_str "$name")
path = $(json_str "$prefix/share/sealroot/$tee/extension-$name.img")
verity_params = $(json_str "$evp")"
	root=null
	[ -z "$evp" ] || root=$(json_str "$(verity_param "$evp" root_hash)")
	ext_json="$ext_json${ext_json:+, }{\"name\": $(json_str "$name"), \"measured\": $([ -n "$evp" ] && echo true || echo false), \"image\": $(json_str "extension-$name.img"), \"sha256\": \"$(sha256_of "$tmp/extension-$name.img")\", \"root_hash\": $root, \"verity_params\": $(json_str "$evp")}"
done
if [ -f "$tmp/ext-params" ]; then
	printf '%s%s\n' "$(cat "$tmp/cmdline")" "$(cat "$tmp/ext-params")" >"$tmp/cmdline.new"
	mv "$tmp/cmdline.new" "$tmp/cmdline"
	rm -f "$tmp/ext-params"
fi
printf '[%s]\n' "$ext_json" >"$tmp/extensions.json"

# Firmware (snp, tdx): referenced by path and sha256, copied into the bundle.
firmware= fw_name=
case $tee in
snp) fw_name=AMDSEV.fd ;;
tdx) fw_name=OVMF.inteltdx.fd ;;
esac
if [ -n "$fw_name" ]; then
	if [ -n "$fwdir" ] && [ -f "$fwdir/$fw_name" ]; then
		cp "$fwdir/$fw_name" "$tmp/$fw_name"
		firmware=$tmp/$fw_name
	else
		say "WARNING: no $fw_name (firmware/build.sh $tee); the bundle has no firmware and no launch digest"
		echo "no firmware $fw_name: launch measurements not computed" >>"$tmp/warnings"
	fi
fi

commit=$(git -C "$top" rev-parse HEAD 2>/dev/null || echo unknown)
dirty=false
[ -z "$(git -C "$top" status --porcelain 2>/dev/null)" ] || dirty=true
busybox_v=$(dpkg-query -W -f '${Version}' busybox-static 2>/dev/null || echo unknown)
busybox_pkg=busybox-static
if [ -x "$deps/bin/busybox" ]; then
	# Cross-built in deps (its source is in versions.json).
	busybox_pkg=busybox
	busybox_v=$(sed -n 's/^ *"busybox": {"debian_version": "\([^"]*\)".*/\1 (built from source: only the applets the image links)/p' "$deps/versions.json")
fi

# SNP: the launch digest must cover the kernel, initrd and command line,
# through the firmware's kernel-hashes section that QEMU's kernel-hashes=on
# fills (edk2 OvmfPkg/ResetVector/X64/OvmfSevMetadata.asm, section type
# 0x10, and the SEV hash table GUID 7255371f-3a3b-4b04-927b-1da6efa8d454).
# A firmware without it would make every kernel, root and init attest as
# genuine: no bundle is made with one.
if [ "$tee" = snp ]; then
	[ -n "$firmware" ] && [ -n "$measure" ] ||
		die "an snp bundle needs --firmware-dir and --measure"
	"$measure" snp --ovmf "$firmware" --mode sections >"$tmp/fw-sections" ||
		die "cannot read the SEV metadata of $fw_name"
	if ! grep -q ' type=kernel-hashes$' "$tmp/fw-sections" || ! grep -q '^hashes-table ' "$tmp/fw-sections"; then
		die "$fw_name has no SNP kernel-hashes section, so its launch digest would not cover the kernel, initrd or command line; refusing to make an snp bundle with it (firmware/pins names an edk2 that has one)"
	fi
	rm -f "$tmp/fw-sections"
fi

install_dir=$prefix/share/sealroot/$tee
# se: Kata starts the SE image that tools/se-image.sh makes from the
# genprotimg inputs with the host key documents (docs/bundles.md).
kata_kernel=$kernel
[ "$tee" != se ] || kata_kernel=sealroot-se.img
"$top/tools/kata-config.sh" "$tee" "$install_dir" "$kata_kernel" "$vp" "$kernel_params" \
	"${firmware:+$fw_name}" >"$tmp/configuration-qemu-$tee.toml"
# No extension: say so, since a drop-in replaces an array only when it sets
# it, and runtime-rs's qemu-snp/qemu-tdx templates list Kata's own coco
# extension, whose word would then be on a line no reference value covers
# (kata-containers 7c6ba40c src/libs/kata-types drop_in.rs; docs/kata.md).
if [ -n "$ext_toml" ]; then
	printf '%s\n' "$ext_toml" >>"$tmp/configuration-qemu-$tee.toml"
elif [ "$tee" != se ]; then
	echo 'guest_extension_images = []' >>"$tmp/configuration-qemu-$tee.toml"
fi
cat "$kdir/warnings" "$tmp/warnings" 2>/dev/null | sed '/^$/d' >"$tmp/warnings.all" || true

{
	echo '{'
	echo '  "format": "sealroot-manifest/1",'
	echo "  \"tee\": $(json_str "$tee"),"
	if [ "$tee" = se ]; then
		echo '  "root_hash": null,'
		echo '  "kata_verity_params": null,'
		echo '  "root": "initrd.img, sealed in the SE image with bzImage and parmfile (sealroot.root=initramfs)",'
	else
		echo "  \"root_hash\": $(json_str "$(cat "$vdir/roothash")"),"
		echo "  \"kata_verity_params\": $(json_str "$vp"),"
	fi
	echo "  \"kernel_params\": $(json_str "$kernel_params"),"
	echo "  \"cmdline\": $(json_str "$(cat "$tmp/cmdline")"),"
	echo "  \"install_dir\": $(json_str "$install_dir"),"
	echo "  \"initdata\": $(json_str "$initdata"),"
	echo "  \"extensions\": $(cat "$tmp/extensions.json"),"
	policy_src="AGENT_POLICY ($(basename "$policy"))"
	! cmp -s "$policy" "$top/rootfs/default-policy.rego" || policy_src="sealroot default (rootfs/default-policy.rego)"
	echo "  \"agent_policy\": {\"installed_as\": \"/etc/kata-opa/default-policy.rego\", \"source\": $(json_str "$policy_src"), \"sha256\": \"$(sha256_of "$policy")\", \"size\": $(wc -c <"$policy")},"
	echo "  \"agent_libs\": [$agent_libs_json],"
	echo '  "artifacts": {'
	sep=
	for f in vmlinux bzImage rootfs.img initrd.img cmdline parmfile "$fw_name" "configuration-qemu-$tee.toml" \
		$(for n in $ext_names; do echo "extension-$n.img"; done); do
		[ -n "$f" ] && [ -f "$tmp/$f" ] || continue
		printf '%s    "%s": {"sha256": "%s", "size": %s}' "$sep" "$f" "$(sha256_of "$tmp/$f")" "$(wc -c <"$tmp/$f")"
		sep=',
'
	done
	printf '%s    "sealroot-init": {"sha256": "%s", "size": %s}' "$sep" "$(sha256_of "$init")" "$(wc -c <"$init")"
	printf ',\n    "agent": {"sha256": "%s", "size": %s}' "$(sha256_of "$agent")" "$(wc -c <"$agent")"
	printf ',\n    "agent-policy": {"sha256": "%s", "size": %s}\n' "$(sha256_of "$policy")" "$(wc -c <"$policy")"
	echo '  },'
	echo "  \"kernel_file\": $(json_str "$kernel"),"
	if [ -n "$fw_name" ]; then
		if [ -n "$firmware" ]; then
			echo "  \"firmware\": {\"file\": $(json_str "$fw_name"), \"sha256\": \"$(sha256_of "$firmware")\", \"source\": $(json_str "$(cat "$fwdir/source" 2>/dev/null || echo "firmware/build.sh $tee")")},"
		else
			echo '  "firmware": null,'
		fi
	fi
	echo '  "kernel": {'
	echo "    \"release\": $(json_str "$(cat "$kdir/release")"),"
	# shellcheck disable=SC1091
	ksrc=$(. "$top/kernel-config/source" && echo "$package $debian_version sha256:$sha256")
	[ -z "${KERNEL_TARBALL:-}" ] || ksrc="$KERNEL_TARBALL sha256:${KERNEL_SHA256:-}"
	echo "    \"source\": $(json_str "$ksrc"),"
	echo "    \"config_sha256\": \"$(sha256_of "$kdir/config")\""
	echo '  },'
	printf '  "warnings": ['
	sep=
	while IFS= read -r w; do
		printf '%s%s' "$sep" "$(json_str "$w")"
		sep=', '
	done <"$tmp/warnings.all"
	echo '],'
	echo "  \"dependencies\": $(sed 's/^/  /' "$deps/versions.json" | sed '1s/^  //'),"
	echo "  \"packages\": {$(json_str "$busybox_pkg"): $(json_str "$busybox_v")},"
	echo '  "inputs": {'
	echo "    \"git_commit\": \"$commit\","
	echo "    \"git_dirty\": $dirty,"
	echo "    \"source_date_epoch\": ${SOURCE_DATE_EPOCH:-0}"
	echo '  }'
	echo '}'
} >"$tmp/manifest.json"
rm -f "$tmp/warnings" "$tmp/warnings.all"

"$top/tools/reference-values.sh" "$tee" "$tmp" "$kernel" "${measure:--}" "${firmware:+$fw_name}"

rm -rf "$out"
mv "$tmp" "$out"
if [ "$tee" = se ]; then
	say "$out (genprotimg inputs: bzImage, initrd.img, parmfile; tools/se-image.sh seals them)"
else
	say "$out (root hash $(cat "$out/roothash"))"
fi
