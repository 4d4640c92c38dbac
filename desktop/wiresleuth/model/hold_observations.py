"""What the local-hold wizard measured: when each request was handed to the socket and
when it left, other processes' connection attempts meanwhile, and the security products.
"""

from __future__ import annotations

from dataclasses import dataclass

from wiresleuth.model.mtu_observations import SegmentAttempt


@dataclass(frozen=True, kw_only=True)
class HeldRequest:
    """One request (a GET or a ClientHello) and its timing."""

    target: str
    """The target (``host:port``) it belongs to."""
    kind: str
    """``http`` or ``https``."""
    round: int
    """1-based round (requests of a round run at the same time)."""
    attempt: SegmentAttempt
    """The exchange: connect, when the request was handed over, when it left the host
    (Linux kernel timestamp), first answer byte."""


@dataclass(frozen=True, kw_only=True)
class ConnectAttemptSeen:
    """Another connection attempt on this host during a request's wait: SYN headers or a
    socket in SYN_SENT; nothing else of other processes is kept."""

    at: float
    """Epoch seconds first seen."""
    last_at: float
    """Epoch seconds last seen (the last SYN, or the last poll that still showed it)."""
    dst: str
    """Destination address."""
    dport: int
    """Destination port."""
    sport: int | None = None
    """Source port, when known."""
    answered: bool = False
    """A SYN-ACK or RST came back (capture), or the socket left SYN_SENT for ESTABLISHED."""
    syns: int = 0
    """SYNs captured (retransmissions included); 0 when seen in the socket table only."""
    source: str = "capture"
    """``capture`` (SYN headers) or ``socket-table``."""
    process: str | None = None
    """Name of the owning process, when the OS lets us see it."""


@dataclass(frozen=True, kw_only=True)
class ProductObservation:
    """A security product the OS reports."""

    name: str
    """Product name."""
    source: str
    """``SecurityCenter2``, ``system extension`` or ``process``."""
    detail: str = ""
    """What identifies it there."""
    enabled: bool | None = None
    """Whether it reports itself active."""


@dataclass(frozen=True, kw_only=True)
class HoldWizardObservations:
    """The local-hold wizard's observations for the whole run."""

    requests: tuple[HeldRequest, ...]
    """Every request made, in order."""
    attempts_seen: tuple[ConnectAttemptSeen, ...] = ()
    """Other connection attempts during the request windows."""
    syn_capture: str = "not started"
    """``ran`` or why the SYN-header capture could not run."""
    socket_table: str = "not started"
    """``ran`` or why the socket table could not be read."""
    products: tuple[ProductObservation, ...] = ()
    """Security products found."""
    products_error: str | None = None
    """Why the product inventory is incomplete, if it is."""
