"""Conclusions of the MTU/DSCP wizard: is it the path MTU (a black hole) or a policy?

Pure. The DF sweep says which packet sizes cross the path as ICMP; the TCP evidence says
whether the server's large segments arrive (its own default/small-MSS exchange, and, when
captured, every flow to that server: announced MSS, largest segment that arrived, gaps,
retransmissions, DSCP). A black hole loses large packets whatever they carry, ICMP too; a
policy lets ICMP of every size pass and loses large TCP segments of one (marked) server.

The capture is this computer's own, beside the receiver: a segment in it reached this
computer, so loss shows only as a hole, bytes never seen although later ones were, that the
client never acknowledged either. A resend seen here arrived; one the client did not
acknowledge was refused by a client that had closed (a busy machine answers late, and a
server's tail-loss probe crosses its reset), not lost on the path. Likewise a default
exchange whose socket heard nothing proves no loss when the capture shows the answer
arriving while the program still waited: the program read it late (``answer_on_wire``);
nor does one that heard nothing because its deadline fell while this program was stopped
(``stopped_waits``): the check could not run on that server (``stopped_exchanges``).
"""

from __future__ import annotations

import contextlib
from collections.abc import Sequence
from dataclasses import dataclass, field, replace

from wiresleuth.analysis.answer_on_wire import LateRead, answer_arrived, exchange_flow
from wiresleuth.analysis.dscp import dscp_name
from wiresleuth.analysis.flows import TcpFlow
from wiresleuth.analysis.merge import merge_same_findings
from wiresleuth.analysis.passive_dscp import Marking, dscp_marked
from wiresleuth.analysis.passive_loss import LARGE
from wiresleuth.analysis.some_addresses import AddressResult, combined
from wiresleuth.analysis.stopped_waits import NO_STOPS, Stops
from wiresleuth.model.address import normalise
from wiresleuth.model.capture_gap import CaptureGap
from wiresleuth.model.finding import Evidence, Finding, Severity, conclude
from wiresleuth.model.mtu_observations import (
    MtuTargetObservation,
    MtuWizardObservations,
    PathMtuSweep,
    SegmentAttempt,
)
from wiresleuth.model.observations import TlsObservation, TlsWizardObservations

WIZARD = "mtu"
MARGIN = 100
"""A segment this many bytes under the announced MSS is not "full size"."""
_NO_ANSWER = frozenset({"silent", "eof"})


@dataclass(frozen=True, kw_only=True)
class TcpEvidence:
    """What TCP showed about large segments from one server."""

    server_mss: tuple[int, ...] = ()
    """MSS values the server announced in its SYN-ACKs (capture)."""
    largest_received: int | None = None
    """Largest segment payload that arrived from the server (capture)."""
    lost_packets: tuple[int, ...] = ()
    """Frame numbers showing loss that was not recovered: the segment after each hole never
    filled, with the duplicate ACKs and the resends that hole caused."""
    missing_bytes: int = 0
    """Bytes of the server's streams never seen although later bytes were, and never
    acknowledged by the client (bytes it acknowledged reached it: the capture missed them)."""
    largest_hole: int = 0
    """The longest run of those bytes: a full-size segment or more when large ones are lost."""
    unprovable_bytes: int = 0
    """Bytes missing the same way from connections open while the capture itself lost
    frames (``TcpFlow.capture_gap``): not counted above, they prove nothing."""
    capture_gap: CaptureGap | None = None
    """The first such stretch of the capture."""
    sockets_default: str | None = None
    """Outcome of the default-MSS exchange (this wizard's, or the TLS wizard's handshake)."""
    sockets_small: str | None = None
    """Outcome of the small-MSS exchange (None when none was made)."""
    sockets_source: str = "mtu"
    """Whose exchanges those are: ``mtu`` (this wizard) or ``tls`` (the TLS wizard's)."""
    default_read_late: float | None = None
    """When the answer to the default exchange is known to have arrived although its socket
    reported none: the capture time of its first byte, else the attempt's end when the socket
    still held it unread. The program, not the path, was late (None: not so, or unknown)."""
    default_stopped: LateRead | None = None
    """When the default exchange heard nothing, nothing shows its answer came, and its
    deadline fell while this program was stopped: that wait, which proves nothing."""
    dscp_counts: dict[int, int] = field(default_factory=dict)
    """DSCP value -> packets from the server (capture)."""
    marked_packets: tuple[int, ...] = ()
    """Frame numbers of packets from the server with a non-zero DSCP."""
    unmarked: int = 0
    """Packets from the server with DSCP 0 (capture)."""

    @property
    def lost_by_sockets(self) -> bool:
        """The default exchange got no answer while the same with MSS 536 did, and the
        capture (when it holds the exchange) did not see that answer arrive meanwhile."""
        return (
            self.sockets_default in _NO_ANSWER
            and self.sockets_small == "answered"
            and self.default_read_late is None
            and self.default_stopped is None
        )

    @property
    def full_size(self) -> int:
        """Bytes from which a segment counts as full size: the announced MSS less ``MARGIN``
        (``passive_loss.LARGE`` when no SYN-ACK was captured)."""
        return max(self.server_mss) - MARGIN if self.server_mss else LARGE

    @property
    def lost_by_capture(self) -> bool:
        """A full-size segment or more of the server's data stayed missing (a hole the client
        never acknowledged either) while every segment that arrived was smaller: loss that
        picks large segments. Lost small bytes, or a server that never had a full segment to
        send, prove nothing about size."""
        full = self.full_size
        received = self.largest_received or 0
        return self.largest_hole >= full and received < full

    @property
    def large_lost(self) -> bool:
        """Either proof holds."""
        return self.lost_by_sockets or self.lost_by_capture

    @property
    def dscp(self) -> int | None:
        """The most frequent non-zero DSCP, None when unmarked or not captured."""
        marked = {k: v for k, v in self.dscp_counts.items() if k}
        return max(marked, key=lambda k: marked[k]) if marked else None


def tcp_evidence(
    address: str,
    attempts: Sequence[SegmentAttempt],
    flows: Sequence[TcpFlow],
    *,
    tls: tuple[str | None, str | None] = (None, None),
    tls_default: TlsObservation | None = None,
    stops: Stops = NO_STOPS,
) -> TcpEvidence:
    """Gather the TCP facts about ``address``: the socket exchanges (this wizard's, else the
    TLS wizard's ``tls`` = (default, small-MSS) outcomes, its default handshake being
    ``tls_default``) and every captured flow; ``stops``: the run's, for a default exchange
    whose deadline fell in one."""
    address = normalise(address)
    mss: list[int] = []
    largest: int | None = None
    lost: list[int] = []
    missing = 0
    largest_hole = 0
    counts: dict[int, int] = {}
    marked: list[int] = []
    unmarked = 0
    unprovable = 0
    capture_gap: CaptureGap | None = None
    for flow in flows:
        if normalise(flow.server) != address:
            continue
        if flow.server_mss:
            mss.append(flow.server_mss)
        stream = flow.server_stream
        if stream.max_payload:
            largest = max(largest or 0, stream.max_payload)
        # A hole the client acknowledged past reached it: the capture missed those packets (a
        # busy capture drops some), the path did not. Resends and duplicate ACKs are loss only
        # beside a hole that stayed: alone they are TCP recovering, or a server resending to
        # a client that had already closed (a busy host answers late).
        holes = [(s, e) for s, e in stream.gaps if stream.acked is None or stream.acked < e]
        if holes and flow.capture_gap is not None:
            # The capture lost frames while this connection was open: its holes may be
            # the capture's (capture_gaps), so they prove no loss.
            unprovable += sum(e - s for s, e in holes)
            capture_gap = capture_gap or flow.capture_gap
            holes = []
        for start, end in holes:
            missing += end - start
            largest_hole = max(largest_hole, end - start)
            with contextlib.suppress(KeyError):
                lost.append(stream.packet_at(end).number)
        if holes:
            lost += [*stream.retransmissions, *flow.client_dup_acks]
        for packet in stream.packets:
            counts[packet.dscp] = counts.get(packet.dscp, 0) + 1
            if packet.dscp:
                marked.append(packet.number)
            else:
                unmarked += 1
    by_purpose: dict[str, str | None] = {a.purpose: a.outcome for a in attempts}
    source = "mtu"
    late: float | None = None
    default = next((a for a in attempts if a.purpose == "default"), None)
    if default is not None and default.outcome in _NO_ANSWER:
        late = answer_arrived(exchange_flow(default.connect, flows), before=default.ended_at)
        if late is None and default.unread_bytes:
            late = default.ended_at
    stopped: LateRead | None = None
    if late is None and default is not None and default.outcome == "silent":
        stopped = stops.late(
            target=address,
            exchange=f"The MTU check's default exchange with {address}:{default.connect.port}",
            started=default.sent_at or default.connect.connected_at or default.connect.started_at,
            ended=default.ended_at,
        )
    if not attempts and tls[0] is not None:
        by_purpose, source = {"default": tls[0], "small-mss": tls[1]}, "tls"
        if tls_default is not None and tls[0] in _NO_ANSWER:
            late = answer_arrived(
                exchange_flow(tls_default.connect, flows),
                skip=tls_default.tunnel_bytes,
                before=tls_default.ended_at,
            )
            if late is None and tls_default.outcome == "timeout":
                connect = tls_default.connect
                stopped = stops.late(
                    target=address,
                    exchange=f"The TLS handshake with {address}:{connect.port} (read by the "
                    "MTU check)",
                    started=tls_default.client_hello_at
                    or connect.connected_at
                    or connect.started_at,
                    ended=tls_default.ended_at,
                )
    return TcpEvidence(
        server_mss=tuple(dict.fromkeys(mss)),
        largest_received=largest,
        lost_packets=tuple(dict.fromkeys(lost)),
        missing_bytes=missing,
        largest_hole=largest_hole,
        unprovable_bytes=unprovable,
        capture_gap=capture_gap,
        sockets_default=by_purpose.get("default"),
        sockets_small=by_purpose.get("small-mss"),
        sockets_source=source,
        default_read_late=late,
        default_stopped=stopped,
        dscp_counts=counts,
        marked_packets=tuple(marked),
        unmarked=unmarked,
    )


def sweep_plot(sweep: PathMtuSweep) -> list[list[object]]:
    """The sweep as rows for a plot: [size, result, rtt in ms or None], in order sent."""
    return [
        [p.size, p.result, round(p.rtt * 1000, 3) if p.rtt is not None else None]
        for p in sweep.probes
    ]


def analyse_mtu(
    obs: MtuWizardObservations,
    flows: Sequence[TcpFlow],
    tls: TlsWizardObservations | None = None,
    stops: Stops = NO_STOPS,
) -> tuple[list[Finding], dict[int, str]]:
    """Findings per server address (first target naming it) and timeline labels; ``tls``
    (the TLS wizard's observations) says which connection its default handshake was;
    ``stops``: the run's (a silent default exchange stopped with the program proves no loss)."""
    findings: list[Finding] = []
    labels: dict[int, str] = {}
    for target in obs.targets:
        for attempt in target.tcp:
            if attempt.connect.local_port is not None:
                labels[attempt.connect.local_port] = (
                    f"MTU test ({attempt.purpose}) to {target.target}: {attempt.outcome}"
                )
    by_key: dict[str, list[AddressResult]] = {}
    for target, tcp in _evidence(obs, flows, tls, stops):
        judged = _Target(target, tcp)
        by_key.setdefault(judged.key, []).append(
            AddressResult(
                address=judged.address, findings=tuple(judged.findings()), outcome=judged.outcome()
            )
        )
    for key, results in by_key.items():
        if len(results) == 1:
            findings += results[0].findings
            continue
        # a name's addresses, each judged as a server of its own: one finding per ID that
        # says how many of how many addresses show it and names them; what was measured
        # (the path MTU, info) is no failure: one finding citing each address's sweep
        faults = [replace(r, findings=tuple(_faults(r.findings))) for r in results]
        findings += merge_same_findings(
            [f for r in results for f in r.findings if f.severity is Severity.INFO]
        )
        findings += combined(key, faults)
    return findings, labels


def _faults(findings: Sequence[Finding]) -> list[Finding]:
    return [f for f in findings if f.severity is not Severity.INFO]


def stopped_exchanges(
    obs: MtuWizardObservations,
    flows: Sequence[TcpFlow],
    tls: TlsWizardObservations | None,
    stops: Stops,
) -> list[LateRead]:
    """The default exchanges (one per server address) whose silence proves nothing because
    their deadline fell in one of the run's ``stops``: the check could not run there
    (``TOO_BUSY``); their ``target`` is the target's, not the address."""
    return [
        replace(tcp.default_stopped, target=target.target)
        for target, tcp in _evidence(obs, flows, tls, stops)
        if tcp.default_stopped is not None
    ]


def _evidence(
    obs: MtuWizardObservations,
    flows: Sequence[TcpFlow],
    tls: TlsWizardObservations | None,
    stops: Stops,
) -> list[tuple[MtuTargetObservation, TcpEvidence]]:
    """Each server address's TCP evidence, with the first target naming it."""
    handshakes = {
        (t.target, one.address): t.on_address(one).attempt("default")
        for t in (tls.targets if tls else ())
        for one in t.by_address()
    }
    found: list[tuple[MtuTargetObservation, TcpEvidence]] = []
    seen: set[str] = set()
    for target in obs.targets:
        if target.address is None or normalise(target.address) in seen:
            continue
        seen.add(normalise(target.address))
        tcp = tcp_evidence(
            target.address,
            target.tcp,
            flows,
            tls=(target.tls_default, target.tls_small_mss),
            tls_default=handshakes.get((target.target, target.address)),
            stops=stops,
        )
        found.append((target, tcp))
    return found


class _Target:
    def __init__(self, obs: MtuTargetObservation, tcp: TcpEvidence) -> None:
        self.obs = obs
        self.tcp = tcp
        self.address = obs.address or ""
        self.key = obs.finding_target or obs.target

    def finding(
        self, fid: str, severity: Severity, title: str, user: str, engineer: str,
        evidence: list[Evidence], **values: object,
    ) -> Finding:  # fmt: skip
        return conclude(
            WIZARD, fid, severity, title, user, engineer, evidence, target=self.key, **values
        )

    def outcome(self) -> str:
        """What the sweep and the large segments found, in words (beside another address
        of the name that shows a fault)."""
        sweep = self.obs.sweep
        if sweep is None or sweep.path_mtu is None:
            return "was not measured"
        lost = " while its large segments were lost" if self.tcp.large_lost else ""
        return f"took packets up to {sweep.path_mtu} bytes{lost}"

    def findings(self) -> list[Finding]:
        out: list[Finding] = []
        sweep = self.obs.sweep
        if sweep is not None and sweep.path_mtu is not None:
            out.append(self.path_mtu(sweep))
            if self.is_blackhole(sweep):
                out.append(self.blackhole(sweep))
            elif self.is_policy(sweep):
                out.append(self.policing(sweep))
        if self.tcp.dscp is not None:  # merged by the engine with the TLS wizard's
            out.append(self.dscp_marked())
        return out

    # -- the sweep ---------------------------------------------------------------------

    def sweep_evidence(self, sweep: PathMtuSweep) -> Evidence:
        lost = sweep.smallest_lost
        text = (
            f"DF echo sweep {sweep.low}..{sweep.interface_mtu} bytes by {sweep.method}: "
            f"{_probes(len(sweep.probes))}; largest answered {sweep.path_mtu}"
            + (f", smallest lost {lost}" if lost else "")
            + (
                f"; frag-needed from {sweep.frag_needed[0].reported_by} (MTU {sweep.frag_needed[0].mtu})"
                if sweep.frag_needed
                else "; no frag-needed came back"
            )
        )
        return Evidence(
            text=text,
            addresses=(self.address,),
            data={"sweep": sweep_plot(sweep), "columns": ["size", "result", "rtt_ms"]},
        )

    def path_mtu(self, sweep: PathMtuSweep) -> Finding:
        full = sweep.path_mtu == sweep.interface_mtu
        return self.finding(
            "mtu.path_mtu",
            Severity.INFO,
            f"Largest packet that reaches {self.obs.target}: {sweep.path_mtu} bytes",
            (
                f"Packets up to {sweep.path_mtu} bytes reach {self.obs.target}"
                + (", the full size of your connection." if full else ".")
            ),
            (
                f"Path MTU towards {self.address}: {sweep.path_mtu} (interface MTU "
                f"{sweep.interface_mtu}), found by a binary search with DF set "
                f"({_probes(len(sweep.probes))}, {sweep.method})."
                + (
                    f" Routers report it (frag-needed, MTU {sweep.frag_needed[0].mtu}): PMTUD works."
                    if sweep.frag_needed
                    else ""
                )
            ),
            [self.sweep_evidence(sweep)],
            path_mtu=sweep.path_mtu,
            interface_mtu=sweep.interface_mtu,
            method=sweep.method,
            frag_needed_seen=bool(sweep.frag_needed),
            probes=len(sweep.probes),
        )

    def is_blackhole(self, sweep: PathMtuSweep) -> bool:
        lost = sweep.smallest_lost
        return (
            sweep.path_mtu is not None
            and lost is not None
            and lost > sweep.path_mtu
            and not sweep.frag_needed
        )

    def is_policy(self, sweep: PathMtuSweep) -> bool:
        return sweep.path_mtu == sweep.interface_mtu and self.tcp.large_lost

    # -- conclusions -----------------------------------------------------------------------

    def tcp_evidence_list(self) -> list[Evidence]:
        tcp = self.tcp
        out: list[Evidence] = []
        if tcp.sockets_default is not None:
            small = f"; with MSS 536: {tcp.sockets_small}" if tcp.sockets_small else ""
            whose = "the TLS wizard's handshake" if tcp.sockets_source == "tls" else "TCP exchange"
            out.append(
                Evidence(
                    text=f"{whose} with the default MSS: {tcp.sockets_default}{small}",
                    addresses=(self.address,),
                    data={"default": tcp.sockets_default, "small_mss": tcp.sockets_small},
                )
            )
        if tcp.server_mss or tcp.largest_received is not None:
            out.append(
                Evidence(
                    text=(
                        f"server announced MSS {'/'.join(map(str, tcp.server_mss)) or '?'}; "
                        f"largest segment that arrived: {tcp.largest_received or 0} bytes"
                        + (
                            f"; {tcp.missing_bytes} bytes never arrived though later ones did"
                            if tcp.missing_bytes
                            else ""
                        )
                        + (
                            f"; {tcp.unprovable_bytes} more bytes are missing where "
                            f"{tcp.capture_gap.words}: they may be the capture's, not counted "
                            "as loss"
                            if tcp.capture_gap is not None
                            else ""
                        )
                    ),
                    packets=tcp.lost_packets[:10],
                    addresses=(self.address,),
                    data={
                        "server_mss": list(tcp.server_mss),
                        "largest_received": tcp.largest_received,
                        "missing_bytes": tcp.missing_bytes,
                    },
                )
            )
        return out

    def blackhole(self, sweep: PathMtuSweep) -> Finding:
        lost = sweep.smallest_lost
        return self.finding(
            "mtu.blackhole",
            Severity.PROBLEM,
            f"Packets larger than {sweep.path_mtu} bytes to {self.obs.target} vanish",
            (
                f"Packets larger than {sweep.path_mtu} bytes never reach {self.obs.target}, "
                "and no device tells this computer to send smaller ones. Pages and downloads "
                "stall while small requests work. The network team must fix the link MTU or "
                "let ICMP 'fragmentation needed' through."
            ),
            (
                f"PMTU black hole towards {self.address}: DF echoes up to {sweep.path_mtu} bytes "
                f"answered, {lost} and larger lost (interface MTU {sweep.interface_mtu}), and "
                "no ICMP frag-needed came back, so TCP cannot learn the smaller MTU. Large TCP "
                "segments are lost too whatever they carry. Fix: allow ICMP type 3 code 4 "
                f"towards clients, or clamp TCP MSS to {(sweep.path_mtu or 576) - 40} on the link."
            ),
            [self.sweep_evidence(sweep), *self.tcp_evidence_list()],
            path_mtu=sweep.path_mtu,
            smallest_lost=lost,
            interface_mtu=sweep.interface_mtu,
            frag_needed_seen=False,
            large_tcp_lost=self.tcp.large_lost,
        )

    def policing(self, sweep: PathMtuSweep) -> Finding:
        tcp = self.tcp
        dscp = tcp.dscp
        if dscp is not None:
            mark = f"{dscp_name(dscp)} (DSCP {dscp})"
            why = (
                f" The server marks its packets {mark}: WAN QoS policers drop large packets "
                "of such classes."
            )
        elif tcp.dscp_counts:
            mark = "none"
            why = " Its packets carry no DSCP mark: a size-based filter or policer is likelier."
        else:
            mark = "unknown (no capture)"
            why = " Capture would show whether the server marks its packets (DSCP)."
        evidence = [self.sweep_evidence(sweep), *self.tcp_evidence_list()]
        if dscp is not None:
            evidence.append(self.dscp_evidence())
        return self.finding(
            "path.qos_policing",
            Severity.PROBLEM,
            f"A network policy drops large packets from {self.obs.target}",
            (
                f"Test packets of every size reach {self.obs.target}, but the server's own "
                "large packets are dropped on the way to you. That is a network policy (often "
                "QoS on the WAN), not a packet-size limit of the line. Give this report to "
                "the network team."
            ),
            (
                f"ICMP echoes with DF pass at every size up to the interface MTU "
                f"({sweep.interface_mtu}), yet full-size TCP segments from {self.address} are "
                "lost while small ones (MSS 536) pass: not a PMTU problem but a policer or "
                f"filter acting on this server's traffic. DSCP: {mark}.{why} Check the WAN "
                "QoS policy (police/drop of EF or AF classes above a size or rate) and "
                "re-mark this server's traffic at the edge."
            ),
            evidence,
            path_mtu=sweep.path_mtu,
            interface_mtu=sweep.interface_mtu,
            dscp=dscp,
            dscp_name=dscp_name(dscp) if dscp is not None else None,
            proof="sockets" if tcp.lost_by_sockets else "capture",
            largest_received=tcp.largest_received,
            server_mss=list(tcp.server_mss),
        )

    def dscp_evidence(self) -> Evidence:
        tcp = self.tcp
        named = ", ".join(f"{v} {dscp_name(k)} ({k})" for k, v in sorted(tcp.dscp_counts.items()))
        total = sum(tcp.dscp_counts.values())
        some = " (only some of them)" if tcp.unmarked else ""
        return Evidence(
            text=f"{len(tcp.marked_packets)} of {total} packets from {self.address} marked{some}: {named}",
            packets=tcp.marked_packets[:10],
            addresses=(self.address,),
            data={
                "counts": {str(k): v for k, v in tcp.dscp_counts.items()},
                "unmarked": tcp.unmarked,
            },
        )

    def dscp_marked(self) -> Finding:
        tcp = self.tcp
        dscp = tcp.dscp
        assert dscp is not None
        return dscp_marked(
            Marking(
                target=self.key,
                server=self.obs.target,
                address=self.address,
                value=dscp,
                marked=len(tcp.marked_packets),
                unmarked=tcp.unmarked,
                lost=tcp.large_lost,
                evidence=(self.dscp_evidence(),),
            ),
            wizard=WIZARD,
        )


def _probes(count: int) -> str:
    return "1 probe" if count == 1 else f"{count} probes"
