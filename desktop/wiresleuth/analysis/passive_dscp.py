"""path.dscp_marked from a capture: servers whose packets arrive with a priority mark.

Internet servers have no business marking their TCP answers EF (voice) or any other class,
and WAN QoS policers treat marked traffic by its class: large EF packets are the first to
go. The finding is a problem when the same server's large packets are also lost.
"""

from __future__ import annotations

from collections import defaultdict

from wiresleuth.analysis.dscp import dscp_name
from wiresleuth.analysis.passive_common import make_finding
from wiresleuth.analysis.passive_model import PassiveCapture
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
    target = convs[0].target if len(ports) == 1 else address
    because = (
        " The large packets of this server are also lost: WAN QoS policers drop traffic above "
        "the rate or size allowed for this class."
        if lost
        else ""
    )
    return make_finding(
        "path.dscp_marked",
        Severity.PROBLEM if lost else Severity.WARNING,
        f"{address} marks its packets {name} (DSCP {value})",
        (
            f"The server {address} labels its packets as {name}"
            + (" (voice priority)" if value == 46 else "")
            + ". Networks treat such packets specially and may drop large ones."
            + (" That matches the lost packets found for this server." if lost else "")
        ),
        (
            f"{marked} of {total} packets from {address} (TCP port {', '.join(map(str, ports))}) "
            f"carry DSCP {value} ({name}).{because} Re-mark at the WAN edge or ask the server "
            "owner to stop marking."
        ),
        [
            Evidence(
                text=f"{marked} packets from {address} with DSCP {value} ({name})",
                packets=tuple(sorted(frames[value])[:10]),
                addresses=(address,),
                data={"dscp": value, "counts": {str(k): v for k, v in counts.items()}},
            )
        ],
        target=target,
        dscp=value,
        name=name,
        marked_packets=marked,
        lost=lost,
    )
