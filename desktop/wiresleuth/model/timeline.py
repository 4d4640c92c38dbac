"""Per-connection timelines: what the report, the viewer and the findings point at."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True, kw_only=True)
class TimelineEvent:
    """One moment in a connection's life, seen on the wire or by the program's sockets."""

    time: float
    """Epoch seconds."""
    kind: str
    """One of: syn, syn-ack, ack, client-hello, server-hello, certificate, alert,
    change-cipher-spec, first-data, data, fin, rst, retransmission, dup-ack, out-of-order,
    app-send (the program handed data to its socket), icmp."""
    direction: str
    """``out`` (from this computer) or ``in`` (towards it)."""
    packet: int | None = None
    """Frame number in the capture, None for socket-level events."""
    length: int = 0
    """IP length of the packet (0 for socket-level events)."""
    dscp: int = 0
    """DSCP of the packet."""
    ttl: int = 0
    """IP TTL / hop limit of the packet."""
    detail: str = ""
    """A few words for a tooltip ("seq 1:1449", "alert: handshake_failure")."""


@dataclass(frozen=True, kw_only=True)
class Connection:
    """One TCP connection as seen from this computer, with its events in time order."""

    id: str
    """``client:port->server:port``."""
    client: str
    """Local address."""
    client_port: int
    """Local port."""
    server: str
    """Remote address."""
    server_port: int
    """Remote port."""
    start: float
    """Epoch seconds of the first event."""
    end: float
    """Epoch seconds of the last event."""
    events: tuple[TimelineEvent, ...]
    """Events in time order."""
    packets: tuple[int, ...] = ()
    """Frame numbers of every packet of the connection."""
    label: str = ""
    """What the connection was for ("TLS handshake to example.com:443, MSS 536")."""
