"""The hop locator's interpretation: which hop answers, resets or injects in the server's
name. What it finds belongs in the finding that suspected the device: it is added there
(``Conclusions.additions``), not said a second time. A trace whose silence ended while this
program was stopped locates nothing; that part could not run (``probe.failed``)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from wiresleuth.diagnosis.check_failures import read_too_late, run_stops
from wiresleuth.diagnosis.interpretation import Conclusions, Interpretation, Material

if TYPE_CHECKING:
    from wiresleuth.model.hop_observations import HopLocatorObservations


class HopsInterpretation(Interpretation):
    """The hop that answers for the server, and a header rewritten on the way."""

    name = "hops"
    about = "the hop locator"
    emits = frozenset({"path.header_rewritten"})

    @staticmethod
    def observation_type() -> type[HopLocatorObservations]:
        from wiresleuth.model.hop_observations import HopLocatorObservations

        return HopLocatorObservations

    def interpret(self, material: Material) -> Conclusions:
        from wiresleuth.analysis.hop_findings import hop_conclusions

        obs = material.recorded(self.name, self.observation_type)
        assert obs is not None
        wire = material.wire
        concluded = hop_conclusions(
            obs, wire.packets, captured=wire.available, stops=run_stops(material)
        )
        idle = "" if obs.locations else (obs.note or "")
        return Conclusions(
            findings=concluded.findings,
            additions=concluded.additions,
            labels=concluded.labels,
            not_tested={"": idle} if idle else {},
            unfinished=read_too_late(concluded.stopped, "the hop locator"),
        )
