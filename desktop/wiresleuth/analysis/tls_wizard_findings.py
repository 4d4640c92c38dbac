"""Conclusions of the TLS wizard: its socket observations plus, when captured, the packets.

Pure: no sockets, no clocks. Each conclusion names the evidence that proves it, and falls back
to socket-level evidence when there is no capture.

A default handshake that heard nothing although its answer had come (the capture shows it
arriving before the program gave up, or the socket still held it unread: a program not
scheduled in time on a loaded machine) proves nothing about the path or the server: no
finding is concluded from it, and the check on that target could not run (``late_reads``).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import replace
from functools import partial

from wiresleuth.analysis.answer_on_wire import TOO_BUSY, LateRead, exchange_flow, late_read
from wiresleuth.analysis.direct_blocked import Blocked, direct_blocked
from wiresleuth.analysis.dscp import dscp_name
from wiresleuth.analysis.flows import Stream, TcpFlow
from wiresleuth.analysis.handshake_timing import faster_than_path
from wiresleuth.analysis.intercepted_handshake import HandshakeSeen, PathReference, intercepted
from wiresleuth.analysis.merge import merge_same_findings
from wiresleuth.analysis.passive_dscp import Marking, dscp_marked
from wiresleuth.analysis.passive_gateway import GatewaySeen, gateway_vendor
from wiresleuth.analysis.passive_loss import LargeLoss, large_packet_loss
from wiresleuth.analysis.passive_plaintext import Injection, plaintext_injected
from wiresleuth.analysis.passive_reset import (
    ResetSeen,
    Unanswered,
    no_server_hello,
    reset_after_client_hello,
)
from wiresleuth.analysis.some_addresses import AddressResult, address_statuses, combined
from wiresleuth.analysis.stopped_waits import NO_STOPS, Stops, withheld_detail
from wiresleuth.analysis.tls_certificates import describe_certificate
from wiresleuth.analysis.tls_records import parse_tls
from wiresleuth.model.check_status import AddressStatus
from wiresleuth.model.finding import Evidence, Finding, Severity, conclude
from wiresleuth.model.observations import (
    TlsObservation,
    TlsTargetObservation,
    TlsWizardObservations,
)
from wiresleuth.model.packet import ICMP, ICMPV6, RST, PacketRecord

WIZARD = "tls"


_OUTCOME_WORDS = {
    "ok": "completed the handshake",
    "cert_error": "completed the handshake with a certificate that failed verification",
    "timeout": "did not finish the handshake in time",
    "reset": "reset the connection",
    "eof": "closed the connection during the handshake",
    "not_tls": "answered with something that is not TLS",
    "tls_error": "ended the handshake with a TLS error",
    "tunnel_failed": "was not reached: the proxy refused the tunnel",
}
"""How an address's default handshake ended, in words."""

_SILENT = ("timeout", "eof", "tls_error")
"""Outcomes of a handshake that may have ended without the server's ServerHello."""


NOT_NEEDED = "started in case, not needed, stopped"
"""How a speculative follow-up that was stopped (``stopped_attempts``) ended, in its
connection's name."""
NOT_USED = "started in case, not needed, not used"
"""The same for one that had ended on its own before it could be stopped."""


Judge = Callable[["_TargetAnalysis"], list[Finding]]
"""What a rule concludes about one address (``_TargetAnalysis`` of that address alone)."""


def per_address(
    target: TlsTargetObservation,
    flows: Sequence[TcpFlow],
    packets: Sequence[PacketRecord] = (),
    stops: Stops = NO_STOPS,
    judge: Judge | None = None,
) -> list[AddressResult]:
    """What the rules conclude on each address the target's name was tested on, each judged
    as if it were the only one (in the order tested); ``judge``: one rule instead of all of
    the TLS check's (``direct_blocked_targets``, ``marked_targets``)."""
    results: list[AddressResult] = []
    for tested in target.by_address():
        view = target.on_address(tested)
        default = view.attempt("default")
        if default is None:
            continue
        analysis = _TargetAnalysis(view, flows, packets, stops)
        reached = default.outcome != "connect_failed"
        outcome = (
            _OUTCOME_WORDS.get(default.outcome, f"ended with {default.outcome}")
            if reached
            else f"could not be reached ({default.connect.error or default.error or 'no answer'})"
        )
        if analysis.late() is not None:
            reached, outcome = False, TOO_BUSY
        results.append(
            AddressResult(
                address=tested.address,
                findings=tuple(analysis.findings() if judge is None else judge(analysis)),
                outcome=outcome,
                reached=reached,
            )
        )
    return results


def target_findings(
    target: TlsTargetObservation,
    flows: Sequence[TcpFlow],
    packets: Sequence[PacketRecord] = (),
    stops: Stops = NO_STOPS,
) -> tuple[list[Finding], tuple[AddressStatus, ...]]:
    """The findings about one target over every address of its name, and each address's
    status (empty for a name with one address)."""
    if not target.other_addresses:
        return _TargetAnalysis(target, flows, packets, stops).findings(), ()
    results = per_address(target, flows, packets, stops)
    return combined(target.target, results), address_statuses(results)


def analyse_tls_wizard(
    obs: TlsWizardObservations,
    flows: Sequence[TcpFlow],
    packets: Sequence[PacketRecord] = (),
    stops: Stops = NO_STOPS,
) -> tuple[list[Finding], dict[int, str]]:
    """Findings for every target, the gateway finding, and timeline labels by local port
    (``stops``: the run's stalls, for handshakes whose deadline fell in one)."""
    findings: list[Finding] = []
    labels: dict[int, str] = {}
    for target in obs.targets:
        findings += target_findings(target, flows, packets, stops)[0]
        several = bool(target.other_addresses)
        for tested in target.by_address():
            where = f" ({tested.address})" if several else ""
            for attempt in tested.attempts:
                if attempt.connect.local_port is not None:
                    labels[attempt.connect.local_port] = (
                        f"TLS {attempt.purpose} to {attempt.target}{where}: {attempt.outcome}"
                    )
            for spare in tested.stopped_attempts:
                if spare.connect.local_port is not None:
                    labels[spare.connect.local_port] = (
                        f"TLS {spare.purpose} to {target.target}{where}: "
                        f"{NOT_USED if spare.stopped_at is None else NOT_NEEDED}"
                    )
    gw = obs.gateway
    if gw is not None and gw.vendor and gw.mac:
        findings.append(
            gateway_vendor(
                GatewaySeen(
                    mac=gw.mac,
                    vendor=gw.vendor,
                    address=gw.address,
                    how=f"Default gateway {gw.address} ({gw.interface}) has MAC {gw.mac}",
                    evidence=(
                        Evidence(
                            text=f"gateway {gw.address} MAC {gw.mac}",
                            addresses=(gw.address,),
                            data={"mac": gw.mac, "vendor": gw.vendor},
                        ),
                    ),
                ),
                wizard=WIZARD,
            )
        )
    return findings, labels


def late_reads(
    obs: TlsWizardObservations, flows: Sequence[TcpFlow], stops: Stops = NO_STOPS
) -> list[LateRead]:
    """The default handshakes (one per target and address) that heard nothing although their
    answer had come, or whose deadline fell while the program was stopped: the check could
    not run on those targets (``TOO_BUSY``)."""
    found: list[LateRead] = []
    for target in obs.targets:
        for tested in target.by_address():
            late = _TargetAnalysis(target.on_address(tested), flows, (), stops).late()
            if late is not None:
                found.append(late)
    return found


def address_rows(
    obs: TlsWizardObservations,
    flows: Sequence[TcpFlow],
    packets: Sequence[PacketRecord] = (),
    stops: Stops = NO_STOPS,
) -> dict[str, tuple[AddressStatus, ...]]:
    """Target -> its status on each address of its name (targets with several addresses): an
    address no connection reached is a problem, as ``direct_blocked_targets`` says."""
    return {
        target.target: address_statuses(
            per_address(target, flows, packets, stops, judge=_every_rule)
        )
        for target in obs.targets
        if target.other_addresses
    }


def failing_attempts(target: TlsTargetObservation, finding: Finding) -> list[TlsObservation]:
    """The default attempts on the addresses ``finding`` names as failing (every address it
    was concluded on), or the target's default attempt for a name with one address."""
    named = finding.values.get("addresses_failing")
    if isinstance(named, list) and named:
        by_address = {t.address: t.attempt("default") for t in target.by_address()}
        return [a for a in (by_address.get(n) for n in named) if a is not None]
    default = target.attempt("default")
    return [default] if default is not None else []


def direct_blocked_targets(
    obs: TlsWizardObservations,
    flows: Sequence[TcpFlow],
    stops: Stops = NO_STOPS,
    first: Sequence[Finding] = (),
) -> list[Finding]:
    """``path.direct_blocked`` for every target whose handshake could not even connect
    directly, judged on every address of its name: one finding per target, which says how
    many of how many addresses could not be reached and names them (``some_addresses``);
    not for a connect whose deadline fell in one of the run's ``stops`` (a late read:
    ``late_reads``). ``first``: the proxy-path check's own (its direct connect tries a name's
    first address, and says what the proxies did): on a name tested here on several
    addresses, each is that address's, judged beside the others, so that one address no
    connection reaches does not condemn a name whose other addresses work; the rest are
    returned as they are."""
    found: list[Finding] = []
    left = list(first)
    for target in obs.targets:
        if not target.other_addresses:
            found += _blocked(_TargetAnalysis(target, flows, (), stops))
            continue
        results = per_address(target, flows, (), stops, judge=_blocked)
        tested = {r.address for r in results}
        theirs = [
            f for f in left if f.target == target.target and f.values.get("address") in tested
        ]
        left = [f for f in left if not any(f is t for t in theirs)]
        judged = [
            replace(
                r, findings=tuple(merge_same_findings([*_about(theirs, r.address), *r.findings]))
            )
            for r in results
        ]
        found += combined(target.target, judged)
    return found + left


def reached_directly(obs: TlsWizardObservations) -> frozenset[str]:
    """Targets with several addresses whose name the TLS check connected to directly on at
    least one of them: the name can be reached, whatever its other addresses do."""
    return frozenset(
        target.target
        for target in obs.targets
        if target.other_addresses
        and any(
            (d := target.on_address(one).attempt("default")) is not None
            and d.proxy is None
            and d.outcome != "connect_failed"
            for one in target.by_address()
        )
    )


def _every_rule(analysis: _TargetAnalysis) -> list[Finding]:
    """The TLS check's findings on the address, and whether it could be reached at all."""
    return [*analysis.findings(), *_blocked(analysis)]


def _about(findings: Sequence[Finding], address: str) -> list[Finding]:
    return [f for f in findings if f.values.get("address") == address]


def _blocked(analysis: _TargetAnalysis) -> list[Finding]:
    """``path.direct_blocked`` when the default handshake could not connect directly."""
    d = analysis.default
    if d is None or d.proxy is not None or d.outcome != "connect_failed":
        return []
    return [analysis.direct_blocked(d)] if analysis.late() is None else []


def marked_targets(
    obs: TlsWizardObservations, flows: Sequence[TcpFlow], lost: frozenset[tuple[str, str]]
) -> list[Finding]:
    """``path.dscp_marked`` for every target whose packets on the TLS check's connections
    carry a mark, judged on every address of its name (one finding per target, which says
    how many of how many addresses mark and names them); ``lost``: (target, address) whose
    large packets were lost, address ``""`` for every address of the target
    (``some_addresses.failing_pairs``; the MTU/DSCP interpretation concludes it, with its
    own)."""
    found: list[Finding] = []
    for target in obs.targets:
        judge = partial(_marked, lost, target.target)
        if not target.other_addresses:
            found += judge(_TargetAnalysis(target, flows, ()))
            continue
        found += combined(target.target, per_address(target, flows, judge=judge))
    return found


def _marked(lost: frozenset[tuple[str, str]], key: str, analysis: _TargetAnalysis) -> list[Finding]:
    """``path.dscp_marked`` when the packets of the address's connections carry a mark."""
    if analysis.default is None:
        return []
    address = analysis.obs.address or ""
    marked = analysis.dscp((key, address) in lost or (key, "") in lost)
    return [marked] if marked is not None else []


def _ms(seconds: float) -> str:
    return f"{seconds * 1000:.1f} ms" if seconds < 1 else f"{seconds:.2f} s"


class _TargetAnalysis:
    """The findings about one target."""

    def __init__(
        self,
        obs: TlsTargetObservation,
        flows: Sequence[TcpFlow],
        packets: Sequence[PacketRecord],
        stops: Stops = NO_STOPS,
    ) -> None:
        self.obs = obs
        self.stops = stops
        self.default = obs.attempt("default")
        self.flows = flows
        self.echo_replies = [
            p
            for p in packets
            if p.src == obs.address and p.proto in (ICMP, ICMPV6) and p.icmp_type in (0, 129)
        ]

    def flow_of(self, attempt: TlsObservation | None) -> TcpFlow | None:
        if attempt is None or attempt.connect.local_port is None:
            return None
        matches = [
            f
            for f in self.flows
            if f.client_port == attempt.connect.local_port
            and f.server == attempt.connect.address
            and f.server_port == attempt.connect.port
        ]
        return matches[-1] if matches else None

    def finding(
        self,
        fid: str,
        severity: Severity,
        title: str,
        user: str,
        engineer: str,
        evidence: list[Evidence],
        **values: object,
    ) -> Finding:
        return conclude(
            WIZARD, fid, severity, title, user, engineer, evidence,
            target=self.obs.target, **values,
        )  # fmt: skip

    def findings(self) -> list[Finding]:
        if self.default is None:
            return []
        out: list[Finding] = []
        intercepted = self.intercepted()
        if intercepted:
            out.append(intercepted)
        if self.late() is None:
            out += self.outcome()
        return out

    def late(self) -> LateRead | None:
        """The default handshake's late read: it ended without a ServerHello (in time, or
        closed), or its CONNECT without the proxy's answer, although more of the answer than
        it read had arrived before it gave up (capture), or was waiting unread in its socket.
        None when not so."""
        d = self.default
        if d is None:
            return None
        if d.outcome == "connect_failed":  # only a timeout whose deadline fell in a stop
            if d.connect.error != "timeout":
                return None
            return self.stops.late(
                target=self.obs.target,
                exchange=f"The TLS check's connect to {d.connect.address}:{d.connect.port}",
                started=d.connect.started_at,
                ended=d.connect.ended_at,
            )
        unanswered_tunnel = d.outcome == "tunnel_failed" and d.tunnel_status is None
        if d.outcome not in _SILENT and not unanswered_tunnel:
            return None
        if any(m.name == "server-hello" for m in parse_tls(d.received_bytes).messages):
            return None
        if unanswered_tunnel:
            exchange = f"The TLS check's CONNECT {self.obs.target} through the proxy {d.proxy}"
        else:
            via = f" through the proxy {d.proxy}" if d.proxy else ""
            exchange = (
                f"The TLS handshake with {d.connect.address}:{d.connect.port}{via} (SNI {d.sni})"
            )
        started = d.client_hello_at or d.connect.connected_at or d.connect.started_at
        late = late_read(
            exchange_flow(d.connect, self.flows),
            target=self.obs.target,
            exchange=exchange,
            started=started,
            ended=d.ended_at,
            offset=d.tunnel_bytes + len(d.received_bytes),
            unread_bytes=d.unread_bytes,
        )
        if late is not None or d.outcome != "timeout":  # an eof, an alert: answers, not waits
            return late
        stall = self.stops.during(started=started, ended=d.ended_at)
        if stall is None:
            return None
        return LateRead(
            target=self.obs.target,
            exchange=exchange,
            waited=d.ended_at - started,
            arrived_after=None,
            stopped=withheld_detail(exchange, stall, started=started, ended=d.ended_at),
        )

    # -- handshake timing -----------------------------------------------------------------

    def intercepted(self) -> Finding | None:
        assert self.default is not None
        path = self.obs.path_rtt
        flow = self.flow_of(self.default)
        captured = flow is not None and flow.handshake_rtt is not None
        hs = (
            flow.handshake_rtt
            if flow is not None and captured
            else self.default.connect.handshake_rtt
        )
        if path is None or path.rtt is None or hs is None:
            return None
        if not faster_than_path(hs, path.rtt):
            return None
        address = self.default.connect.address
        seen = HandshakeSeen(
            target=self.obs.target,
            server=address,
            rtt=hs,
            packets=tuple(p.number for p in (flow.syn, flow.syn_ack) if p) if flow else (),
            syn_ack_ttl=flow.syn_ack.ttl if flow and flow.syn_ack is not None else None,
        )
        probe = PathReference(
            text=(
                f"the path RTT to {address} is {_ms(path.rtt)} ({path.method}, fastest of "
                f"{len(path.samples)})"
                + ("" if captured else "; the handshake timed by the socket")
            ),
            seconds=path.rtt,
            packets=(),
            kind="probe",
            how=path.method,
        )
        extra = [self._hop_distance(flow.syn_ack)] if flow and flow.syn_ack is not None else []
        return intercepted(seen, [probe], wizard=WIZARD, extra=extra)

    def _hop_distance(self, syn_ack: PacketRecord) -> Evidence:
        """The SYN-ACK's TTL against the server's own echo replies: a nearer device shows."""
        echo = self.echo_replies[0] if self.echo_replies else None
        if echo is None or echo.ttl == syn_ack.ttl:
            return Evidence(
                text=f"SYN-ACK arrived with TTL {syn_ack.ttl}",
                packets=(syn_ack.number,),
                data={"ttl": syn_ack.ttl},
            )
        return Evidence(
            text=(
                f"SYN-ACK arrived with TTL {syn_ack.ttl}, the server's echo replies with TTL "
                f"{echo.ttl}: they come from different distances"
            ),
            packets=(syn_ack.number, echo.number),
            data={"ttl": syn_ack.ttl, "echo_reply_ttl": echo.ttl},
        )

    # -- how the default attempt ended ------------------------------------------------------

    def outcome(self) -> list[Finding]:
        d = self.default
        assert d is not None
        if d.proxy is not None and d.outcome in ("connect_failed", "tunnel_failed"):
            return []  # the route's proxy failed: the proxy-path wizard says how and why
        if d.outcome == "connect_failed":
            return []  # the target cannot be reached: ``direct_blocked_targets`` says so
        parsed = parse_tls(d.received_bytes)
        if d.outcome == "not_tls" or parsed.non_tls_offset is not None:
            return [self.plaintext(d, parsed.non_tls_offset or 0)]
        if d.outcome == "reset":
            return [self.reset(d)]
        alerts = [m for m in parsed.messages if m.name == "alert" and m.alert_level == 2]
        if alerts and d.outcome != "ok":
            return [self.alert(d, alerts[0].alert_description, alerts[0].offset)]
        if d.outcome in _SILENT and not any(m.name == "server-hello" for m in parsed.messages):
            small = self.obs.attempt("small-mss")
            if small is not None and small.outcome == "ok":
                return [self.large_packet_loss(d, small)]
            return [self.no_server_hello(d, small)]
        if d.outcome == "cert_error":
            return [self.cert_invalid(d)]
        if d.outcome == "ok":
            public = self.obs.attempt("public-trust")
            if public is not None and public.outcome == "cert_error":
                if d.proxy is not None:
                    return [self.inspected_by_proxy(d, public)]
                return [self.cert_intercepted(d, public)]
        return []

    def direct_blocked(self, d: TlsObservation) -> Finding:
        flow = self.flow_of(d)
        return direct_blocked(
            Blocked(
                target=self.obs.target,
                address=d.connect.address,
                port=d.connect.port,
                error=d.connect.error,
                seconds=d.ended_at - d.connect.started_at,
                packets=tuple(p.number for p in flow.packets[:5]) if flow else (),
            ),
            wizard=WIZARD,
        )

    def plaintext(self, d: TlsObservation, offset: int) -> Finding:
        flow = self.flow_of(d)
        packet = _packet_at(flow, offset + d.tunnel_bytes)
        hello = _client_hello_packet(flow, d.tunnel_request_bytes)
        chunk_at = _time_of_byte(d, offset)
        after = (chunk_at - d.client_hello_at) if chunk_at and d.client_hello_at else None
        extra: tuple[Evidence, ...] = ()
        if packet is not None and flow is not None and flow.syn_ack is not None:
            extra = (
                Evidence(
                    text=f"carried with TTL {packet.ttl}; the SYN-ACK had TTL {flow.syn_ack.ttl}",
                    packets=(packet.number, flow.syn_ack.number),
                    data={"ttl": packet.ttl, "syn_ack_ttl": flow.syn_ack.ttl},
                ),
            )
        return plaintext_injected(
            Injection(
                target=self.obs.target,
                data=d.received_bytes[offset:],
                offset=offset,
                after=after,
                packets=tuple(p.number for p in (hello, packet) if p is not None),
                sender=packet.src if packet else d.connect.address,
                extra=extra,
            ),
            wizard=WIZARD,
        )

    def reset(self, d: TlsObservation) -> Finding:
        flow = self.flow_of(d)
        rst = next((p for p in flow.rsts if p.src == flow.server), None) if flow else None
        hello = _client_hello_packet(flow, d.tunnel_request_bytes)
        if rst is not None and hello is not None:
            seconds, source = rst.time - hello.time, "capture"
        elif d.reset_at is not None and d.client_hello_at is not None:
            seconds, source = d.reset_at - d.client_hello_at, "socket"
        else:
            seconds, source = d.ended_at - d.connect.started_at, "socket"
        server_ttls: tuple[int, ...] = ()
        if rst is not None and flow is not None:
            server_ttls = tuple(
                sorted({p.ttl for p in flow.packets if p.src == flow.server and not p.has(RST)})
            )
        small = self.obs.attempt("small-mss")
        retry = (
            Evidence(text=f"retry with MSS 536: {small.outcome}", addresses=(d.connect.address,))
            if small is not None
            else None
        )
        return reset_after_client_hello(
            ResetSeen(
                target=self.obs.target,
                address=f"{d.connect.address}:{d.connect.port}",
                seconds=seconds,
                timing=source,
                packets=tuple(p.number for p in (hello, rst) if p),
                sender=rst.src if rst is not None else None,
                ttl=rst.ttl if rst is not None else None,
                server_ttls=server_ttls,
                reset_frame=rst.number if rst is not None else None,
                sni=d.sni,
                extra=(retry,) if retry is not None else (),
            ),
            wizard=WIZARD,
        )

    def alert(self, d: TlsObservation, description: str | None, offset: int) -> Finding:
        flow = self.flow_of(d)
        packet = _packet_at(flow, offset + d.tunnel_bytes)
        name = description or "unknown"
        ev = [
            Evidence(
                text=f"fatal alert {name} received",
                packets=(packet.number,) if packet else (),
                addresses=(packet.src,) if packet else (d.connect.address,),
                data={"alert": name, "ttl": packet.ttl if packet else None},
            )
        ]
        return self.finding(
            "tls.fatal_alert",
            Severity.PROBLEM,
            f"The secure connection to {self.obs.target} was refused ({name})",
            f"The secure connection to {self.obs.target} was refused with the error '{name}'.",
            f"TLS fatal alert {name} during the handshake with {d.connect.address} (SNI {d.sni}). "
            "Compare its TTL with the server's packets to know whether the server sent it.",
            ev,
            alert=name,
        )

    def no_server_hello(self, d: TlsObservation, small: TlsObservation | None) -> Finding:
        flow = self.flow_of(d)
        waited = d.ended_at - (d.client_hello_at or d.connect.started_at)
        packets = _hello_and_ack(flow, d.tunnel_request_bytes)
        return no_server_hello(
            Unanswered(
                target=self.obs.target,
                address=f"{d.connect.address}:{d.connect.port}",
                waited=waited,
                how=(
                    "the connection was closed without an answer"
                    if d.outcome == "eof"
                    else "nothing came back"
                ),
                packets=packets,
                acknowledged=len(packets) == 2,
                sni=d.sni,
                retried=small.outcome if small is not None else None,
                outcome=d.outcome,
            ),
            wizard=WIZARD,
        )

    def large_packet_loss(self, d: TlsObservation, small: TlsObservation) -> Finding:
        flow = self.flow_of(d)
        small_flow = self.flow_of(small)
        waited = d.ended_at - (d.client_hello_at or d.connect.started_at)
        evidence = [
            Evidence(
                text=f"default handshake: ClientHello sent, no ServerHello in {waited:.1f} s",
                packets=_hello_and_ack(flow, d.tunnel_request_bytes),
                timings={"waited": waited},
                addresses=(d.connect.address,),
            )
        ]
        values: dict[str, object] = {
            "small_mss": 536,
            "waited": round(waited, 3),
        }
        if flow is not None:
            stream = flow.server_stream
            after_gaps = [
                q.number for q in (_packet_after(stream, end) for _, end in stream.gaps) if q
            ]
            lost = list(dict.fromkeys((*after_gaps, *stream.out_of_order, *stream.retransmissions)))
            if stream.gaps and flow.capture_gap is not None:
                # The capture lost frames while it was open: its holes may be the capture's.
                evidence.append(
                    Evidence(
                        text=f"{sum(e - s for s, e in stream.gaps)} bytes of the server's answer "
                        f"are missing from the capture, but {flow.capture_gap.words} while the "
                        "connection was open: the capture cannot show whether they arrived",
                        packets=tuple(lost[:10]),
                        data={"gaps": [list(g) for g in stream.gaps]},
                    )
                )
            elif stream.gaps:
                missing = sum(end - start for start, end in stream.gaps)
                values["missing_bytes"] = missing
                evidence.append(
                    Evidence(
                        text=f"{missing} bytes of the server's answer never arrived, although later "
                        f"segments did (bytes {_gaps_text(stream.gaps)})",
                        packets=tuple(lost[:10]),
                        data={"gaps": [list(g) for g in stream.gaps]},
                    )
                )
            elif lost:
                evidence.append(
                    Evidence(
                        text="server segments retransmitted or out of order",
                        packets=tuple(lost[:10]),
                    )
                )
            if flow.server_mss:
                values["server_mss"] = flow.server_mss
            dup = flow.client_dup_acks
            if dup:
                evidence.append(
                    Evidence(
                        text=f"{len(dup)} duplicate ACK{'s' if len(dup) != 1 else ''} (SACK: "
                        "the data after the hole arrived, the hole did not)",
                        packets=tuple(dup[:10]),
                    )
                )
            values["largest_segment_received"] = stream.max_payload
        small_ms = (small.handshake_done_at or small.ended_at) - small.connect.started_at
        evidence.append(
            Evidence(
                text=f"the same handshake with MSS 536 completed in {_ms(small_ms)}"
                + (
                    f"; largest segment received {small_flow.server_stream.max_payload} bytes"
                    if small_flow
                    else ""
                ),
                packets=_server_hello_packet(small_flow, small.tunnel_bytes),
                timings={"small_mss_handshake": small_ms},
            )
        )
        return large_packet_loss(
            LargeLoss(
                target=self.obs.target,
                sender=self.obs.target,
                receiver=None,
                how=(
                    f"Default handshake to {d.connect.address}:{d.connect.port} stalled after "
                    f"the ClientHello (no ServerHello in {waited:.1f} s) while a retry with "
                    "TCP_MAXSEG 536 completed"
                ),
                small_mss_ok=True,
                evidence=tuple(evidence),
                values=values,
            ),
            wizard=WIZARD,
        )

    def cert_invalid(self, d: TlsObservation) -> Finding:
        inspect = self.obs.attempt("inspect")
        der = d.peer_certificate or (inspect.peer_certificate if inspect else None)
        cert = describe_certificate(der) if der else None
        issuer = cert.issuer if cert else "unknown"
        return self.finding(
            "tls.certificate_invalid",
            Severity.PROBLEM,
            f"The certificate of {self.obs.target} is not trusted here",
            f"{self.obs.target} presents a certificate this computer does not trust.",
            f"Verification failed: {d.verify_error or d.error}. Subject {cert.subject if cert else '?'}, "
            f"issuer {issuer}.",
            [
                Evidence(
                    text=f"verify error: {d.verify_error or d.error}; issuer {issuer}",
                    data={"issuer": issuer},
                )
            ],
            verify_error=d.verify_error or d.error,
            issuer=issuer,
        )

    def cert_intercepted(self, d: TlsObservation, public: TlsObservation) -> Finding:
        cert = describe_certificate(d.peer_certificate) if d.peer_certificate else None
        issuer = cert.issuer if cert else "unknown"
        return self.finding(
            "tls.certificate_intercepted",
            Severity.WARNING,
            f"Secure connections to {self.obs.target} are inspected ({issuer})",
            (
                f"Your secure connection to {self.obs.target} is opened and re-signed by "
                f"“{issuer}”, which this computer trusts but the public Internet does not. "
                "Usually that is your organisation's security proxy or antivirus."
            ),
            (
                f"Chain verifies against the OS store but not against the public bundle "
                f"({public.verify_error or public.error}). Leaf subject "
                f"{cert.subject if cert else '?'}, issuer {issuer}. Apps with their own trust "
                "store (Java, Electron, chat clients) will reject it."
            ),
            [
                Evidence(
                    text=f"OS store: ok; public bundle: {public.verify_error or public.error}",
                    data={"issuer": issuer},
                )
            ],
            issuer=issuer,
        )

    def inspected_by_proxy(self, d: TlsObservation, public: TlsObservation) -> Finding:
        """The route's proxy re-signs TLS: browsers (OS trust) work, certifi-based apps fail."""
        cert = describe_certificate(d.peer_certificate) if d.peer_certificate else None
        seen = cert.issuer if cert else "unknown"
        direct = self.obs.attempt("direct-inspect")
        real_cert = (
            describe_certificate(direct.peer_certificate)
            if direct is not None and direct.peer_certificate
            else None
        )
        real = real_cert.issuer if real_cert else None
        real_text = (
            f"the real server's certificate, read directly, is issued by “{real}”"
            if real
            else "the real server's certificate could not be read directly"
            + (f" ({direct.outcome}: {direct.error})" if direct is not None else "")
        )
        proxy = d.proxy
        return self.finding(
            "tls.inspected_by_proxy",
            Severity.WARNING,
            f"The proxy {proxy} inspects secure connections to {self.obs.target}",
            (
                f"Your applications reach {self.obs.target} through the proxy {proxy}, which "
                f"opens the secure connection and re-signs it as “{seen}”. This computer trusts "
                "that signer, so browsers work; programs that carry their own list of trusted "
                "authorities do not: Python programs (requests, pip: certifi), Java, Node.js and "
                "many Electron or vendor clients will reject the connection with a certificate "
                "error. The helpdesk can exempt the site from inspection or add the "
                "organisation's certificate to those programs."
            ),
            (
                f"CONNECT {self.obs.target} via {proxy} ({d.tunnel_status}); the leaf presented "
                f"through the tunnel (subject {cert.subject if cert else '?'}) is issued by "
                f"“{seen}”; it verifies against the OS trust store (truststore) but not against "
                f"the public bundle (certifi): {public.verify_error or public.error}. By "
                f"comparison, {real_text}. An SSL-inspecting (ssl-bump) proxy; applications "
                "using certifi, a JRE cacerts or Node's bundled CAs fail unless the inspection "
                "CA is added or the destination is spliced (not bumped)."
            ),
            [
                Evidence(
                    text=(
                        f"through {proxy}: issuer “{seen}”; OS store: ok; public bundle: "
                        f"{public.verify_error or public.error}"
                    ),
                    packets=_server_hello_packet(self.flow_of(d), d.tunnel_bytes),
                    addresses=(d.connect.address,),
                    data={"issuer": seen},
                ),
                Evidence(
                    text=f"direct: {real_text}",
                    packets=_server_hello_packet(self.flow_of(direct)),
                    addresses=(direct.connect.address,) if direct is not None else (),
                    data={"issuer": real} if real else {},
                ),
            ],
            proxy=proxy,
            issuer=seen,
            real_issuer=real,
            failing_apps=["Python (certifi)", "Java", "Node.js", "Electron clients"],
        )

    # -- DSCP -----------------------------------------------------------------------------

    def dscp(self, lost: bool) -> Finding | None:
        address = self.obs.address
        marked = [
            p
            for f in self.flows
            if f.server == address
            for p in f.packets
            if p.src == address and p.dscp
        ]
        if not marked:
            return None
        counts: dict[int, int] = {}
        for p in marked:
            counts[p.dscp] = counts.get(p.dscp, 0) + 1
        value = max(counts, key=lambda k: counts[k])
        name = dscp_name(value)
        total = sum(
            1 for f in self.flows if f.server == address for p in f.packets if p.src == address
        )
        return dscp_marked(
            Marking(
                target=self.obs.target,
                server=self.obs.target,
                address=address or "",
                value=value,
                marked=len(marked),
                total=total,
                lost=lost,
                evidence=(
                    Evidence(
                        text=f"{len(marked)} packets from {address} with DSCP {value} ({name})",
                        packets=tuple(p.number for p in marked[:10]),
                        addresses=(address,) if address else (),
                        data={"dscp": value, "counts": {str(k): v for k, v in counts.items()}},
                    ),
                ),
            ),
            wizard=WIZARD,
        )


def _packet_at(flow: TcpFlow | None, offset: int) -> PacketRecord | None:
    if flow is None:
        return None
    try:
        return flow.server_stream.packet_at(offset)
    except (IndexError, KeyError, ValueError):
        return None


def _packet_after(stream: Stream, offset: int) -> PacketRecord | None:
    """The segment that arrived just after a hole: proof that later bytes got through."""
    try:
        return stream.packet_at(offset)
    except (IndexError, KeyError, ValueError):
        return None


def _time_of_byte(d: TlsObservation, offset: int) -> float | None:
    seen = 0
    for chunk in d.received:
        if seen + len(chunk.data) > offset:
            return chunk.at
        seen += len(chunk.data)
    return None


def _client_hello_packet(flow: TcpFlow | None, offset: int = 0) -> PacketRecord | None:
    """The packet carrying the ClientHello: the first client bytes, or the first after the
    ``offset`` bytes of a CONNECT request when the handshake went through a tunnel."""
    if flow is None or len(flow.client_stream.data) <= offset:
        return None
    try:
        return flow.client_stream.packet_at(offset)
    except (IndexError, KeyError, ValueError):
        return None


def _hello_and_ack(flow: TcpFlow | None, offset: int = 0) -> tuple[int, ...]:
    """The ClientHello and the server's ACK of it: proof that small packets do get through."""
    hello = _client_hello_packet(flow, offset)
    if flow is None or hello is None:
        return ()
    end = hello.seq + hello.payload_len
    ack = next(
        (
            p
            for p in flow.packets
            if p.src == flow.server and p.has(16) and p.ack == end and p.time >= hello.time
        ),
        None,
    )
    return tuple(p.number for p in (hello, ack) if p)


def _server_hello_packet(flow: TcpFlow | None, offset: int = 0) -> tuple[int, ...]:
    """The packet carrying the server's first TLS bytes (after a proxy's CONNECT answer)."""
    if flow is None or len(flow.server_stream.data) <= offset:
        return ()
    try:
        return (flow.server_stream.packet_at(offset).number,)
    except (IndexError, KeyError, ValueError):
        return ()


def _gaps_text(gaps: Sequence[tuple[int, int]]) -> str:
    """``0–4096, 8192–12288`` (the first four holes, then how many more)."""
    shown = ", ".join(f"{start}–{end}" for start, end in gaps[:4])
    return shown + (f" and {len(gaps) - 4} more" if len(gaps) > 4 else "")
