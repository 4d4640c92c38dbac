"""What the hop locator measured: probes sent with a limited TTL and what became of each.

A probe sent with TTL ``n`` is dropped by the ``n``-th router, which says so with an ICMP
"time exceeded" (its address, and a quote of the packet as it arrived), unless a device at
or before hop ``n`` answers it first: the first TTL that is answered is the hop that answers.
"""

from __future__ import annotations

from dataclasses import dataclass

MAX_HOPS = 16
"""The farthest hop tried: beyond it a device is no longer "in the path near you"."""
SUSPECT_KINDS = ("syn", "client-hello", "http")
"""What a located target's suspicious answer follows: the SYN (a handshake answered by a
device), the TLS ClientHello (a reset, injected bytes) or an HTTP request (a forged answer)."""


@dataclass(frozen=True, kw_only=True)
class HopSuspicion:
    """A finding that suspects a device in the path of a connection."""

    id: str
    """The finding's ID (``tls.reset_after_client_hello``)."""
    target: str | None
    """The finding's target (``host:port``)."""


@dataclass(frozen=True, kw_only=True)
class HopRequest:
    """One target whose answer a finding suspects, and which probe reproduces that answer."""

    target: str
    """``host:port`` of the finding that asked (the finding's target)."""
    address: str
    """The address the suspicious connection went to."""
    port: int
    """Its port."""
    kind: str
    """One of SUSPECT_KINDS."""
    findings: tuple[HopSuspicion, ...]
    """The findings that suspect a device in the path of this connection."""
    host: str = ""
    """Server name for the ClientHello (SNI) or the HTTP Host header."""
    path: str = "/"
    """Path of the HTTP request (``http`` probes)."""
    answer_wait: float = 0.0
    """Seconds the suspicious answer took in the first results (a reset 3.1 s after the
    ClientHello): the probes that reproduce it wait this long, and a little more."""
    skipped: str | None = None
    """Why this target cannot be located (through a proxy, an IPv6 address), in words."""


@dataclass(frozen=True, kw_only=True)
class HopProbe:
    """One probe sent with a limited TTL, and its fate."""

    ttl: int
    """The TTL it left with: it can reach hop ``ttl`` at most."""
    sent_at: float
    """Epoch seconds when it was sent (for a probe never answered, when its wave began)."""
    fate: str
    """``expired`` (a router sent "time exceeded"), ``answered`` (see ``answer``),
    ``unreachable`` (a router sent "destination unreachable"), ``silent`` (nothing within
    its wave's time), ``not_waited`` (a nearer hop had answered: its fate was not awaited)
    or ``failed`` (it could not be sent; ``error`` says why)."""
    answer: str | None = None
    """What answered: ``syn-ack``, ``reset``, ``data``, ``fin`` (the peer closed),
    ``echo-reply`` or ``port-unreachable`` (the destination itself, for UDP)."""
    rtt: float | None = None
    """Seconds from sending to its fate (None when silent)."""
    reported_by: str | None = None
    """Address of the router whose ICMP error the socket reported (Linux error queue)."""
    icmp_type: int | None = None
    """Type of that ICMP error (11 time exceeded, 3 destination unreachable)."""
    icmp_code: int | None = None
    """Its code."""
    quote: bytes = b""
    """The quoted transport header (a TCP header with its options) as the error queue gives
    it: how the probe looked when that hop received it."""
    local_port: int | None = None
    """Local TCP/UDP port, or the ICMP echo identifier: ties the probe to its packets."""
    data: bytes = b""
    """First bytes of a data answer (256 at most)."""
    error: str | None = None
    """Why it failed, in words."""
    ended_at: float | None = None
    """Epoch seconds when its wave stopped waiting for a ``silent`` probe (its deadline: a
    deadline that fell while this program was stopped proves no silence); None for other
    fates, and in bundles written before it was kept."""


@dataclass(frozen=True, kw_only=True)
class HopTrace:
    """Probes of one kind to one address, TTL 1 upwards, sent in waves."""

    kind: str
    """``echo`` (ICMP echo), ``udp`` (datagrams to unused ports, when echo is not allowed),
    ``syn``, ``client-hello`` or ``http``."""
    address: str
    """Destination address."""
    port: int | None = None
    """Destination port (TCP and UDP)."""
    probes: tuple[HopProbe, ...] = ()
    """Every probe, by TTL within each wave."""
    waves: tuple[float, ...] = ()
    """The time each wave was given, in seconds (one timeout per wave)."""
    error: str | None = None
    """Why the trace stopped early or could not run, in words."""

    def at(self, ttl: int) -> HopProbe | None:
        """The probe sent with ``ttl`` (the first, if several)."""
        return next((p for p in self.probes if p.ttl == ttl), None)

    @property
    def answered_ttl(self) -> int | None:
        """The lowest TTL that was answered: the hop that answers (SYN-ACK, reset, data), or
        for an echo or UDP trace how far the destination is; None when nothing answered."""
        answered = [p.ttl for p in self.probes if p.fate == "answered"]
        return min(answered) if answered else None


@dataclass(frozen=True, kw_only=True)
class HopName:
    """The reverse DNS name of a hop's address."""

    address: str
    """The address asked about."""
    name: str | None = None
    """Its PTR name (None when it has none or the lookup failed)."""
    error: str | None = None
    """Why there is no name (``no such name``, ``no answer within 2 s``)."""


@dataclass(frozen=True, kw_only=True)
class HopLocation:
    """Everything measured to locate the device answering one suspicious connection."""

    request: HopRequest
    """What was located and why."""
    reference: HopTrace | None = None
    """ICMP echo (or UDP) towards the address: every hop's address and how far the server is."""
    syn: HopTrace | None = None
    """TCP SYNs to the port: which hop completes the handshake."""
    data: HopTrace | None = None
    """ClientHellos or HTTP requests on connections made at full TTL, sent with a limited
    TTL: which hop answers them (resets, injects)."""
    names: tuple[HopName, ...] = ()
    """Reverse names of the hops' addresses."""
    started_at: float = 0.0
    """Epoch seconds."""
    ended_at: float = 0.0
    """Epoch seconds."""


@dataclass(frozen=True, kw_only=True)
class HopLocatorObservations:
    """The hop locator's observations for the whole run."""

    locations: tuple[HopLocation, ...] = ()
    """One per suspicious address and port (several findings may share one)."""
    error_queue: bool = False
    """Whether this system's sockets report ICMP errors with the sender and the quote
    (Linux ``IP_RECVERR``): without it, and without capture, no hop can be named."""
    note: str | None = None
    """Why nothing was located (nothing suspected, the earlier checks did not run)."""
