"""Proxy-path wizard: for each target, the route a client takes (PAC, profile proxy, environment
or DIRECT) and the alternatives, tested the way the client would use them.

Per target: a direct TCP connect; through every known proxy a ``CONNECT host:port`` (secure
sites, any port the profile lists) or a ``GET http://...`` (plain sites); a 407 is answered
only with credentials typed in this run. In parallel, a tunnel to each secure site is held
open, direct and through the proxy, with light traffic (case C2). Plain sites also get a
request with a Host header no server knows, to catch a transparent proxy (case C6). The
profile's ``path_proof`` endpoints get a marker directly and via each proxy (case C9), and
its ``must_refuse`` endpoints a connect that must fail (case C3).

The seam for the PAC decision is ``PacDecider``: give the wizard one and it asks it for
``FindProxyForURL``'s answer per target; without one (or when it answers None) the wizard
uses the profile's proxy, then the environment's ``*_proxy`` variables.
"""

from __future__ import annotations

import asyncio
import logging
import secrets
import time
from collections.abc import Mapping
from dataclasses import replace
from typing import Protocol

from wiresleuth.analysis.proxy_routes import environment_proxy, plan_routes, proxies_of
from wiresleuth.model.observations import ConnectObservation
from wiresleuth.model.pac_observations import PacWizardObservations
from wiresleuth.model.plan import FlowSpec
from wiresleuth.model.proxy_observations import (
    DirectHttpObservation,
    HoldObservation,
    MarkerObservation,
    ProxyExchange,
    ProxyReachObservation,
    ProxyTargetObservation,
    ProxyWizardObservations,
    RoutePlan,
)
from wiresleuth.model.route import RouteObservations
from wiresleuth.model.target import Target
from wiresleuth.probes.errors import describe_os_error
from wiresleuth.probes.http_wire import NotHttp, ResponseParser, origin_request
from wiresleuth.probes.marker_send import send_marker
from wiresleuth.probes.path_rtt import measure_path_rtt
from wiresleuth.probes.proxy_auth import ProxyCredentials
from wiresleuth.probes.proxy_exchange import through_proxy
from wiresleuth.probes.resolve import resolve
from wiresleuth.probes.tcp_connect import tcp_connect
from wiresleuth.probes.tunnel_hold import hold_connection
from wiresleuth.profile.model import Profile
from wiresleuth.wizards.base import Progress, Wizard, WizardInput, waited
from wiresleuth.wizards.route_input import Lookups, hop_for, is_address, lookup_now, routes_of

log = logging.getLogger(__name__)

MIN_HOLD = 2.0
"""Below this many seconds a hold proves nothing; the wizard skips it and says so."""


class PacDecider(Protocol):
    """Where the PAC decision plugs in (the PAC wizard's evaluator implements it)."""

    async def find_proxy(self, pac_url: str, target: Target) -> str | None:
        """``FindProxyForURL(target.url, target.host)`` of the PAC at ``pac_url``; None when
        the PAC could not be fetched or evaluated (the wizard then falls back)."""


def _split(proxy: str) -> tuple[str, int]:
    host, _, port = proxy.rpartition(":")
    return host.strip("[]"), int(port)


def _names(proxies: list[str | None], profile: Profile) -> list[str]:
    """The names to look up for ``proxies`` and the profile's endpoints (not addresses)."""
    hosts = [_split(p)[0] for p in proxies_of([], *proxies)]
    hosts += [e.host for e in (*profile.path_proof, *profile.must_refuse)]
    return [h for h in hosts if not is_address(h)]


class ProxyPathWizard(Wizard):
    """Does each site work directly, through the proxy, both or neither, and why?"""

    id = "proxy"
    observation_type = ProxyWizardObservations
    uses = ("pac", "route")
    uses_early = ("pac",)  # the script's answers, not the PAC server's path round trip
    """Every part but the must-refuse checks (which test the endpoint directly, whatever the
    route) waits for the route; those start at once, beside the PAC's fetch and evaluation."""
    title = "Proxy path"
    description = (
        "Tests each site the way your computer reaches it (directly or through the proxy) and "
        "the other way too, holds long connections open, and proves which path delivers."
    )

    def __init__(
        self,
        *,
        credentials: ProxyCredentials | None = None,
        pac: PacDecider | None = None,
        environment: Mapping[str, str] | None = None,
    ) -> None:
        self.credentials = credentials
        """Typed by the user in this run (``wiresleuth run --proxy-user``); never stored."""
        self._pac = pac
        self._environment = environment
        self._looked_up: dict[str, str | None] = {}

    # -- what will be tested ------------------------------------------------------------

    def environment(self) -> Mapping[str, str]:
        """The ``*_proxy`` settings in force (credentials already removed)."""
        if self._environment is None:
            from wiresleuth.platform.proxy_env import proxy_environment

            self._environment = proxy_environment()
        return self._environment

    def _known_proxies(self, given: WizardInput) -> tuple[str, ...]:
        env = self.environment()
        extra = [given.profile.proxy]
        for scheme in ("https", "http"):
            probe = Target(host="wiresleuth.invalid", port=443, scheme=scheme)
            proxy, _ = environment_proxy(probe, env)
            extra.append(proxy)
        routes = routes_of(given)
        if routes is not None:
            extra += [c.proxy for r in routes.routes for c in r.candidates if c.proxy]
        return proxies_of([], *extra)

    def prepare(self, profile: Profile) -> None:
        with Lookups() as lookups:
            # the profile's names leave before the environment is read (0.02 s)
            lookups.ask(_names([profile.proxy], profile))
            env = self.environment()
            proxies = [
                environment_proxy(Target(host="wiresleuth.invalid", port=443, scheme=s), env)[0]
                for s in ("https", "http")
            ]
            lookups.ask(_names(proxies, profile))
            self._looked_up = lookups.answers()

    def _address_of(self, host: str) -> str | None:
        if host in self._looked_up:
            return self._looked_up[host]
        return lookup_now(host)

    def _targets(self, given: WizardInput) -> list[Target]:
        """Secure sites only matter here when a proxy exists; plain sites always do."""
        has_proxy = bool(self._known_proxies(given)) or given.profile.pac_url is not None
        return [t for t in given.targets if t.scheme == "http" or has_proxy]

    def _hold_seconds(self, given: WizardInput) -> float:
        budgets = given.profile.budgets
        cap = budgets.run * 0.75 - budgets.connect - budgets.tls_handshake
        return max(0.0, min(budgets.tunnel_hold, cap))

    def flows(self, given: WizardInput) -> list[FlowSpec]:
        flows: list[FlowSpec] = []
        for proxy in self._known_proxies(given):
            host, port = _split(proxy)
            address = self._address_of(host)
            if address is not None:
                flows.append(FlowSpec(address=address, proto="tcp", port=port))
        for target in self._targets(given):
            for address in given.addresses(target)[:1]:
                flows.append(FlowSpec(address=address, proto="tcp", port=target.port))
                if target.scheme == "http":
                    flows += [
                        FlowSpec(address=address, proto="icmp"),
                        FlowSpec(address=address, proto="tcp", port=9),
                    ]
        for endpoint in (*given.profile.path_proof, *given.profile.must_refuse):
            address = self._address_of(endpoint.host)
            if address is not None:
                flows.append(FlowSpec(address=address, proto="tcp", port=endpoint.port))
                if endpoint in given.profile.must_refuse:
                    flows.append(FlowSpec(address=address, proto="icmp"))
        return flows

    def steps(self, given: WizardInput) -> int:
        targets = self._targets(given)
        holds = 1 if any(t.scheme == "https" for t in targets) and self._known_proxies(given) else 0
        profile = given.profile
        return 1 + len(targets) + holds + len(profile.path_proof) + len(profile.must_refuse)

    # -- running ------------------------------------------------------------------------

    async def run(self, given: WizardInput, progress: Progress) -> ProxyWizardObservations:
        refusals_task = asyncio.gather(
            *(self._refusal(e, given, progress) for e in given.profile.must_refuse)
        )
        try:
            earlier: dict[str, object] = {}
            for wizard, kind in (("pac", PacWizardObservations), ("route", RouteObservations)):
                found = await given.observations_when_ready(wizard, kind)
                if found is not None:
                    earlier[wizard] = found
            observed = await self._run(replace(given, earlier=earlier), progress)
            return replace(observed, refusals=tuple(await refusals_task))
        finally:
            refusals_task.cancel()

    async def _run(self, given: WizardInput, progress: Progress) -> ProxyWizardObservations:
        notes: list[str] = []
        targets = self._targets(given)
        plans = [await self._plan(given, target, notes) for target in targets]
        proxies = proxies_of(plans, *self._known_proxies(given))
        for plan in plans:
            for route in plan.routes:
                if route.kind == "SOCKS":
                    notes.append(f"{plan.target}: SOCKS route {route.proxy} not tested")
        budgets = given.profile.budgets
        reaching = [
            asyncio.create_task(
                waited(progress, f"reaching {p}", budgets.connect, self._reach(p, given))
            )
            for p in proxies
        ]
        hold_seconds = self._hold_seconds(given)
        hold_targets = [t for t in targets if t.scheme == "https"] if proxies else []
        holds_task: asyncio.Task[list[HoldObservation]] | None = None
        if hold_targets and hold_seconds >= MIN_HOLD:
            # the longest wait of this wizard: it starts as soon as the first proxy that
            # answers is known, not after every proxy was checked
            holds_task = asyncio.create_task(
                self._holds_via_first(reaching, hold_targets, given, hold_seconds, progress)
            )
        elif hold_targets:
            notes.append(
                f"tunnel hold skipped: {hold_seconds:.1f} s left by the run budget (min {MIN_HOLD:g} s)"
            )
            progress.step("tunnel hold skipped")
        try:
            reach = await asyncio.gather(*reaching)
            progress.step(f"{len(proxies)} prox{'y' if len(proxies) == 1 else 'ies'} checked")
            usable = [u for u in map(_usable, reach) if u is not None]
            results = await asyncio.gather(
                *(
                    self._target(t, plan, given, usable, progress)
                    for t, plan in zip(targets, plans, strict=True)
                ),
                *(self._markers(e, given, usable, progress) for e in given.profile.path_proof),
            )
            holds = await holds_task if holds_task is not None else []
        finally:
            if holds_task is not None:
                holds_task.cancel()
        per_target = [r for r in results if isinstance(r, ProxyTargetObservation)]
        markers = [m for r in results if isinstance(r, tuple) for m in r]
        by_target: dict[str, list[HoldObservation]] = {}
        for hold in holds:
            by_target.setdefault(hold.target, []).append(hold)
        per_target = [
            ProxyTargetObservation(
                target=o.target,
                scheme=o.scheme,
                address=o.address,
                plan=o.plan,
                direct=o.direct,
                via_proxy=o.via_proxy,
                holds=tuple(by_target.get(o.target, ())),
                direct_http=o.direct_http,
            )
            for o in per_target
        ]
        return ProxyWizardObservations(
            proxies=tuple(reach),
            targets=tuple(per_target),
            markers=tuple(markers),
            refusals=(),
            credentials=self.credentials.user if self.credentials else None,
            hold_seconds=hold_seconds if holds_task is not None else 0.0,
            notes=tuple(dict.fromkeys(notes)),
        )

    def not_tested(self, given: WizardInput) -> dict[str, str]:
        kept = {t.key for t in self._targets(given)}
        why = (
            "no proxy is known: none in the profile, this computer's settings, a PAC or the "
            "environment"
        )
        return {t.key: why for t in given.targets if t.key not in kept}

    async def _plan(self, given: WizardInput, target: Target, notes: list[str]) -> RoutePlan:
        route = hop_for(given, target).route
        if route is not None and self._pac is None:
            # The route wizard decided, from the same settings the user's applications use.
            return RoutePlan(
                target=target.key,
                routes=route.candidates,
                source=route.source,
                detail=f"{route.origin}: {route.detail}" if route.detail else route.origin,
                origin=route.origin,
            )
        pac_result: str | None = None
        pac_url = given.profile.pac_url
        earlier = given.earlier_observations("pac", PacWizardObservations)
        if pac_url is not None and self._pac is None and earlier is not None:
            # The PAC wizard already fetched and evaluated the script in its sandbox.
            pac_result = _pac_decision(earlier, target)
            if pac_result is None:
                notes.append(f"{target.key}: the PAC gave no decision; profile/environment used")
        elif pac_url is not None and self._pac is not None:
            pac_result = await self._pac.find_proxy(pac_url, target)
            if pac_result is None:
                notes.append(f"{target.key}: the PAC gave no decision; profile/environment used")
        elif pac_url is not None:
            notes.append(
                "the PAC decision is not wired into this wizard yet; profile/environment used"
            )
        return plan_routes(
            target,
            pac_result=pac_result,
            profile_proxy=given.profile.proxy,
            environment=self.environment(),
        )

    async def _reach(self, proxy: str, given: WizardInput) -> ProxyReachObservation:
        host, port = _split(proxy)
        found = await resolve(host, timeout=given.profile.budgets.connect)
        if not found.addresses:
            return ProxyReachObservation(proxy=proxy, address=None, error=found.error)
        address = found.addresses[0]
        sock, conn = await tcp_connect(address, port, timeout=given.profile.budgets.connect)
        if sock is not None:
            sock.close()
        return ProxyReachObservation(proxy=proxy, address=address, connect=conn)

    async def _direct(self, address: str, port: int, given: WizardInput) -> ConnectObservation:
        sock, conn = await tcp_connect(address, port, timeout=given.profile.budgets.connect)
        if sock is not None:
            sock.close()
        return conn

    async def _exchange(
        self, target: Target, proxy: tuple[str, str], given: WizardInput
    ) -> ProxyExchange:
        budgets = given.profile.budgets
        sock, exchange = await through_proxy(
            proxy[0], proxy[1], target,
            method="CONNECT" if target.scheme == "https" else "GET",
            credentials=self.credentials,
            connect_timeout=budgets.connect, answer_timeout=budgets.tls_handshake,
        )  # fmt: skip
        if sock is not None:
            sock.close()
        return exchange

    async def _target(
        self,
        target: Target,
        plan: RoutePlan,
        given: WizardInput,
        proxies: list[tuple[str, str]],
        progress: Progress,
    ) -> ProxyTargetObservation:
        addresses = given.addresses(target)
        address = addresses[0] if addresses else None
        budgets = given.profile.budgets
        direct_task = (
            asyncio.create_task(
                waited(progress, f"{target.key}: direct connect", budgets.connect,
                       self._direct(address, target.port, given))
            )
            if address else None
        )  # fmt: skip
        http_task = (
            asyncio.create_task(
                waited(progress, f"{target.key}: direct request with an unknown Host",
                       budgets.connect + budgets.tls_handshake,
                       self._direct_http(target, address, given))
            )
            if address and target.scheme == "http"
            else None
        )  # fmt: skip
        exchanges = await asyncio.gather(
            *(waited(progress, f"{target.key}: via {p[0]}", budgets.connect + budgets.tls_handshake,
                     self._exchange(target, p, given))
              for p in proxies)
        )  # fmt: skip
        direct = await direct_task if direct_task else None
        direct_http = await http_task if http_task else None
        for exchange in exchanges:
            progress.socket_event(
                target.key, f"via {exchange.proxy}: {exchange.outcome}", exchange.ended_at
            )
        if direct is not None:
            progress.socket_event(
                target.key,
                "direct: " + ("connected" if direct.connected_at else str(direct.error)),
                direct.connected_at or direct.started_at,
            )
        progress.step(
            f"{target.key}: direct {'ok' if direct and direct.connected_at else 'failed'}"
        )
        return ProxyTargetObservation(
            target=target.key, scheme=target.scheme, address=address, plan=plan, direct=direct,
            via_proxy=tuple(exchanges), direct_http=direct_http,
        )  # fmt: skip

    async def _direct_http(
        self, target: Target, address: str, given: WizardInput
    ) -> DirectHttpObservation:
        """A request with a Host no server has: only a proxy in between answers it as one."""
        budgets = given.profile.budgets
        rtt_task = asyncio.create_task(
            measure_path_rtt(address, avoid_port=target.port, timeout=budgets.icmp)
        )
        bogus = f"wiresleuth-{secrets.token_hex(6)}.invalid"
        try:
            observation = await self._ask(target, address, bogus, given)
            path = await rtt_task
        finally:
            rtt_task.cancel()
        return DirectHttpObservation(
            target=observation.target, address=address, host_header=bogus,
            connect=observation.connect, answer=observation.answer, path_rtt=path,
            error=observation.error,
        )  # fmt: skip

    async def _ask(
        self, target: Target, address: str, host: str, given: WizardInput
    ) -> DirectHttpObservation:
        budgets = given.profile.budgets
        sock, conn = await tcp_connect(address, target.port, timeout=budgets.connect)
        if sock is None:
            return DirectHttpObservation(
                target=target.key, address=address, host_header=host, connect=conn, error=conn.error
            )
        loop = asyncio.get_running_loop()
        parser = ResponseParser()
        error: str | None = None
        deadline = time.monotonic() + budgets.tls_handshake
        try:
            await loop.sock_sendall(
                sock, origin_request("GET", host, target.path, keep_alive=False)
            )
            while parser.answer is None:
                left = deadline - time.monotonic()
                if left <= 0:
                    error = f"no answer within {budgets.tls_handshake:g} s"
                    break
                try:
                    data = await asyncio.wait_for(loop.sock_recv(sock, 65536), left)
                except TimeoutError:
                    continue
                if not data:
                    error = "closed without an answer"
                    break
                parser.feed(data, time.time())
        except NotHttp as exc:
            error = str(exc)
        except OSError as exc:
            error = describe_os_error(exc)
        finally:
            sock.close()
        return DirectHttpObservation(
            target=target.key, address=address, host_header=host, connect=conn,
            answer=parser.answer, error=error,
        )  # fmt: skip

    async def _holds_via_first(
        self,
        reaching: list[asyncio.Task[ProxyReachObservation]],
        targets: list[Target],
        given: WizardInput,
        seconds: float,
        progress: Progress,
    ) -> list[HoldObservation]:
        """The holds, through the first proxy (in order) that answered."""
        for task in reaching:
            found = _usable(await asyncio.shield(task))
            if found is not None:
                return await self._holds(targets, given, [found], seconds, progress)
        return await self._holds(targets, given, [], seconds, progress)

    async def _holds(
        self,
        targets: list[Target],
        given: WizardInput,
        proxies: list[tuple[str, str]],
        seconds: float,
        progress: Progress,
    ) -> list[HoldObservation]:
        jobs = []
        for target in targets:
            addresses = given.addresses(target)
            if addresses:
                jobs.append(self._hold_direct(target, addresses[0], given, seconds))
            for proxy in proxies:
                jobs.append(self._hold_proxy(target, proxy, given, seconds))
        holds = list(
            await waited(progress, f"holding {len(jobs)} connection(s) {seconds:g} s", seconds,
                         asyncio.gather(*jobs))
        )  # fmt: skip
        for hold in holds:
            progress.socket_event(hold.target, f"hold {hold.route}: {hold.outcome}", hold.ended_at)
        progress.step(f"{len(holds)} connection(s) held for up to {seconds:g} s")
        return holds

    async def _hold_direct(
        self, target: Target, address: str, given: WizardInput, seconds: float
    ) -> HoldObservation:
        budgets = given.profile.budgets
        sock, conn = await tcp_connect(address, target.port, timeout=budgets.connect)
        if sock is None:
            now = time.time()
            return HoldObservation(
                target=target.key, route="DIRECT", wanted=seconds, connect=conn,
                outcome="connect_failed", started_at=now, ended_at=now, error=conn.error,
            )  # fmt: skip
        return await hold_connection(
            sock, conn, target, route="DIRECT", wanted=seconds,
            answer_timeout=budgets.tls_handshake,
        )  # fmt: skip

    async def _hold_proxy(
        self, target: Target, proxy: tuple[str, str], given: WizardInput, seconds: float
    ) -> HoldObservation:
        budgets = given.profile.budgets
        route = f"PROXY {proxy[0]}"
        sock, exchange = await through_proxy(
            proxy[0], proxy[1], target, method="CONNECT", credentials=self.credentials,
            connect_timeout=budgets.connect, answer_timeout=budgets.tls_handshake,
        )  # fmt: skip
        if sock is None:
            now = time.time()
            outcome = "connect_failed" if exchange.outcome == "connect_failed" else "setup_failed"
            return HoldObservation(
                target=target.key, route=route, wanted=seconds, connect=exchange.connect,
                outcome=outcome, started_at=now, ended_at=now,
                error=exchange.error or f"CONNECT: {exchange.outcome}",
            )  # fmt: skip
        return await hold_connection(
            sock, exchange.connect, target, route=route, wanted=seconds,
            answer_timeout=budgets.tls_handshake,
        )  # fmt: skip

    async def _markers(
        self,
        endpoint: Target,
        given: WizardInput,
        proxies: list[tuple[str, str]],
        progress: Progress,
    ) -> tuple[MarkerObservation, ...]:
        budgets = given.profile.budgets
        found = await resolve(endpoint.host, timeout=budgets.connect)
        jobs = []
        if found.addresses:
            jobs.append(
                send_marker(
                    endpoint,
                    found.addresses[0],
                    proxy=None,
                    credentials=None,
                    connect_timeout=budgets.connect,
                    answer_timeout=budgets.tls_handshake,
                )
            )
        for proxy in proxies:
            jobs.append(
                send_marker(
                    endpoint,
                    found.addresses[0] if found.addresses else endpoint.host,
                    proxy=proxy,
                    credentials=self.credentials,
                    connect_timeout=budgets.connect,
                    answer_timeout=budgets.tls_handshake,
                )
            )
        markers: list[MarkerObservation] = list(
            await waited(progress, f"{endpoint.key}: path proof markers",
                         budgets.connect + budgets.tls_handshake, asyncio.gather(*jobs))
        )  # fmt: skip
        if not found.addresses:
            markers.insert(
                0,
                MarkerObservation(
                    target=endpoint.key,
                    route="DIRECT",
                    marker="",
                    outcome="connect_failed",
                    error=f"name did not resolve: {found.error}",
                ),
            )
        for marker in markers:
            progress.socket_event(
                endpoint.key, f"marker {marker.route}: {marker.outcome}",
                marker.acked_at or marker.sent_at or time.time(),
            )  # fmt: skip
        progress.step(f"{endpoint.key}: path proof sent")
        return tuple(markers)

    async def _refusal(
        self, endpoint: Target, given: WizardInput, progress: Progress
    ) -> DirectHttpObservation:
        budgets = given.profile.budgets
        found = await resolve(endpoint.host, timeout=budgets.connect)
        if not found.addresses:
            progress.step(f"{endpoint.key}: did not resolve")
            now = time.time()
            return DirectHttpObservation(
                target=endpoint.key, address="", host_header=endpoint.host,
                connect=ConnectObservation(address="", port=endpoint.port, started_at=now,
                                           error=f"name did not resolve: {found.error}"),
            )  # fmt: skip
        address = found.addresses[0]
        rtt_task = asyncio.create_task(
            measure_path_rtt(address, avoid_port=endpoint.port, timeout=budgets.icmp)
        )
        try:
            observation = await waited(
                progress, f"{endpoint.key}: a connection that must be refused",
                budgets.connect + budgets.tls_handshake,
                self._ask(endpoint, address, endpoint.host, given),
            )  # fmt: skip
            path = await rtt_task
        finally:
            rtt_task.cancel()
        progress.step(
            f"{endpoint.key}: "
            + ("refused as expected" if observation.connect.connected_at is None else "answered")
        )
        return DirectHttpObservation(
            target=observation.target, address=address, host_header=observation.host_header,
            connect=observation.connect, answer=observation.answer, path_rtt=path,
            error=observation.error,
        )  # fmt: skip


def _usable(reach: ProxyReachObservation) -> tuple[str, str] | None:
    """(``host:port``, address) of a proxy that accepted a connection."""
    if reach.address and reach.connect and reach.connect.connected_at:
        return reach.proxy, reach.address
    return None


def _pac_decision(observations: PacWizardObservations, target: Target) -> str | None:
    """``FindProxyForURL``'s answer for ``target`` from the PAC wizard's evaluation."""
    evaluation = observations.evaluation
    if evaluation is None or evaluation.outcome != "ok":
        return None
    for decision in evaluation.decisions:
        if decision.url == target.url and decision.result:
            return str(decision.result)
    return None
