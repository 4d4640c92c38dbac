"""The local-hold check's interpretation: requests held on this computer before they left."""

from __future__ import annotations

from wiresleuth.analysis.hold_findings import analyse_hold
from wiresleuth.diagnosis.interpretation import Conclusions, Interpretation, Material
from wiresleuth.model.hold_observations import HoldWizardObservations


class HoldInterpretation(Interpretation):
    """Security software that holds requests, and what it was trying to reach meanwhile."""

    name = "hold"
    observation_type = HoldWizardObservations
    emits = frozenset({"local.request_held", "local.security_products"})

    def interpret(self, material: Material) -> Conclusions:
        obs = material.observations(self.name, HoldWizardObservations)
        assert obs is not None
        findings, labels = analyse_hold(obs, material.wire.flows)
        return Conclusions(findings=tuple(findings), labels=labels)
