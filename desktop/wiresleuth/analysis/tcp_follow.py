"""A TCP connection's conversation as its two sides sent it: Wireshark's "Follow TCP Stream".

The bytes each side sent, in the order they were seen, each byte once: a retransmission adds
nothing, a segment beyond a hole says how many bytes are missing before it (never captured:
lost before the capture point, or cut by the snap length). That is where an injected
``Via: 1.1 bluecoat`` or ``HTTP/1.0 200 OK`` in a 443 stream is read in the original.
"""

from __future__ import annotations

from dataclasses import dataclass

from wiresleuth.analysis.flows import TcpFlow
from wiresleuth.model.packet import RST, SYN


@dataclass(frozen=True, slots=True, kw_only=True)
class StreamChunk:
    """New bytes one side sent in one segment."""

    from_client: bool
    """True for the client's bytes, False for the server's."""
    time: float
    """When the segment was seen (epoch seconds)."""
    frame: int
    """Its frame number."""
    data: bytes
    """The bytes it added to its side's stream (may be empty when only ``missing`` counts)."""
    missing: int = 0
    """Bytes of this side's stream not seen before this chunk (a hole)."""
    uncaptured: int = 0
    """Bytes of this segment on the wire but not in the capture (snap length), after ``data``."""


def follow_stream(flow: TcpFlow) -> list[StreamChunk]:
    """The chunks of both sides, in capture order."""
    cursors = {True: 0, False: 0}
    chunks: list[StreamChunk] = []
    for packet in flow.packets:
        size = max(packet.payload_len, len(packet.payload))
        if not size or packet.has(RST):
            continue
        client = flow.is_from_client(packet)
        stream = flow.client_stream if client else flow.server_stream
        start = stream.offset_of(packet.seq + (1 if packet.has(SYN) else 0))
        if start is None:
            continue
        cursor = cursors[client]
        end = start + size
        if end <= cursor:
            continue  # bytes already shown: a retransmission
        missing = max(start - cursor, 0)
        skip = max(cursor - start, 0)
        data = packet.payload[skip:]
        uncaptured = max(end - max(start + len(packet.payload), cursor), 0)
        chunks.append(
            StreamChunk(
                from_client=client,
                time=packet.time,
                frame=packet.number,
                data=data,
                missing=missing,
                uncaptured=uncaptured,
            )
        )
        cursors[client] = end
    return chunks
