"""tcp.connection_refused and tcp.no_answer: connection attempts that never became connections.

The rules read ``ConnectAttempt`` (one connection's opening: the SYNs, what answered them,
the ICMP errors about them), which ``failed_attempts`` makes of any PassiveCapture, from a
capture file or from a run's own packets.

- Refused: the SYN was answered by a reset from the server's address, not a SYN-ACK.
- No answer: the client sent SYNs, retried, and nothing came back at all; or an ICMP error
  quoting the SYN said why (a router without a route, a firewall that rejects).

Quiet when the failure did not last (a later attempt from the same client to the same port
was answered: the service came back, the retry worked) and for port scans (one client
failing on many ports of a server, or on one port of many servers: nothing an application
waited for). A single unanswered SYN without an ICMP error proves nothing (the program may
have given up at once, the capture may have ended), so a retry is required, RETRY seconds
after the first SYN at least (SYNs repeated sooner are not TCP waiting for an answer).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from wiresleuth.analysis.icmp import read_quote
from wiresleuth.analysis.passive_common import hops, make_finding, ms, plural
from wiresleuth.analysis.passive_model import IcmpNote, PassiveCapture
from wiresleuth.analysis.passive_tcp import Mark
from wiresleuth.model.finding import Evidence, Finding, Severity
from wiresleuth.model.packet import ICMP, ICMPV6, TCP

SCAN_TARGETS = 10
"""Failed ports of one server (or servers on one port) from one client that make a scan."""
RETRY = 0.2
"""Seconds from the first SYN to a retry that shows the client waited for an answer (TCP's
retransmission timer never fires sooner: 1 s for a SYN by RFC 6298, 200 ms at least)."""
ICMP_LATE = 5.0
"""Seconds after a conversation's last packet an ICMP error about it is still counted."""


@dataclass(frozen=True, kw_only=True)
class IcmpSeen:
    """An ICMP error quoting one of a connection's packets."""

    frame: int
    """Its frame."""
    time: float
    """When it was captured."""
    sender: str
    """The router or host that sent it."""
    description: str
    """What it says ("host unreachable", "communication administratively prohibited")."""


@dataclass(frozen=True, kw_only=True)
class ConnectAttempt:
    """The opening of one TCP connection: the client's SYNs and what answered them."""

    client: str
    """The client's address."""
    server: str
    """The server's address."""
    port: int
    """The server's port."""
    target: str
    """``server:port`` (brackets for IPv6)."""
    syns: tuple[Mark, ...]
    """The client's SYNs (more than one: retried)."""
    answered: bool
    """Whether a SYN-ACK came (``failed_attempts`` gives only those where none came)."""
    reset: Mark | None
    """The reset that answered a SYN instead (None: none)."""
    server_frames: int
    """Frames the server side sent (SYN-ACK, reset or anything else)."""
    server_ttls: tuple[int, ...] = ()
    """TTLs of the server side's packets other than resets (when known)."""
    icmp: tuple[IcmpSeen, ...] = ()
    """ICMP errors quoting this connection's packets."""

    @property
    def tried(self) -> float:
        """Seconds from the first SYN to the last."""
        return self.syns[-1].time - self.syns[0].time if self.syns else 0.0


def _icmp_index(notes: Iterable[IcmpNote]) -> dict[tuple[str, int, str, int], list[IcmpSeen]]:
    """ICMP errors by the (source, port, destination, port) of the TCP packet they quote."""
    index: dict[tuple[str, int, str, int], list[IcmpSeen]] = defaultdict(list)
    for note in notes:
        quote = read_quote(
            ICMP if note.version == 4 else ICMPV6, note.icmp_type, note.icmp_code, note.quote
        )
        if quote is None or quote.proto != TCP or quote.sport is None or quote.dport is None:
            continue
        index[(quote.src, quote.sport, quote.dst, quote.dport)].append(
            IcmpSeen(
                frame=note.number, time=note.time, sender=note.src, description=quote.description
            )
        )
    return index


def failed_attempts(capture: PassiveCapture) -> list[ConnectAttempt]:
    """The connection attempts of a capture that got no SYN-ACK and that nothing made good
    later: no later handshake between the same two addresses on the same port (in either
    direction: peers such as BGP routers connect to each other, and the session one of them
    refused is the other's to open), and not a scan."""
    answered_at: dict[tuple[frozenset[str], int], float] = {}
    failed = []
    for conv in capture.conversations:
        if not conv.syns:
            continue
        pair = (frozenset((conv.client.address, conv.server.address)), conv.server.port)
        if conv.syn_ack is not None:
            answered_at[pair] = max(answered_at.get(pair, 0.0), conv.syns[-1].time)
        else:
            failed.append((pair, conv))
    if not failed:
        return []
    icmp = _icmp_index(capture.icmp)
    attempts = []
    for pair, conv in failed:
        first = conv.syns[0].time
        if answered_at.get(pair, 0.0) > first:
            continue  # a later attempt was answered
        key = (conv.client.address, conv.client.port, conv.server.address, conv.server.port)
        attempts.append(
            ConnectAttempt(
                client=conv.client.address,
                server=conv.server.address,
                port=conv.server.port,
                target=conv.target,
                syns=conv.syns,
                answered=False,
                reset=next((r for r in conv.server.resets if r.time >= first), None),
                server_frames=conv.server.frames,
                server_ttls=(),
                icmp=tuple(
                    seen
                    for seen in icmp.get(key, ())
                    if first - 0.001 <= seen.time <= conv.end + ICMP_LATE
                ),
            )
        )
    scanners = _scanners(attempts)
    return [a for a in attempts if a.client not in scanners]


def _scanners(attempts: list[ConnectAttempt]) -> set[str]:
    """Clients whose failed attempts cover many ports of a server or many servers of a port."""
    ports: dict[tuple[str, str], set[int]] = defaultdict(set)
    servers: dict[tuple[str, int], set[str]] = defaultdict(set)
    for a in attempts:
        ports[(a.client, a.server)].add(a.port)
        servers[(a.client, a.port)].add(a.server)
    return {c for (c, _), found in ports.items() if len(found) >= SCAN_TARGETS} | {
        c for (c, _), found in servers.items() if len(found) >= SCAN_TARGETS
    }


def _server_ttls(capture: PassiveCapture, servers: set[str]) -> dict[str, set[int]]:
    """TTLs of the packets (other than resets) each of ``servers`` sent in the capture."""
    ttls: dict[str, set[int]] = defaultdict(set)
    for conv in capture.conversations:
        side = conv.server
        if side.address in servers:
            resets = {r.frame for r in side.resets}
            ttls[side.address].update(t for t, f in side.ttls.items() if f not in resets)
    return ttls


def _grouped(attempts: Iterable[ConnectAttempt]) -> dict[str, list[ConnectAttempt]]:
    by_target: dict[str, list[ConnectAttempt]] = defaultdict(list)
    for a in attempts:
        by_target[a.target].append(a)
    return by_target


# -- refused -------------------------------------------------------------------------------


def refused_connections(
    capture: PassiveCapture, attempts: list[ConnectAttempt] | None = None
) -> list[Finding]:
    """tcp.connection_refused: one finding per server:port that answered SYNs with a reset
    (``attempts``: ``failed_attempts(capture)``, when already made)."""
    failed = failed_attempts(capture) if attempts is None else attempts
    refused = [a for a in failed if a.reset is not None]
    if not refused:
        return []
    ttls = _server_ttls(capture, {a.server for a in refused})
    return [_refused(target, found, ttls) for target, found in _grouped(refused).items()]


def _refused(target: str, found: list[ConnectAttempt], ttls: dict[str, set[int]]) -> Finding:
    first = found[0]
    reset = first.reset
    assert reset is not None
    syn = max((s for s in first.syns if s.time <= reset.time), key=lambda s: s.time)
    seconds = reset.time - syn.time
    others = sorted(ttls.get(first.server, set()))
    evidence = [
        Evidence(
            text=f"SYN to {target} answered by a reset {ms(seconds)} later",
            packets=(syn.frame, reset.frame),
            timings={"seconds": seconds},
            addresses=(first.client, first.server),
        )
    ]
    nearer = bool(others) and hops(reset.ttl) + 2 <= min(hops(t) for t in others)
    ttl_text = f"the reset arrived with TTL {reset.ttl} ({hops(reset.ttl)} routers on its way)"
    if others:
        ttl_text += f"; the server's other packets with TTL {', '.join(map(str, others))}"
    evidence.append(
        Evidence(
            text=ttl_text,
            packets=(reset.frame,),
            data={"ttl": reset.ttl, "server_ttls": others},
        )
    )
    if len(found) > 1:
        evidence.append(
            Evidence(
                text=f"{plural(len(found), 'connection attempt')} to {target} were refused",
                packets=tuple(a.reset.frame for a in found[:10] if a.reset is not None),
                timings={"span": found[-1].syns[0].time - first.syns[0].time},
            )
        )
    who = (
        "a device nearer than the server (fewer routers than its other packets crossed) sent "
        "it: a firewall refusing on the server's behalf"
        if nearer
        else "nothing listens on that port at that address, or a firewall rejects the attempt"
    )
    return make_finding(
        "tcp.connection_refused",
        Severity.WARNING,
        f"{target} refused the connection",
        (
            f"A program on {first.client} tried to connect to {target} and was refused: nothing "
            "accepts connections on that port (the service is stopped or uses another port), "
            "or a firewall refuses them. Tell the helpdesk which program and server this was."
        ),
        (
            f"SYN (frame {syn.frame}) answered by RST (frame {reset.frame}) after {ms(seconds)}, "
            f"no SYN-ACK; {plural(len(found), 'attempt')} refused. The reset's TTL is "
            f"{reset.ttl}: {who}."
        ),
        evidence,
        target=target,
        client=first.client,
        connections=len(found),
        seconds=round(seconds, 4),
        ttl=reset.ttl,
        nearer_than_server=nearer,
    )


# -- no answer -----------------------------------------------------------------------------


def unanswered_connections(
    capture: PassiveCapture, attempts: list[ConnectAttempt] | None = None
) -> list[Finding]:
    """tcp.no_answer: one finding per server:port whose SYNs got nothing back."""
    failed = failed_attempts(capture) if attempts is None else attempts
    silent = [
        a
        for a in failed
        if a.reset is None and not a.server_frames and (a.tried >= RETRY or a.icmp)
    ]
    return [_unanswered(target, found) for target, found in _grouped(silent).items()]


def _unanswered(target: str, found: list[ConnectAttempt]) -> Finding:
    first, last = found[0], found[-1]
    span = last.syns[-1].time - first.syns[0].time
    longest = max(found, key=lambda a: a.tried)
    syns = sum(len(a.syns) for a in found)
    evidence = [
        Evidence(
            text=(
                f"{plural(len(longest.syns), 'SYN')} to {target} over {ms(longest.tried)}, "
                "no SYN-ACK and no reset"
            ),
            packets=tuple(s.frame for s in longest.syns[:10]),
            timings={"tried": longest.tried},
            addresses=(longest.client, longest.server),
        )
    ]
    if len(found) > 1:
        evidence.append(
            Evidence(
                text=(
                    f"{plural(len(found), 'connection attempt')} ({plural(syns, 'SYN')}) over "
                    f"{ms(span)}, none answered"
                ),
                packets=tuple(a.syns[0].frame for a in found[:10]),
                timings={"span": span},
            )
        )
    icmp = [seen for a in found for seen in a.icmp]
    for seen in icmp[:3]:
        evidence.append(
            Evidence(
                text=f"{seen.sender} answered with ICMP: {seen.description}",
                packets=(seen.frame,),
                addresses=(seen.sender,),
                data={"icmp": seen.description},
            )
        )
    if icmp:
        said = "; ".join(sorted({f"{s.sender}: {s.description}" for s in icmp})[:3])
        why = f" ICMP errors came back ({said}): the attempts were stopped there."
    else:
        why = (
            " No ICMP error came back: the server is down, or a firewall drops the attempts "
            "silently (or the answers are lost on the way back)."
        )
    return make_finding(
        "tcp.no_answer",
        Severity.WARNING,
        f"{target} did not answer connection attempts",
        (
            f"A program on {first.client} tried to connect to {target} "
            f"{plural(len(found), 'time')} over {span:.0f} seconds and never got an answer. "
            "The server is down or cannot be reached from this network."
        ),
        (
            f"{plural(syns, 'SYN')} in {plural(len(found), 'connection')} over {ms(span)} "
            f"(the longest tried for {ms(longest.tried)}), no SYN-ACK, no RST.{why}"
        ),
        evidence,
        target=target,
        client=first.client,
        connections=len(found),
        syns=syns,
        seconds=round(span, 3),
        tried_s=round(longest.tried, 3),
        icmp=sorted({s.description for s in icmp}),
    )
