"""The hop locator's conclusions: which hop answers, how far the server is, what hops rewrite.

Pure: the locator's observations (and the capture, when there is one) in; out, for each
suspecting finding an addition ("the reset comes from hop 2 (...); the server is 2 hops
away"), a ``path.header_rewritten`` finding where hops quote a packet differently from how it
left, and the hop list the viewer shows. Without capture the socket's error queue still
names the routers that dropped SYNs and echoes and quotes the TCP header; what it cannot
give (DSCP in the quoted IP header, the router that dropped a segment of an established
connection) is said in the texts.

A hop is located by silence too: the first TTL answered is the answering hop only if every
nearer probe really heard nothing. A nearer probe whose wave gave up while this program was
stopped (``analysis.stopped_waits``) may have had its answer waiting unread, so such a trace
locates nothing (nor the server's distance): that part of the check could not run.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace

from wiresleuth.analysis.answer_on_wire import LateRead
from wiresleuth.analysis.hop_capture import HopCapture, ProbePackets
from wiresleuth.analysis.hop_quotes import HeaderFields, QuotedHop, Rewrite, rewrites, tcp_fields
from wiresleuth.analysis.hop_requests import SUSPECTS
from wiresleuth.analysis.stopped_waits import NO_STOPS, Stops
from wiresleuth.model.finding import Evidence, Finding, Severity
from wiresleuth.model.finding_addition import FindingAddition
from wiresleuth.model.hop_observations import (
    MAX_HOPS,
    HopLocation,
    HopLocatorObservations,
    HopProbe,
    HopSuspicion,
    HopTrace,
)
from wiresleuth.model.packet import PacketRecord

WIZARD = "hops"
TRACE_NAMES = {
    "echo": "ICMP echo",
    "udp": "UDP",
    "syn": "SYN",
    "client-hello": "ClientHello",
    "http": "HTTP request",
}
"""How each kind of probe is called in texts."""
_NOUNS = {
    "path.tcp_intercepted": "answer to the connection",
    "pac.unexpected_answer": "answer to the connection",
    "tls.plaintext_injected": "injected answer",
    "tls.reset_after_client_hello": "reset",
    "path.forged_http_response": "fake answer",
}
NEEDS_CAPTURE = (
    "the routers' addresses need capture rights here: this system's sockets do not say "
    "which router dropped a probe, and without capture its ICMP messages are not seen"
)
"""What cannot be done where there is neither an error queue nor capture: the hop that
answers is still the first TTL answered, but no router on the way is named."""
_UNNAMED = "its address is unknown: it sent no ICMP message"
_UNNAMED_NO_RIGHTS = "its address needs capture rights here"
_FIELD_KEYS = {"MSS option": "mss", "DSCP": "dscp", "TCP window": "window"}
DSCP_LIMIT = (
    "without capture rights, DSCP changes on the way could not be compared (the socket "
    "gives only the quoted TCP header)"
)
"""What the quote comparison cannot do without capture."""


def _sentences(parts: Sequence[str]) -> str:
    """Parts joined as one sentence, its first letter upper-case (the rest as written)."""
    text = "; ".join(parts)
    return f" {text[:1].upper()}{text[1:]}." if text else ""


def _and(words: Sequence[str]) -> str:
    return words[0] if len(words) == 1 else f"{', '.join(words[:-1])} and {words[-1]}"


@dataclass(frozen=True, kw_only=True)
class HopRow:
    """One hop of the list the viewer shows."""

    ttl: int
    """Its distance: the TTL that reaches it."""
    address: str | None
    """Its address (None: it sent nothing that names it)."""
    rtt: float | None
    """Round trip to it, in seconds (the echo trace's, else the SYN's)."""
    name: str | None
    """Its reverse DNS name."""
    seen: tuple[str, ...]
    """What each kind of probe met there, in words (``SYN: time exceeded``)."""
    answers: bool
    """The suspicious answer comes from this hop."""
    destination: bool
    """The destination's own address answers here (the server's distance)."""


@dataclass(frozen=True, kw_only=True)
class HopReading:
    """What one location says."""

    location: HopLocation
    """The measurements."""
    rows: tuple[HopRow, ...]
    """The hop list, nearest first."""
    answer_hop: int | None
    """The hop that gives the suspicious answer (None: not located)."""
    syn_hop: int | None
    """The hop that answers the SYN."""
    server_hops: int | None
    """How many hops away the destination answers echo (or UDP)."""
    not_located: str | None
    """Why the suspicious answer was not located, in words (None: it was)."""
    blocked: str | None
    """Why nothing at all could be located here (skipped, no rights), in words."""
    limits: tuple[str, ...]
    """What could not be done in this run (no capture rights), in words."""
    unnamed: str = _UNNAMED
    """How a hop without an address is described (why it has none)."""
    rewrites: tuple[Rewrite, ...]
    """Fields hops quote differently from how the probe left."""
    packets: Mapping[tuple[str, int], ProbePackets]
    """(trace kind, TTL) -> that probe's captured packets."""
    stopped: Mapping[str, LateRead] = field(default_factory=dict)
    """Trace kind -> the nearer silence that, its deadline in a stop of this program, keeps
    that trace from locating anything (``stopped_silence``)."""

    def row(self, ttl: int | None) -> HopRow | None:
        """The row of hop ``ttl``."""
        return next((r for r in self.rows if r.ttl == ttl), None)


@dataclass(frozen=True, kw_only=True)
class HopConclusions:
    """Everything the locator's observations conclude."""

    additions: tuple[FindingAddition, ...] = ()
    """To the suspecting findings."""
    findings: tuple[Finding, ...] = ()
    """``path.header_rewritten``."""
    readings: tuple[HopReading, ...] = ()
    """Per location (the viewer's hop lists)."""
    labels: Mapping[int, str] = field(default_factory=dict)
    """Local port -> timeline lane label of each probe connection."""
    stopped: tuple[LateRead, ...] = ()
    """Traces that located nothing because a nearer silence ended in a stop of this
    program: those parts of the check could not run."""


def _ms(seconds: float | None) -> str:
    if seconds is None:
        return "?"
    return f"{seconds * 1000:.1f} ms" if seconds < 1 else f"{seconds:.2f} s"


def _traces(location: HopLocation) -> list[HopTrace]:
    return [t for t in (location.reference, location.syn, location.data) if t is not None]


def _fate_words(probe: HopProbe, address: str) -> str:
    if probe.fate == "expired":
        return "time exceeded"
    if probe.fate == "answered":
        what = {
            "syn-ack": "SYN-ACK",
            "reset": "reset",
            "fin": "closed",
            "echo-reply": "echo reply from the destination",
            "port-unreachable": "port unreachable from the destination",
        }.get(probe.answer or "", f"{len(probe.data)} bytes of data")
        return f"{what} after {_ms(probe.rtt)}"
    if probe.fate == "unreachable":
        code = f" (code {probe.icmp_code})" if probe.icmp_code is not None else ""
        return f"destination unreachable{code}"
    if probe.fate == "failed":
        return f"not sent: {probe.error}"
    return "no answer"


class _Reader:
    """Reads one location (with its captured packets, when there are any)."""

    def __init__(
        self,
        location: HopLocation,
        capture: HopCapture | None,
        *,
        error_queue: bool,
        stops: Stops = NO_STOPS,
    ) -> None:
        self.capture = capture
        self.stops = stops
        self.error_queue = error_queue
        self.names = {n.address: n.name for n in location.names if n.name}
        self.packets: dict[tuple[str, int], ProbePackets] = {}
        for trace in _traces(location):
            for probe in trace.probes:
                if capture is not None and probe.fate != "not_waited":
                    self.packets[(trace.kind, probe.ttl)] = capture.of(trace.kind, probe)
        self.location = self._with_capture(location)

    def _with_capture(self, location: HopLocation) -> HopLocation:
        """The location as the capture completes it: a probe the socket saw no fate for
        (no error queue: Windows, macOS) but whose ICMP error was captured expired there."""
        if not self.packets:
            return location

        def completed(trace: HopTrace | None) -> HopTrace | None:
            if trace is None:
                return None
            probes = []
            for probe in trace.probes:
                captured = self.packets.get((trace.kind, probe.ttl))
                error = captured.error if captured is not None else None
                if probe.fate in ("silent", "failed") and error is not None:
                    sent = captured.sent if captured is not None else None
                    probe = replace(
                        probe,
                        fate="expired" if error.icmp_type == 11 else "unreachable",
                        reported_by=error.src,
                        icmp_type=error.icmp_type,
                        icmp_code=error.icmp_code,
                        rtt=error.time - sent.time if sent is not None else None,
                        error=None,
                    )
                probes.append(probe)
            return replace(trace, probes=tuple(probes))

        return replace(
            location,
            reference=completed(location.reference),
            syn=completed(location.syn),
            data=completed(location.data),
        )

    def sender(self, trace: HopTrace, probe: HopProbe) -> str | None:
        """The router that answered a probe with an ICMP error (socket, else capture)."""
        if probe.reported_by:
            return probe.reported_by
        captured = self.packets.get((trace.kind, probe.ttl))
        if captured is not None and captured.error is not None:
            return captured.error.src
        return None

    def address_at(self, ttl: int) -> str | None:
        """Hop ``ttl``'s address: from the echo trace first, else any probe that expired there."""
        reference = self.location.reference
        if reference is not None:
            probe = reference.at(ttl)
            if probe is not None and probe.fate == "answered":
                return reference.address
            if probe is not None and probe.fate in ("expired", "unreachable"):
                found = self.sender(reference, probe)
                if found:
                    return found
        for trace in _traces(self.location):
            probe = trace.at(ttl)
            if probe is not None and probe.fate in ("expired", "unreachable"):
                found = self.sender(trace, probe)
                if found:
                    return found
        return None

    def rows(
        self, answer_hop: int | None, server_hops: int | None, changed: Sequence[Rewrite] = ()
    ) -> tuple[HopRow, ...]:
        traces = _traces(self.location)
        seen_ttls = [
            p.ttl
            for t in traces
            for p in t.probes
            if p.fate in ("expired", "answered", "unreachable")
        ]
        last = max([x for x in (answer_hop, server_hops) if x is not None], default=0)
        if not last:
            last = max(seen_ttls, default=0)
        last = min(last, MAX_HOPS)  # a bundle may say anything: the list stays a path's length
        rows: list[HopRow] = []
        for ttl in range(1, last + 1):
            seen: list[str] = []
            rtts: list[float] = []
            for trace in traces:
                end = trace.answered_ttl
                probe = trace.at(ttl)
                if probe is None or probe.fate == "not_waited" or (end is not None and ttl > end):
                    continue
                seen.append(f"{TRACE_NAMES.get(trace.kind, trace.kind)}: "
                            f"{_fate_words(probe, trace.address)}")  # fmt: skip
                if (
                    probe.rtt is not None
                    and probe.fate in ("expired", "answered", "unreachable")
                    and trace.kind in ("echo", "udp", "syn")
                ):
                    rtts.append(probe.rtt)
            for rewrite in changed:
                if rewrite.at.ttl == ttl:
                    seen.append(
                        f"quotes {rewrite.field} {rewrite.seen}, not {rewrite.sent}: "
                        "changed before this hop"
                    )
            address = self.address_at(ttl)
            rows.append(
                HopRow(
                    ttl=ttl,
                    address=address,
                    rtt=min(rtts) if rtts else None,
                    name=self.names.get(address) if address else None,
                    seen=tuple(seen),
                    answers=ttl == answer_hop,
                    destination=ttl == server_hops,
                )
            )
        return tuple(rows)

    def quotes(self) -> list[QuotedHop]:
        """Every quote of the SYN trace (MSS, window, DSCP) and, with capture, the DSCP
        quoted of the other probes."""
        found: list[QuotedHop] = []
        for trace in _traces(self.location):
            for probe in trace.probes:
                if probe.fate != "expired":
                    continue
                captured = self.packets.get((trace.kind, probe.ttl))
                address = self.sender(trace, probe)
                if captured is not None and captured.quote is not None:
                    fields = captured.quote.fields
                    sent = captured.sent
                    sent_fields = (
                        HeaderFields(mss=sent.mss, dscp=sent.dscp, window=sent.window)
                        if sent is not None
                        else None
                    )
                    if trace.kind != "syn":  # only the SYN's MSS and window are compared
                        fields = HeaderFields(dscp=fields.dscp)
                        sent_fields = HeaderFields(dscp=sent.dscp) if sent is not None else None
                    found.append(
                        QuotedHop(ttl=probe.ttl, address=address, fields=fields,
                                  sent=sent_fields, packets=captured.numbers)
                    )  # fmt: skip
                elif trace.kind == "syn" and probe.quote:
                    found.append(
                        QuotedHop(ttl=probe.ttl, address=address, fields=tcp_fields(probe.quote))
                    )
        return found

    def read(self, captured: bool) -> HopReading:
        location = self.location
        request = location.request
        stopped = {
            trace.kind: late
            for trace in _traces(location)
            if (late := stopped_silence(trace, self.stops, request.target)) is not None
        }
        reference, syn = location.reference, location.syn
        server_hops = reference.answered_ttl if reference and reference.kind not in stopped else None
        syn_hop = syn.answered_ttl if syn and syn.kind not in stopped else None
        suspect = location.data if request.kind != "syn" else location.syn
        answer_hop = suspect.answered_ttl if suspect is not None else None
        limits: list[str] = []
        blind = not self.error_queue and not captured
        if blind:
            limits.append(NEEDS_CAPTURE)
        if not captured:
            limits.append(DSCP_LIMIT)
            if request.kind != "syn" and not blind:
                limits.append(
                    f"the routers that dropped the {TRACE_NAMES.get(request.kind, request.kind)}s are named "
                    "from the echo trace at the same distance (the socket does not say who)"
                )
        blocked = self.blocked(captured)
        not_located = blocked or why_not_located(suspect, stopped)
        if not_located is not None:
            answer_hop = None
        changed = tuple(rewrites(self.quotes()))
        return HopReading(
            location=location,
            rows=self.rows(answer_hop, server_hops, changed),
            answer_hop=answer_hop,
            syn_hop=syn_hop,
            server_hops=server_hops,
            not_located=not_located,
            blocked=blocked,
            limits=tuple(limits),
            unnamed=_UNNAMED_NO_RIGHTS if blind else _UNNAMED,
            rewrites=changed,
            packets=self.packets,
            stopped=stopped,
        )

    def blocked(self, captured: bool) -> str | None:
        """Why no hop at all can be located here."""
        request = self.location.request
        return request.skipped or None


def stopped_silence(trace: HopTrace, stops: Stops, target: str) -> LateRead | None:
    """The silence that keeps ``trace`` from locating anything: a probe nearer than its
    first answered TTL (any, when none was answered) that heard nothing until its wave gave
    up with the deadline in one of the run's ``stops``. Its answer may have come and waited
    unread, so the first TTL answered is not known to be the nearest that answers; None
    when every silence it rests on is sound (or its deadline was not kept)."""
    end = trace.answered_ttl
    named = TRACE_NAMES.get(trace.kind, trace.kind)
    for probe in trace.probes:
        if probe.fate != "silent" or probe.ended_at is None:
            continue
        if end is not None and probe.ttl >= end:
            continue
        late = stops.late(
            target=target,
            exchange=f"The hop locator's {named} with TTL {probe.ttl} to {trace.address}",
            started=probe.sent_at,
            ended=probe.ended_at,
        )
        if late is not None:
            return late
    return None


def why_not_located(
    trace: HopTrace | None, stopped: Mapping[str, LateRead] | None = None
) -> str | None:
    """Why a trace did not find the hop that answers (None: it did); ``stopped``: the
    reading's silences that ended in a stop of this program, by trace kind."""
    if trace is None:
        return "the probes were not sent"
    late = (stopped or {}).get(trace.kind)
    if late is not None:
        return (
            f"{late.exchange[:1].lower()}{late.exchange[1:]} heard nothing until its deadline, "
            "which fell while this computer had stopped the program: its answer may have "
            "waited unread, so the hop that answers is not known (run the check again)"
        )
    if trace.answered_ttl is not None:
        return None
    if not trace.probes:
        return trace.error or "no probe was sent"
    named = TRACE_NAMES.get(trace.kind, trace.kind)
    tried = max((p.ttl for p in trace.probes), default=0)
    why = f"; {trace.error}" if trace.error else ""
    return (
        f"no {named} sent with TTL 1 to {tried} got the suspicious answer again "
        f"(it may come and go){why}"
    )


def read_locations(
    obs: HopLocatorObservations,
    packets: Sequence[PacketRecord],
    *,
    captured: bool,
    stops: Stops = NO_STOPS,
) -> list[HopReading]:
    """Each location, read (the viewer's hop lists come from here too); ``stops``: the
    run's stops of this program, which spoil the silences whose deadline fell in them."""
    readings = []
    for location in obs.locations:
        capture = HopCapture(packets, location.request.address) if captured else None
        reader = _Reader(location, capture, error_queue=obs.error_queue, stops=stops)
        readings.append(reader.read(captured))
    return readings


def _where(reading: HopReading, ttl: int) -> str:
    """``hop 2 (100.64.2.2, wan.lab.test)``, in words."""
    row = reading.row(ttl)
    parts = []
    if row is not None and row.address:
        parts.append(row.address)
        if row.name:
            parts.append(row.name)
        if row.destination and row.address == reading.location.request.address:
            parts.append("the server's own address")
    else:
        parts.append(reading.unnamed)
    if ttl == 1 and not (row is not None and row.destination):
        parts.append("your first router")
    return f"hop {ttl} ({', '.join(parts)})"


def describe_reading(reading: HopReading) -> str:
    """One sentence on what a location found (the viewer's heading of its hop list)."""
    request = reading.location.request
    named = TRACE_NAMES.get(request.kind, request.kind)
    if reading.answer_hop is None:
        return f"Not located: {reading.not_located or 'no probe got the suspicious answer'}."
    server = reading.server_hops
    distance = (
        "; how far the server is could not be measured"
        if server is None
        else ", as far away as the server itself"
        if server == reading.answer_hop
        else f"; the server is {server} hops away"
    )
    return f"The {named} is answered by {_where(reading, reading.answer_hop)}{distance}."


def _addition(reading: HopReading, suspicion: HopSuspicion) -> FindingAddition:
    request = reading.location.request
    kind = SUSPECTS.get(suspicion.id, request.kind)
    trace = reading.location.syn if kind == "syn" else reading.location.data
    why_not = reading.blocked or why_not_located(trace, reading.stopped)
    hop = trace.answered_ttl if trace is not None and why_not is None else None
    values: dict[str, object] = {"located": hop is not None}
    if reading.limits:
        values["hop_limits"] = "; ".join(reading.limits)
    limits = _sentences(reading.limits)
    if hop is None or trace is None:
        why = why_not or "no probe got the suspicious answer"
        values["not_located"] = why
        return FindingAddition(
            id=suspicion.id,
            target=suspicion.target,
            wizard=WIZARD,
            user_text="Which device in the path does it could not be located.",
            engineer_text=f"Hop locator: not located: {why}.{limits}",
            evidence=(Evidence(text=f"hop locator: not located: {why}"),),
            values=values,
        )
    noun = _NOUNS.get(suspicion.id, "answer")
    server = reading.server_hops
    row = reading.row(hop)
    values.update(answer_hop=hop, answer_address=row.address if row else None, server_hops=server)
    where = _where(reading, hop)
    if server is None:
        distance = "; how far the server is could not be measured (no echo reply)"
    elif server == hop:
        distance = (
            ", as far away as the server itself: the server, or a device right in front of "
            "it (a load balancer, a firewall), sends it"
        )
    else:
        distance = f"; the server is {server} hops away"
    user = f"The {noun} comes from {where}{distance}."
    probe = trace.at(hop)
    evidence = [_answer_evidence(reading, trace, hop, probe)]
    nearer = trace.at(hop - 1) if hop > 1 else None
    if nearer is not None and nearer.fate in ("expired", "unreachable"):
        evidence.append(_nearer_evidence(reading, trace, nearer))
    evidence.append(_list_evidence(reading))
    name = TRACE_NAMES.get(trace.kind, trace.kind)
    engineer = (
        f"Hop locator: {name}s to {request.address}:{request.port} sent with TTL 1, 2, …: "
        f"TTL {hop} got the {noun} ({_fate_words(probe, request.address) if probe else '?'})"
        + (
            f", TTL {hop - 1} expired at {_where(reading, hop - 1)}"
            if nearer is not None and nearer.fate == "expired"
            else ""
        )
        + (f"; the echo trace reaches {request.address} at hop {server}" if server else "")
        + f".{limits}"
    )
    return FindingAddition(
        id=suspicion.id,
        target=suspicion.target,
        wizard=WIZARD,
        user_text=user,
        engineer_text=engineer,
        evidence=tuple(evidence),
        values=values,
    )


def _answer_evidence(
    reading: HopReading, trace: HopTrace, hop: int, probe: HopProbe | None
) -> Evidence:
    name = TRACE_NAMES.get(trace.kind, trace.kind)
    captured = reading.packets.get((trace.kind, hop))
    words = _fate_words(probe, trace.address) if probe else "?"
    data: dict[str, object] = {"ttl": hop}
    if probe is not None and probe.data:
        data["answer"] = probe.data[:120].decode("utf-8", "replace")
    return Evidence(
        text=f"{name} with TTL {hop}: {words}",
        packets=captured.numbers if captured is not None else (),
        timings={"rtt": probe.rtt} if probe is not None and probe.rtt is not None else {},
        addresses=(trace.address,),
        data=data,
    )


def _nearer_evidence(reading: HopReading, trace: HopTrace, probe: HopProbe) -> Evidence:
    name = TRACE_NAMES.get(trace.kind, trace.kind)
    captured = reading.packets.get((trace.kind, probe.ttl))
    row = reading.row(probe.ttl)
    who = row.address if row is not None and row.address else "an unnamed router"
    return Evidence(
        text=f"{name} with TTL {probe.ttl}: {_fate_words(probe, trace.address)} from {who}",
        packets=captured.numbers if captured is not None else (),
        addresses=(who,) if row is not None and row.address else (),
        data={"ttl": probe.ttl},
    )


def _list_evidence(reading: HopReading) -> Evidence:
    hops = [
        {
            "hop": row.ttl,
            "address": row.address,
            "rtt_ms": round(row.rtt * 1000, 3) if row.rtt is not None else None,
            "name": row.name,
        }
        for row in reading.rows
    ]
    shown = "; ".join(
        f"{row.ttl}: {row.address or '*'}"
        + (f" {_ms(row.rtt)}" if row.rtt is not None else "")
        + (f" {row.name}" if row.name else "")
        for row in reading.rows
    )
    return Evidence(
        text=f"hops to {reading.location.request.address}: {shown or 'none answered'}",
        addresses=tuple(row.address for row in reading.rows if row.address),
        data={"hops": hops},
    )


def _rewrite_finding(reading: HopReading) -> Finding | None:
    if not reading.rewrites:
        return None
    request = reading.location.request
    fields = [r.field for r in reading.rewrites]
    values: dict[str, object] = {"rewritten": fields}
    limits = [limit for limit in reading.limits if limit == DSCP_LIMIT]
    if limits:
        values["hop_limits"] = "; ".join(limits)
    sentences: list[str] = []
    engineer: list[str] = []
    evidence: list[Evidence] = []
    for rewrite in reading.rewrites:
        key = _FIELD_KEYS[rewrite.field]
        at = _where(reading, rewrite.at.ttl)
        values.update(
            {
                f"{key}_sent": rewrite.sent,
                f"{key}_seen": rewrite.seen,
                f"{key}_at_hop": rewrite.at.ttl,
                f"{key}_after_hop": rewrite.before.ttl if rewrite.before else 0,
                f"{key}_at_address": rewrite.at.address,
            }
        )
        if rewrite.before is not None:
            between = f"between {_where(reading, rewrite.before.ttl)} and {at}"
            who = (
                f"hop {rewrite.before.ttl} changes it as it forwards the packet (or hop "
                f"{rewrite.at.ttl} as it receives it)"
            )
        else:
            between = f"before {at}"
            who = "this computer's first router, or a device on the link to it, changes it"
        sentences.append(f"the {rewrite.field} from {rewrite.sent} to {rewrite.seen}, {between}")
        engineer.append(
            f"{rewrite.field}: {rewrite.sent} ("
            + ("as sent" if rewrite.baseline == "sent" else "as hop 1 quotes it")
            + f"), quoted as {rewrite.seen} by {at}"
            + (f", still {rewrite.sent} at hop {rewrite.before.ttl}" if rewrite.before else "")
            + f": {who}"
        )
        evidence.append(
            Evidence(
                text=f"{rewrite.field}: {rewrite.sent} "
                + ("sent" if rewrite.baseline == "sent" else "quoted by hop 1")
                + f", {rewrite.seen} quoted by hop {rewrite.at.ttl}",
                packets=tuple(
                    sorted(
                        {*(rewrite.before.packets if rewrite.before else ()), *rewrite.at.packets}
                    )
                ),
                addresses=tuple(a for a in (rewrite.at.address,) if a),
                data={"field": rewrite.field, "sent": rewrite.sent, "seen": rewrite.seen},
            )
        )
    why = {
        "MSS option": (
            "Lowering the MSS option is how routers fit connections into a tunnel (VPN, "
            "PPPoE, mobile networks); it is harmless unless the value is wrong for the path."
        ),
        "DSCP": (
            "Your packets' priority marking is changed on the way: quality-of-service rules "
            "after that hop treat them as another class."
        ),
        "TCP window": (
            "Devices that change the window (WAN optimisers, firewalls) also change how fast "
            "data may flow."
        ),
    }
    return Finding(
        id="path.header_rewritten",
        severity=Severity.INFO,
        title=f"A device on the way to {request.target} rewrites the {_and(fields)}",
        user_text=(
            f"A device between you and {request.target} changes your packets on the way: "
            + "; ".join(sentences)
            + ". "
            + " ".join(why[f] for f in fields)
        ),
        engineer_text=(
            "ICMP time-exceeded quotes of TTL-limited probes compared with what was sent "
            "(tracebox): " + "; ".join(engineer) + "." + _sentences(limits)
        ),
        wizard=WIZARD,
        target=request.target,
        evidence=tuple(evidence),
        values=values,
    )


def _labels(reading: HopReading) -> dict[int, str]:
    labels: dict[int, str] = {}
    for trace in _traces(reading.location):
        if trace.kind in ("echo", "udp"):
            continue
        for probe in trace.probes:
            if probe.local_port:
                labels[probe.local_port] = (
                    f"hop locator: {TRACE_NAMES.get(trace.kind, trace.kind)} TTL {probe.ttl} "
                    f"to {trace.address}: {_fate_words(probe, trace.address)}"
                )
    return labels


def hop_conclusions(
    obs: HopLocatorObservations,
    packets: Sequence[PacketRecord],
    *,
    captured: bool,
    stops: Stops = NO_STOPS,
) -> HopConclusions:
    """Additions to the suspecting findings, rewrite findings, hop lists and lane labels;
    no hop located from a silence whose deadline fell in one of the run's ``stops``."""
    readings = read_locations(obs, packets, captured=captured, stops=stops)
    additions: list[FindingAddition] = []
    findings: list[Finding] = []
    labels: dict[int, str] = {}
    for reading in readings:
        for suspicion in reading.location.request.findings:
            additions.append(_addition(reading, suspicion))
        rewrite = _rewrite_finding(reading)
        if rewrite is not None:
            findings.append(rewrite)
        labels.update(_labels(reading))
    return HopConclusions(
        additions=tuple(additions),
        findings=tuple(findings),
        readings=tuple(readings),
        labels=labels,
        stopped=tuple(late for reading in readings for late in reading.stopped.values()),
    )
