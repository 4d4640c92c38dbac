"""What the MTU/DSCP wizard measured: the DF sweep per target and its own TCP size test.

Kept in report.json (``observations["mtu"]``): the sweep's probes are the data of the
"size vs result" plot, and the same analysis runs again on a bundle.
"""

from __future__ import annotations

from dataclasses import dataclass

from wiresleuth.model.observations import ConnectObservation


@dataclass(frozen=True, kw_only=True)
class SweepProbe:
    """One ICMP echo with Don't Fragment set, and what came back."""

    size: int
    """IP packet size in bytes (IPv4 header + ICMP header + payload)."""
    result: str
    """``reply``, ``lost`` (nothing within the wait), ``frag_needed`` (a router said the
    packet is too big), ``too_big_local`` (this computer refused to send it: its route or
    a learned path MTU is smaller) or ``error``."""
    at: float
    """Epoch seconds when it was sent."""
    rtt: float | None = None
    """Seconds to the reply."""
    mtu: int | None = None
    """The MTU named by a frag-needed message (or by the local refusal)."""
    reported_by: str | None = None
    """Address of the router that sent frag-needed."""
    detail: str = ""
    """The error in words, or the line of ``ping`` output the result was read from."""


@dataclass(frozen=True, kw_only=True)
class PathMtuSweep:
    """A binary search for the largest packet that crosses the path with DF set."""

    address: str
    """The address swept."""
    method: str
    """``socket`` (ICMP socket with DF), ``ping`` (the system's ping) or ``none``."""
    interface_mtu: int | None = None
    """MTU of the interface the route to the address uses (the search's upper bound)."""
    low: int = 576
    """Smallest size tried (the IPv4 minimum every path must carry)."""
    probes: tuple[SweepProbe, ...] = ()
    """Every probe in the order sent: the plot's data (size vs result)."""
    path_mtu: int | None = None
    """Largest size that got a reply; None when even the smallest got none."""
    error: str | None = None
    """Why no sweep could be made (no ICMP socket, no ping, ICMP blocked altogether)."""

    @property
    def frag_needed(self) -> tuple[SweepProbe, ...]:
        """Probes answered by a router's "fragmentation needed"."""
        return tuple(p for p in self.probes if p.result == "frag_needed")

    @property
    def smallest_lost(self) -> int | None:
        """Smallest size that got no reply and no error message at all."""
        lost = [p.size for p in self.probes if p.result == "lost"]
        return min(lost) if lost else None


@dataclass(frozen=True, kw_only=True)
class SegmentAttempt:
    """One TCP exchange that makes the server send its first answer, with a given MSS."""

    purpose: str
    """``default`` (the system's MSS) or ``small-mss`` (TCP_MAXSEG 536)."""
    connect: ConnectObservation
    """The TCP connect underneath."""
    trigger: str
    """What was sent: ``tls-client-hello`` or ``http-get`` (to the server), ``proxy-connect``
    or ``proxy-get`` (to the route's proxy)."""
    outcome: str
    """``answered`` (bytes came back), ``silent`` (nothing before the deadline), ``reset``,
    ``eof`` (closed without a byte) or ``connect_failed``."""
    ended_at: float
    """Epoch seconds when the attempt ended."""
    sent_at: float | None = None
    """Epoch seconds when the trigger was handed to the socket."""
    first_byte_at: float | None = None
    """Epoch seconds when the first answer byte was read."""
    bytes_received: int = 0
    """Bytes read before the attempt ended."""
    left_host_at: float | None = None
    """Linux SO_TIMESTAMPING (no rights needed): epoch seconds when the kernel handed the
    request's last byte to the network driver, i.e. when it left this host; None elsewhere."""
    snd_mss: int | None = None
    """Linux TCP_INFO: the MSS this side sends with (the server's announced MSS, bounded by
    the path); None elsewhere."""
    rcv_mss: int | None = None
    """Linux TCP_INFO: the kernel's estimate of the largest segment received (at least 536)."""
    unread_bytes: int = 0
    """Answer bytes waiting in the socket, never read, when a ``silent`` attempt ended: the
    answer had come and the program looked too late (a process not scheduled on a loaded
    machine), so the silence is this computer's, not the path's."""


@dataclass(frozen=True, kw_only=True)
class MtuTargetObservation:
    """Everything the MTU/DSCP wizard measured for one target."""

    target: str
    """``host:port``."""
    address: str | None
    """The address tested (first resolved); None when resolution failed."""
    scheme: str
    """``https`` or ``http``."""
    sweep: PathMtuSweep | None = None
    """The DF sweep towards the address."""
    tcp: tuple[SegmentAttempt, ...] = ()
    """This wizard's own exchanges (default, then small MSS when the first got no answer);
    empty when the TLS wizard's handshakes already answer the question."""
    tls_default: str | None = None
    """``answered`` or ``silent``: how the TLS wizard's default handshake with this address
    went (``silent``: not one byte back), None when it did not test it."""
    tls_small_mss: str | None = None
    """The same for the TLS wizard's MSS 536 retry (None when it made none)."""
    finding_target: str | None = None
    """The target key findings about this address are filed under: the HTTPS target the
    TLS wizard reports it as, so the engine merges both wizards' ``path.dscp_marked``."""
    proxy: str | None = None
    """``host:port`` of the route's proxy when the route goes through one: ``address`` is
    then the proxy's (the first hop that matters) and the sweep measures the path to it."""


@dataclass(frozen=True, kw_only=True)
class MtuWizardObservations:
    """The MTU/DSCP wizard's observations for the whole run."""

    targets: tuple[MtuTargetObservation, ...]
    """Per target."""
