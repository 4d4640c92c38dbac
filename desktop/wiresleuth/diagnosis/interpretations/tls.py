"""The TLS check's interpretation: whether each secure connection completes, and if not,
where it breaks; in a capture taken elsewhere, the same questions asked of every TLS
conversation in it."""

from __future__ import annotations

from typing import TYPE_CHECKING

from wiresleuth.analysis.intercepted_handshake import intercepted_handshakes
from wiresleuth.analysis.passive_gateway import gateway_vendors
from wiresleuth.analysis.passive_plaintext import plaintext_injections
from wiresleuth.analysis.passive_reset import resets_after_client_hello, unanswered_client_hellos
from wiresleuth.diagnosis.check_failures import read_too_late, run_stops
from wiresleuth.diagnosis.interpretation import (
    Conclusions,
    Interpretation,
    Material,
    Unfinished,
    foreign_traffic,
)
from wiresleuth.diagnosis.recording import Recording
from wiresleuth.model.check_status import AddressStatus
from wiresleuth.model.finding import Finding

if TYPE_CHECKING:
    from wiresleuth.model.observations import TlsWizardObservations


class TlsInterpretation(Interpretation):
    """Intercepted handshakes, injected plaintext, resets, unanswered greetings, lost large
    packets, certificates replaced on the way, the gateway's maker."""

    name = "tls"
    about = "the TLS check"
    emits = frozenset(
        {
            "net.gateway_vendor", "path.large_packet_loss", "path.tcp_intercepted",
            "tls.certificate_intercepted", "tls.certificate_invalid", "tls.fatal_alert",
            "tls.inspected_by_proxy", "tls.no_server_hello", "tls.plaintext_injected",
            "tls.reset_after_client_hello",
        }
    )  # fmt: skip
    from_capture = frozenset(
        {
            "net.gateway_vendor", "path.large_packet_loss", "path.tcp_intercepted",
            "tls.no_server_hello", "tls.plaintext_injected", "tls.reset_after_client_hello",
        }
    )  # fmt: skip

    @staticmethod
    def observation_type() -> type[TlsWizardObservations]:
        from wiresleuth.model.observations import TlsWizardObservations

        return TlsWizardObservations

    def applies(self, recording: Recording) -> bool:
        return self.name in recording.observations or foreign_traffic(recording)

    def interpret(self, material: Material) -> Conclusions:
        findings: list[Finding] = []
        labels: dict[int, str] = {}
        skipped: dict[str, str] = {}
        detail: dict[str, str] = {}
        addresses: dict[str, tuple[AddressStatus, ...]] = {}
        unfinished: tuple[Unfinished, ...] = ()
        wire = material.wire
        obs = material.recorded(self.name, self.observation_type)
        if obs is not None:
            from wiresleuth.analysis.tls_wizard_findings import (
                address_rows,
                analyse_tls_wizard,
                late_reads,
            )

            stops = run_stops(material)
            found, labels = analyse_tls_wizard(obs, wire.flows, wire.packets, stops)
            findings += found
            unfinished = read_too_late(late_reads(obs, wire.flows, stops), "the TLS handshake")
            skipped = {
                t.target: (
                    f"the proxy {t.proxy} of its route has no address"
                    if t.proxy
                    else "its name did not resolve"
                )
                for t in obs.targets
                if t.address is None
            }
            detail = {t.target: t.route for t in obs.targets if t.route}
            addresses = address_rows(obs, wire.flows, wire.packets, stops)
        if foreign_traffic(material.recording):
            capture = wire.conversations
            findings += intercepted_handshakes(capture)
            findings += plaintext_injections(capture)
            findings += resets_after_client_hello(capture)
            findings += wire.losses[0]
            findings += unanswered_client_hellos(capture)
            findings += gateway_vendors(capture)
        return Conclusions(
            findings=tuple(findings),
            labels=labels,
            unfinished=unfinished,
            not_tested=skipped,
            passed_detail=detail,
            addresses=addresses,
        )
