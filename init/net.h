/* SPDX-License-Identifier: Apache-2.0 */
/*
 * net: brings up loopback and, when the measured initdata's sealroot.toml
 * has a [network] table, one interface with a static IPv4 address and a
 * default route, so the init can reach the KBS before the agent runs.
 * Reads: struct attest_config. Changes: interface flags, one address, one
 * route. On failure: -errno with the interface and the operation named.
 * The network is untrusted either way: TLS and the attestation protect
 * what crosses it; this only makes it reachable.
 */
#ifndef SEALROOT_NET_H
#define SEALROOT_NET_H

#include "boot.h"

int step_net(struct boot *b);

#endif
