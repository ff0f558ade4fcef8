# SPDX-License-Identifier: Apache-2.0
# sealroot's default agent policy: /etc/kata-opa/default-policy.rego in the
# measured root when `make image` is given no AGENT_POLICY (docs/kata.md,
# row 2). A policy-enabled kata-agent loads this file at start or aborts;
# an owner's initdata `policy.rego` replaces it.
#
# Every request of the agent's API (kata-containers
# src/libs/protocols/protos/agent.proto, commit 7c6ba40c) that a pod needs
# is allowed. Denied, because in a measured guest only the owner (through
# initdata) may allow them, never the host:
# - ExecProcessRequest: the host running commands in a container;
# - SetPolicyRequest: the host replacing this policy (an owner's policy
#   comes through initdata, bound to the TEE, not through this call);
# - GetDiagnosticDataRequest: guest diagnostics handed to the host.
# A request with no rule here is denied by the agent too (policy.rs,
# allow_request: an undefined rule is an error).
# This is a floor, not the pod's boundary: CreateContainerRequest is not
# checked against the pod's spec. For that, put a genpolicy policy in the
# initdata.

package agent_policy

default AddARPNeighborsRequest := true
default AddSwapPathRequest := true
default AddSwapRequest := true
default CloseStdinRequest := true
default CopyFileRequest := true
default CreateContainerRequest := true
default CreateSandboxRequest := true
default DestroySandboxRequest := true
default GetIPTablesRequest := true
default GetMetricsRequest := true
default GetOOMEventRequest := true
default GuestDetailsRequest := true
default ListInterfacesRequest := true
default ListRoutesRequest := true
default MemAgentCompactConfig := true
default MemAgentMemcgConfig := true
default MemHotplugByProbeRequest := true
default OnlineCPUMemRequest := true
default PauseContainerRequest := true
default ReadStreamRequest := true
default RemoveContainerRequest := true
default RemoveStaleVirtiofsShareMountsRequest := true
default ReseedRandomDevRequest := true
default ResizeVolumeRequest := true
default ResumeContainerRequest := true
default SetGuestDateTimeRequest := true
default SetIPTablesRequest := true
default SignalProcessRequest := true
default StartContainerRequest := true
default StatsContainerRequest := true
default TtyWinResizeRequest := true
default UpdateContainerRequest := true
default UpdateEphemeralMountsRequest := true
default UpdateInterfaceRequest := true
default UpdateRoutesRequest := true
default VolumeStatsRequest := true
default WaitProcessRequest := true
default WriteStreamRequest := true

default ExecProcessRequest := false
default GetDiagnosticDataRequest := false
default SetPolicyRequest := false
