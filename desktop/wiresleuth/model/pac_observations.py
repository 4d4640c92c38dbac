"""What the PAC and local-listener wizards measured: DNS answers, HTTP exchanges, PAC runs.

Kept in report.json (``observations``) so the same analysis can run again on a bundle and an
engineer sees every figure; the PAC decisions per target are here for the proxy wizard too.
"""

from __future__ import annotations

from dataclasses import dataclass

from wiresleuth.model.observations import Chunk, ConnectObservation, PathRttObservation
from wiresleuth.model.proxy_config import ProxyConfiguration


@dataclass(frozen=True, kw_only=True)
class DnsAnswerObservation:
    """One DNS query sent with dnspython to the system's resolvers."""

    name: str
    """The name asked for (absolute, without the trailing dot)."""
    qtype: str
    """``A`` or ``AAAA``."""
    started_at: float
    """Epoch seconds."""
    elapsed: float
    """Seconds until the answer (or the failure)."""
    rcode: str
    """``NOERROR``, ``NXDOMAIN``, ``SERVFAIL``..., or ``timeout`` / ``no_nameservers`` / ``error``."""
    addresses: tuple[str, ...] = ()
    """Addresses in the answer."""
    ttl: int | None = None
    """TTL of the answer's address records, seconds."""
    server: str | None = None
    """The resolver that answered."""
    cname: str | None = None
    """The canonical name when the answer went through a CNAME."""
    error: str | None = None
    """What went wrong, in words."""


@dataclass(frozen=True, kw_only=True)
class HttpExchangeObservation:
    """One HTTP GET over a plain socket, every moment and byte kept."""

    url: str
    """The URL fetched."""
    address: str
    """The address connected to."""
    connect: ConnectObservation
    """The TCP connect."""
    outcome: str
    """``refused``, ``connect_timeout``, ``unreachable``, ``no_data`` (connected, request sent,
    nothing back before the deadline), ``reset``, ``closed`` (FIN without data), ``answered``
    (response complete), ``partial`` (bytes came, then silence until the deadline),
    ``too_large`` (more than the size limit) or ``tls_error``."""
    ended_at: float
    """Epoch seconds when the exchange ended."""
    request_sent_at: float | None = None
    """Epoch seconds when the GET was handed to the socket."""
    first_byte_at: float | None = None
    """Epoch seconds of the first response byte."""
    completed_at: float | None = None
    """Epoch seconds when the response was complete (EOF or Content-Length reached)."""
    received: tuple[Chunk, ...] = ()
    """What came back, as read, up to the size limit."""
    size_limit: int = 0
    """Bytes read at most."""
    waited: float = 0.0
    """Seconds the program allowed for the answer after connecting."""
    error: str | None = None
    """The socket or TLS error, in words."""

    @property
    def data(self) -> bytes:
        """Every byte received, in order."""
        return b"".join(chunk.data for chunk in self.received)


@dataclass(frozen=True, kw_only=True)
class PacDecisionObservation:
    """What ``FindProxyForURL`` returned for one target."""

    url: str
    """The URL given to the PAC."""
    host: str
    """The host given to the PAC."""
    result: str | None
    """The returned string, verbatim (``PROXY p:8080; DIRECT``); None when the call failed."""
    error: str | None = None
    """The JavaScript error, when the call failed."""


@dataclass(frozen=True, kw_only=True)
class PacLookupObservation:
    """A name the PAC script resolved (dnsResolve, isResolvable, isInNet...)."""

    name: str
    """The name."""
    address: str | None
    """The first IPv4 address, None when it did not resolve."""
    elapsed: float
    """Seconds the lookup took."""


@dataclass(frozen=True, kw_only=True)
class PacEvaluationObservation:
    """The PAC script run with pypac in a child process with time and memory limits."""

    outcome: str
    """``ok``, ``invalid`` (JavaScript error or no FindProxyForURL), ``timeout``, ``memory``,
    ``too_large`` (not even started), ``crashed`` (the child died) or ``unavailable``."""
    elapsed: float
    """Seconds from start to result (or to the kill)."""
    time_limit: float
    """Seconds the child was allowed."""
    memory_limit_mb: int
    """Address-space limit of the child (POSIX) and RSS limit watched from outside, MiB."""
    script_bytes: int
    """Size of the script."""
    my_ip: str
    """What ``myIpAddress()`` returned."""
    error: str | None = None
    """The JavaScript or child error, in words."""
    decisions: tuple[PacDecisionObservation, ...] = ()
    """One per target."""
    lookups: tuple[PacLookupObservation, ...] = ()
    """Names the script resolved while it ran."""
    peak_rss_mb: float | None = None
    """Largest resident size of the child seen from outside, MiB."""
    sandbox: str = ""
    """How the child was started: ``spawn`` (a fresh interpreter) or ``fork`` (POSIX fallback
    where the interpreter cannot be executed again)."""
    started_at: float | None = None
    """Epoch seconds when the script's time limit began (the child ready, the script given);
    None when it never began, or in a bundle written before it was kept."""
    ended_at: float | None = None
    """Epoch seconds of the result, or of the child's stop; None as ``started_at``."""
    cpu_seconds: float | None = None
    """For a ``timeout``: CPU seconds (user and system) the child used within the limit's
    window, read as it was given up (a child that computed through a stop of this program
    was not stopped with it); None otherwise, where unreadable, and in older bundles."""


@dataclass(frozen=True, kw_only=True)
class WpadCandidateObservation:
    """One WPAD URL tried during discovery."""

    url: str
    """``http://wpad.<domain>/wpad.dat``."""
    host: str
    """Its host name."""
    dns: DnsAnswerObservation | None = None
    """The host's resolution."""
    fetch: HttpExchangeObservation | None = None
    """The GET, when the name resolved."""
    outcome: str = ""
    """``no_such_name``, ``unreachable``, ``http_status``, ``found`` or ``skipped``."""


@dataclass(frozen=True, kw_only=True)
class ListenerAnswerObservation:
    """What a local listener answered to one GET."""

    path: str
    """``/wpad.dat`` or ``/``."""
    exchange: HttpExchangeObservation
    """The exchange."""


@dataclass(frozen=True, kw_only=True)
class ListenerObservation:
    """One TCP listening socket on a web port of this computer."""

    address: str
    """The bound address (``0.0.0.0``, ``::``, ``127.0.0.1``...)."""
    port: int
    """The port."""
    pid: int | None = None
    """Owning process id (None when the OS does not tell this user)."""
    process: str | None = None
    """Its name."""
    exe: str | None = None
    """Its executable path."""
    cmdline: str | None = None
    """Its command line, shortened."""
    owner_error: str | None = None
    """Why the owner is unknown."""
    answers: tuple[ListenerAnswerObservation, ...] = ()
    """What it answered to ``GET /wpad.dat`` and ``GET /`` (port 443: none)."""


@dataclass(frozen=True, kw_only=True)
class ListenersObservations:
    """Every listener on the web ports of this computer."""

    ports: tuple[int, ...]
    """Ports looked at."""
    listeners: tuple[ListenerObservation, ...] = ()
    """What listens there."""
    error: str | None = None
    """Why the socket table could not be read."""
    local_addresses: tuple[str, ...] = ()
    """Addresses of this computer (to tell that an address points here)."""


@dataclass(frozen=True, kw_only=True)
class PacWizardObservations:
    """Everything the PAC wizard measured."""

    configuration: ProxyConfiguration | None
    """Every proxy source of this computer and the winner."""
    configuration_error: str | None = None
    """Why the configuration could not be read."""
    profile_pac_url: str | None = None
    """The PAC URL the profile names."""
    pac_url: str | None = None
    """The PAC URL tested (profile first, then the system's, then WPAD's find)."""
    pac_source: str | None = None
    """Where ``pac_url`` came from: ``profile``, ``system:<source>`` or ``wpad``."""
    must_refuse: bool = False
    """The profile says the PAC endpoint must refuse connections (C3's design)."""
    wpad: tuple[WpadCandidateObservation, ...] = ()
    """WPAD discovery, when automatic detection is on."""
    host: str | None = None
    """The PAC URL's host."""
    port: int | None = None
    """Its port."""
    dns: DnsAnswerObservation | None = None
    """The PAC host's resolution (A record)."""
    rewrite_tests: tuple[DnsAnswerObservation, ...] = ()
    """Random, certainly non-existent names: each must get NXDOMAIN."""
    rewrite_http: tuple[HttpExchangeObservation, ...] = ()
    """``GET /`` at each address a random name resolved to: what answers there."""
    address: str | None = None
    """The address the PAC was fetched from."""
    address_kind: str | None = None
    """``loopback``, ``link_local``, ``this_machine``, ``private`` or ``public``."""
    path_rtt: PathRttObservation | None = None
    """Round trip to the PAC address apart from the fetch (who answered, by timing)."""
    fetch: HttpExchangeObservation | None = None
    """The PAC fetch."""
    file_error: str | None = None
    """For a ``file://`` PAC: why it could not be read."""
    script_bytes: int | None = None
    """Size of the PAC script obtained (possibly more than was kept)."""
    evaluation: PacEvaluationObservation | None = None
    """The script's validation and evaluation."""
    local_listeners: tuple[ListenerObservation, ...] = ()
    """Listeners on this computer at the PAC port (when the PAC address is this computer)."""
    targets: tuple[str, ...] = ()
    """The target URLs decided for."""
