"""The PAC check's interpretation: where the proxy configuration comes from, and what its
PAC really does; resolvers that invent addresses, in a capture taken elsewhere too."""

from __future__ import annotations

from typing import TYPE_CHECKING

from wiresleuth.analysis.passive_dns import rewritten_answers
from wiresleuth.diagnosis.check_failures import read_too_late, run_stops
from wiresleuth.diagnosis.interpretation import (
    Conclusions,
    Interpretation,
    Material,
    Unfinished,
    foreign_traffic,
)
from wiresleuth.diagnosis.recording import Recording

if TYPE_CHECKING:
    from wiresleuth.model.pac_observations import PacWizardObservations


class PacInterpretation(Interpretation):
    """The PAC's server, name, fetch and script."""

    name = "pac"
    about = "the PAC check"
    emits = frozenset(
        {
            "dns.long_ttl", "dns.nxdomain_rewritten",
            "pac.evaluation_timeout", "pac.fetch_hangs", "pac.fetch_http_error",
            "pac.fetch_refused", "pac.fetch_slow", "pac.invalid_script", "pac.not_configured",
            "pac.points_to_local_listener", "pac.unexpected_answer",
            "path.forged_http_response",
        }
    )  # fmt: skip
    from_capture = frozenset({"dns.nxdomain_rewritten"})

    @staticmethod
    def observation_type() -> type[PacWizardObservations]:
        from wiresleuth.model.pac_observations import PacWizardObservations

        return PacWizardObservations

    def applies(self, recording: Recording) -> bool:
        return self.name in recording.observations or foreign_traffic(recording)

    def interpret(self, material: Material) -> Conclusions:
        obs = material.recorded(self.name, self.observation_type)
        if obs is None:  # a capture taken elsewhere
            wire = material.wire
            return Conclusions(findings=tuple(rewritten_answers(wire.conversations, wire.dns)))
        from wiresleuth.analysis.pac_findings import (
            analyse_pac,
            evaluator_failure,
            pac_target,
            stopped_waits,
        )

        wire = material.wire
        stops = run_stops(material)
        findings = analyse_pac(obs, wire.flows, wire.packets, stops)
        labels: dict[int, str] = {}
        if obs.fetch is not None and obs.fetch.connect.local_port is not None:
            labels[obs.fetch.connect.local_port] = "PAC fetch"
        unfinished: tuple[Unfinished, ...] = ()
        failure = evaluator_failure(obs)
        if failure is not None:
            evaluation = obs.evaluation
            assert evaluation is not None
            unfinished = (
                Unfinished(
                    headline="The proxy configuration script could not be evaluated",
                    part="the PAC script",
                    detail=failure,
                    error=evaluation.error or evaluation.outcome,
                    target=pac_target(obs),
                ),
            )
        unfinished += read_too_late(stopped_waits(obs, stops), "the PAC check")
        if obs.pac_url is None:
            return Conclusions(
                findings=tuple(findings),
                labels=labels,
                unfinished=unfinished,
                not_tested={"": "no PAC is in use: none in the profile or this computer's settings"},
            )
        return Conclusions(
            findings=tuple(findings),
            labels=labels,
            unfinished=unfinished,
            passed_detail={"": obs.pac_url},
        )
