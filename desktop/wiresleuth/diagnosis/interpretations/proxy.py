"""The proxy-path check's interpretation: which way each site works, and why; and the
targets that cannot be reached directly, wherever a check met them."""

from __future__ import annotations

from typing import TYPE_CHECKING

from wiresleuth.diagnosis.check_failures import read_too_late, run_stops
from wiresleuth.diagnosis.interpretation import Conclusions, Interpretation, Material, Unfinished
from wiresleuth.diagnosis.interpretations.tls import TlsInterpretation
from wiresleuth.diagnosis.recording import Recording
from wiresleuth.model.finding import Finding

BLOCKED = "path.direct_blocked"

if TYPE_CHECKING:
    from wiresleuth.model.proxy_observations import ProxyWizardObservations


class ProxyInterpretation(Interpretation):
    """Direct, via the proxy, both or neither; tunnels closed, transparent proxies, path
    proof, endpoints that must refuse; targets that cannot be reached directly (the TLS
    check's handshakes included)."""

    name = "proxy"
    about = "the proxy-path check"
    emits = frozenset(
        {
            "path.direct_blocked", "path.unexpected_handshake", "path.works_only_via_proxy",
            "pathproof.delivered", "pathproof.not_delivered", "proxy.auth_rejected",
            "proxy.auth_required", "proxy.connect_port_denied", "proxy.transparent_http",
            "proxy.tunnel_closed", "proxy.unreachable",
        }
    )  # fmt: skip

    @staticmethod
    def observation_type() -> type[ProxyWizardObservations]:
        from wiresleuth.model.proxy_observations import ProxyWizardObservations

        return ProxyWizardObservations

    def applies(self, recording: Recording) -> bool:
        return self.name in recording.observations or "tls" in recording.observations

    def interpret(self, material: Material) -> Conclusions:
        wire = material.wire
        findings: list[Finding] = []
        blocked: list[Finding] = []
        labels: dict[int, str] = {}
        skipped: dict[str, str] = {}
        unfinished: tuple[Unfinished, ...] = ()
        obs = material.recorded(self.name, self.observation_type)
        tls = material.recorded("tls", TlsInterpretation.observation_type)
        if obs is not None:
            from wiresleuth.analysis.proxy_path_findings import proxy_conclusions
            from wiresleuth.analysis.tls_wizard_findings import reached_directly

            direct = reached_directly(tls) if tls is not None else frozenset()
            found, labels, late = proxy_conclusions(
                obs, wire.flows, wire.packets, run_stops(material), direct
            )
            findings += found
            blocked = [f for f in found if f.id == BLOCKED]
            unfinished = read_too_late(late, "the proxy-path check")
            skipped = {
                t.target: "its name did not resolve and no proxy was tried"
                for t in obs.targets
                if t.direct is None and not t.via_proxy and t.address is None
            }
        if tls is not None:
            from wiresleuth.analysis.tls_wizard_findings import direct_blocked_targets

            # the proxy-path check's direct connect tried each name's first address: judged
            # beside the TLS check's on every address of the name
            findings = [f for f in findings if f.id != BLOCKED]
            findings += direct_blocked_targets(tls, wire.flows, run_stops(material), blocked)
        return Conclusions(
            findings=tuple(findings), labels=labels, not_tested=skipped, unfinished=unfinished
        )
