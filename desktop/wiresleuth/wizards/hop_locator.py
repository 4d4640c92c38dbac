"""Hop locator wizard: when a check suspects a device in the path, find which hop it is.

It decides from the PAC and TLS checks' observations, with their own rules
(``analysis/hop_requests.py``), which connections to locate (the PAC's as soon as that check
is done, beside the TLS check, then the TLS check's): a handshake answered faster
than the path allows, a reset after the ClientHello, injected plain text, a forged HTTP
answer, a PAC server that should refuse but answers. With nothing suspected it sends
nothing. What it finds is added to the suspecting finding (its interpretation's
``Conclusions.additions``, in ``diagnosis.interpretations.hops``).
"""

from __future__ import annotations

import time

from wiresleuth.analysis.hop_requests import hop_requests
from wiresleuth.model.hop_observations import HopLocation, HopLocatorObservations, HopRequest
from wiresleuth.model.observations import TlsWizardObservations
from wiresleuth.model.pac_observations import PacWizardObservations
from wiresleuth.model.plan import FlowSpec
from wiresleuth.probes.hop_locator import locate
from wiresleuth.probes.ttl_probes import error_queue_supported
from wiresleuth.profile.model import Budgets
from wiresleuth.wizards.base import Progress, Wizard, WizardInput

_MAX_ADDRESSES = 8
"""As the TLS wizard (`MAX_ADDRESSES`): the addresses of one name it tests, any of which a
finding may suspect."""
RESERVE = 2.0
"""Seconds of the run's budget left for what follows the probes (capture stop, analysis)."""
LANE = "hop locator"
"""The live view's lane of each location."""
_MOMENTS = {"echo": "connect", "syn": "connect", "client-hello": "client-hello",
            "http": "sent-by-app"}  # fmt: skip
"""Trace kind -> the live view's moment, so that it says what the run waits for."""


class HopLocatorWizard(Wizard):
    """Which device between this computer and the server answers, resets or injects?"""

    id = "hops"
    needs = ("pac",)
    needs_early = ("pac",)  # what the PAC check published before its path round trip
    uses = ("pac", "tls")
    per_target = False  # it locates what other checks suspect, not each site
    observation_type = HopLocatorObservations
    title = "Which device in the path answers"
    description = (
        "When another check finds that something between you and a server answers, resets "
        "or injects in the server's name, sends the same packets with TTL 1, 2, 3… to find "
        "which hop it is, and how far the real server is."
    )

    def flows(self, given: WizardInput) -> list[FlowSpec]:
        # The PAC server's port and ICMP are declared by the PAC wizard; the HTTPS targets'
        # by the TLS wizard. UDP is added for the trace made where ICMP echo is not allowed.
        flows: list[FlowSpec] = []
        for target in given.targets:
            if target.scheme != "https":
                continue
            for address in given.addresses(target)[:_MAX_ADDRESSES]:
                flows += [
                    FlowSpec(address=address, proto="tcp", port=target.port),
                    FlowSpec(address=address, proto="icmp"),
                    FlowSpec(address=address, proto="udp"),
                ]
        return flows

    def steps(self, given: WizardInput) -> int:
        return 1

    async def run(self, given: WizardInput, progress: Progress) -> HopLocatorObservations:
        early = given.earlier_observations("pac", PacWizardObservations)
        supported = error_queue_supported()
        budgets = given.profile.budgets
        deadline = (
            given.run_deadline if given.run_deadline is not None else time.monotonic() + budgets.run
        ) - RESERVE
        # The PAC server's suspects are located as soon as the PAC check has its answer,
        # while the TLS check still runs; what the rest of both checks adds (the PAC path's
        # round trip, the TLS check's suspects) after it (one location at a time: a few
        # probes in flight, never a flood).
        first = hop_requests(None, early)
        locations = [await self._locate(r, budgets, deadline, progress) for r in first]
        pac = await given.observations_when_ready("pac", PacWizardObservations) or early
        tls = await given.observations_when_ready("tls", TlsWizardObservations)
        if tls is None and pac is None:
            progress.step("nothing to locate: the TLS and PAC checks did not run")
            return HopLocatorObservations(
                error_queue=supported, note="the TLS and PAC checks did not run"
            )
        rest = [r for r in hop_requests(tls, pac) if r not in first]
        locations += [await self._locate(r, budgets, deadline, progress) for r in rest]
        if not locations:
            progress.step("nothing to locate: no check suspects a device in the path")
            return HopLocatorObservations(
                error_queue=supported, note="no check suspects a device in the path"
            )
        progress.step(f"traced {len(locations)} suspicious connection(s)")
        return HopLocatorObservations(locations=tuple(locations), error_queue=supported)

    @staticmethod
    async def _locate(
        request: HopRequest, budgets: Budgets, deadline: float, progress: Progress
    ) -> HopLocation:
        def starting(kind: str, target: str = request.target) -> None:
            moment = _MOMENTS.get(kind, "connect")
            progress.socket_event(target, moment, time.time(), kind, lane=LANE)

        with progress.waiting(f"{request.target}: locating the hop that answers", None):
            location = await locate(
                request,
                connect_timeout=budgets.connect,
                echo_timeout=budgets.icmp,
                deadline=deadline,
                starting=starting,
            )
        progress.socket_event(request.target, "closed", location.ended_at, LANE, lane=LANE)
        return location
