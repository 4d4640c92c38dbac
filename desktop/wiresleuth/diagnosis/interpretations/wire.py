"""The ordinary faults any capture shows, whoever made the traffic: refusals and silence,
failing name servers, stalls, and which part of a slow exchange took the time."""

from __future__ import annotations

from wiresleuth.analysis.passive_findings import ordinary_faults, passive_findings
from wiresleuth.analysis.passive_model import WIZARD
from wiresleuth.diagnosis.interpretation import Conclusions, Interpretation, Material
from wiresleuth.diagnosis.recording import Recording


class WireInterpretation(Interpretation):
    """Rules that need no observations: the packets alone."""

    name = WIZARD
    emits = frozenset(
        {
            "tcp.connection_refused", "tcp.no_answer", "dns.no_answer", "dns.server_failure",
            "tcp.unacknowledged", "tcp.zero_window", "latency.path", "latency.server",
            "latency.client", "path.tcp_intercepted", "tls.plaintext_injected",
            "tls.reset_after_client_hello", "tls.no_server_hello", "path.large_packet_loss",
            "path.dscp_marked", "dns.nxdomain_rewritten", "local.request_held",
            "net.gateway_vendor",
        }
    )  # fmt: skip

    def applies(self, recording: Recording) -> bool:
        return bool(recording.packets) or recording.conversations is not None

    def interpret(self, material: Material) -> Conclusions:
        conversations = material.wire.conversations
        if material.recording.own_traffic:
            # The run's probes made every connection: the wizards explain the ones they cite,
            # and the connection attempts they provoke on purpose are theirs to judge.
            found = ordinary_faults(
                conversations, explained=material.cited, connection_attempts=False
            )
            return Conclusions(findings=tuple(found))
        return Conclusions(findings=passive_findings(conversations))
