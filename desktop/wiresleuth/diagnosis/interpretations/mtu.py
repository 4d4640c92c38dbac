"""The MTU/DSCP check's interpretation: which packet sizes cross the path, whether a loss
is the MTU or a policy, and which servers mark their packets (on the TLS check's
connections too, and on every server of a capture taken elsewhere)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from wiresleuth.analysis.passive_dscp import dscp_markings
from wiresleuth.diagnosis.check_failures import read_too_late, run_stops
from wiresleuth.diagnosis.interpretation import (
    Conclusions,
    Interpretation,
    Material,
    Unfinished,
    foreign_traffic,
)
from wiresleuth.diagnosis.interpretations.tls import TlsInterpretation
from wiresleuth.diagnosis.recording import Recording
from wiresleuth.model.finding import Finding

if TYPE_CHECKING:
    from wiresleuth.model.mtu_observations import MtuWizardObservations

LOSS = "path.large_packet_loss"


class MtuInterpretation(Interpretation):
    """A PMTU black hole, the path MTU, a QoS policer, DSCP marks."""

    name = "mtu"
    about = "the MTU/DSCP check"
    emits = frozenset({"mtu.blackhole", "mtu.path_mtu", "path.dscp_marked", "path.qos_policing"})
    from_capture = frozenset({"path.dscp_marked"})

    @staticmethod
    def observation_type() -> type[MtuWizardObservations]:
        from wiresleuth.model.mtu_observations import MtuWizardObservations

        return MtuWizardObservations

    def applies(self, recording: Recording) -> bool:
        observed = recording.observations
        return self.name in observed or "tls" in observed or foreign_traffic(recording)

    def interpret(self, material: Material) -> Conclusions:
        wire = material.wire
        findings: list[Finding] = []
        labels: dict[int, str] = {}
        skipped: dict[str, str] = {}
        unfinished: tuple[Unfinished, ...] = ()
        obs = material.recorded(self.name, self.observation_type)
        tls = material.recorded("tls", TlsInterpretation.observation_type)
        if obs is not None:
            from wiresleuth.analysis.mtu_findings import analyse_mtu, stopped_exchanges

            stops = run_stops(material)
            found, labels = analyse_mtu(obs, wire.flows, tls, stops)
            findings += found
            unfinished = read_too_late(
                stopped_exchanges(obs, wire.flows, tls, stops), "the MTU check"
            )
            skipped = {
                t.target: (
                    f"the proxy {t.proxy} of its route has no address"
                    if t.proxy
                    else "its name did not resolve"
                    if t.address is None
                    else f"no IPv4 address (only {t.address})"
                )
                for t in obs.targets
                if t.sweep is None
            }
        losses = [f for f in material.so_far if f.id == LOSS]
        if tls is not None:
            from wiresleuth.analysis.some_addresses import failing_pairs
            from wiresleuth.analysis.tls_wizard_findings import marked_targets

            findings += marked_targets(tls, wire.flows, failing_pairs(losses))
        if foreign_traffic(material.recording):
            lossy = {
                str(f.evidence[0].addresses[0])
                for f in losses
                if f.evidence and f.evidence[0].addresses
            }
            findings += dscp_markings(wire.conversations, lossy)
        return Conclusions(
            findings=tuple(findings), labels=labels, not_tested=skipped, unfinished=unfinished
        )
