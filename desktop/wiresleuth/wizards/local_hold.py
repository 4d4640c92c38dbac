"""Local-hold wizard: does software on this computer hold web requests before they leave?

Per target, in two rounds, a plain-HTTP GET (port 80) and an HTTPS ClientHello are sent
(to the route's proxy, as ``GET http://...`` and ``CONNECT``, when the route is a proxy);
each request's hand-over time is compared with the moment it left (capture, else Linux's
transmit timestamp). While they wait, other processes' connection attempts are watched
(SYN headers, socket table), and the OS's security products listed.

The rounds run side by side (every request at once, the watch started beside them): a
held request, or a target that never answers, then costs its wait once, not once per round.
"""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from wiresleuth.model.hold_observations import (
    ConnectAttemptSeen,
    HeldRequest,
    HoldWizardObservations,
    ProductObservation,
)
from wiresleuth.model.plan import FlowSpec
from wiresleuth.model.target import Target
from wiresleuth.probes.connect_watch import ConnectWatch
from wiresleuth.probes.first_answer import client_hello, first_answer, http_get
from wiresleuth.probes.http_wire import connect_request, proxy_get_request
from wiresleuth.profile.model import Profile
from wiresleuth.wizards.base import Progress, Wizard, WizardInput
from wiresleuth.wizards.loading import When, load
from wiresleuth.wizards.route_input import hop_for, split_proxy

if TYPE_CHECKING:
    from wiresleuth.platform.security_products import SecurityProduct

ROUNDS = 2
SETTLE = 0.02
"""Seconds of quiet after the first answer byte that end a request. Only the first byte's
time matters here; the rest of a server's first flight comes in the same burst, and is read
so that closing does not reset the connection (closed at the first byte, every timed
request ended in a reset from this program in the capture). 0.1 s put the hold rounds on
the critical path of short runs (lab baseline with capture: 0.73 -> 0.83 s)."""
HTTP_PORT = 80
HTTPS_PORT = 443


class LocalHoldWizard(Wizard):
    """Is each request held on this computer before it reaches the network?"""

    id = "hold"
    per_target = False
    needs = ("route",)
    observation_type = HoldWizardObservations
    title = "Requests held on this computer (antivirus, URL filter)"
    description = (
        "Times each web request from the moment the program hands it over to the moment it "
        "reaches the network, to catch security software that holds requests, and names "
        "what that software was trying to reach meanwhile."
    )

    def __init__(self, *, capture: bool = True) -> None:
        self.capture = capture
        """Whether the SYN-header capture may run (the engine's capture setting)."""

    def _endpoints(self, given: WizardInput) -> list[_Endpoint]:
        """Per target a plain GET and a secure opening, to where the route goes first."""
        out: list[_Endpoint] = []
        for target in given.targets:
            if target.scheme not in ("http", "https"):
                continue
            https_port = target.port if target.scheme == "https" else HTTPS_PORT
            http_port = target.port if target.scheme == "http" else HTTP_PORT
            hop = hop_for(given, target)
            if hop.via_proxy:
                if hop.proxy is None or hop.proxy_address is None:
                    continue  # the proxy has no address: the proxy-path wizard reports it
                port = split_proxy(hop.proxy)[1]
                plain = f"http://{target.host}:{http_port}{target.path}"
                if http_port == HTTP_PORT:
                    plain = f"http://{target.host}{target.path}"
                out += [
                    _Endpoint(target, hop.proxy_address, "http", port, hop.proxy, plain),
                    _Endpoint(
                        target, hop.proxy_address, "https", port, hop.proxy,
                        f"{target.host}:{https_port}",
                    ),
                ]  # fmt: skip
                continue
            for address in given.addresses(target)[:1]:
                out += [
                    _Endpoint(target, address, "http", http_port),
                    _Endpoint(target, address, "https", https_port),
                ]
        return out

    def flows(self, given: WizardInput) -> list[FlowSpec]:
        return [
            FlowSpec(address=e.address, proto="tcp", port=e.port) for e in self._endpoints(given)
        ]

    def steps(self, given: WizardInput) -> int:
        return ROUNDS + 1

    def prepare(self, profile: Profile) -> None:
        # the inventory's readers load while the names are looked up: imported in its thread
        # as the requests left, they held the requests' first steps (0.005-0.015 s)
        load(_load_inventory_readers, When.BESIDE)

    async def run(self, given: WizardInput, progress: Progress) -> HoldWizardObservations:
        loop = asyncio.get_running_loop()
        inventory = loop.run_in_executor(None, _security_products)
        endpoints = self._endpoints(given)
        requests: list[HeldRequest] = []
        seen: list[ConnectAttemptSeen] = []
        syn_status = table_status = "no requests to make"
        budgets = given.profile.budgets
        rounds = [(n, e) for n in range(1, ROUNDS + 1) for e in endpoints]
        if rounds:
            watch = ConnectWatch()
            watching = asyncio.create_task(
                watch.start(capture=self.capture and given.capture_allowed)
            )
            try:
                results = await asyncio.gather(
                    *(self._request(e, n, budgets.connect, budgets.tls_handshake, progress)
                      for n, e in rounds)
                )  # fmt: skip
            finally:
                await asyncio.gather(watching, return_exceptions=True)
                await watch.stop()
            for (round_no, endpoint), attempt in zip(rounds, results, strict=True):
                target, kind = endpoint.target, endpoint.kind
                if attempt.connect.local_port is not None:
                    watch.own_ports.add(attempt.connect.local_port)
                requests.append(
                    HeldRequest(target=target.key, kind=kind, round=round_no, attempt=attempt)
                )
                if attempt.left_host_at is not None:
                    progress.socket_event(
                        target.key,
                        "on-the-wire",
                        attempt.left_host_at,
                        kind,
                        lane=_lane(kind, round_no),
                    )
                progress.socket_event(
                    target.key, "closed", attempt.ended_at, kind, lane=_lane(kind, round_no)
                )
            seen += [s for s in watch.seen() if s.sport not in watch.own_ports]
            syn_status, table_status = watch.syn_capture, watch.socket_table
        for round_no in range(1, ROUNDS + 1):
            timed = sum(1 for r in requests if r.round == round_no)
            progress.step(
                f"round {round_no}: {timed} requests timed" if endpoints
                else "no HTTP(S) target to time"
            )  # fmt: skip
        found, error = await inventory
        progress.step(f"security products: {len(found)} found")
        return HoldWizardObservations(
            requests=tuple(requests),
            attempts_seen=tuple(seen),
            syn_capture=syn_status,
            socket_table=table_status,
            products=tuple(
                ProductObservation(name=p.name, source=p.source, detail=p.detail, enabled=p.enabled)
                for p in found
            ),
            products_error=error,
        )

    async def _request(
        self, e: _Endpoint, round_no: int, connect: float, answer: float, progress: Progress
    ) -> Any:
        target = e.target
        lane = _lane(e.kind, round_no)
        progress.socket_event(target.key, "connect", time.time(), e.kind, lane=lane)

        def moment(kind: str, at: float) -> None:
            progress.socket_event(target.key, kind, at, e.kind, lane=lane)

        if e.proxy is not None and e.kind == "https":
            request, trigger = connect_request(e.asked), "proxy-connect"
        elif e.proxy is not None:
            request, trigger = proxy_get_request(e.asked, target.host), "proxy-get"
        elif e.kind == "https":
            request, trigger = client_hello(target.host), "tls-client-hello"
        else:
            request, trigger = http_get(target.host, target.path), "http-get"
        with progress.waiting(
            f"{target.key}: {e.kind} request, round {round_no}", connect + answer
        ) as wait:
            attempt = await first_answer(
                e.address, e.port, request, trigger=trigger, purpose=f"hold-{e.kind}",
                connect_timeout=connect, answer_timeout=answer, settle=SETTLE,
                done_at_first_byte=True, moments=moment,
            )  # fmt: skip
            wait.ran_out = attempt.outcome == "silent"
        return attempt


def _load_inventory_readers() -> None:
    import wiresleuth.platform.security_products  # noqa: F401


def _security_products() -> tuple[list[SecurityProduct], str | None]:
    """The security products' inventory, its modules loaded in its thread too: imported on
    the event loop they held it 0.01 s while every check waited for its first probe."""
    from wiresleuth.platform.security_products import collect_security_products

    return collect_security_products()


def _lane(kind: str, round_no: int) -> str:
    """The live timeline's lane of one request (the rounds run side by side)."""
    return f"{kind}, round {round_no}"


@dataclass(frozen=True)
class _Endpoint:
    """One request to time: to the target, or to the route's proxy asking for it."""

    target: Target
    address: str
    kind: str
    """``http`` or ``https``."""
    port: int
    proxy: str | None = None
    """``host:port`` of the route's proxy the request goes to; None: direct."""
    asked: str = ""
    """What the proxy is asked for: the absolute URL (GET) or ``host:port`` (CONNECT)."""
