"""path.dscp_marked: servers whose packets arrive with a priority mark, concluded here only.

The TLS and MTU checks count the marks on their own connections' packets, a capture taken
elsewhere on every server's; all make a ``Marking``.

Internet servers have no business marking their TCP answers EF (voice) or any other class,
and WAN QoS policers treat marked traffic by its class: large EF packets are the first to
go. The finding is a problem when the same server's large packets are also lost.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from wiresleuth.analysis.dscp import dscp_name
from wiresleuth.analysis.passive_model import WIZARD, PassiveCapture
from wiresleuth.analysis.passive_tcp import TcpConversation
from wiresleuth.model.finding import Evidence, Finding, Severity


def dscp_markings(capture: PassiveCapture, lossy: set[str]) -> list[Finding]:
    """One finding per server address whose packets carry a non-zero DSCP.

    ``lossy``: addresses with a large-packet loss finding (the mark then explains it).
    """
    by_server: dict[str, list[TcpConversation]] = defaultdict(list)
    for conv in capture.conversations:
        if conv.roles_known:
            by_server[conv.server.address].append(conv)
    findings = []
    for address, convs in by_server.items():
        counts: dict[int, int] = defaultdict(int)
        frames: dict[int, list[int]] = defaultdict(list)
        total = 0
        for conv in convs:
            total += conv.server.frames
            for tos, count in conv.server.tos_counts.items():
                if tos >> 2:
                    counts[tos >> 2] += count
                    frames[tos >> 2] += conv.server.tos_frames.get(tos, ())
        if counts:
            findings.append(_finding(address, convs, counts, frames, total, address in lossy))
    return findings


@dataclass(frozen=True, kw_only=True)
class Marking:
    """A server's packets carrying a DSCP mark."""

    target: str
    """What the finding is about."""
    server: str
    """The server, as texts name it."""
    address: str
    """Its address."""
    value: int
    """The DSCP value most of its marked packets carry."""
    marked: int
    """Packets from it with a mark."""
    total: int | None = None
    """Packets from it in all (None: not counted)."""
    unmarked: int | None = None
    """Packets from it without a mark, when that is worth saying (it marks only some)."""
    lost: bool = False
    """Whether its large packets are also lost (the mark then explains it)."""
    ports: tuple[int, ...] = ()
    """Its TCP ports seen, when they are worth naming."""
    evidence: tuple[Evidence, ...] = ()
    """The marked packets."""


def dscp_marked(mark: Marking, *, wizard: str = WIZARD) -> Finding:
    """The finding of a server's marks."""
    value, name, lost = mark.value, dscp_name(mark.value), mark.lost
    of = f" of {mark.total}" if mark.total is not None else ""
    on = f" (TCP port {', '.join(map(str, mark.ports))})" if mark.ports else ""
    some = (
        f", {mark.unmarked} others none: the server marks only some" if mark.unmarked else ""
    )
    because = (
        " The large packets of this server are also lost: WAN QoS policers drop traffic above "
        "the rate or size allowed for this class."
        if lost
        else ""
    )
    values: dict[str, object] = {
        "dscp": value, "name": name, "marked_packets": mark.marked, "lost": lost,
    }  # fmt: skip
    if mark.unmarked is not None:
        values["unmarked_packets"] = mark.unmarked
    return Finding(
        id="path.dscp_marked",
        severity=Severity.PROBLEM if lost else Severity.WARNING,
        title=f"{mark.server} marks its packets {name} (DSCP {value})",
        user_text=(
            f"The server {mark.server} labels its packets as {name}"
            + (" (voice priority)" if value == 46 else "")
            + ". Networks treat such packets specially and may drop large ones."
            + (" That matches the lost packets found for this server." if lost else "")
        ),
        engineer_text=(
            f"{mark.marked}{of} packets from {mark.address}{on} carry DSCP {value} ({name})"
            f"{some}.{because} Re-mark at the WAN edge or ask the server owner to stop marking."
        ),
        wizard=wizard,
        target=mark.target,
        evidence=mark.evidence,
        values=values,
    )


def _finding(
    address: str,
    convs: list[TcpConversation],
    counts: dict[int, int],
    frames: dict[int, list[int]],
    total: int,
    lost: bool,
) -> Finding:
    value = max(counts, key=lambda k: counts[k])
    name = dscp_name(value)
    marked = sum(counts.values())
    ports = sorted({c.server.port for c in convs})
    return dscp_marked(
        Marking(
            target=convs[0].target if len(ports) == 1 else address,
            server=address,
            address=address,
            value=value,
            marked=marked,
            total=total,
            lost=lost,
            ports=tuple(ports),
            evidence=(
                Evidence(
                    text=f"{marked} packets from {address} with DSCP {value} ({name})",
                    packets=tuple(sorted(frames[value])[:10]),
                    addresses=(address,),
                    data={"dscp": value, "counts": {str(k): v for k, v in counts.items()}},
                ),
            ),
        )
    )
