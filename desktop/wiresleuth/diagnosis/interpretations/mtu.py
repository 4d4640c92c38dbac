"""The MTU/DSCP check's interpretation: which packet sizes cross the path, and whether a
loss is the MTU or a policy."""

from __future__ import annotations

from wiresleuth.analysis.mtu_findings import analyse_mtu
from wiresleuth.diagnosis.interpretation import Conclusions, Interpretation, Material
from wiresleuth.model.mtu_observations import MtuWizardObservations


class MtuInterpretation(Interpretation):
    """A PMTU black hole, the path MTU, a QoS policer, DSCP marks."""

    name = "mtu"
    observation_type = MtuWizardObservations
    emits = frozenset({"mtu.blackhole", "mtu.path_mtu", "path.dscp_marked", "path.qos_policing"})

    def interpret(self, material: Material) -> Conclusions:
        obs = material.observations(self.name, MtuWizardObservations)
        assert obs is not None
        findings, labels = analyse_mtu(obs, material.wire.flows)
        return Conclusions(findings=tuple(findings), labels=labels)
