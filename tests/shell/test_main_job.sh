#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# The README's main job ends in `./build.sh boot`: it must boot the built
# image with its initdata disk, attest to the test KBS and receive the demo
# secret, all the way to the agent's verdict and a clean power-off. (An
# image booted without the disk fails closed, so a boot step that forgot to
# attach it would fail here.)
TOP=$(cd "$(dirname "$0")/../.." && pwd)

test_build_sh_boot_reaches_the_agent() {
	out=$(cd "$TOP" && ./build.sh boot 2>&1)
	rc=$?
	assertEquals "./build.sh boot exit code; output: $(printf '%s' "$out" | tail -n 5)" 0 "$rc"
	assertContains "$out" "sealroot: initdata: wrote"
	assertContains "$out" "sealroot: attest: the KBS accepted the evidence"
	assertContains "$out" "sealroot: attest: resource default/key/demo released"
	assertContains "$out" "sealroot-test: secret file demo.key mode 0400"
	assertContains "$out" "sealroot-test: VERDICT PASS"
	assertContains "$out" "QEMU exited cleanly (the guest powered off)"
	assertNotContains "$out" "FATAL"
}

. shunit2
