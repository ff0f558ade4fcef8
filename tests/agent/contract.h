// SPDX-License-Identifier: Apache-2.0
/*
 * contract: the agent contract test (tests/agent/contract.c). Does, in the
 * kata-agent's order, what the agent does to the guest's file system,
 * mounts, cgroups and network at start, at CreateSandbox and at two
 * CreateContainer calls (one per cgroupsPath form), one console line per
 * action: "sealroot-test: contract <n> <name>: ok ...", "...: FAIL <why>"
 * or "...: skipped: <why>" (the ttRPC listen on a guest without a vsock
 * device, a guest pull without a confidential-data-hub).
 * Last: "sealroot-test: contract done: ...".
 */
#ifndef SEALROOT_TEST_CONTRACT_H
#define SEALROOT_TEST_CONTRACT_H

#include <stddef.h>

/* The number of steps contract_run() reports, every run. */
#define CONTRACT_STEPS 46

/* Runs every step; returns how many said FAIL. */
int contract_run(void);

/* path's contents (at most size - 1 bytes), NUL-terminated, into buf: the
 * length, or -errno. Shared with test-agent.c. */
int readf(const char *path, char *buf, size_t size);

/* The SHA-256 of b[0..n) as 64 lower-case hex digits and a NUL into hex. */
void sha256_hex(const unsigned char *b, size_t n, char *hex);

#endif
