"""Conclusions of the local-hold wizard: does this computer hold requests before they
leave, for how long, and what was it trying to reach meanwhile? (case C7)

Pure. The hold is the time between the program handing its request to the socket and the
request's packet on the wire: the capture's timestamp of the first payload packet, else
Linux's own transmit timestamp of the request (it leaves the host then). Without either,
a late answer cannot be told from a slow server, and nothing is concluded.

The hand-over time is this program's clock, read just before it gives the request to the
socket: a stop of this program (``analysis.stopped_waits``) whose window holds that moment,
the request leaving as the program woke, may have fallen between the two, and then the
request left late because this program did.
Such a request's hold is not counted (``stopped_holds``); the waits for answers conclude
nothing here, whatever stopped them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from wiresleuth.analysis.passive_common import ms, plural
from wiresleuth.model.address import normalise
from wiresleuth.model.finding import Evidence, Finding, Severity
from wiresleuth.model.packet import PacketRecord

if TYPE_CHECKING:  # a capture taken elsewhere (``passive_hold``) has no wizard's observations
    from wiresleuth.analysis.answer_on_wire import LateRead
    from wiresleuth.analysis.flows import TcpFlow
    from wiresleuth.analysis.stopped_waits import Stops
    from wiresleuth.model.hold_observations import (
        ConnectAttemptSeen,
        HeldRequest,
        HoldWizardObservations,
    )

WIZARD = "hold"
HOLD_MIN = 0.2
"""A request leaving this much later than it was handed over was held (normal: < 1 ms)."""
ROUND_TOLERANCE = 0.1
"""A hold this close to whole seconds is a round number: a software timeout."""


@dataclass(frozen=True, kw_only=True)
class Timing:
    """When one request left, and how we know."""

    request: HeldRequest
    """The request."""
    wire_at: float | None
    """Epoch seconds it appeared on the wire (or left the host)."""
    source: str
    """``capture``, ``kernel timestamp`` or ``none``."""
    packet: PacketRecord | None = None
    """The captured request packet."""

    @property
    def hold(self) -> float | None:
        """Seconds between handing over and leaving."""
        sent = self.request.attempt.sent_at
        if sent is None or self.wire_at is None:
            return None
        return max(0.0, self.wire_at - sent)


def request_timing(request: HeldRequest, flows: Sequence[TcpFlow]) -> Timing:
    """The wire time of a request: capture first, then the kernel's transmit timestamp."""
    conn = request.attempt.connect
    for flow in flows:
        if (
            flow.client_port == conn.local_port
            and normalise(flow.server) == normalise(conn.address)
            and flow.server_port == conn.port
        ):
            first = next((p for p in flow.client_stream.packets if p.payload_len > 0), None)
            if first is not None:
                return Timing(request=request, wire_at=first.time, source="capture", packet=first)
    if request.attempt.left_host_at is not None:
        return Timing(
            request=request, wire_at=request.attempt.left_host_at, source="kernel timestamp"
        )
    return Timing(request=request, wire_at=None, source="none")


def unanswered_during(
    seen: Sequence[ConnectAttemptSeen], windows: Sequence[tuple[float, float]]
) -> dict[str, dict[str, object]]:
    """``ip:port`` -> what was seen of unanswered attempts overlapping a hold window."""
    out: dict[str, dict[str, object]] = {}
    for attempt in seen:
        if attempt.answered:
            continue
        if not any(attempt.at <= end and attempt.last_at >= start for start, end in windows):
            continue
        key = f"{attempt.dst}:{attempt.dport}"
        entry = out.setdefault(key, {"syns": 0, "sources": [], "processes": []})
        entry["syns"] = int(entry["syns"]) + attempt.syns  # type: ignore[call-overload]
        for field, value in (("sources", attempt.source), ("processes", attempt.process)):
            items = entry[field]
            assert isinstance(items, list)
            if value and value not in items:
                items.append(value)
    return out


def is_round(seconds: float) -> bool:
    """Whole seconds within the tolerance (and at least one second)."""
    return seconds >= 1.0 - ROUND_TOLERANCE and abs(seconds - round(seconds)) <= ROUND_TOLERANCE


def stopped_hold(t: Timing, stops: Stops) -> LateRead | None:
    """A request that would count as held, stamped inside a stop of this program
    (``Stops.handed_over``): its hold proves nothing."""
    sent = t.request.attempt.sent_at
    if sent is None or t.wire_at is None or t.hold is None or t.hold < HOLD_MIN:
        return None
    r = t.request
    return stops.handed_over(
        target=r.target,
        request=f"The {r.kind} request to {r.target} (round {r.round})",
        at=sent,
        left=t.wire_at,
    )


def stopped_holds(
    obs: HoldWizardObservations, flows: Sequence[TcpFlow], stops: Stops
) -> list[LateRead]:
    """The requests whose hold is not counted because a stop of this program may explain
    it: those parts of the check could not run (``TOO_BUSY``)."""
    found = [stopped_hold(request_timing(r, flows), stops) for r in obs.requests]
    return [x for x in found if x is not None]


def analyse_hold(
    obs: HoldWizardObservations, flows: Sequence[TcpFlow], stops: Stops | None = None
) -> tuple[list[Finding], dict[int, str]]:
    """The hold finding (if any), the security products finding, timeline labels; a
    request stamped inside one of the run's ``stops`` is not counted (``stopped_hold``)."""
    timings = [request_timing(r, flows) for r in obs.requests]
    spoiled = (
        {id(t) for t in timings if stopped_hold(t, stops) is not None}
        if stops is not None
        else set()
    )
    labels: dict[int, str] = {}
    for t in timings:
        port = t.request.attempt.connect.local_port
        if port is not None:
            how = f"held {t.hold:.2f} s" if t.hold is not None else "hold not measurable"
            if id(t) in spoiled:
                how = "hold not measurable: this program was stopped as it sent the request"
            labels[port] = (
                f"{t.request.kind} request to {t.request.target} (round {t.request.round}): {how}"
            )
    findings: list[Finding] = []
    products = [f"{p.name} ({p.source})" for p in obs.products]
    timings = [t for t in timings if id(t) not in spoiled]
    held = [t for t in timings if t.hold is not None and t.hold >= HOLD_MIN]
    if held:
        findings.append(_held_finding(obs, timings, held, products))
    if obs.products:
        findings.append(_products_finding(obs, products))
    return findings, labels


def _held_finding(
    obs: HoldWizardObservations,
    timings: list[Timing],
    held: list[Timing],
    products: list[str],
) -> Finding:
    import statistics  # here: its import (fractions, decimal) is not paid by a capture's analysis

    holds = [t.hold for t in held if t.hold is not None]
    seconds = statistics.median(holds)
    round_number = is_round(seconds)
    windows = [
        (t.request.attempt.sent_at, t.wire_at)
        for t in held
        if t.request.attempt.sent_at is not None and t.wire_at is not None
    ]
    quiet = unanswered_during(obs.attempts_seen, windows)
    measured = [t for t in timings if t.hold is not None]
    sources = sorted({t.source for t in held})
    rtts = [t.request.attempt.connect.rtt for t in held]
    handshake = statistics.median([r for r in rtts if r is not None] or [0.0])
    evidence: list[Evidence] = []
    for t in held[:6]:
        a = t.request.attempt
        assert a.sent_at is not None and t.wire_at is not None and t.hold is not None
        flow_packets = (t.packet.number,) if t.packet is not None else ()
        evidence.append(
            Evidence(
                text=(
                    f"{t.request.kind} request to {a.connect.address}:{a.connect.port} "
                    "handed to the socket, "
                    f"on the wire {t.hold:.3f} s later ({t.source})"
                    + (
                        f"; answer {a.first_byte_at - t.wire_at:.3f} s after it left"
                        if a.first_byte_at is not None
                        else ""
                    )
                ),
                packets=flow_packets,
                timings={"sent_by_app": a.sent_at, "on_wire": t.wire_at, "hold": t.hold},
                addresses=(f"{a.connect.address}:{a.connect.port}",),
            )
        )
    for key, entry in quiet.items():
        procs = entry["processes"]
        who = f" by {', '.join(map(str, procs))}" if isinstance(procs, list) and procs else ""
        evidence.append(
            Evidence(
                text=(
                    f"during the hold this computer tried {key}{who} and got no answer"
                    + (f" ({entry['syns']} SYNs)" if entry["syns"] else "")
                ),
                addresses=(key,),
                data=dict(entry),
            )
        )
    return request_held(
        Hold(
            seconds=seconds,
            round_number=round_number,
            held=len(held),
            measured=len(measured),
            timing=tuple(sources),
            handshake=handshake,
            unanswered=tuple(quiet),
            products=tuple(products),
            evidence=tuple(evidence),
        )
    )


@dataclass(frozen=True, kw_only=True)
class Hold:
    """Requests that left long after they could have."""

    seconds: float
    """The typical hold (median)."""
    round_number: bool
    """Whether it is a round number (a software timeout)."""
    held: int
    """Requests held."""
    measured: int
    """Requests whose hold could be measured."""
    timing: tuple[str, ...] = ()
    """What timed them: ``capture``, ``kernel``; empty: the wire alone (a capture taken
    elsewhere, which cannot see when the program handed the request over)."""
    client: str | None = None
    """The computer whose requests they are, in a capture taken elsewhere; None: this one."""
    handshake: float | None = None
    """The typical handshake, for comparison (the path is not what is slow)."""
    unanswered: tuple[str, ...] = ()
    """What this computer tried to reach meanwhile without an answer."""
    products: tuple[str, ...] = ()
    """Security products found on this computer."""
    evidence: tuple[Evidence, ...] = ()
    """The requests and what it tried meanwhile."""


def request_held(hold: Hold, *, wizard: str = WIZARD) -> Finding:
    """The finding: concluded when the program's own send times were measured, else (a
    capture taken elsewhere) a warning that says what a capture alone cannot prove."""
    seconds, concluded = hold.seconds, bool(hold.timing)
    values: dict[str, object] = {
        "seconds": round(seconds, 3),
        "round_number": hold.round_number,
        "held_requests": hold.held,
        "measured_requests": hold.measured,
        "timing": list(hold.timing),
        "unanswered": list(hold.unanswered),
        "products": list(hold.products),
        "concluded": concluded,
    }
    if concluded:
        note = (
            f" {seconds:.1f} s is a round number: a software timeout that then lets the "
            "request through (failing open)."
            if hold.round_number
            else ""
        )
        tried = (
            f" Meanwhile it tried to reach {', '.join(hold.unanswered)}, which never answered."
            if hold.unanswered
            else ""
        )
        installed = (
            f" Security products found: {', '.join(hold.products)}." if hold.products else ""
        )
        return Finding(
            id="local.request_held",
            severity=Severity.PROBLEM if seconds >= 1.0 else Severity.WARNING,
            title=f"Software on this computer holds web requests for {seconds:.1f} s",
            user_text=(
                f"Software on this computer holds each web request about {seconds:.1f} seconds "
                "before sending it, which makes every page slow. It is usually an antivirus or "
                f"web filter that cannot reach its own server.{tried}{installed} Tell the "
                "helpdesk."
            ),
            engineer_text=(
                f"{hold.held} of {hold.measured} requests left the host {seconds:.3f} s (median) "
                f"after the program handed them to the socket ({', '.join(hold.timing)}), while "
                f"their TCP handshakes took {(hold.handshake or 0.0) * 1000:.0f} ms (median): "
                f"the payload is held, not the path.{note}{tried} Check the local "
                "URL-filter/web-protection component and the server it consults." + installed
            ),
            wizard=wizard,
            target=hold.client,
            evidence=hold.evidence,
            values=values,
        )
    client = hold.client or "this computer"
    timeout = f" {ms(seconds)} is a round number: a software timeout." if hold.round_number else ""
    toward = f" It was trying to reach {hold.unanswered[0]}." if hold.unanswered else ""
    return Finding(
        id="local.request_held",
        severity=Severity.WARNING,
        title=f"Requests from {client} leave about {seconds:.1f} s after their connection is ready",
        user_text=(
            f"The connections of {client} are ready, but its requests leave about "
            f"{seconds:.1f} seconds later, each time. Something on that computer may be holding "
            "them (security software checking each address). The capture alone cannot prove "
            "it: run the diagnostics on that computer to measure it."
        ),
        engineer_text=(
            f"Median gap handshake -> first request byte {ms(seconds)} over "
            f"{plural(hold.held, 'connection')}.{timeout}{toward} Not concluded: without the "
            "application's own "
            "send times a capture cannot tell a request held by local software from one the "
            "program wrote late (or a connection opened ahead of need); `wiresleuth run` "
            "measures both."
        ),
        wizard=wizard,
        target=hold.client,
        evidence=hold.evidence,
        values=values,
    )


def _products_finding(obs: HoldWizardObservations, products: list[str]) -> Finding:
    return Finding(
        id="local.security_products",
        severity=Severity.INFO,
        title=f"Security products on this computer: {', '.join(p.name for p in obs.products)}",
        user_text=(
            "This computer runs these security products: "
            + ", ".join(p.name for p in obs.products)
            + "."
        ),
        engineer_text=(
            "Reported by the OS: "
            + "; ".join(f"{p.name} ({p.source}: {p.detail})" for p in obs.products)
            + (f". Inventory incomplete: {obs.products_error}" if obs.products_error else ".")
        ),
        wizard=WIZARD,
        evidence=tuple(
            Evidence(text=f"{p.name}: {p.source} {p.detail}", data={"enabled": p.enabled})
            for p in obs.products
        ),
        values={"products": products},
    )
