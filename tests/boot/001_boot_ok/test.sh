#!/bin/sh
# 001_boot_ok: the guest boots from the verity root, the init verifies it,
# and the test agent reports from inside: / is dm-verity and read-only, the
# image's modules are loaded and loading is locked, the agent is PID 1 of
# its own PID namespace (init mode: docs/kata.md, row 3).
# Then the agent exits and the VM powers off cleanly.
# Issue 18 (docs/kata.md, rows 1, 2, 7): the agent also does to the file
# system what the kata-agent does at start and at CreateSandbox
# (kata-containers src/agent/src at commit 7c6ba40c54ea): namespace.rs
# Namespace::setup creates /var/run/sandbox-ns/ipc, network.rs
# do_setup_guest_dns bind-mounts over /etc/resolv.conf only if it exists,
# and main.rs initialize_policy loads /etc/kata-opa/default-policy.rego or
# aborts; the policy in the root is the one the manifest records.
. "$TOP/tests/lib/boot.sh"

boot_run "$BUNDLE/rootfs.img" "$(sr_bundle_cmdline "$BUNDLE")"
expect_exited
for step in mount cmdline verity kmod initdata agent; do
	expect_log "step $step: ok"
done
expect_log "verity: / is dm-verity, root hash $(cat "$BUNDLE/roothash")"
# Every module the image lists is built in, and the init knows it from
# modules.builtin alone (no libkmod, no load): kernel-config/base.config.
n=$(grep -cv '^#' "$TOP/rootfs/modules.list")
expect_log "kmod: $n modules present ($n built in), module loading now disabled"
# Lazy verity by default: no full scan (docs/init.md, "The full scan").
expect_log "verity scan off"
expect_no_log "all blocks verified"
expect_log "sealroot-test: kata /var/run/sandbox-ns/ipc created on tmpfs"
expect_log "sealroot-test: kata /etc/resolv.conf bind-mounted"
policy_sha=$(python3 -c 'import json, sys; print(json.load(open(sys.argv[1]))["agent_policy"]["sha256"])' \
	"$BUNDLE/manifest.json") || case_fail "the manifest records no agent_policy"
expect_log "sealroot-test: kata policy /etc/kata-opa/default-policy.rego size $(wc -c <"$TOP/rootfs/default-policy.rego") sha256 $policy_sha"
[ "$policy_sha" = "$(sha256sum <"$TOP/rootfs/default-policy.rego" | cut -d' ' -f1)" ] ||
	case_fail "the bundle's agent policy is not rootfs/default-policy.rego"
expect_log "sealroot-test: VERDICT PASS"
expect_no_log "VERDICT FAIL"
expect_no_log "FATAL"
expect_log "exited with status 0"
expect_log "shutdown: complete"
expect_log "powering off"
