"""tcp.zero_window and tcp.unacknowledged: connections that stall at one end.

- Zero window: the receiver advertised a window of 0, it could take no more data (its
  program did not read). A window that opens again within STALL is ordinary flow control;
  a longer closed window stalled the transfer (info if it reopened within LONG_STALL,
  warning if it took longer or never reopened).
- Unacknowledged: the sender resent the same segment with growing intervals (TCP's
  retransmission back-off) and it was never acknowledged: the connection could not go on.
  One fast retransmission that was acknowledged is ordinary loss, not this.

``window_full`` is the check ``passive_loss`` needs: when the sender had filled the
receiver's advertised window, a segment the receiver never acknowledges is the receiver's
doing (it stopped taking data), never proof that the path drops large packets. The window
is read in bytes with the scale the handshake agreed (without a captured handshake the
scale is unknown and the window is not judged).
"""

from __future__ import annotations

import itertools
from collections import defaultdict
from dataclasses import dataclass

from wiresleuth.analysis.capture_gaps import Unprovable, conversation_gap
from wiresleuth.analysis.passive_common import make_finding, ms, plural
from wiresleuth.analysis.passive_model import PassiveCapture
from wiresleuth.analysis.passive_tcp import DirectionSummary, TcpConversation, ZeroWindow
from wiresleuth.model.finding import Evidence, Finding, Severity

STALL = 0.5
"""Seconds a window may stay closed before it counts as a stall."""
LONG_STALL = 2.0
"""Seconds from which a stall is a warning although the window opened again."""
RESENDS = 2
"""Resends of one never-acknowledged segment from which the connection is stuck (over
STALL seconds at least, and with growing intervals when there are three or more)."""
BACKOFF = 1.5
"""Growth between successive resend intervals that shows TCP's back-off."""


# -- window full ------------------------------------------------------------------------------


def window_full(sender: DirectionSummary, receiver: DirectionSummary) -> bool:
    """Whether the sender had sent all the receiver's last advertised window allowed."""
    if receiver.window_scale is None or receiver.last_window is None:
        return False
    acked = sender.acked_offset or 0
    return sender.end_offset >= acked + receiver.last_window


# -- zero window ------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Stall:
    conv: TcpConversation
    receiver: DirectionSummary
    sender: DirectionSummary
    worst: ZeroWindow
    total: float


def _stall(conv: TcpConversation, receiver: DirectionSummary) -> _Stall | None:
    long = [z for z in receiver.zero_windows if z.seconds >= STALL]
    if not long:
        return None
    sender = conv.server if receiver is conv.client else conv.client
    worst = max(long, key=lambda z: (not z.reopened, z.seconds))
    return _Stall(conv, receiver, sender, worst, sum(z.seconds for z in long))


def zero_windows(capture: PassiveCapture) -> list[Finding]:
    """One finding per receiver address whose zero window stalled a transfer."""
    found: dict[str, list[_Stall]] = defaultdict(list)
    for conv in capture.conversations:
        for receiver in (conv.client, conv.server):
            stall = _stall(conv, receiver)
            if stall is not None:
                found[receiver.address].append(stall)
    return [_zero_finding(address, stalls) for address, stalls in found.items()]


def _zero_finding(address: str, stalls: list[_Stall]) -> Finding:
    first = max(stalls, key=lambda s: (not s.worst.reopened, s.worst.seconds))
    worst, conv = first.worst, first.conv
    probes = first.sender.count("zero-window-probe")
    if worst.reopened:
        how = f"opened again {ms(worst.seconds)} later (frame {worst.end_frame})"
    else:
        how = f"never opened again ({ms(worst.seconds)} until the connection's last packet)"
    evidence = [
        Evidence(
            text=f"{address} advertised a zero window (frame {worst.frame}); it {how}",
            packets=tuple(f for f in (worst.frame, worst.end_frame) if f >= 0),
            timings={"seconds": worst.seconds},
            addresses=(address, first.sender.address),
        )
    ]
    if probes:
        evidence.append(
            Evidence(
                text=f"{first.sender.address} sent {plural(probes, 'zero-window probe')}",
                packets=first.sender.frames_of.get("zero-window-probe", ())[:10],
            )
        )
    if len(stalls) > 1 or first.receiver.zero_window_count > 1:
        evidence.append(
            Evidence(
                text=(
                    f"{plural(sum(s.receiver.zero_window_count for s in stalls), 'zero window')} "
                    f"in {plural(len(stalls), 'connection')}, stalled {ms(sum(s.total for s in stalls))} "
                    "in all"
                ),
                packets=tuple(s.worst.frame for s in stalls[:10]),
            )
        )
    severity = (
        Severity.WARNING if not worst.reopened or worst.seconds >= LONG_STALL else Severity.INFO
    )
    state = "and never resumed" if not worst.reopened else f"for {worst.seconds:.1f} seconds"
    return make_finding(
        "tcp.zero_window",
        severity,
        f"{address} stopped taking data",
        (
            f"The computer {address} stopped taking the data sent to it {state}: its program "
            "(or the device itself, such as a printer) was not keeping up. The network is not "
            "the cause."
        ),
        (
            f"{address} advertised a zero receive window in {conv.id} (frame {worst.frame}) and "
            f"{how}; the sender had to wait. The receiving application does not read its "
            "socket: look at that program or device (CPU, disk, a stuck job)."
        ),
        evidence,
        target=conv.target,
        receiver=address,
        seconds=round(worst.seconds, 3),
        reopened=worst.reopened,
        connections=len(stalls),
    )


# -- unacknowledged ------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Stuck:
    conv: TcpConversation
    sender: DirectionSummary
    receiver: DirectionSummary
    offset: int
    length: int
    sends: tuple[tuple[int, float], ...]  # (frame, time) of each resend
    backoff: bool
    full: bool
    silent: bool  # nothing from the receiver after the first resend


def _stuck(conv: TcpConversation, sender: DirectionSummary) -> _Stuck | None:
    acked = sender.acked_offset or 0
    by_offset: dict[int, list[tuple[int, int, float]]] = defaultdict(list)
    for frame, offset, length, time in sender.retransmitted:
        if offset >= acked and length > 0:
            by_offset[offset].append((frame, length, time))
    stuck = []
    for offset, sends in sorted(by_offset.items()):
        times = [t for _, _, t in sends]
        gaps = [b - a for a, b in itertools.pairwise(times)]
        backoff = any(b >= BACKOFF * a > 0 for a, b in itertools.pairwise(gaps))
        if len(sends) >= RESENDS and times[-1] - times[0] >= STALL and (len(gaps) < 2 or backoff):
            stuck.append((offset, sends, times, backoff))
    if not stuck:
        return None
    offset, sends, times, backoff = stuck[0]
    receiver = conv.client if sender is conv.server else conv.server
    last_heard = receiver.last_time
    return _Stuck(
        conv=conv,
        sender=sender,
        receiver=receiver,
        offset=offset,
        length=max(length for _, length, _ in sends),
        sends=tuple((f, t) for f, _, t in sends),
        backoff=backoff,
        full=window_full(sender, receiver),
        silent=last_heard is None or last_heard < times[0],
    )


def stuck_segments(capture: PassiveCapture, *, skip: frozenset[int] = frozenset()) -> list[Finding]:
    """tcp.unacknowledged: one finding per receiver that never acknowledged a resent segment
    (``skip``: indexes of conversations another finding explains, e.g. large-packet loss).
    Never for a conversation open while the capture lost frames itself: the acknowledgement
    may lie in them (``unprovable_stalls``)."""
    found: dict[str, list[_Stuck]] = defaultdict(list)
    for conv in capture.conversations:
        if conv.index in skip or conversation_gap(capture.gaps, conv) is not None:
            continue
        for sender in (conv.client, conv.server):
            stuck = _stuck(conv, sender)
            if stuck is not None:
                found[stuck.receiver.address].append(stuck)
    return [_stuck_finding(address, items) for address, items in found.items()]


def unprovable_stalls(capture: PassiveCapture) -> list[Unprovable]:
    """Segments resent and never acknowledged in conversations open while the capture lost
    frames itself (for ``capture.frames_missing``)."""
    out = []
    for conv in capture.conversations:
        gap = conversation_gap(capture.gaps, conv)
        if gap is None:
            continue
        for sender in (conv.client, conv.server):
            stuck = _stuck(conv, sender)
            if stuck is not None:
                out.append(
                    Unprovable(
                        target=conv.target,
                        sender=sender.address,
                        how=f"{sender.address} sent the segment at stream byte {stuck.offset} "
                        f"{len(stuck.sends) + 1} times and no acknowledgement was captured",
                        gap=gap,
                        frames=tuple(f for f, _ in stuck.sends[:10]),
                    )
                )
    return out


def stuck_targets(capture: PassiveCapture) -> set[tuple[int, str]]:
    """(conversation index, sender address) of every stuck segment whose receiver's window
    was full or who went silent: what large-packet loss must not claim."""
    out = set()
    for conv in capture.conversations:
        for sender in (conv.client, conv.server):
            stuck = _stuck(conv, sender)
            if stuck is not None and (stuck.full or stuck.silent):
                out.add((conv.index, sender.address))
    return out


def _stuck_finding(address: str, items: list[_Stuck]) -> Finding:
    first = items[0]
    sends = first.sends
    waited = sends[-1][1] - sends[0][1]
    intervals = [round(b[1] - a[1], 3) for a, b in itertools.pairwise(sends)]
    window = first.receiver.last_window
    evidence = [
        Evidence(
            text=(
                f"{first.sender.address} resent the {first.length}-byte segment at stream byte "
                f"{first.offset} {plural(len(sends), 'time')} over {ms(waited)}"
                + (f" (intervals {', '.join(ms(i) for i in intervals)})" if intervals else "")
                + "; it was never acknowledged"
            ),
            packets=tuple(f for f, _ in sends[:10]),
            timings={"waited": waited},
            addresses=(first.sender.address, address),
            data={"intervals": intervals, "backoff": first.backoff},
        )
    ]
    if first.full:
        why = (
            f"{address} had stopped taking data: the sender had filled its receive window "
            f"(last advertised {window} bytes), and the segment was never acknowledged. The "
            "receiver is stuck, not the network."
        )
        user = (
            f"The computer or device {address} stopped taking data in the middle of a "
            "transfer, so the transfer could not finish. Look at that device (a printer, a "
            "server's program); the network is not the cause."
        )
        evidence.append(
            Evidence(
                text=f"{address}'s last receive window: {window} bytes, all of it in flight",
                addresses=(address,),
                data={"last_window": window},
            )
        )
    elif first.silent:
        why = (
            f"nothing at all came back from {address} after the first resend: it stopped "
            "answering (crashed, unplugged, its network went down) or the path to it broke."
        )
        user = (
            f"The computer {address} stopped answering in the middle of a transfer. Check "
            "that it is still running and connected, then the network between the two."
        )
    else:
        why = (
            f"{address} kept sending but never acknowledged this segment: the segment is lost "
            "on the way every time (see any large-packet loss finding), or the receiver drops it."
        )
        user = (
            f"Data sent to {address} is lost on the way again and again, so the transfer "
            "could not finish. The network between the two computers must be checked."
        )
    if len(items) > 1:
        evidence.append(
            Evidence(
                text=f"{plural(len(items), 'connection')} stalled this way",
                packets=tuple(s.sends[0][0] for s in items[:10]),
            )
        )
    return make_finding(
        "tcp.unacknowledged",
        Severity.PROBLEM,
        f"{address} never acknowledged data sent to it",
        user,
        (
            f"In {first.conv.id}, {first.sender.address} resent the segment at byte "
            f"{first.offset} {plural(len(sends), 'time')} over {ms(waited)}"
            + (" with back-off" if first.backoff and len(sends) > 2 else "")
            + f"; never acknowledged. {why}"
        ),
        evidence,
        target=first.conv.target,
        receiver=address,
        resends=len(sends),
        waited_s=round(waited, 3),
        window_full=first.full,
        receiver_silent=first.silent,
        last_window=window,
        connections=len(items),
    )
