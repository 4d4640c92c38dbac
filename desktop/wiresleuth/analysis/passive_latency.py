"""latency.path, latency.server, latency.client: which part of a slow exchange took the time.

A connection's exchanges are read from its turns (``passive_tcp.Turn``: who sent data when,
and when the other side acknowledged it). An exchange has three parts:

- the path: the handshake's round trip (SYN to the ACK of the SYN-ACK: the whole way,
  whatever side the capture was taken on);
- the server: from the request's arrival to the answer's first byte. When the server sent a
  pure ACK of the request, it is measured from that ACK (the request had arrived, the
  network had done its part: "request -> first byte after the server's ACK"); else from the
  request's end plus the capture point's round trip to the server;
- the client: from the connection being ready (the handshake's last ACK) to its first
  request, less the capture point's round trip to the client.

The part that took longest is named, and only when it is slow in absolute terms (SLOW: a
user notices half a second) and against the same connection's baseline for that part:

- the path against the connection's later round trips (the fastest acknowledgement of data
  each way): a handshake PATH_FACTOR times slower than them. A path that is slow all the
  time is its nature (a satellite link), not something that went wrong;
- the server against its other answers on the same connection (the fastest), or the
  connection's fastest round trip when it answered only once: FACTOR times. A site that
  takes a second for every page is how that site is; one answer far slower than the
  others, or than the network, is not;
- the client against the connection's fastest round trip, FACTOR times.

Every part needs the connection's handshake in the capture (without it the opening
requests are unknown, and a message may well be unprompted). Not judged: a pause longer
than LONG_HOLD (servers hold requests on purpose: long polling, push channels); a server's
data after the first OPENING requests (later in a long-lived connection a server's message
is as often unprompted, a push or an interactive session's output, as it is an answer);
and a client's pause between two exchanges (on a kept-alive connection it is the user
reading the page as often as it is the program: the wire cannot tell them apart).
"""

from __future__ import annotations

import bisect
from collections import defaultdict
from dataclasses import dataclass

from wiresleuth.analysis.passive_common import make_finding, ms, plural
from wiresleuth.analysis.passive_model import PassiveCapture
from wiresleuth.analysis.passive_tcp import Mark, TcpConversation, Turn
from wiresleuth.model.finding import Evidence, Finding, Severity

SLOW = 0.5
"""Seconds from which a part of an exchange is slow in absolute terms."""
FACTOR = 4.0
"""How many times its baseline a server's or client's part must take."""
PATH_FACTOR = 2.0
"""How many times the connection's later round trips the handshake's must take."""
LONG_HOLD = 15.0
"""Seconds beyond which a server's or client's pause is not judged (held on purpose)."""
OPENING = 3
"""The server's answers judged: those to the first requests of a connection (a greeting, a
TLS handshake, the first request), where the client waits for the server by construction."""


@dataclass(frozen=True, kw_only=True)
class Part:
    """The part of one exchange that took the most time."""

    kind: str
    """``path``, ``server`` or ``client``."""
    seconds: float
    """How long it took."""
    baseline: float | None
    """What it was compared with (the same part's baseline on the same connection)."""
    baseline_text: str
    """That baseline, in words."""
    frames: tuple[int, ...]
    """The frames that delimit it."""
    text: str
    """What was seen, with its figures."""


@dataclass(frozen=True, kw_only=True)
class ExchangeTimes:
    """What latency attribution reads of one connection: its handshake, turns, round trips."""

    target: str
    """``server:port``."""
    client: str
    """The client's address."""
    syn: Mark | None
    """The SYN the SYN-ACK answered."""
    syn_ack: Mark | None
    """The SYN-ACK."""
    ready: Mark | None
    """The client's ACK completing the handshake."""
    rtt: float | None
    """The handshake's whole round trip (SYN to its last ACK)."""
    server_rtt: float | None
    """From the capture point to the server and back (SYN to SYN-ACK)."""
    later_rtt: float | None
    """The fastest round trip after the handshake: the quickest acknowledgement of data each
    way, added (None without both)."""
    turns: tuple[Turn, ...]
    """Who sent data when."""

    @property
    def round_trip(self) -> float | None:
        """The connection's fastest round trip: the handshake's or a later one."""
        known = [t for t in (self.rtt, self.later_rtt) if t is not None]
        return min(known) if known else None

    @property
    def client_rtt(self) -> float:
        """From the capture point to the client and back (SYN-ACK to the last ACK)."""
        if self.rtt is None or self.server_rtt is None:
            return 0.0
        return max(self.rtt - self.server_rtt, 0.0)


def exchange_times(conv: TcpConversation) -> ExchangeTimes:
    """The latency input of a conversation."""
    syn = None
    if conv.syn_ack is not None:
        answered = [s for s in conv.syns if s.time <= conv.syn_ack.time]
        syn = answered[-1] if answered else None
    to_server, to_client = conv.client.min_ack_rtt, conv.server.min_ack_rtt
    return ExchangeTimes(
        target=conv.target,
        client=conv.client.address,
        syn=syn,
        syn_ack=conv.syn_ack,
        ready=conv.handshake_ack,
        rtt=conv.initial_rtt or conv.handshake_rtt,
        server_rtt=conv.handshake_rtt,
        later_rtt=None if to_server is None or to_client is None else to_server + to_client,
        turns=conv.turns,
    )


@dataclass(frozen=True)
class _Think:
    seconds: float
    frames: tuple[int, ...]
    text: str


def _server_time(times: ExchangeTimes, request: Turn, answer: Turn) -> _Think | None:
    """How long the server took to answer a request (None: cannot be told)."""
    if request.ack_frame >= 0 and request.ack_time <= answer.first_time:
        seconds = answer.first_time - request.ack_time
        return _Think(
            seconds,
            (request.first_frame, request.ack_frame, answer.first_frame),
            f"the server acknowledged the request in {ms(request.ack_time - request.last_time)} "
            f"and sent the first byte of its answer {ms(seconds)} after that",
        )
    if times.server_rtt is None:
        return None
    seconds = answer.first_time - request.last_time - times.server_rtt
    return _Think(
        seconds,
        (request.first_frame, answer.first_frame),
        f"the first byte of the answer came {ms(answer.first_time - request.last_time)} after "
        f"the request, {ms(seconds)} more than the round trip to the server",
    )


def _server_parts(times: ExchangeTimes) -> list[Part]:
    if times.syn_ack is None:
        return []  # the connection's opening was not captured: its first requests are unknown
    thinks = []
    turns = times.turns
    for index, request in enumerate(turns[:-1]):
        if request.from_client:
            think = _server_time(times, request, turns[index + 1])
            if think is not None:
                thinks.append(think)
    parts = []
    for think in thinks[:OPENING]:
        others = [t.seconds for t in thinks if t is not think]
        if others:
            baseline = max(min(others), 0.0)
            said = f"its fastest other answer on this connection took {ms(baseline)}"
        elif times.round_trip is not None:
            baseline = times.round_trip
            said = f"the connection's round trip is {ms(baseline)}"
        else:
            continue
        if SLOW <= think.seconds <= LONG_HOLD and think.seconds >= FACTOR * baseline:
            parts.append(
                Part(
                    kind="server",
                    seconds=think.seconds,
                    baseline=baseline,
                    baseline_text=said,
                    frames=think.frames,
                    text=think.text,
                )
            )
    return parts


def _client_part(times: ExchangeTimes) -> Part | None:
    turns = times.turns
    baseline = times.round_trip
    if times.ready is None or baseline is None or not turns or not turns[0].from_client:
        return None
    request = turns[0]
    seconds = request.first_time - times.ready.time - times.client_rtt
    if not (SLOW <= seconds <= LONG_HOLD and seconds >= FACTOR * baseline):
        return None
    return Part(
        kind="client",
        seconds=seconds,
        baseline=baseline,
        baseline_text=f"the connection's round trip is {ms(baseline)}",
        frames=(times.ready.frame, request.first_frame),
        text=(
            "the connection was ready, the client sent its first request "
            f"{ms(request.first_time - times.ready.time)} later"
        ),
    )


def _path_part(times: ExchangeTimes) -> Part | None:
    if times.rtt is None or times.syn is None or times.syn_ack is None:
        return None
    if times.later_rtt is None or times.rtt < SLOW or times.rtt < PATH_FACTOR * times.later_rtt:
        return None
    frames = tuple(m.frame for m in (times.syn, times.syn_ack, times.ready) if m is not None)
    return Part(
        kind="path",
        seconds=times.rtt,
        baseline=times.later_rtt,
        baseline_text=f"its later round trips took {ms(times.later_rtt)}",
        frames=frames,
        text=f"the handshake took {ms(times.rtt)} for one round trip",
    )


def slowest_part(times: ExchangeTimes) -> Part | None:
    """The part that dominated the connection's slowest exchange, when it was slow."""
    parts = [*_server_parts(times), _client_part(times), _path_part(times)]
    found = [part for part in parts if part is not None]
    return max(found, key=lambda part: part.seconds) if found else None


def conversation_frames(conv: TcpConversation) -> set[int]:
    """The frames of a conversation that findings cite: handshake, resets, turns, zero
    windows, retransmissions."""
    marks = (*conv.syns, conv.syn_ack, conv.handshake_ack, *conv.client.resets, *conv.server.resets)
    frames = {m.frame for m in marks if m is not None}
    for turn in conv.turns:
        frames.add(turn.first_frame)
    for side in (conv.client, conv.server):
        frames.update(z.frame for z in side.zero_windows)
        frames.update(frame for frame, *_ in side.retransmitted)
    return frames


def _may_hold(cited: list[int], conv: TcpConversation) -> bool:
    """Whether one of the (sorted) cited frames falls within the conversation's frames."""
    at = bisect.bisect_left(cited, conv.first_frame)
    return at < len(cited) and cited[at] <= conv.last_frame


def slow_exchanges(
    capture: PassiveCapture, *, explained: frozenset[int] = frozenset()
) -> list[Finding]:
    """One finding per kind and target: the slowest part of its slowest exchange.

    ``explained`` holds frames other findings cite (a held request, an injected answer, a
    wizard's own conclusion in a run): a target with a conversation they cite is theirs to
    explain (its other connections met the same device), not a latency of its own."""
    found: dict[tuple[str, str], list[tuple[ExchangeTimes, Part]]] = defaultdict(list)
    cited = sorted(explained)
    taken = {
        conv.target
        for conv in capture.conversations
        if _may_hold(cited, conv) and not explained.isdisjoint(conversation_frames(conv))
    }
    for conv in capture.conversations:
        if conv.end - conv.start < SLOW or conv.target in taken:
            continue  # (no part of a shorter conversation can be slow)
        times = exchange_times(conv)
        part = slowest_part(times)
        if part is not None:
            found[(part.kind, times.target)].append((times, part))
    return [_finding(kind, target, items) for (kind, target), items in found.items()]


_TEXTS = {
    "path": (
        "The network path to {target} is slow",
        "Setting up the connection to {target} took {seconds:.1f} seconds on the network, "
        "far longer than the network took afterwards; the server and this computer answered "
        "quickly. Tell the helpdesk: the network team must look at the path.",
        "{text}; {baseline}. The handshake dominates the exchange (the server's and the "
        "client's parts were shorter): the path was congested then (a queue in a device on "
        "the way, an overloaded VPN/WAN link), or a device in front of the server was slow "
        "to pass the connection on (SYN proxy, firewall).",
    ),
    "server": (
        "{target} is slow to answer",
        "The server {target} receives requests quickly but takes {seconds:.1f} seconds to "
        "start answering. The network is not the cause: the server's owner must look at it.",
        "{text}; {baseline}. The request had arrived; the time is spent in the server or the "
        "application behind it.",
    ),
    "client": (
        "The client waits before it sends its request to {target}",
        "The connection to {target} was ready, but the program on {client} sent its request "
        "{seconds:.1f} seconds later. The network and the server are not the cause; the "
        "program, or software on that computer holding the request, is.",
        "{text}; {baseline}. The client's part dominates the "
        "exchange: look at the client program and at security software that inspects "
        "connections before they may send (compare local.request_held).",
    ),
}


def _finding(kind: str, target: str, items: list[tuple[ExchangeTimes, Part]]) -> Finding:
    times, part = max(items, key=lambda item: item[1].seconds)
    title, user, engineer = (
        text.format(
            target=target,
            seconds=part.seconds,
            baseline=part.baseline_text,
            text=part.text,
            client=times.client,
        )
        for text in _TEXTS[kind]
    )
    evidence = [
        Evidence(
            text=f"{part.text}; {part.baseline_text}",
            packets=part.frames,
            timings={
                "seconds": part.seconds,
                **({"baseline": part.baseline} if part.baseline else {}),
            },
            addresses=(times.client, target),
        )
    ]
    if len(items) > 1:
        evidence.append(
            Evidence(
                text=f"{plural(len(items), 'connection')} to {target} were slow this way",
                packets=tuple(p.frames[-1] for _, p in items[:10]),
                data={"seconds": [round(p.seconds, 3) for _, p in items[:50]]},
            )
        )
    return make_finding(
        f"latency.{kind}",
        Severity.WARNING,
        title,
        user,
        engineer,
        evidence,
        target=target,
        seconds=round(part.seconds, 3),
        baseline=round(part.baseline, 4) if part.baseline is not None else None,
        rtt=round(times.rtt, 4) if times.rtt is not None else None,
        connections=len(items),
    )
