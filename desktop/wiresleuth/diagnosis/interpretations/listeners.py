"""The local-listener check's interpretation: what answers on this computer's web ports."""

from __future__ import annotations

from typing import TYPE_CHECKING

from wiresleuth.diagnosis.interpretation import Conclusions, Interpretation, Material, Unfinished

if TYPE_CHECKING:
    from wiresleuth.model.pac_observations import ListenersObservations


class ListenersInterpretation(Interpretation):
    """A local service on port 80 answers what should be refused (case C4)."""

    name = "listeners"
    about = "the local-listener check"
    emits = frozenset({"local.port80_listener"})

    @staticmethod
    def observation_type() -> type[ListenersObservations]:
        from wiresleuth.model.pac_observations import ListenersObservations

        return ListenersObservations

    def interpret(self, material: Material) -> Conclusions:
        from wiresleuth.analysis.listener_findings import analyse_listeners

        obs = material.recorded(self.name, self.observation_type)
        assert obs is not None
        unfinished: tuple[Unfinished, ...] = ()
        if obs.error is not None:
            unfinished = (
                Unfinished(
                    headline="The programs listening on this computer could not be listed",
                    part="local web servers",
                    detail=f"psutil.net_connections failed: {obs.error}",
                    error=obs.error,
                ),
            )
        return Conclusions(findings=tuple(analyse_listeners(obs)), unfinished=unfinished)
