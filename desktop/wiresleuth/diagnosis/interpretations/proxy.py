"""The proxy-path check's interpretation: which way each site works, and why."""

from __future__ import annotations

from wiresleuth.analysis.proxy_path_findings import analyse_proxy_wizard
from wiresleuth.diagnosis.interpretation import Conclusions, Interpretation, Material
from wiresleuth.model.proxy_observations import ProxyWizardObservations


class ProxyInterpretation(Interpretation):
    """Direct, via the proxy, both or neither; tunnels closed, transparent proxies, path
    proof, endpoints that must refuse."""

    name = "proxy"
    observation_type = ProxyWizardObservations
    emits = frozenset(
        {
            "path.direct_blocked", "path.unexpected_handshake", "path.works_only_via_proxy",
            "pathproof.delivered", "pathproof.not_delivered", "proxy.auth_rejected",
            "proxy.auth_required", "proxy.connect_port_denied", "proxy.transparent_http",
            "proxy.tunnel_closed", "proxy.unreachable",
        }
    )  # fmt: skip

    def interpret(self, material: Material) -> Conclusions:
        obs = material.observations(self.name, ProxyWizardObservations)
        assert obs is not None
        wire = material.wire
        findings, labels = analyse_proxy_wizard(obs, wire.flows, wire.packets)
        return Conclusions(findings=tuple(findings), labels=labels)
