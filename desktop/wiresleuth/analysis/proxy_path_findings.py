"""Conclusions of the proxy-path wizard: routes, proxy answers, tunnel holds and path proofs.

Pure: observations (and packets, when captured) in, findings out. Every conclusion rests on
what the sockets saw; the capture adds packet numbers, who sent a FIN or RST, and its TTL.

An exchange through the proxy that heard nothing although the capture shows the proxy's
answer arriving before the program gave up, or its socket still held it unread, was read too
late by a program not scheduled in time (a loaded machine): it says nothing about the proxy or the path, so a target left
without a working exchange by it is not concluded blocked; its check could not run there
(``late_reads``).

A connect or an exchange that timed out with its deadline inside a recorded stop of this
program (``analysis.stopped_waits``) proves nothing either: a direct connect that did is no
``path.direct_blocked`` (nor ``path.works_only_via_proxy``), a proxy that did is not
``proxy.unreachable``, an exchange through a proxy that did leaves its target not concluded;
those parts of the check could not run (``TOO_BUSY``). So for the path proof: a marker
whose connect, CONNECT through the proxy or wait for the listener's acknowledgement ran out
that way is not "not delivered"; a tunnel closed during such a stop, or as the program
woke, may have been closed for the quiet the stop made (the hold's traffic paused): no
``proxy.tunnel_closed`` from it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from wiresleuth.analysis.answer_on_wire import LateRead, exchange_flow, late_read
from wiresleuth.analysis.direct_blocked import Blocked, direct_blocked
from wiresleuth.analysis.flows import TcpFlow
from wiresleuth.analysis.handshake_timing import faster_than_path
from wiresleuth.analysis.route_severity import direct_closed_severity
from wiresleuth.analysis.stopped_waits import NO_STOPS, Stops
from wiresleuth.model.finding import Evidence, Finding, Severity
from wiresleuth.model.observations import ConnectObservation
from wiresleuth.model.packet import FIN, RST, PacketRecord
from wiresleuth.model.proxy_observations import (
    NO_ACK_IN_TIME,
    DirectHttpObservation,
    HoldObservation,
    HttpAnswer,
    MarkerObservation,
    ProxyExchange,
    ProxyTargetObservation,
    ProxyWizardObservations,
)

WIZARD = "proxy"
HOLD_SLACK = 0.9
"""A hold that lasted less than this share of the time wanted was cut short."""
SAME_CLOSE = 2.0
"""Direct and proxied holds closed within this many seconds of each other: the server did it."""
_PROXY_HEADERS = (
    "via", "x-cache", "x-cache-lookup", "x-bypass-cache", "x-squid-error", "proxy-agent",
    "x-proxy-id", "x-bluecoat-via",
)  # fmt: skip


def _ms(seconds: float) -> str:
    return f"{seconds * 1000:.1f} ms" if seconds < 1 else f"{seconds:.2f} s"


def _schemes(answer: HttpAnswer | None) -> list[str]:
    if answer is None:
        return []
    found: dict[str, None] = {}
    for value in answer.values("Proxy-Authenticate"):
        word = value.strip().split(" ", 1)[0].rstrip(",")
        if word:
            found.setdefault(word, None)
    return list(found)


def proxy_headers(answer: HttpAnswer | None) -> dict[str, str]:
    """Headers of an answer that name a proxy or cache (Via, X-Cache, X-Bypass-Cache...)."""
    if answer is None:
        return {}
    found: dict[str, list[str]] = {}
    for name, value in answer.headers:
        if name.lower() in _PROXY_HEADERS:
            found.setdefault(name, []).append(value)
    return {name: ", ".join(values) for name, values in found.items()}


def _status(answer: HttpAnswer | None) -> str:
    return "no answer" if answer is None else f"{answer.status} {answer.reason}".strip()


def _via(route: str) -> str:
    """``directly`` or ``through the proxy HOST:PORT``."""
    return "directly" if route == "DIRECT" else f"through the proxy {route.removeprefix('PROXY ')}"


def _challenge_values(x: ProxyExchange) -> tuple[str, ...]:
    answer = _challenge(x)
    return answer.values("Proxy-Authenticate") if answer else ()


def _challenge(x: ProxyExchange) -> HttpAnswer | None:
    """The 407 that asked this exchange for credentials, if one did."""
    for answer in (x.first_answer, x.answer):
        if answer is not None and answer.status == 407:
            return answer
    return None


@dataclass(frozen=True)
class _Packets:
    """Finds the captured flow of a socket and the packets worth citing."""

    flows: Sequence[TcpFlow]

    def flow(self, conn: ConnectObservation | None) -> TcpFlow | None:
        if conn is None:
            return None
        if conn.local_port is not None:
            for flow in reversed(self.flows):
                if (
                    flow.client_port == conn.local_port
                    and flow.server == conn.address
                    and flow.server_port == conn.port
                ):
                    return flow
            return None
        # a connect that failed: the SYN-only flow to that endpoint nearest in time
        candidates = [
            f
            for f in self.flows
            if f.server == conn.address and f.server_port == conn.port and f.syn_ack is None
        ]
        if not candidates:
            return None
        return min(candidates, key=lambda f: abs(f.start - conn.started_at))

    def syns(self, conn: ConnectObservation | None) -> tuple[int, ...]:
        flow = self.flow(conn)
        if flow is None:
            return ()
        return tuple(p.number for p in (*flow.syns, flow.syn_ack) if p is not None)[:6]

    def first_answer(self, conn: ConnectObservation | None) -> tuple[int, ...]:
        flow = self.flow(conn)
        if flow is None or not flow.server_stream.data:
            return ()
        try:
            return (flow.server_stream.packet_at(0).number,)
        except (KeyError, IndexError, ValueError):
            return ()

    def closer(self, conn: ConnectObservation | None, after: float) -> PacketRecord | None:
        """The first FIN or RST the far side sent (not before ``after`` - 1 s)."""
        flow = self.flow(conn)
        if flow is None:
            return None
        for packet in flow.packets:
            if flow.is_from_client(packet) or packet.time < after - 1.0:
                continue
            if packet.has(FIN) or packet.has(RST):
                return packet
        return None


class _Analysis:
    def __init__(
        self,
        obs: ProxyWizardObservations,
        flows: Sequence[TcpFlow],
        packets: Sequence[PacketRecord],
        stops: Stops = NO_STOPS,
        reached_directly: frozenset[str] = frozenset(),
    ) -> None:
        self.obs = obs
        self.stops = stops
        self.reached_directly = reached_directly
        self.packets = _Packets(flows)
        self.echo = [p for p in packets if p.icmp_type in (0, 129)]
        self.flows = flows
        self.findings: list[Finding] = []
        self.labels: dict[int, str] = {}
        self.late: list[LateRead] = []

    def add(
        self,
        fid: str,
        severity: Severity,
        title: str,
        user_text: str,
        engineer_text: str,
        evidence: list[Evidence],
        target: str | None,
        **values: object,
    ) -> None:
        self.findings.append(
            Finding(
                id=fid,
                severity=severity,
                title=title,
                user_text=user_text,
                engineer_text=engineer_text,
                wizard=WIZARD,
                target=target,
                evidence=tuple(evidence),
                values=values,
            )
        )

    def stopped(
        self, target: str, conn: ConnectObservation | None, what: str
    ) -> LateRead | None:
        """A connect that timed out with its deadline in a stop of this program."""
        if conn is None or conn.connected_at is not None or conn.error != "timeout":
            return None
        return self.stops.late(
            target=target,
            exchange=f"{what} ({conn.address}:{conn.port})",
            started=conn.started_at,
            ended=conn.ended_at,
        )

    def label(self, conn: ConnectObservation | None, text: str) -> None:
        if conn is not None and conn.local_port is not None:
            self.labels[conn.local_port] = text

    # -- the run --------------------------------------------------------------------------

    def run(self) -> None:
        unreachable = self.proxies()
        for target in self.obs.targets:
            self.target(target, unreachable)
        self.authentication()
        for endpoint in dict.fromkeys(m.target for m in self.obs.markers):
            self.path_proof([m for m in self.obs.markers if m.target == endpoint])
        for refusal in self.obs.refusals:
            self.refusal(refusal)

    def proxies(self) -> set[str]:
        down: set[str] = set()
        for reach in self.obs.proxies:
            conn = reach.connect
            self.label(conn, f"proxy {reach.proxy}: reachability")
            if conn is not None and conn.connected_at is not None:
                continue
            late = self.stopped(reach.proxy, conn, f"The connect to the proxy {reach.proxy}")
            if late is not None:
                self.late.append(late)
                continue
            down.add(reach.proxy)
            error = reach.error if conn is None else conn.error
            users = [
                t.target
                for t in self.obs.targets
                if any(r.proxy == reach.proxy for r in t.plan.routes)
            ]
            waited = f" after {_ms(conn.rtt or 0)}" if conn is not None and conn.rtt else ""
            self.add(
                "proxy.unreachable",
                Severity.PROBLEM,
                f"The proxy {reach.proxy} cannot be reached",
                (
                    f"This computer cannot connect to the proxy {reach.proxy} ({error}). Every "
                    "site that must go through it fails; tell the helpdesk."
                ),
                (
                    f"TCP connect to {reach.proxy} ({reach.address or 'unresolved'}) failed: "
                    f"{error}{waited}. Targets routed through it: {', '.join(users) or 'none'}. "
                    "Check the proxy service, a firewall between client and proxy, or the name."
                ),
                [
                    Evidence(
                        text=f"connect to {reach.proxy}: {error}",
                        packets=self.packets.syns(conn),
                        addresses=(reach.address,) if reach.address else (),
                    )
                ],
                reach.proxy,
                proxy=reach.proxy,
                address=reach.address,
                error=error,
                targets=users,
            )
        return down

    def target(self, t: ProxyTargetObservation, unreachable: set[str]) -> None:
        direct = t.direct
        self.label(direct, f"direct connect to {t.target}")
        ok = [x for x in t.via_proxy if x.outcome == "ok"]
        for exchange in t.via_proxy:
            self.label(
                exchange.connect,
                f"{exchange.method} {t.target} via {exchange.proxy}: {exchange.outcome}",
            )
            if exchange.method == "CONNECT" and exchange.outcome == "denied":
                self.port_denied(t, exchange)
        direct_ok = direct is not None and direct.connected_at is not None
        late = [] if ok else self.read_late(t)
        direct_late = self.stopped(t.target, direct, f"The direct connect to {t.target}")
        if direct_late is not None:
            late.append(direct_late)
        self.late += late
        if direct_late is not None:
            pass  # its deadline fell in a stop: neither blocked nor only via the proxy
        elif direct is not None and not direct_ok and ok and t.target not in self.reached_directly:
            self.only_via_proxy(t, ok)
        elif direct is not None and not direct_ok and not late:  # merged with the TLS check's
            self.direct_blocked(t)
        self.holds(t)
        if t.direct_http is not None:
            self.transparent(t, t.direct_http)

    def read_late(self, t: ProxyTargetObservation) -> list[LateRead]:
        """The exchanges through a proxy that heard nothing although the proxy's answer
        arrived (capture) before the program gave up, or waited unread in the socket: what
        the proxy answered is unknown, not absent."""
        found = []
        for x in t.via_proxy:
            exchange = f"{x.method} {x.target} through the proxy {x.proxy}"
            if x.outcome == "connect_failed":
                stopped = self.stopped(t.target, x.connect, f"The connect for {exchange}")
                if stopped is not None:
                    found.append(stopped)
                continue
            if x.outcome != "no_answer" or x.answer is not None:
                continue  # an exchange that had an answer (a 407) may have gone on over another connection
            started = x.connect.connected_at or x.connect.started_at
            late = late_read(
                exchange_flow(x.connect, self.flows),
                target=t.target,
                exchange=exchange,
                started=started,
                ended=x.ended_at,
                offset=x.answer_bytes,
                unread_bytes=x.unread_bytes,
            )
            if late is None:
                late = self.stops.late(
                    target=t.target, exchange=exchange, started=started, ended=x.ended_at
                )
            if late is not None:
                found.append(late)
        return found

    def first_is_proxy(self, t: ProxyTargetObservation, proxy: str) -> bool:
        return bool(t.plan.routes) and t.plan.routes[0].proxy == proxy

    def port_denied(self, t: ProxyTargetObservation, x: ProxyExchange) -> None:
        port = int(t.target.rpartition(":")[2])
        allowed = sorted(
            {
                int(o.target.rpartition(":")[2])
                for other in self.obs.targets
                for o in other.via_proxy
                if o.proxy == x.proxy and o.method == "CONNECT" and o.outcome == "ok"
            }
        )
        direct_ok = t.direct is not None and t.direct.connected_at is not None
        severity = Severity.PROBLEM if self.first_is_proxy(t, x.proxy) else Severity.WARNING
        error_header = ", ".join(x.answer.values("X-Squid-Error")) if x.answer else ""
        also = f" CONNECT to port(s) {', '.join(map(str, allowed))} works." if allowed else ""
        self.add(
            "proxy.connect_port_denied",
            severity,
            f"The proxy refuses connections to {t.target}",
            (
                f"The proxy {x.proxy} refuses to connect to {t.target} (port {port})."
                + (" Going directly works." if direct_ok else "")
                + " Programs that must use the proxy cannot reach it; the proxy team must allow "
                f"CONNECT to port {port} for this destination."
            ),
            (
                f"CONNECT {t.target} via {x.proxy} answered {_status(x.answer)}"
                + (f" ({error_header})" if error_header else "")
                + f".{also} Direct TCP to {t.target}: "
                + ("works." if direct_ok else f"{t.direct.error if t.direct else 'not tested'}.")
                + " Squid: `http_access deny CONNECT !SSL_ports`; add the port to SSL_ports or "
                "allow it for this destination."
            ),
            [
                Evidence(
                    text=f"CONNECT {t.target} -> {_status(x.answer)}",
                    packets=self.packets.first_answer(x.connect),
                    addresses=(x.connect.address,),
                    data={"headers": dict(x.answer.headers) if x.answer else {}},
                )
            ],
            t.target,
            proxy=x.proxy,
            port=port,
            status=x.answer.status if x.answer else None,
            allowed_ports=allowed,
            direct_ok=direct_ok,
        )

    def only_via_proxy(self, t: ProxyTargetObservation, ok: list[ProxyExchange]) -> None:
        assert t.direct is not None
        first = t.plan.routes[0] if t.plan.routes else None
        goes_direct = first is None or first.kind == "DIRECT"
        proxies = [x.proxy for x in ok]
        headers = proxy_headers(ok[0].answer)
        severity = direct_closed_severity(first, proxies)
        if severity is Severity.INFO:
            assert first is not None
            proxies = [str(first.proxy), *[p for p in proxies if p != first.proxy]]
        title = (
            f"Direct access to {t.target} is closed; your applications use the proxy, which works"
            if severity is Severity.INFO
            else f"{t.target} works only through the proxy"
        )
        self.add(
            "path.works_only_via_proxy",
            severity,
            title,
            (
                (
                    f"Direct access to {t.target} is closed by policy; your applications use the "
                    f"proxy {proxies[0]} (from {t.plan.origin or t.plan.source}), which works. A "
                    "program that insists on a direct connection (some vendor clients do) will "
                    "fail: configure it to use the system proxy, or ask for a direct exception."
                )
                if severity is Severity.INFO
                else f"{t.target} cannot be reached directly ({t.direct.error}), but through the "
                f"proxy {proxies[0]} it works."
                + (
                    " This computer is set to go directly, so it fails: the proxy setting (or PAC "
                    "file) must send this site through the proxy."
                    if goes_direct
                    else " The proxy this computer is set to use does not work for it; programs "
                    "that use the working proxy or insist on a direct connection need configuring."
                )
            ),
            (
                f"Direct TCP to {t.direct.address}:{t.direct.port}: {t.direct.error}; "
                f"{ok[0].method} via {', '.join(proxies)}: {_status(ok[0].answer)}. Route in force: "
                f"{' -> '.join(r.label for r in t.plan.routes)} (from {t.plan.origin or t.plan.source}). "
                "Direct access is blocked on the path (firewall or no route), the proxy path is open."
            ),
            [
                Evidence(
                    text=f"direct connect: {t.direct.error}",
                    packets=self.packets.syns(t.direct),
                    addresses=(t.direct.address,),
                ),
                Evidence(
                    text=f"{ok[0].method} via {ok[0].proxy}: {_status(ok[0].answer)}",
                    packets=self.packets.first_answer(ok[0].connect),
                    addresses=(ok[0].connect.address,),
                    data={"proxy_headers": headers},
                ),
            ],
            t.target,
            direct_error=t.direct.error,
            proxies=proxies,
            route=first.label if first else "DIRECT",
            route_source=t.plan.source,
            route_detail=t.plan.detail,
        )

    def direct_blocked(self, t: ProxyTargetObservation) -> None:
        assert t.direct is not None
        self.findings.append(
            direct_blocked(
                Blocked(
                    target=t.target,
                    address=t.direct.address,
                    port=t.direct.port,
                    error=t.direct.error,
                    packets=self.packets.syns(t.direct),
                    via_proxy=tuple(f"{x.proxy}: {x.outcome}" for x in t.via_proxy),
                ),
                wizard=WIZARD,
            )
        )

    # -- authentication --------------------------------------------------------------------

    def authentication(self) -> None:
        proxies = dict.fromkeys(x.proxy for t in self.obs.targets for x in t.via_proxy)
        for proxy in proxies:
            asked = [(t, x) for t in self.obs.targets for x in t.via_proxy if x.proxy == proxy]
            required = [(t, x) for t, x in asked if _challenge(x) is not None]
            if not required:
                continue
            exempt = [t.target for t, x in asked if _challenge(x) is None and x.outcome == "ok"]
            schemes: dict[str, None] = {}
            for _, x in required:
                for scheme in _schemes(_challenge(x)):
                    schemes.setdefault(scheme, None)
            rejected = [
                (t, x) for t, x in required if x.auth_scheme and x.outcome == "auth_required"
            ]
            accepted = [
                (t, x) for t, x in required if x.auth_scheme and x.outcome != "auth_required"
            ]
            x0 = required[0][1]
            closes = [
                h for t, _ in required for h in t.holds
                if h.route == f"PROXY {proxy}" and h.outcome in ("fin", "reset")
            ]  # fmt: skip
            names = ", ".join(schemes) or "none named"
            credentials = "accepted" if accepted else "rejected" if rejected else "not typed"
            self.add(
                "proxy.auth_required",
                Severity.WARNING,
                f"The proxy {proxy} requires authentication ({names})",
                (
                    f"The proxy {proxy} asks for a login ({names}) before it connects to "
                    f"{', '.join(t.target for t, _ in required)}. Browsers log in for you; other "
                    "programs (meeting clients, vendor applications) often cannot and fail or "
                    "drop. The helpdesk can exempt these sites from proxy authentication."
                    + (" Exempted here already: " + ", ".join(exempt) + "." if exempt else "")
                ),
                (
                    f"407 Proxy Authentication Required from {proxy} for "
                    f"{', '.join(t.target for t, _ in required)}; Proxy-Authenticate schemes: "
                    f"{names}. Credentials typed in this run: {credentials}"
                    + (f" ({x0.auth_scheme} as {x0.auth_user})" if x0.auth_scheme else "")
                    + (f"; note: {x0.auth_note}" if x0.auth_note else "")
                    + ". "
                    + (
                        f"Without authentication it answers: {', '.join(exempt)}. "
                        if exempt
                        else ""
                    )
                    + (
                        "Authenticated tunnels were closed early (see proxy.tunnel_closed): exempt "
                        "these destinations from authentication."
                        if closes
                        else ""
                    )
                ),
                [
                    Evidence(
                        text=f"{x.method} {t.target}: {_status(_challenge(x))}",
                        packets=self.packets.first_answer(x.connect),
                        addresses=(x.connect.address,),
                        data={"proxy_authenticate": list(_challenge_values(x))},
                    )
                    for t, x in required[:4]
                ],
                proxy,
                proxy=proxy,
                schemes=list(schemes),
                targets=[t.target for t, _ in required],
                exempt=exempt,
                login=credentials,
            )
            if rejected:
                x1 = rejected[0][1]
                self.add(
                    "proxy.auth_rejected",
                    Severity.PROBLEM,
                    f"The proxy {proxy} rejected the login",
                    (
                        f"The proxy {proxy} did not accept the user name and password typed for "
                        f"{x1.auth_user}. Check them (and the domain, for NTLM); if they are right, "
                        "the account may be locked or not allowed to use the proxy."
                    ),
                    (
                        f"{x1.auth_scheme} credentials for {x1.auth_user} answered with "
                        f"{_status(x1.answer)} again ({len(rejected)} request(s)). The password was "
                        "used in memory only and is not in this report."
                    ),
                    [
                        Evidence(
                            text=f"{x.method} {t.target} with {x.auth_scheme}: {_status(x.answer)}",
                            addresses=(x.connect.address,),
                        )
                        for t, x in rejected[:4]
                    ],
                    proxy,
                    proxy=proxy,
                    scheme=x1.auth_scheme,
                    user=x1.auth_user,
                    targets=[t.target for t, _ in rejected],
                )

    # -- holds ----------------------------------------------------------------------------

    def holds(self, t: ProxyTargetObservation) -> None:
        direct = next((h for h in t.holds if h.route == "DIRECT"), None)
        for hold in t.holds:
            self.label(
                hold.connect,
                f"hold {hold.route} to {t.target}: {hold.outcome} after {hold.seconds:.1f} s",
            )
        for hold in t.holds:
            if hold.route == "DIRECT" or hold.outcome not in ("fin", "reset"):
                continue
            if hold.requests == 0 or hold.seconds >= hold.wanted * HOLD_SLACK:
                continue
            if (
                direct is not None
                and direct.outcome in ("fin", "reset")
                and abs(direct.seconds - hold.seconds) < SAME_CLOSE
            ):
                continue  # both closed together: the server ends such connections
            late = self.stopped_hold(t, hold)
            if late is not None:
                self.late.append(late)
                continue
            self.tunnel_closed(t, hold, direct)

    def stopped_hold(self, t: ProxyTargetObservation, hold: HoldObservation) -> LateRead | None:
        """A tunnel closed while this program was stopped, or as it woke: its light traffic
        had paused for the stop, so the close may answer the quiet this computer made."""
        packet = self.packets.closer(hold.connect, hold.ended_at)
        closed = packet.time if packet is not None else hold.ended_at
        stall = self.stops.during(started=hold.started_at, ended=closed)
        if stall is None:
            return None
        held = f"The tunnel held {_via(hold.route)} to {t.target}"
        return LateRead(
            target=t.target,
            exchange=held,
            waited=closed - hold.started_at,
            arrived_after=None,
            stopped=(
                f"{held} was closed {closed - hold.started_at:.2f} s after set-up, "
                f"{closed - stall.started_at:.2f} s into a {stall.length:.2f} s stop of this "
                "program (or as it woke): its traffic had paused for the stop, so the close "
                "may answer the quiet this computer made; it proves no tunnel lifetime."
            ),
        )

    def tunnel_closed(
        self, t: ProxyTargetObservation, hold: HoldObservation, direct: HoldObservation | None
    ) -> None:
        packet = self.packets.closer(hold.connect, hold.ended_at)
        how = (
            ("RST" if packet.has(RST) else "FIN")
            if packet
            else ("RST" if hold.outcome == "reset" else "FIN")
        )
        by = packet.src if packet else hold.closed_by
        seconds = round(hold.seconds, 1)
        proxy = hold.route.removeprefix("PROXY ")
        if direct is None:
            control = "no direct connection was possible to compare"
        elif direct.outcome == "held":
            control = f"the direct connection stayed open for the whole {direct.wanted:g} s"
        elif direct.outcome in ("fin", "reset"):
            control = f"the direct connection was closed after {direct.seconds:.1f} s"
        else:
            control = f"direct: {direct.outcome} ({direct.error})"
        evidence = [
            Evidence(
                text=(
                    f"tunnel via {proxy} set up, {hold.requests} requests answered, then {how} "
                    f"from {by} after {seconds:g} s"
                ),
                packets=(packet.number,) if packet else (),
                timings={"seconds": hold.seconds, "wanted": hold.wanted},
                addresses=(by,) if by else (),
                data={"ttl": packet.ttl} if packet else {},
            ),
            Evidence(text=control, addresses=(direct.connect.address,) if direct else ()),
        ]
        needs_auth = any(x.proxy == proxy and _challenge(x) is not None for x in t.via_proxy)
        self.add(
            "proxy.tunnel_closed",
            Severity.PROBLEM,
            f"The proxy closes connections to {t.target} after {seconds:g} s",
            (
                f"Long connections to {t.target} through the proxy {proxy} are cut after about "
                f"{seconds:g} seconds; {control}. Meetings, chats and other long sessions drop."
                + (
                    " The proxy also requires a login for this site: exempting it from proxy "
                    "authentication usually fixes this."
                    if needs_auth
                    else ""
                )
            ),
            (
                f"A CONNECT tunnel to {t.target} via {proxy}, kept busy with a request every few "
                f"seconds, was closed by {how} from {by} after {hold.seconds:.1f} s (hold wanted "
                f"{hold.wanted:g} s); {control}. Look for a tunnel/client lifetime or an "
                "authentication re-check on the proxy (Squid client_lifetime, NTLM re-auth)."
            ),
            evidence,
            t.target,
            seconds=seconds,
            how=how,
            closed_by=by,
            proxy=proxy,
            direct=direct.outcome if direct else None,
            auth_required=needs_auth,
        )

    # -- transparent interception ------------------------------------------------------------

    def transparent(self, t: ProxyTargetObservation, d: DirectHttpObservation) -> None:
        self.label(d.connect, f"direct HTTP to {t.target} with Host {d.host_header}")
        headers = proxy_headers(d.answer)
        flow = self.packets.flow(d.connect)
        handshake = flow.handshake_rtt if flow and flow.handshake_rtt is not None else d.connect.handshake_rtt
        path = d.path_rtt.rtt if d.path_rtt else None
        too_fast = (
            handshake is not None and path is not None and faster_than_path(handshake, path)
        )
        if not headers and not too_fast:
            return
        evidence = []
        if headers:
            evidence.append(
                Evidence(
                    text=(
                        f"GET with Host {d.host_header} answered {_status(d.answer)} with "
                        + "; ".join(f"{k}: {v}" for k, v in headers.items())
                    ),
                    packets=self.packets.first_answer(d.connect),
                    addresses=(d.address,),
                    data={"headers": headers},
                )
            )
        if handshake is not None and path is not None:
            evidence.append(
                Evidence(
                    text=f"TCP handshake {_ms(handshake)} against a path RTT of {_ms(path)}",
                    packets=self.packets.syns(d.connect),
                    timings={"handshake_rtt": handshake, "path_rtt": path},
                )
            )
        self.add(
            "proxy.transparent_http",
            Severity.WARNING,
            f"A proxy in the path answers plain web requests to {t.target}",
            (
                f"Plain web traffic to {t.target} is taken over by a device in between (a "
                "transparent proxy or cache), even though this computer connects directly. It "
                "may change, cache or block pages."
            ),
            (
                f"Direct GET to {d.address}:80 with Host {d.host_header} (no server knows it) "
                f"answered {_status(d.answer)}"
                + (f" carrying {', '.join(headers)}" if headers else "")
                + (
                    f"; handshake {_ms(handshake)} vs path RTT {_ms(path)}: a device nearer than "
                    "the server completed it"
                    if too_fast and handshake is not None and path is not None
                    else ""
                )
                + ". WCCP/policy routing to a cache, or a TCP optimiser."
            ),
            evidence,
            t.target,
            headers=headers,
            status=d.answer.status if d.answer else None,
            handshake_rtt_ms=round(handshake * 1000, 3) if handshake is not None else None,
            path_rtt_ms=round(path * 1000, 3) if path is not None else None,
        )

    # -- path proof ----------------------------------------------------------------------

    def path_proof(self, markers: list[MarkerObservation]) -> None:
        """One finding per endpoint for what arrived, one for what did not (each names routes)."""
        for m in markers:
            self.label(m.connect, f"path proof {m.route} to {m.target}: {m.outcome}")
        delivered = [m for m in markers if m.outcome == "delivered"]
        missing = []
        for m in markers:
            if m.outcome == "delivered":
                continue
            late = self.stopped_marker(m)
            if late is not None:
                self.late.append(late)  # its silence is this program's: not concluded
            else:
                missing.append(m)
        if missing:
            self.not_delivered(missing, delivered)
        if delivered:
            self.delivered(delivered)

    def stopped_marker(self, m: MarkerObservation) -> LateRead | None:
        """A marker not delivered because a wait ran out with its deadline in a stop of this
        program: its connect, its CONNECT through the proxy, or its wait for the
        acknowledgement (a refusal, a close or a denial is an answer, and counts)."""
        what = f"The path proof's marker {_via(m.route)} to {m.target}"
        if m.outcome == "connect_failed":
            return self.stopped(m.target, m.connect, f"{what}: its connect")
        tunnel = m.tunnel
        if m.outcome == "tunnel_failed" and tunnel is not None and tunnel.outcome == "no_answer":
            return self.stops.late(
                target=m.target,
                exchange=f"{what}: its CONNECT",
                started=tunnel.connect.connected_at or tunnel.connect.started_at,
                ended=tunnel.ended_at,
            )
        if m.outcome != "no_ack" or not (m.error or "").startswith(NO_ACK_IN_TIME):
            return None
        started = m.sent_at or (m.connect.connected_at if m.connect is not None else None)
        if started is None:
            return None
        return self.stops.late(
            target=m.target,
            exchange=f"{what}: its wait for the acknowledgement",
            started=started,
            ended=m.ended_at,
        )

    def delivered(self, markers: list[MarkerObservation]) -> None:
        target = markers[0].target
        ways = [f"{_via(m.route)} (seen from {m.seen_from})" for m in markers]
        proxied = next((m for m in markers if m.route != "DIRECT"), None)
        self.add(
            "pathproof.delivered",
            Severity.INFO,
            f"The test message reached {target} {' and '.join(_via(m.route) for m in markers)}",
            (
                f"A test message arrived at the listener on {target}: {'; '.join(ways)}. The "
                "network delivers this path; if the application still fails, look at the "
                "application or its server."
            ),
            (
                "Markers acknowledged by `wiresleuth listen` on "
                f"{target}: "
                + "; ".join(
                    f"{m.marker} {_via(m.route)}, logged from {m.seen_from}"
                    + (
                        f", {_ms(m.acked_at - m.sent_at)} round trip"
                        if m.acked_at and m.sent_at
                        else ""
                    )
                    for m in markers
                )
                + ". Search the listener's log for the markers."
            ),
            [
                Evidence(
                    text=f"{_via(m.route)}: acknowledged, seen from {m.seen_from}",
                    packets=self.packets.first_answer(m.connect),
                    timings={"round_trip": m.acked_at - m.sent_at}
                    if m.acked_at and m.sent_at
                    else {},
                    addresses=tuple(a for a in (m.seen_from,) if a),
                    data={"marker": m.marker, "listener_time": m.listener_time},
                )
                for m in markers
            ],
            target,
            routes=[m.route for m in markers],
            seen_from=[m.seen_from for m in markers],
            direct=any(m.route == "DIRECT" for m in markers),
            proxy_seen_from=proxied.seen_from if proxied else None,
            markers=[m.marker for m in markers],
        )

    def not_delivered(
        self, missing: list[MarkerObservation], delivered: list[MarkerObservation]
    ) -> None:
        target = missing[0].target
        others = [d.route for d in delivered]
        why = {
            "connect_failed": "the connection could not be opened",
            "tunnel_failed": "the proxy refused to connect to it",
            "no_ack": "it was sent but the listener never acknowledged it",
            "bad_ack": "something else than the listener answered",
        }
        ways = [f"{_via(m.route)}: {why.get(m.outcome, m.outcome)}" for m in missing]
        self.add(
            "pathproof.not_delivered",
            Severity.WARNING if others else Severity.PROBLEM,
            f"The test message did not reach {target} {' or '.join(_via(m.route) for m in missing)}",
            (
                f"A test message did not reach the listener on {target}: {'; '.join(ways)}."
                + (
                    f" The same kind of message arrived {' and '.join(_via(r) for r in others)}."
                    if others
                    else ""
                )
            ),
            (
                "; ".join(
                    f"marker {m.marker or '(none)'} {_via(m.route)}: {m.outcome} ({m.error})"
                    for m in missing
                )
                + ". "
                + (
                    f"Delivered {', '.join(_via(r) for r in others)}: the listener runs, the "
                    "failing path drops the traffic."
                    if others
                    else "No path delivered: check that `wiresleuth listen` runs there."
                )
            ),
            [
                Evidence(
                    text=f"{_via(m.route)}: {m.outcome}: {m.error}",
                    packets=self.packets.syns(m.connect),
                    addresses=(m.connect.address,) if m.connect else (),
                    data={"marker": m.marker},
                )
                for m in missing
            ],
            target,
            routes=[m.route for m in missing],
            outcomes=[m.outcome for m in missing],
            direct=any(m.route == "DIRECT" for m in missing),
            delivered_by=others,
        )

    # -- endpoints that must refuse --------------------------------------------------------

    def refusal(self, r: DirectHttpObservation) -> None:
        self.label(r.connect, f"must refuse: {r.target}")
        if r.connect.connected_at is None:
            return
        flow = self.packets.flow(r.connect)
        handshake = flow.handshake_rtt if flow and flow.handshake_rtt is not None else r.connect.handshake_rtt
        path = r.path_rtt.rtt if r.path_rtt else None
        answered = _status(r.answer) if r.answer else (r.error or "no answer")
        evidence = [
            Evidence(
                text=f"handshake completed in {_ms(handshake or 0)}; request: {answered}",
                packets=self.packets.syns(r.connect) + self.packets.first_answer(r.connect),
                timings={"handshake_rtt": handshake} if handshake is not None else {},
                addresses=(r.address,),
            )
        ]
        if path is not None:
            evidence.append(
                Evidence(text=f"path RTT {_ms(path)} ({r.path_rtt.method if r.path_rtt else ''})")
            )
        near = handshake is not None and path is not None and faster_than_path(handshake, path)
        self.add(
            "path.unexpected_handshake",
            Severity.PROBLEM,
            f"{r.target} should refuse connections but answered",
            (
                f"{r.target} is meant to refuse connections here, yet a connection was accepted"
                + (" by a device close to you" if near else "")
                + f" ({answered}). Programs then wait instead of moving on."
            ),
            (
                f"Expected RST/refusal from {r.address}:{r.connect.port}; the handshake completed "
                f"in {_ms(handshake or 0)}"
                + (f" against a path RTT of {_ms(path)}" if path is not None else "")
                + f". Request: {answered}. Something answers on the server's behalf (carrier "
                "optimiser, transparent proxy) or the endpoint is not what the profile expects."
            ),
            evidence,
            r.target,
            answered=answered,
            handshake_rtt_ms=round(handshake * 1000, 3) if handshake is not None else None,
            path_rtt_ms=round(path * 1000, 3) if path is not None else None,
        )


def analyse_proxy_wizard(
    obs: ProxyWizardObservations,
    flows: Sequence[TcpFlow],
    packets: Sequence[PacketRecord] = (),
) -> tuple[list[Finding], dict[int, str]]:
    """Findings of the proxy-path wizard, and timeline labels by local port."""
    findings, labels, _ = proxy_conclusions(obs, flows, packets)
    return findings, labels


def proxy_conclusions(
    obs: ProxyWizardObservations,
    flows: Sequence[TcpFlow],
    packets: Sequence[PacketRecord] = (),
    stops: Stops = NO_STOPS,
    reached_directly: frozenset[str] = frozenset(),
) -> tuple[list[Finding], dict[int, str], list[LateRead]]:
    """As ``analyse_proxy_wizard``, and the late reads: exchanges through a proxy, of
    targets no exchange reached, that heard nothing although the proxy's answer had arrived,
    and connects or exchanges whose deadline fell in one of the run's ``stops`` (the check
    could not run on those targets: ``answer_on_wire.TOO_BUSY``). ``reached_directly``:
    targets whose name the TLS check reached directly on some address
    (``tls_wizard_findings.reached_directly``): a failed direct connect (to the name's first
    address) there is that address's ``path.direct_blocked``, not the name working only
    through the proxy."""
    analysis = _Analysis(obs, flows, packets, stops, reached_directly)
    analysis.run()
    return analysis.findings, analysis.labels, analysis.late
