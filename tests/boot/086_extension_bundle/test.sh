#!/bin/sh
# 086_extension_bundle: make image EXTENSIONS=coco carries the extension
# as Kata's configuration does ([[hypervisor.qemu.guest_extension_images]]
# name, path, verity_params: kata-containers docs/design/
# composable-vm-images.md, "Runtime configuration", commit 7c6ba40c): the
# bundle's command line ends with kata.extension.coco.verity_params=...
# as the runtime appends it (src/runtime/virtcontainers/qemu.go,
# kernelParameters, after kernel_params), so its digests (and on snp and
# tdx the launch measurements) cover the extension's root hash; the
# reference values list the extension with that root hash, and match the
# schema. The guest boots from exactly that command line with the disk
# attached and mounts the extension verified; and it boots the same way in
# the Go runtime's coco-dev shape composed from the bundle's configuration
# alone (its guest_extension_images entry).
. "$TOP/tests/lib/boot.sh"
. "$TOP/tests/lib/extension.sh"

ext_build coco
b=$CASE_WORK/bundle
(cd "$TOP" && make -s image OUT="$b" EXTENSIONS=coco) >"$CASE_WORK/make.log" 2>&1 ||
	{ tail -n 20 "$CASE_WORK/make.log"; case_fail "make image EXTENSIONS=coco failed"; }
root=$(printf '%s\n' "$EXT_PARAMS" | tr ',' '\n' | sed -n 's/^root_hash=//p')
case "$(cat "$b/cmdline")" in
*" kata.extension.coco.verity_params=$EXT_PARAMS") ;;
*) case_fail "the bundle's cmdline does not end with the extension: $(cat "$b/cmdline")" ;;
esac
cmp -s "$b/extension-coco.img" "$EXT_IMG" || case_fail "the bundle's extension image differs"
python3 - "$b" "$root" "$EXT_PARAMS" "$TOP/docs/reference-values.schema.json" <<'PY' || case_fail "reference values, manifest or Kata configuration"
import hashlib, json, sys, tomllib, jsonschema
b, root, params, schema = sys.argv[1:]
rv = json.load(open(b + "/reference-values.json"))
jsonschema.validate(rv, json.load(open(schema)))
ext = rv["extensions"]
assert len(ext) == 1 and ext[0]["name"] == "coco" and ext[0]["measured"], ext
assert ext[0]["root_hash"] == root and ext[0]["verity_params"] == params, ext
img = open(b + "/extension-coco.img", "rb").read()
assert ext[0]["sha256"] == hashlib.sha256(img).hexdigest()
cmd = open(b + "/cmdline").read().rstrip("\n")
assert rv["cmdline"]["value"] == cmd
assert rv["cmdline"]["digests"]["sha256"] == hashlib.sha256(cmd.encode()).hexdigest()
m = json.load(open(b + "/manifest.json"))
assert m["extensions"] == ext and "extension-coco.img" in m["artifacts"], m["extensions"]
cfg = tomllib.load(open(b + "/configuration-qemu-none.toml", "rb"))
gx = cfg["hypervisor"]["qemu"]["guest_extension_images"]
assert gx == [{"name": "coco", "path": "/opt/sealroot/share/sealroot/none/extension-coco.img",
               "verity_params": params}], gx
PY
# shellcheck disable=SC2046 # ext_disk prints a word list
boot_run "$b/rootfs.img" "$(cat "$b/cmdline")" $(ext_disk "$b/extension-coco.img" extension-coco)
expect_exited
expect_log "extensions: coco: verified, root hash $root"
expect_log "sealroot-test: extension coco: marker size $(wc -c <"$EXT_MARKER")"
expect_log "sealroot-test: VERDICT PASS"
expect_no_log "FATAL"

# Kata's coco-dev shape from the installed configuration: the extension as
# its guest_extension_images entry says.
eval "$(python3 - "$b/configuration-qemu-none.toml" "$b" <<'PY'
import os, shlex, sys, tomllib
q = tomllib.load(open(sys.argv[1], "rb"))["hypervisor"]["qemu"]
(e,) = q["guest_extension_images"]
print("KS_EXTENSIONS=%s" % shlex.quote("%s=%s/%s" % (e["name"], sys.argv[2], os.path.basename(e["path"]))))
print("KS_EXT_PARAMS_%s=%s" % (e["name"], shlex.quote(e["verity_params"])))
PY
)"
EXT_BUNDLE=$b ext_boot_kata
grep -q " kata.extension.coco.verity_params=$EXT_PARAMS\$" "$LOG.cmd" ||
	case_fail "Kata's line does not end with the extension's word"
expect_exited
expect_log "extensions: coco: verified, root hash $root"
expect_log "sealroot-test: VERDICT PASS"
expect_no_log "FATAL"
