"""The hop locator wizard: it sends nothing unless an earlier check suspects a device, and
what it finds joins the suspecting finding (here on loopback: the server is hop 1)."""

from __future__ import annotations

import asyncio
import contextlib
import time

import trustme

from tests.diagnosis.recordings import run_of
from tests.probes.loopback_servers import LoopbackServer, reset_after
from tests.wizards.recorded_progress import Steps
from wiresleuth.diagnosis.interpretation import Material
from wiresleuth.diagnosis.interpretations.hops import HopsInterpretation
from wiresleuth.diagnosis.wire import PacketView
from wiresleuth.engine import Engine
from wiresleuth.model.check_status import Status
from wiresleuth.model.events import ProgressEvent
from wiresleuth.model.hop_observations import HopLocatorObservations
from wiresleuth.model.observations import ResolveObservation, TlsWizardObservations
from wiresleuth.model.target import Target
from wiresleuth.profile.model import Budgets, Profile
from wiresleuth.wizards.base import Wait, WizardInput
from wiresleuth.wizards.hop_locator import HopLocatorWizard
from wiresleuth.wizards.tls_handshake import TlsHandshakeWizard


def _profile(*targets: str, run: float = 30.0) -> Profile:
    return Profile(
        targets=tuple(Target.parse(t) for t in targets),
        budgets=Budgets(run=run, connect=1.0, tls_handshake=2.0, icmp=0.3),
    )


def _given(earlier: dict[str, object], run_deadline: float | None = None) -> WizardInput:
    profile = _profile("https://www.lab.test/")
    return WizardInput(
        profile=profile, targets=profile.targets, resolved={}, earlier=earlier,
        run_deadline=run_deadline,
    )  # fmt: skip


def test_without_the_tls_and_pac_checks_it_does_nothing_and_says_why() -> None:
    steps = Steps()
    found = asyncio.run(HopLocatorWizard().run(_given({}), steps))
    assert found.locations == () and found.note == "the TLS and PAC checks did not run"
    assert len(steps.steps) == HopLocatorWizard().steps(_given({}))
    analysis = HopsInterpretation().interpret(
        Material(recording=run_of({"hops": found}, captured=False), wire=PacketView(available=False))
    )
    assert analysis.not_tested == {"": "the TLS and PAC checks did not run"}
    assert analysis.additions == () and analysis.findings == ()


def test_nothing_suspected_nothing_sent() -> None:
    calm = TlsWizardObservations(targets=())
    found = asyncio.run(HopLocatorWizard().run(_given({"tls": calm}), Steps()))
    assert found.locations == () and found.note == "no check suspects a device in the path"


def test_the_pac_servers_suspect_is_located_before_the_tls_check_is_awaited() -> None:
    """C3-503's PAC observations (a device answers 503 in the PAC server's name): its location
    starts once the PAC check is done, beside the TLS check, not after it. The address is made
    IPv6 here, so the locator records why it skips it and sends nothing."""
    from dataclasses import replace

    from tests.analysis.test_hop_requests import _pac

    pac = _pac()
    assert pac.fetch is not None
    pac = replace(pac, fetch=replace(pac.fetch, address="::1"))
    order: list[str] = []

    class Order(Steps):
        def waiting(self, what: str, deadline: float | None) -> contextlib.nullcontext[Wait]:
            order.append(what)
            return contextlib.nullcontext(Wait())

    async def tls_done() -> object | None:
        order.append("the TLS check's observations")
        return TlsWizardObservations(targets=())

    given = replace(_given({"pac": pac}), later={"tls": tls_done})
    found = asyncio.run(HopLocatorWizard().run(given, Order()))
    assert order == ["pac.lab.test:80: locating the hop that answers", "the TLS check's observations"]
    (location,) = found.locations
    assert location.request.skipped is not None and "IPv6" in location.request.skipped


def test_a_reset_is_located_and_the_finding_says_where(ca: trustme.CA) -> None:
    events: list[ProgressEvent] = []
    with LoopbackServer(reset_after(0.3)) as server:
        profile = _profile(f"127.0.0.1:{server.port}")
        wizards = [TlsHandshakeWizard(), HopLocatorWizard()]
        result = Engine(profile, wizards, capture=False, on_event=events.append).run()
    [reset] = [f for f in result.findings if f.id == "tls.reset_after_client_hello"]  # type: ignore[attr-defined]
    assert reset.wizard == "tls+hops"
    assert reset.values["answer_hop"] == 1 and reset.values["server_hops"] == 1
    assert "The reset comes from hop 1 (127.0.0.1, the server's own address)" in reset.user_text
    assert any(e.text.startswith("ClientHello with TTL 1: reset after") for e in reset.evidence)
    hops = result.observations["hops"]  # type: ignore[attr-defined]
    [location] = hops["locations"]
    assert location["data"]["probes"][0]["answer"] == "reset"
    [status] = [s for s in result.checks if s.check == "hops"]  # type: ignore[attr-defined]
    assert status.status is Status.PROBLEM
    # the live view: a lane that says what the locator waits for, closed at its end
    moments = [e.data["event"] for e in events if e.data.get("lane") == "hop locator"]
    assert moments == ["connect", "connect", "client-hello", "closed"]


def test_the_locator_keeps_inside_the_runs_budget(ca: trustme.CA) -> None:
    with LoopbackServer(reset_after(0.3)) as server:
        profile = _profile(f"127.0.0.1:{server.port}")
        resolved = {
            "127.0.0.1": ResolveObservation(
                host="127.0.0.1", addresses=("127.0.0.1",), started_at=0.0, elapsed=0.0
            )
        }
        given = WizardInput(profile=profile, targets=profile.targets, resolved=resolved)
        tls = asyncio.run(TlsHandshakeWizard().run(given, Steps()))
        began = time.monotonic()
        found = asyncio.run(
            HopLocatorWizard().run(
                _given({"tls": tls}, run_deadline=time.monotonic() + 1.0), Steps()
            )
        )
    assert time.monotonic() - began < 1.0
    assert isinstance(found, HopLocatorObservations)
    [location] = found.locations
    assert location.reference is not None and "budget is spent" in (location.reference.error or "")
