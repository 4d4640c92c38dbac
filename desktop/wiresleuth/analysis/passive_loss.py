"""path.large_packet_loss: large segments lost while small ones pass, concluded here only.

The TLS check proves it with a retry that asks for small segments (``LargeLoss`` made by
``tls_wizard_findings``); a capture taken elsewhere shows it in two views of the same fault, depending on where the capture was taken:

- beside the receiver (the usual laptop capture): bytes of the server's stream never
  arrive although later, smaller segments do (a hole that no retransmission fills, since
  the retransmissions are just as large), and every segment that did arrive is small;
- beside the sender: the same large segment is sent again and again and never
  acknowledged, while small segments are.

A connection whose client asked for a small MSS and completed, beside one that stalled,
is the passive twin of the TLS wizard's small-MSS retry.

Never where the capture itself lost frames while the connection was open (a damaged file,
a capture's drops: ``capture_gaps``): those connections get ``capture.frames_missing``.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field

from wiresleuth.analysis.capture_gaps import Unprovable, conversation_gap
from wiresleuth.analysis.passive_common import plural
from wiresleuth.analysis.passive_model import WIZARD, PassiveCapture
from wiresleuth.analysis.passive_stall import stuck_targets, window_full
from wiresleuth.analysis.passive_tcp import DirectionSummary, TcpConversation
from wiresleuth.model.finding import Evidence, Finding, Severity

LARGE = 1000
"""Bytes from which a lost segment counts as large."""
SMALL = 700
"""Bytes below which segments that did pass count as small."""
RESENT = 2
"""Retransmissions of one never-acknowledged large segment that make it a pattern."""


@dataclass(frozen=True)
class _Loss:
    conv: TcpConversation
    sender: DirectionSummary
    receiver: DirectionSummary
    missing: int  # bytes never delivered
    frames: tuple[int, ...]
    how: str


def _holes(conv: TcpConversation, sender: DirectionSummary) -> _Loss | None:
    """Receiver-side view: large holes never filled, only small segments through."""
    large = [h for h in sender.holes if h.end - h.start >= LARGE]
    if not large or sender.max_segment >= LARGE:
        return None
    missing = sum(h.end - h.start for h in sender.holes)
    frames = tuple(h.frame_after for h in large[:5]) + sender.frames_of.get("duplicate-ack", ())[:5]
    how = (
        f"{missing} bytes from {sender.address} never arrived although later segments did "
        f"(largest segment that arrived: {sender.max_segment} bytes)"
    )
    receiver = conv.client if sender is conv.server else conv.server
    dups = receiver.count("duplicate-ack")
    if dups:
        how += f"; {receiver.address} sent {plural(dups, 'duplicate ACK')}"
        frames = (
            tuple(h.frame_after for h in large[:5])
            + receiver.frames_of.get("duplicate-ack", ())[:5]
        )
    return _Loss(conv, sender, receiver, missing, frames, how)


def _resends(conv: TcpConversation, sender: DirectionSummary) -> _Loss | None:
    """Sender-side view: one large segment resent again and again, never acknowledged."""
    acked = sender.acked_offset or 0
    by_offset: dict[int, list[tuple[int, int]]] = defaultdict(list)
    for frame, offset, length, _ in sender.retransmitted:
        if length >= LARGE and offset >= acked:
            by_offset[offset].append((frame, length))
    stuck = [(offset, sends) for offset, sends in by_offset.items() if len(sends) >= RESENT]
    if not stuck:
        return None
    offset, sends = min(stuck)
    size = max(length for _, length in sends)
    receiver = conv.client if sender is conv.server else conv.server
    how = (
        f"{sender.address} sent the {size}-byte segment at stream byte {offset} "
        f"{len(sends) + 1} times; it was never acknowledged (acknowledged up to byte {acked})"
    )
    return _Loss(conv, sender, receiver, size, tuple(f for f, _ in sends[:10]), how)


def _receiver_limited(conv: TcpConversation, sender: DirectionSummary) -> bool:
    """Whether the receiver, not the path, explains what the sender could not deliver: its
    window was full, or smaller than a large segment (a printer whose window shrank)."""
    receiver = conv.client if sender is conv.server else conv.server
    if window_full(sender, receiver):
        return True
    known = receiver.window_scale is not None and receiver.last_window is not None
    return known and (receiver.last_window or 0) < LARGE


def _losses(capture: PassiveCapture) -> tuple[list[_Loss], list[tuple[_Loss, Unprovable]]]:
    """Losses the capture proves, and those where it lost frames itself."""
    stuck = stuck_targets(capture)
    found = []
    unproved = []
    for conv in capture.conversations:
        for sender in (conv.server, conv.client):
            if (conv.index, sender.address) in stuck or _receiver_limited(conv, sender):
                continue
            loss = _holes(conv, sender) or _resends(conv, sender)
            if loss is None:
                continue
            gap = conversation_gap(capture.gaps, conv)
            if gap is None:
                found.append(loss)
            else:
                target = conv.target if sender is conv.server else sender.address
                unproved.append(
                    (loss, Unprovable(target=target, sender=sender.address, how=loss.how,
                                      gap=gap, frames=loss.frames))
                )  # fmt: skip
    return found, unproved


def large_packet_losses(capture: PassiveCapture) -> list[Finding]:
    """One finding per sender address whose large segments the capture shows lost.

    Never when the receiver explains it (``_receiver_limited``), nor when the receiver fell
    silent while the segment was resent (``passive_stall.stuck_targets``): small packets
    must be seen to pass."""
    return large_packet_loss_findings(capture)[0]


def large_packet_loss_findings(capture: PassiveCapture) -> tuple[list[Finding], frozenset[int]]:
    """``large_packet_losses`` and the indexes of the conversations they explain."""
    found, _ = _losses(capture)
    losses: dict[str, list[_Loss]] = defaultdict(list)
    for loss in found:
        losses[loss.sender.address].append(loss)
    findings = [
        _finding(address, items, capture.conversations) for address, items in losses.items()
    ]
    return findings, frozenset(loss.conv.index for loss in found)


def unprovable_losses(capture: PassiveCapture) -> tuple[list[Unprovable], frozenset[int]]:
    """The conversations that would show large-packet loss but lost frames to the capture
    itself (for ``capture.frames_missing``), and their indexes (the rules about stalls leave
    them alone too: the missing acknowledgement may lie in the lost frames)."""
    _, unproved = _losses(capture)
    return [item for _, item in unproved], frozenset(loss.conv.index for loss, _ in unproved)


def _small_mss_success(
    address: str, conversations: tuple[TcpConversation, ...]
) -> TcpConversation | None:
    """A connection to the same server that asked for a small MSS and got data through."""
    for conv in conversations:
        if (
            conv.server.address == address
            and conv.client_mss is not None
            and conv.client_mss <= SMALL
            and conv.server.payload_bytes > LARGE
            and not conv.server.holes
        ):
            return conv
    return None


def _finding(
    address: str, found: list[_Loss], conversations: tuple[TcpConversation, ...]
) -> Finding:
    first = found[0]
    conv = first.conv
    target = conv.target if first.sender is conv.server else address
    evidence = [
        Evidence(
            text=first.how,
            packets=first.frames,
            addresses=(address,),
            data={"missing_bytes": first.missing},
        )
    ]
    values: dict[str, object] = {
        "missing_bytes": first.missing,
        "largest_segment_received": first.sender.max_segment,
        "connections": len(found),
    }
    if conv.server_mss and first.sender is conv.server:
        values["server_mss"] = conv.server_mss
    marked = sorted({tos >> 2 for tos in first.sender.tos_counts if tos >> 2})
    if marked:
        values["dscp"] = marked[0]
    small = _small_mss_success(address, conversations)
    if small is not None and small.syns:
        values["small_mss"] = small.client_mss
        evidence.append(
            Evidence(
                text=f"a connection to the same server that asked for MSS {small.client_mss} "
                f"received {small.server.payload_bytes} bytes without loss",
                packets=(small.syns[0].frame,),
            )
        )
    if len(found) > 1:
        evidence.append(
            Evidence(text=f"{plural(len(found), 'connection')} lost large segments this way")
        )
    return large_packet_loss(
        LargeLoss(
            target=target,
            sender=address,
            receiver=first.receiver.address,
            how=first.how,
            small_mss_ok=small is not None and bool(small.syns),
            evidence=tuple(evidence),
            values=values,
        )
    )


@dataclass(frozen=True, kw_only=True)
class LargeLoss:
    """Large segments from a sender lost on the way while small ones pass."""

    target: str
    """What the finding is about."""
    sender: str
    """Whose large segments are lost (a name or an address)."""
    receiver: str | None
    """Who did not get them; None: this computer."""
    how: str
    """What shows it, in one sentence."""
    small_mss_ok: bool = False
    """Whether the same exchange with small segments worked."""
    evidence: tuple[Evidence, ...] = ()
    """The packets and timings that show it."""
    values: Mapping[str, object] = field(default_factory=dict)
    """Its figures (missing bytes, largest segment received, MSS, DSCP...)."""


def large_packet_loss(loss: LargeLoss, *, wizard: str = WIZARD) -> Finding:
    """The finding of a large-packet loss."""
    to_you = loss.receiver is None
    between = "between you and that server" if to_you else "between the two"
    works = " The same connection works when it asks for small packets." if loss.small_mss_ok else ""
    return Finding(
        id="path.large_packet_loss",
        severity=Severity.PROBLEM,
        title=f"Large packets from {loss.sender} are lost on the way"
        + (" to you" if to_you else ""),
        user_text=(
            f"Large packets from {loss.sender} are lost on the way to "
            f"{'you' if to_you else loss.receiver}; small ones pass.{works} This is a network "
            f"problem {between} (often a QoS or MTU setting on the WAN), not a problem of "
            f"{'this computer' if to_you else 'either computer'}."
        ),
        engineer_text=(
            f"{loss.how}. Segments above a size are dropped on the path: check QoS policers "
            f"(DSCP), MTU/PMTUD (ICMP frag-needed) and firewalls {between}."
        ),
        wizard=wizard,
        target=loss.target,
        evidence=loss.evidence,
        values={**loss.values, "small_mss_ok": loss.small_mss_ok},
    )
