"""path.tcp_intercepted: a handshake completed by a device nearer than the server.

Concluded here only, whatever measured the path. The TLS check measures it with a probe of
its own (``PathReference`` of kind ``probe``). A capture taken elsewhere has no probe, so the
handshake is compared with what else the same capture says about the distance to that
server:

- other handshakes to the same address (a WCCP redirect that catches one load in five
  leaves four honest handshakes beside it), and ICMP echo answers from it;
- hop counts: a SYN-ACK that crossed two routers fewer than the server's later packets in
  the same connection came from another device; a SYN-ACK that crossed no router at all,
  from an address this computer reaches through a gateway that does route (other servers'
  answers arrive with their TTL lowered), was made by the gateway or a box beside it.

The thresholds are those of every handshake-timing rule (``handshake_timing``: a quarter of
a path of 20 ms or more, and 15 ms faster at least). What is not evidence: the time the server takes to
acknowledge data (delayed ACKs and application think time make it longer than the path),
or a short handshake on its own (a server may be close).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from wiresleuth.analysis.handshake_timing import MIN_PATH_RTT, faster_than_path, much_faster
from wiresleuth.analysis.passive_common import hops, mac_text, ms, plural
from wiresleuth.analysis.passive_model import WIZARD, IcmpNote, PassiveCapture
from wiresleuth.analysis.passive_tcp import TcpConversation
from wiresleuth.model.finding import Evidence, Finding, Severity

ZERO_HOP_RTT = 0.005
"""A SYN-ACK this fast and not routed points at the gateway itself."""
GATEWAY_MIN_ADDRESSES = 3
"""A next hop carrying traffic to this many addresses is taken to be a router."""
MIN_HOP_GAP = 2
"""Routers fewer that a SYN-ACK must have crossed than the server's other packets."""


@dataclass(frozen=True)
class PathReference:
    """Something that shows the handshake was faster, or came from nearer, than the server."""

    text: str
    """What it is, in words."""
    seconds: float | None
    """The path's round trip it shows (None: a hop count, not a time)."""
    packets: tuple[int, ...]
    """Frames that show it."""
    kind: str
    """``probe`` (the check's own path measurement), ``other-handshake``, ``icmp-echo``,
    ``hop-count`` or ``zero-hop``."""
    how: str = ""
    """How a probe measured the path (``icmp``, ``tcp-rst``); else the kind."""


@dataclass(frozen=True, kw_only=True)
class HandshakeSeen:
    """The handshake of one connection, as capture (or only the socket) timed it."""

    target: str
    """What the finding is about (``host:port``, or the server's ``address:port``)."""
    server: str
    """The server's address."""
    rtt: float
    """Seconds from the SYN to the SYN-ACK (capture), or connect() (socket only)."""
    packets: tuple[int, ...] = ()
    """The SYN and SYN-ACK frames (none without capture)."""
    syn_ack_ttl: int | None = None
    """The SYN-ACK's TTL, when captured."""
    ack_rtt: float | None = None
    """The fastest acknowledgement of data in the same connection, when captured."""


def echo_rtts(icmp: tuple[IcmpNote, ...]) -> dict[str, tuple[float, int, int, int]]:
    """Per address answering pings: (fastest echo RTT, request frame, reply frame, reply TTL)."""
    requests: dict[tuple[str, str, int], IcmpNote] = {}
    best: dict[str, tuple[float, int, int, int]] = {}
    for note in icmp:
        request = (note.version, note.icmp_type) in ((4, 8), (6, 128))
        reply = (note.version, note.icmp_type) in ((4, 0), (6, 129))
        if request:
            requests[(note.src, note.dst, note.ident)] = note
        elif reply:
            asked = requests.get((note.dst, note.src, note.ident))
            if asked is None or note.time < asked.time:
                continue
            rtt = note.time - asked.time
            if note.src not in best or rtt < best[note.src][0]:
                best[note.src] = (rtt, asked.number, note.number, note.ttl)
    return best


def _gateways(conversations: tuple[TcpConversation, ...]) -> dict[int, set[int]]:
    """Next-hop MAC -> hop counts of the SYN-ACKs that came back through it, for the MACs
    that carry this computer's packets to several addresses (routers)."""
    reached: dict[int, set[str]] = defaultdict(set)
    answers: dict[int, set[int]] = defaultdict(set)
    for conv in conversations:
        next_hop = conv.client.macs[1]
        if next_hop < 0:
            continue
        reached[next_hop].add(conv.server.address)
        if conv.syn_ack is not None:
            answers[next_hop].add(hops(conv.syn_ack.ttl))
    return {
        mac: answers[mac] for mac, addresses in reached.items()
        if len(addresses) >= GATEWAY_MIN_ADDRESSES
    }  # fmt: skip


def _references(
    conv: TcpConversation,
    same_server: list[TcpConversation],
    echo: tuple[float, int, int, int] | None,
    gateways: dict[int, set[int]],
) -> list[PathReference]:
    """What in the capture shows this handshake was faster than the path to the server."""
    assert conv.handshake_rtt is not None and conv.syn_ack is not None
    rtt = conv.handshake_rtt
    found: list[PathReference] = []
    honest = [
        other for other in same_server
        if other is not conv and other.handshake_rtt is not None
        and other.handshake_rtt >= MIN_PATH_RTT and other.syn_ack is not None
    ]  # fmt: skip
    if honest:
        best = min(honest, key=lambda other: other.handshake_rtt or 0.0)
        assert best.handshake_rtt is not None and best.syn_ack is not None
        if faster_than_path(rtt, best.handshake_rtt):
            found.append(
                PathReference(
                    f"another connection to {conv.server.address} (port {best.server.port}) "
                    f"took {ms(best.handshake_rtt)} for its handshake, SYN-ACK TTL "
                    f"{best.syn_ack.ttl}",
                    best.handshake_rtt,
                    (best.syns[-1].frame, best.syn_ack.frame) if best.syns else (),
                    "other-handshake",
                )
            )
    if echo is not None and faster_than_path(rtt, echo[0]):
        found.append(
            PathReference(
                f"{conv.server.address} answers ping in {ms(echo[0])} (reply TTL {echo[3]})",
                echo[0],
                (echo[1], echo[2]),
                "icmp-echo",
            )
        )
    syn_ack_hops = hops(conv.syn_ack.ttl)
    later = [
        ttl for ttl, frame in conv.server.ttls.items()
        if frame != conv.syn_ack.frame and hops(ttl) >= syn_ack_hops + MIN_HOP_GAP
    ]  # fmt: skip
    ack_rtt = conv.client.min_ack_rtt
    if later and (ack_rtt is None or much_faster(rtt, ack_rtt)):
        ttl = later[0]
        found.append(
            PathReference(
                f"the SYN-ACK crossed {syn_ack_hops} routers (TTL {conv.syn_ack.ttl}) but the "
                f"server's later packets {hops(ttl)} (TTL {ttl}): another device answered",
                None,
                (conv.syn_ack.frame, conv.server.ttls[ttl]),
                "hop-count",
            )
        )
    next_hop = conv.client.macs[1]
    routed = gateways.get(next_hop, set())
    if syn_ack_hops == 0 and rtt < ZERO_HOP_RTT and any(h >= 1 for h in routed):
        found.append(
            PathReference(
                f"the SYN-ACK crossed no router (TTL {conv.syn_ack.ttl}), although "
                f"{conv.server.address} is reached through the gateway "
                f"{mac_text(next_hop)}, whose other answers arrive routed (TTL lowered by "
                f"{min(h for h in routed if h >= 1)} or more): the gateway, or a device beside "
                "it, answered",
                None,
                (conv.syn_ack.frame,),
                "zero-hop",
            )
        )
    return found


def intercepted_handshakes(capture: PassiveCapture) -> list[Finding]:
    """One finding per server:port whose handshakes the capture shows to be intercepted."""
    by_address: dict[str, list[TcpConversation]] = defaultdict(list)
    for conv in capture.conversations:
        if conv.handshake_rtt is not None and conv.syn_ack is not None and conv.roles_known:
            by_address[conv.server.address].append(conv)
    echo = echo_rtts(capture.icmp)
    gateways = _gateways(capture.conversations)
    caught: dict[str, list[tuple[TcpConversation, list[PathReference]]]] = defaultdict(list)
    for address, conversations in by_address.items():
        for conv in conversations:
            refs = _references(conv, conversations, echo.get(address), gateways)
            if refs:
                caught[conv.target].append((conv, refs))
    return [_finding(target, found) for target, found in caught.items()]


def _seen(conv: TcpConversation) -> HandshakeSeen:
    assert conv.handshake_rtt is not None and conv.syn_ack is not None
    syn = conv.syns[-1] if conv.syns else None
    return HandshakeSeen(
        target=conv.target,
        server=conv.server.address,
        rtt=conv.handshake_rtt,
        packets=tuple(p.frame for p in (syn, conv.syn_ack) if p is not None),
        syn_ack_ttl=conv.syn_ack.ttl,
        ack_rtt=conv.client.min_ack_rtt,
    )


def _finding(target: str, found: list[tuple[TcpConversation, list[PathReference]]]) -> Finding:
    conv, refs = found[0]
    also = tuple(c.syn_ack.frame for c, _ in found[:10] if c.syn_ack is not None)
    return intercepted(
        _seen(conv), refs, wizard=WIZARD, connections=len(found), other_frames=also
    )


def intercepted(
    seen: HandshakeSeen,
    references: Sequence[PathReference],
    *,
    wizard: str,
    extra: Sequence[Evidence] = (),
    connections: int = 1,
    other_frames: tuple[int, ...] = (),
) -> Finding:
    """The finding: ``references`` (at least one) show the handshake ``seen`` did not reach
    the server; ``extra`` is further evidence (TTLs compared); ``connections`` to the same
    target were answered this way (``other_frames``: their SYN-ACKs)."""
    rtt = seen.rtt
    timed = [r for r in references if r.seconds is not None]
    path_ref = min(timed, key=lambda r: r.seconds or 0.0) if timed else None
    path = path_ref.seconds if path_ref is not None else None
    ttl = f" (TTL {seen.syn_ack_ttl})" if seen.syn_ack_ttl is not None else ""
    against = f", against a path RTT of {ms(path)}" if path is not None else ""
    evidence = [
        Evidence(
            text=f"SYN-ACK {ms(rtt)} after the SYN{ttl}{against}",
            packets=seen.packets,
            timings={"handshake_rtt": rtt, **({"path_rtt": path} if path is not None else {})},
            addresses=(seen.server,),
            data={"ttl": seen.syn_ack_ttl} if seen.syn_ack_ttl is not None else {},
        ),
        *extra,
    ]
    evidence += [
        Evidence(
            text=ref.text,
            packets=ref.packets,
            timings={"path_rtt": ref.seconds} if ref.seconds is not None else {},
            addresses=(seen.server,),
            data={"kind": ref.kind},
        )
        for ref in references
    ]
    if seen.ack_rtt is not None:
        evidence.append(
            Evidence(
                text=f"in the same connection the data was acknowledged after "
                f"{ms(seen.ack_rtt)} at the fastest",
                timings={"ack_rtt": seen.ack_rtt},
            )
        )
    if connections > 1:
        evidence.append(
            Evidence(
                text=f"{plural(connections, 'connection')} to {seen.target} were answered this way",
                packets=other_frames,
            )
        )
    compared = f", where the path takes {ms(path)}" if path is not None else ""
    target = seen.target
    return Finding(
        id="path.tcp_intercepted",
        severity=Severity.PROBLEM,
        title=f"A device near you answers for {target}",
        user_text=(
            f"Connections to {target} are answered by a device close to you, not by the real "
            "server: the answer comes back faster, or from nearer, than the server can be. "
            "Tell the helpdesk; the network team must find that device."
        ),
        engineer_text=(
            f"SYN-ACK after {ms(rtt)}{compared}; {references[0].text}. A TCP-terminating "
            "middlebox (WCCP redirect, WAN optimiser, transparent proxy) completes the "
            "handshake on the server's behalf. Check policy-based routing/WCCP on the path."
        ),
        wizard=wizard,
        target=target,
        evidence=tuple(evidence),
        values={
            "handshake_rtt_ms": round(rtt * 1000, 3),
            "path_rtt_ms": round(path * 1000, 3) if path is not None else None,
            "path_method": (path_ref.how or path_ref.kind) if path_ref is not None else None,
            "evidence_kinds": sorted({r.kind for r in references}),
            "connections": connections,
        },
    )
