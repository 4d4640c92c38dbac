"""The local-hold check's interpretation: requests held on this computer before they left
(in a capture taken elsewhere, requests that leave long after their connection is ready)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from wiresleuth.analysis.passive_hold import held_requests
from wiresleuth.diagnosis.check_failures import read_too_late, run_stops
from wiresleuth.diagnosis.interpretation import (
    Conclusions,
    Interpretation,
    Material,
    foreign_traffic,
)
from wiresleuth.diagnosis.recording import Recording

if TYPE_CHECKING:
    from wiresleuth.model.hold_observations import HoldWizardObservations


class HoldInterpretation(Interpretation):
    """Security software that holds requests, and what it was trying to reach meanwhile."""

    name = "hold"
    about = "the local-hold check"
    emits = frozenset({"local.request_held", "local.security_products"})
    from_capture = frozenset({"local.request_held"})

    @staticmethod
    def observation_type() -> type[HoldWizardObservations]:
        from wiresleuth.model.hold_observations import HoldWizardObservations

        return HoldWizardObservations

    def applies(self, recording: Recording) -> bool:
        return self.name in recording.observations or foreign_traffic(recording)

    def interpret(self, material: Material) -> Conclusions:
        obs = material.recorded(self.name, self.observation_type)
        if obs is None:  # a capture taken elsewhere: requests that leave late
            return Conclusions(findings=tuple(held_requests(material.wire.conversations)))
        from wiresleuth.analysis.hold_findings import analyse_hold, stopped_holds

        flows, stops = material.wire.flows, run_stops(material)
        findings, labels = analyse_hold(obs, flows, stops)
        skipped = {} if obs.requests else {"": "no web site with an address to time"}
        return Conclusions(
            findings=tuple(findings),
            labels=labels,
            not_tested=skipped,
            unfinished=read_too_late(stopped_holds(obs, flows, stops), "the local-hold check"),
        )
