"""What the proxy-path wizard measured: routes per target, proxy answers, tunnel holds, markers.

Kept in report.json (``observations["proxy"]``) so the same analysis runs again on a bundle.
Nothing here ever holds a credential: only whether one was given and the user name.
"""

from __future__ import annotations

from dataclasses import dataclass

from wiresleuth.model.observations import ConnectObservation, PathRttObservation


@dataclass(frozen=True, kw_only=True)
class Route:
    """One way to reach a target, as a browser would try it."""

    kind: str
    """``DIRECT`` or ``PROXY``."""
    proxy: str | None = None
    """``host:port`` of the proxy for ``PROXY``; None for ``DIRECT``."""

    @property
    def label(self) -> str:
        """``DIRECT`` or ``PROXY host:port``."""
        return self.kind if self.proxy is None else f"{self.kind} {self.proxy}"


@dataclass(frozen=True, kw_only=True)
class RoutePlan:
    """The routes a client would try for one target, in order, and where they came from."""

    target: str
    """``host:port``."""
    routes: tuple[Route, ...]
    """In the order the client tries them (failover to the next when one cannot connect)."""
    source: str
    """Where the decision came from: a ``model.route.SOURCE_KINDS`` entry (``profile``,
    ``os_policy``, ``os_settings``, ``environment``, ``pac``, ``default``) when the route
    wizard decided; older bundles and the wizard's own fallback say ``pac``, ``profile``,
    ``environment``, ``no_proxy`` (bypassed) or ``none``."""
    detail: str = ""
    """The raw decision (a PAC result, a variable's name and value without credentials)."""
    origin: str = ""
    """The setting that decided, in words (``GNOME settings``, ``PAC from KDE settings
    (URL)``), when the route wizard decided; empty otherwise."""


@dataclass(frozen=True, kw_only=True)
class HttpAnswer:
    """The head of an HTTP response as read from the socket (body not kept)."""

    status: int
    """Status code (200, 407...)."""
    reason: str
    """Reason phrase as sent."""
    headers: tuple[tuple[str, str], ...] = ()
    """Header lines in order, names as sent (``Proxy-Authenticate`` may repeat)."""
    at: float | None = None
    """Epoch seconds when the head was complete."""

    def values(self, name: str) -> tuple[str, ...]:
        """Every value of header ``name`` (case-insensitive), in order."""
        wanted = name.lower()
        return tuple(v for k, v in self.headers if k.lower() == wanted)


@dataclass(frozen=True, kw_only=True)
class ProxyExchange:
    """One request through an explicit proxy: ``CONNECT host:port`` or ``GET http://...``."""

    proxy: str
    """``host:port`` of the proxy."""
    method: str
    """``CONNECT`` or ``GET``."""
    target: str
    """``host:port`` asked for."""
    connect: ConnectObservation
    """The TCP connection to the proxy."""
    outcome: str
    """``ok`` (2xx), ``auth_required`` (407), ``denied`` (403 or another 4xx/5xx),
    ``no_answer`` (nothing came back), ``closed`` (closed before an answer), ``bad_answer``
    (not HTTP) or ``connect_failed`` (the proxy itself could not be reached)."""
    ended_at: float
    """Epoch seconds when the exchange ended."""
    answer: HttpAnswer | None = None
    """The proxy's answer (the last one when authentication took several rounds)."""
    first_answer: HttpAnswer | None = None
    """The first answer when authentication followed (the 407 that named the schemes)."""
    auth_scheme: str | None = None
    """Scheme used to answer a 407 (``Basic``, ``NTLM``, ``Negotiate``); None when none was."""
    auth_user: str | None = None
    """User name the credentials were for (never the password)."""
    auth_note: str | None = None
    """Why credentials were not tried or could not be used (``no credentials typed``...)."""
    error: str | None = None
    """The socket error in words, if any."""
    answer_bytes: int = 0
    """Bytes the proxy sent on the connection that carries the tunnel, up to the tunnel's
    opening (its answers): where the tunnelled stream starts in the capture. For an exchange
    that ended without an answer, the bytes read on its last connection before it ended."""
    request_bytes: int = 0
    """Bytes sent to the proxy on that connection up to the tunnel's opening (the requests)."""
    unread_bytes: int = 0
    """Bytes from the proxy waiting in the socket, never read, when a ``no_answer`` exchange
    ended: the answer had come and the program looked too late (a process not scheduled on a
    loaded machine), so the silence is this computer's, not the proxy's."""


@dataclass(frozen=True, kw_only=True)
class HoldObservation:
    """A connection kept open with light traffic to see whether something closes it."""

    target: str
    """``host:port`` held."""
    route: str
    """``DIRECT`` or ``PROXY host:port``."""
    wanted: float
    """Seconds the hold was meant to last."""
    connect: ConnectObservation
    """The TCP connection (to the server directly, or to the proxy)."""
    outcome: str
    """``held`` (still open at the end), ``fin`` (peer closed), ``reset``, ``timeout`` (a
    request got no answer), ``not_kept`` (the server closes after every answer: inconclusive),
    ``setup_failed`` (tunnel, TLS or first request failed) or ``connect_failed``."""
    started_at: float
    """Epoch seconds when the tunnel was ready (hold time counts from here)."""
    ended_at: float
    """Epoch seconds when the hold ended."""
    requests: int = 0
    """Light-traffic requests answered during the hold."""
    closed_by: str | None = None
    """Address of the socket's peer that closed (the proxy for tunnels, the server direct)."""
    error: str | None = None
    """What went wrong, in words."""

    @property
    def seconds(self) -> float:
        """How long the connection lasted after set-up."""
        return self.ended_at - self.started_at


@dataclass(frozen=True, kw_only=True)
class MarkerObservation:
    """One path-proof marker sent to a ``wiresleuth listen`` endpoint."""

    target: str
    """``host:port`` of the listener."""
    route: str
    """``DIRECT`` or ``PROXY host:port``."""
    marker: str
    """The unique marker text sent."""
    outcome: str
    """``delivered`` (the listener acknowledged it), ``no_ack`` (sent, no acknowledgement),
    ``connect_failed``, ``tunnel_failed`` (the proxy refused the CONNECT) or ``bad_ack``."""
    sent_at: float | None = None
    """Epoch seconds when the marker was handed to the socket."""
    acked_at: float | None = None
    """Epoch seconds when the acknowledgement arrived."""
    seen_from: str | None = None
    """Source address the listener saw (the proxy's, via a proxy)."""
    listener_time: float | None = None
    """The listener's clock when it logged the marker (epoch seconds)."""
    connect: ConnectObservation | None = None
    """The TCP connection (to the listener, or to the proxy)."""
    tunnel: ProxyExchange | None = None
    """The CONNECT through the proxy, for markers sent that way."""
    error: str | None = None
    """What went wrong, in words (``NO_ACK_IN_TIME`` first when the wait ran out)."""
    ended_at: float | None = None
    """Epoch seconds when the exchange with the listener ended (the acknowledgement, or the
    end of the wait for it); None when it never started, or in bundles written before it
    was kept."""


NO_ACK_IN_TIME = "no acknowledgement within"
"""How a marker's ``error`` begins when its wait for the acknowledgement ran out (a deadline:
one that fell while this program was stopped proves no loss)."""


@dataclass(frozen=True, kw_only=True)
class DirectHttpObservation:
    """Plain HTTP sent straight to a port-80 target with a Host the server cannot know."""

    target: str
    """``host:port``."""
    address: str
    """Address connected to."""
    host_header: str
    """The bogus Host header sent."""
    connect: ConnectObservation
    """The TCP connection."""
    answer: HttpAnswer | None = None
    """What came back, if anything."""
    path_rtt: PathRttObservation | None = None
    """Path RTT measured apart from the handshake (ICMP, or TCP to another port)."""
    error: str | None = None
    """What went wrong, in words."""


@dataclass(frozen=True, kw_only=True)
class ProxyTargetObservation:
    """Everything measured for one target."""

    target: str
    """``host:port``."""
    scheme: str
    """``https`` or ``http``."""
    address: str | None
    """The first resolved address (None when the name did not resolve here)."""
    plan: RoutePlan
    """The routes the client would try."""
    direct: ConnectObservation | None = None
    """A plain TCP connect straight to the target (the alternative when the plan says proxy)."""
    via_proxy: tuple[ProxyExchange, ...] = ()
    """One exchange per proxy tried (CONNECT for https targets, GET for http)."""
    holds: tuple[HoldObservation, ...] = ()
    """The hold test, direct and via the proxy."""
    direct_http: DirectHttpObservation | None = None
    """The transparent-interception test (http targets only)."""


@dataclass(frozen=True, kw_only=True)
class ProxyReachObservation:
    """TCP reachability of one proxy."""

    proxy: str
    """``host:port``."""
    address: str | None
    """The address connected to (None when the name did not resolve)."""
    connect: ConnectObservation | None = None
    """The TCP connect."""
    error: str | None = None
    """Resolution error, if that is why there is no connect."""


@dataclass(frozen=True, kw_only=True)
class ProxyWizardObservations:
    """The proxy-path wizard's observations for the whole run."""

    proxies: tuple[ProxyReachObservation, ...] = ()
    """Every proxy any route names."""
    targets: tuple[ProxyTargetObservation, ...] = ()
    """Per target."""
    markers: tuple[MarkerObservation, ...] = ()
    """Path-proof markers (profile ``path_proof``), direct and via each proxy."""
    refusals: tuple[DirectHttpObservation, ...] = ()
    """Endpoints that must refuse (profile ``must_refuse``): a direct connect, and a request
    when the handshake completed anyway."""
    credentials: str | None = None
    """User name typed for the proxy in this run (never the password); None when none."""
    hold_seconds: float = 0.0
    """Hold time actually used (the profile's, capped by the run budget)."""
    notes: tuple[str, ...] = ()
    """Things the wizard could not do, in words (no NTLM library, a PAC not evaluated...)."""
