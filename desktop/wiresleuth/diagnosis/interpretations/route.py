"""The route check's interpretation: the routes are read by the other checks, which test
them; on their own they conclude nothing."""

from __future__ import annotations

from wiresleuth.diagnosis.interpretation import Conclusions, Interpretation, Material
from wiresleuth.model.route import RouteObservations


class RouteInterpretation(Interpretation):
    """Which way each target goes (the measuring checks judge what they found there)."""

    name = "route"
    observation_type = RouteObservations
    about = "the route check"
    emits = frozenset()

    def interpret(self, material: Material) -> Conclusions:
        obs = material.observations(self.name, RouteObservations)
        assert obs is not None
        return Conclusions(passed_detail={r.target: r.shown for r in obs.routes})
