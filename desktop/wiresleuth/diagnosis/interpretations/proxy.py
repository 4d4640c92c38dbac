"""The proxy-path check's interpretation: which way each site works, and why; and the
targets that cannot be reached directly, wherever a check met them."""

from __future__ import annotations

from wiresleuth.analysis.proxy_path_findings import analyse_proxy_wizard
from wiresleuth.analysis.tls_wizard_findings import direct_blocked_targets
from wiresleuth.diagnosis.interpretation import Conclusions, Interpretation, Material
from wiresleuth.diagnosis.recording import Recording
from wiresleuth.model.finding import Finding
from wiresleuth.model.observations import TlsWizardObservations
from wiresleuth.model.proxy_observations import ProxyWizardObservations


class ProxyInterpretation(Interpretation):
    """Direct, via the proxy, both or neither; tunnels closed, transparent proxies, path
    proof, endpoints that must refuse; targets that cannot be reached directly (the TLS
    check's handshakes included)."""

    name = "proxy"
    observation_type = ProxyWizardObservations
    about = "the proxy-path check"
    emits = frozenset(
        {
            "path.direct_blocked", "path.unexpected_handshake", "path.works_only_via_proxy",
            "pathproof.delivered", "pathproof.not_delivered", "proxy.auth_rejected",
            "proxy.auth_required", "proxy.connect_port_denied", "proxy.transparent_http",
            "proxy.tunnel_closed", "proxy.unreachable",
        }
    )  # fmt: skip

    def applies(self, recording: Recording) -> bool:
        return self.name in recording.observations or "tls" in recording.observations

    def interpret(self, material: Material) -> Conclusions:
        wire = material.wire
        findings: list[Finding] = []
        labels: dict[int, str] = {}
        skipped: dict[str, str] = {}
        obs = material.observations(self.name, ProxyWizardObservations)
        if obs is not None:
            found, labels = analyse_proxy_wizard(obs, wire.flows, wire.packets)
            findings += found
            skipped = {
                t.target: "its name did not resolve and no proxy was tried"
                for t in obs.targets
                if t.direct is None and not t.via_proxy and t.address is None
            }
        tls = material.observations("tls", TlsWizardObservations)
        if tls is not None:
            findings += direct_blocked_targets(tls, wire.flows)
        return Conclusions(findings=tuple(findings), labels=labels, not_tested=skipped)
