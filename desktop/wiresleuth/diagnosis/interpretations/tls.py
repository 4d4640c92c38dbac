"""The TLS check's interpretation: whether each secure connection completes, and if not,
where it breaks."""

from __future__ import annotations

from wiresleuth.analysis.tls_wizard_findings import analyse_tls_wizard
from wiresleuth.diagnosis.interpretation import Conclusions, Interpretation, Material
from wiresleuth.model.observations import TlsWizardObservations


class TlsInterpretation(Interpretation):
    """Intercepted handshakes, injected plaintext, resets, alerts, lost large packets,
    certificates replaced on the way, the gateway's maker."""

    name = "tls"
    observation_type = TlsWizardObservations
    emits = frozenset(
        {
            "net.gateway_vendor", "path.direct_blocked", "path.dscp_marked",
            "path.large_packet_loss", "path.tcp_intercepted", "tls.certificate_intercepted",
            "tls.certificate_invalid", "tls.fatal_alert", "tls.inspected_by_proxy",
            "tls.no_server_hello", "tls.plaintext_injected", "tls.reset_after_client_hello",
        }
    )  # fmt: skip

    def interpret(self, material: Material) -> Conclusions:
        obs = material.observations(self.name, TlsWizardObservations)
        assert obs is not None
        wire = material.wire
        findings, labels = analyse_tls_wizard(obs, wire.flows, wire.packets)
        return Conclusions(findings=tuple(findings), labels=labels)
