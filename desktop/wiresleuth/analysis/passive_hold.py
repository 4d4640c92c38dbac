"""local.request_held in a capture taken elsewhere: requests that leave long after the
connection is ready (concluded by ``hold_findings.request_held``, as a run's are).

A client that speaks first (HTTP, TLS) normally sends its request right after the handshake.
When the request leaves seconds later, every time by about the same delay, and the delay is
a round number, software on the computer is holding it (a URL filter waiting for its cloud
service, then failing open); the SYNs that went unanswered in the meantime name what it was
waiting for.

What a capture cannot tell: when the program handed the request to its socket. Without that
timestamp, a program that was simply slow to write (or a browser's connection opened ahead
of need) looks the same on the wire; the finding says so. ``wiresleuth run`` measures both
ends and can tell them apart.
"""

from __future__ import annotations

from dataclasses import dataclass

from wiresleuth.analysis.hold_findings import Hold, is_round, request_held
from wiresleuth.analysis.passive_common import ms, plural
from wiresleuth.analysis.passive_model import WIZARD, PassiveCapture
from wiresleuth.analysis.passive_tcp import TcpConversation
from wiresleuth.model.finding import Evidence, Finding

MIN_HOLD = 1.0
"""Seconds between handshake and request from which the request counts as held."""
AGREEMENT = 0.15
"""Holds within this fraction of each other count as the same hold."""


@dataclass(frozen=True)
class _Held:
    conv: TcpConversation
    gap: float
    ready: int  # frame of the handshake's last ACK
    request: int  # frame of the first request byte


def _held(conv: TcpConversation) -> _Held | None:
    ack = conv.handshake_ack
    first = conv.client.first_data_time
    if ack is None or first is None or conv.client.first_data_frame is None:
        return None
    answered = conv.server.first_data_time
    if answered is not None and answered <= first:
        return None  # the server spoke first (SMTP, FTP): the client answers it
    gap = first - ack.time
    if gap < MIN_HOLD:
        return None
    return _Held(conv, gap, ack.frame, conv.client.first_data_frame)


def _unanswered_syns(
    capture: PassiveCapture, client: str, start: float, end: float
) -> list[TcpConversation]:
    return [
        conv
        for conv in capture.conversations
        if conv.client.address == client
        and conv.syns
        and conv.syn_ack is None
        and not conv.server.frames
        and start <= conv.syns[0].time <= end
    ]


def held_requests(capture: PassiveCapture) -> list[Finding]:
    """One finding per client whose requests are held by about the same time."""
    by_client: dict[str, list[_Held]] = {}
    for conv in capture.conversations:
        held = _held(conv)
        if held is not None:
            by_client.setdefault(conv.client.address, []).append(held)
    findings = []
    for client, holds in by_client.items():
        holds.sort(key=lambda h: h.gap)
        median = holds[len(holds) // 2].gap
        alike = [h for h in holds if abs(h.gap - median) <= AGREEMENT * median]
        first = alike[0]
        round_number = is_round(median)
        waiting = _unanswered_syns(
            capture, client, first.conv.handshake_ack.time if first.conv.handshake_ack else 0.0,
            first.conv.client.first_data_time or 0.0,
        )  # fmt: skip
        if len(alike) < 2 and not (round_number and waiting):
            continue
        findings.append(_finding(client, alike, median, round_number, waiting))
    return findings


def _finding(
    client: str,
    holds: list[_Held],
    median: float,
    round_number: bool,
    waiting: list[TcpConversation],
) -> Finding:
    first = holds[0]
    evidence = [
        Evidence(
            text=f"connection to {first.conv.target} ready, request sent {ms(first.gap)} later",
            packets=(first.ready, first.request),
            timings={"hold": first.gap},
            addresses=(client, first.conv.server.address),
        ),
        Evidence(
            text=f"{plural(len(holds), 'request')} held {ms(median)} (median) after the handshake",
            packets=tuple(h.request for h in holds[:10]),
            timings={"median_hold": median},
            data={"holds": [round(h.gap, 3) for h in holds[:50]]},
        ),
    ]
    if waiting:
        names = sorted({c.target for c in waiting})
        evidence.append(
            Evidence(
                text=f"meanwhile this computer sent SYNs that got no answer, to {', '.join(names[:5])}",
                packets=tuple(c.syns[0].frame for c in waiting[:10]),
                addresses=tuple(c.server.address for c in waiting[:5]),
                data={"targets": names},
            )
        )
    return request_held(
        Hold(
            seconds=median,
            round_number=round_number,
            held=len(holds),
            measured=len(holds),
            client=client,
            unanswered=tuple(sorted({c.target for c in waiting})),
            evidence=tuple(evidence),
        ),
        wizard=WIZARD,
    )
