"""What probes measured at the socket level: the raw material findings are concluded from.

These are kept in report.json (``observations``) so that an engineer sees the figures and the
same analysis can run again on a bundle.
"""

from __future__ import annotations

from dataclasses import dataclass, replace


@dataclass(frozen=True, kw_only=True)
class ResolveObservation:
    """The addresses a host name resolved to, through the system resolver."""

    host: str
    """Name as given."""
    addresses: tuple[str, ...]
    """Addresses in the order the resolver returned them."""
    started_at: float
    """Epoch seconds."""
    elapsed: float
    """Seconds the lookup took."""
    error: str | None = None
    """Why resolution failed, in words; None on success."""


@dataclass(frozen=True, kw_only=True)
class ConnectObservation:
    """One TCP connect() as the program's socket saw it."""

    address: str
    """Remote address."""
    port: int
    """Remote port."""
    started_at: float
    """Epoch seconds when connect() was called."""
    connected_at: float | None = None
    """Epoch seconds when the handshake completed; None if it did not."""
    local_address: str | None = None
    """Local address the kernel chose."""
    local_port: int | None = None
    """Local port the kernel chose (links the socket to its flow in the capture)."""
    mss: int | None = None
    """TCP_MAXSEG requested before connecting (None: system default)."""
    error: str | None = None
    """``timeout``, ``refused``, ``unreachable`` or another error, in words."""
    kernel_rtt: float | None = None
    """The kernel's own SYN to SYN-ACK time (Linux TCP_INFO), in seconds; None elsewhere."""
    ended_at: float | None = None
    """Epoch seconds when connect() returned or gave up (its deadline, for a timeout: read
    with the stall meter's stops); None in bundles written before it was kept."""

    @property
    def rtt(self) -> float | None:
        """Seconds from connect() to established: one round trip to whoever answered the SYN."""
        return None if self.connected_at is None else self.connected_at - self.started_at

    @property
    def handshake_rtt(self) -> float | None:
        """The handshake's round trip as precisely as the socket knows it: the kernel's
        measurement when there is one, else ``rtt`` (which includes this program's delay in
        noticing the answer on a busy computer)."""
        if self.connected_at is None:
            return None
        return self.kernel_rtt if self.kernel_rtt is not None else self.rtt


@dataclass(frozen=True, kw_only=True)
class Chunk:
    """Bytes returned by one recv() call, with the time they were read."""

    at: float
    """Epoch seconds."""
    data: bytes
    """The bytes."""


@dataclass(frozen=True, kw_only=True)
class TlsObservation:
    """One TLS handshake attempt, driven through memory BIOs so every received byte is kept."""

    target: str
    """``host:port`` of the target."""
    sni: str
    """Server name sent in the ClientHello."""
    purpose: str
    """``default`` (as a browser would), ``small-mss`` (TCP_MAXSEG 536 retry) or
    ``public-trust`` (verified against the public CA bundle only)."""
    connect: ConnectObservation
    """The TCP connect underneath."""
    outcome: str
    """``ok``, ``timeout``, ``reset``, ``eof``, ``not_tls``, ``tls_error``, ``cert_error``,
    ``connect_failed`` or ``tunnel_failed`` (the route's proxy refused the CONNECT)."""
    ended_at: float
    """Epoch seconds when the attempt ended."""
    client_hello_at: float | None = None
    """Epoch seconds when the ClientHello was handed to the socket."""
    first_byte_at: float | None = None
    """Epoch seconds when the first byte from the peer was read."""
    handshake_done_at: float | None = None
    """Epoch seconds when the handshake completed."""
    reset_at: float | None = None
    """Epoch seconds when the socket reported a reset."""
    error: str | None = None
    """The error in words (ssl/socket message)."""
    received: tuple[Chunk, ...] = ()
    """What the peer sent, as read (first 16 KiB)."""
    unread_bytes: int = 0
    """Bytes from the peer waiting in the socket, never read, when an attempt that had read
    none of them ended: the answer had come and the program looked too late (a process not
    scheduled on a loaded machine). Past a proxy's CONNECT answer; for a tunnel that heard no
    answer (``tunnel_failed`` without ``tunnel_status``), the proxy's answer left unread."""
    tls_version: str | None = None
    """Negotiated version."""
    cipher: str | None = None
    """Negotiated cipher suite."""
    peer_certificate: bytes | None = None
    """The leaf certificate (DER) the server presented, when the handshake got that far."""
    verify_error: str | None = None
    """Certificate verification error, when verification failed."""
    http_status: str | None = None
    """Status line of the answer to ``GET /`` after the handshake."""
    first_data_at: float | None = None
    """Epoch seconds when the first application byte arrived."""
    proxy: str | None = None
    """``host:port`` of the proxy the handshake went through (a CONNECT tunnel, the route's
    first hop); None when it went direct. ``connect`` is then the connection to the proxy."""
    tunnel_status: str | None = None
    """The proxy's answer to CONNECT (``200 Connection established``, ``403 Forbidden``...)."""
    tunnel_bytes: int = 0
    """Bytes of the proxy's CONNECT answer before the first TLS byte in the TCP stream (so
    stream offsets in the capture map to offsets in ``received``); for a tunnel that
    failed, the bytes of its answer that were read (0 when none came in time)."""
    tunnel_request_bytes: int = 0
    """Bytes this program sent to open the tunnel (the CONNECT request) before the
    ClientHello in the TCP stream."""

    @property
    def received_bytes(self) -> bytes:
        """All received bytes in order."""
        return b"".join(chunk.data for chunk in self.received)


@dataclass(frozen=True, kw_only=True)
class StoppedAttempt:
    """A follow-up handshake started beside the default one in case its outcome called for
    it (speculatively), then stopped because it did not: kept only so that its connection in
    the capture has a name, never concluded from."""

    purpose: str
    """``small-mss`` or ``public-trust``."""
    connect: ConnectObservation
    """Its TCP connect (to the proxy, through a proxy): ``local_port`` links it to its flow."""
    stopped_at: float | None = None
    """Epoch seconds when it was stopped; None: it had ended on its own before (its result
    was not used)."""


@dataclass(frozen=True, kw_only=True)
class PathRttObservation:
    """Round-trip time to an address measured apart from the TCP handshake under test."""

    address: str
    """The address measured."""
    method: str
    """``icmp`` (echo), ``tcp:PORT`` (SYN answered by SYN-ACK or RST) or ``none``."""
    samples: tuple[float, ...] = ()
    """Round-trip times in seconds, in the order the probes were sent (one wave: a probe
    left when the previous was answered or shortly after it, not after its answer)."""
    error: str | None = None
    """Why no method worked, or what the first method's failure was."""

    @property
    def rtt(self) -> float | None:
        """The smallest sample: the path's floor, least disturbed by queues."""
        return min(self.samples) if self.samples else None


@dataclass(frozen=True, kw_only=True)
class GatewayObservation:
    """The default gateway as the system's tables show it."""

    address: str
    """Gateway IP address."""
    interface: str | None = None
    """Interface it is reached through."""
    mac: str | None = None
    """Its MAC address from the neighbour table (None when not resolved yet)."""
    vendor: str | None = None
    """The IEEE registrant of the MAC's OUI (None when unknown or locally administered)."""


@dataclass(frozen=True, kw_only=True)
class TlsAddressObservation:
    """What the TLS wizard measured on one address of a target's name (issue 16)."""

    address: str
    """The address (IPv4 or IPv6) the attempts connected to."""
    path_rtt: PathRttObservation | None = None
    """Path RTT to this address, measured apart from the handshake."""
    attempts: tuple[TlsObservation, ...] = ()
    """The default attempt first, then any follow-up, as for the target's first address."""
    stopped_attempts: tuple[StoppedAttempt, ...] = ()
    """The speculative follow-ups not needed (as the target's ``stopped_attempts``)."""

    def attempt(self, purpose: str) -> TlsObservation | None:
        """The attempt made for ``purpose``, if any."""
        return next((a for a in self.attempts if a.purpose == purpose), None)


@dataclass(frozen=True, kw_only=True)
class TlsTargetObservation:
    """Everything the TLS wizard measured for one target."""

    target: str
    """``host:port``."""
    address: str | None
    """The address tested first: the first one resolved that accepted a connection (the one
    a browser would use), else the last one tried; the proxy's through a proxy; None when
    resolution failed. ``other_addresses`` holds the name's other addresses."""
    path_rtt: PathRttObservation | None = None
    """Path RTT measured apart from the handshake."""
    attempts: tuple[TlsObservation, ...] = ()
    """The default attempt first, then any follow-up (small MSS, public trust, inspection)."""
    skipped_addresses: tuple[str, ...] = ()
    """Addresses of the name tried before ``address`` that refused or had no route, with why."""
    proxy: str | None = None
    """``host:port`` of the route's proxy the attempts went through; None: the route is direct
    (``address`` is then the proxy's address and ``path_rtt`` measures the path to it)."""
    route: str | None = None
    """The route in force, as shown (``proxy a:3128 (from GNOME settings)``)."""
    other_addresses: tuple[TlsAddressObservation, ...] = ()
    """Every other address the name resolved to, tested the same way beside ``address``, in
    the resolver's order (issue 16: one load-balancer member of four may be the one that
    fails). Empty through a proxy (it resolves the name), for a name with one address, and
    in bundles written before this field."""
    untested_addresses: tuple[str, ...] = ()
    """Addresses of the name beyond the most the wizard tests for one name, not tested."""
    stopped_attempts: tuple[StoppedAttempt, ...] = ()
    """The follow-ups started beside the default handshake on ``address`` that its outcome
    did not call for, once connected (one stopped before its connect returned has no local
    port, nothing to name); empty in bundles written before this field."""

    def attempt(self, purpose: str) -> TlsObservation | None:
        """The attempt made for ``purpose``, if any."""
        return next((a for a in self.attempts if a.purpose == purpose), None)

    def by_address(self) -> tuple[TlsAddressObservation, ...]:
        """The result on every address tested: ``address`` first, then the others (empty
        when nothing was tested)."""
        if self.address is None or not self.attempts:
            return self.other_addresses
        first = TlsAddressObservation(
            address=self.address,
            path_rtt=self.path_rtt,
            attempts=self.attempts,
            stopped_attempts=self.stopped_attempts,
        )
        return (first, *self.other_addresses)

    def on_address(self, tested: TlsAddressObservation) -> TlsTargetObservation:
        """This target as if ``tested`` were its only address: the rules about one address
        apply to each address unchanged."""
        return replace(
            self,
            address=tested.address,
            path_rtt=tested.path_rtt,
            attempts=tested.attempts,
            stopped_attempts=tested.stopped_attempts,
            other_addresses=(),
            untested_addresses=(),
        )


@dataclass(frozen=True, kw_only=True)
class TlsWizardObservations:
    """The TLS wizard's observations for the whole run."""

    targets: tuple[TlsTargetObservation, ...]
    """Per target."""
    gateway: GatewayObservation | None = None
    """The default gateway after the probes ran (its MAC is then in the neighbour table)."""
    gateway_error: str | None = None
    """Why the gateway could not be read, if so."""
