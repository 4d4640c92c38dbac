"""The route check's interpretation: the routes are read by the other checks, which test
them; on their own they conclude nothing."""

from __future__ import annotations

from typing import TYPE_CHECKING

from wiresleuth.diagnosis.interpretation import Conclusions, Interpretation, Material

if TYPE_CHECKING:
    from wiresleuth.model.route import RouteObservations


class RouteInterpretation(Interpretation):
    """Which way each target goes (the measuring checks judge what they found there)."""

    name = "route"
    about = "the route check"
    emits = frozenset()

    @staticmethod
    def observation_type() -> type[RouteObservations]:
        from wiresleuth.model.route import RouteObservations

        return RouteObservations

    def interpret(self, material: Material) -> Conclusions:
        obs = material.recorded(self.name, self.observation_type)
        assert obs is not None
        return Conclusions(passed_detail={r.target: r.shown for r in obs.routes})
