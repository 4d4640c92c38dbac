"""A hole is no proof of loss where the capture itself lost frames.

Every rule that concludes loss from a capture (bytes never seen although later ones were,
a segment resent and never acknowledged) asks here first whether the capture lost frames
while that connection was open: a damaged file's skipped records (``capture.record_reader``
gives the stretches), a live capture's dropped packets. If it did, the missing bytes may be
the capture's, not the network's: no loss is concluded, and ``capture.frames_missing`` says
why instead. One mechanism for runs, bundles and capture files alike (``CaptureGap``).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from wiresleuth.model.capture_gap import CaptureGap
from wiresleuth.model.finding import Evidence, Finding, Severity
from wiresleuth.model.packet import FIN

if TYPE_CHECKING:
    from wiresleuth.analysis.flows import TcpFlow
    from wiresleuth.analysis.passive_tcp import TcpConversation

def lost_while_open(
    gaps: Iterable[CaptureGap], *, first: int, last: int, closed: bool
) -> CaptureGap | None:
    """The first stretch the capture lost while a connection seen from frame ``first`` to
    ``last`` was open: one that began before the stretch ended and was still seen after it
    began, or was not closed (FIN both ways, or a reset) before it (its later packets, a
    retransmission filling its hole, may lie in the stretch). A live capture's drops have
    no frame numbers: they touch every connection."""
    for gap in gaps:
        if gap.dropped is not None:
            return gap
        started = gap.before is None or first < gap.before
        if started and (last > gap.after or not closed):
            return gap
    return None


def conversation_gap(gaps: Sequence[CaptureGap], conv: TcpConversation) -> CaptureGap | None:
    """``lost_while_open`` for a capture file's conversation (closed: a reset, or a FIN
    each way)."""
    if not gaps:
        return None
    ends = (conv.client, conv.server)
    closed = any(side.reset_count for side in ends) or all(side.fins for side in ends)
    return lost_while_open(gaps, first=conv.first_frame, last=conv.last_frame, closed=closed)


def flows_with_gaps(flows: Sequence[TcpFlow], gaps: Sequence[CaptureGap]) -> list[TcpFlow]:
    """The flows, each with the stretch the capture lost while it was open (if one)."""
    if not gaps:
        return list(flows)
    out = []
    for flow in flows:
        if not flow.packets:
            out.append(flow)
            continue
        senders = {p.src for p in flow.fins if p.has(FIN)}
        gap = lost_while_open(
            gaps,
            first=flow.packets[0].number,
            last=flow.packets[-1].number,
            closed=bool(flow.rsts) or {flow.client, flow.server} <= senders,
        )
        out.append(replace(flow, capture_gap=gap) if gap is not None else flow)
    return out


@dataclass(frozen=True, kw_only=True)
class Unprovable:
    """A connection that seemed to lose data where the capture lost frames itself."""

    target: str
    """``server:port``."""
    sender: str
    """Whose bytes seem lost."""
    how: str
    """What the capture shows, in one sentence (as the loss rule would have said it)."""
    gap: CaptureGap
    """The capture's own loss."""
    frames: tuple[int, ...] = ()
    """The frames that show the hole."""


def frames_missing(items: Sequence[Unprovable], *, wizard: str) -> list[Finding]:
    """One finding per target whose apparent loss the capture's own damage may explain."""
    by_target: dict[str, list[Unprovable]] = {}
    for item in items:
        by_target.setdefault(item.target, []).append(item)
    return [_finding(target, found, wizard) for target, found in by_target.items()]


def _finding(target: str, found: list[Unprovable], wizard: str) -> Finding:
    first = found[0]
    gap = first.gap
    dropped = gap.dropped is not None
    what = "missed packets" if dropped else "is damaged"
    count = "a connection" if len(found) == 1 else f"{len(found)} connections"
    return Finding(
        id="capture.frames_missing",
        severity=Severity.WARNING,
        title=f"The capture itself {what} where data from {first.sender} seems lost",
        user_text=(
            f"Data from {first.sender} seems missing in {count}, but the capture itself "
            f"{what} at that time ({gap.words}). Whether the network lost packets cannot be "
            "told from this capture: it may be the capture's fault, not the network's."
        ),
        engineer_text=(
            f"{first.how}; but {gap.words} while the connection was open: those bytes may "
            "have been in the frames the capture lost. No loss is concluded from it; a new "
            "capture (with a larger buffer, written whole) can tell."
        ),
        wizard=wizard,
        target=target,
        evidence=tuple(
            Evidence(
                text=f"{item.how}; {item.gap.words}",
                packets=item.frames,
                addresses=(item.sender,),
                data=_gap_data(item.gap),
            )
            for item in found[:5]
        ),
        values={"connections": len(found), **_gap_data(gap)},
    )


def _gap_data(gap: CaptureGap) -> dict[str, object]:
    if gap.dropped is not None:
        return {"dropped_packets": gap.dropped}
    return {"damaged_after_frame": gap.after, "damaged_before_frame": gap.before}
