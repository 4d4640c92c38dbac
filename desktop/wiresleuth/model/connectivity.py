"""The basics every connection needs, checked when no target name could be looked up."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, kw_only=True)
class ResolverCheck:
    """One DNS server asked directly for a name that always exists."""

    server: str
    """The server's address."""
    answered: bool
    """Whether the server answered the question (NOERROR or NXDOMAIN)."""
    outcome: str
    """The answer's code, or ``timeout`` / an error code."""
    error: str | None = None
    """What went wrong, in words."""


@dataclass(frozen=True, kw_only=True)
class ConnectivityObservation:
    """Default route, gateway and resolvers, as this computer has them now."""

    default_route: bool | None
    """Whether the routing table has a default route; None when it could not be read."""
    gateway: str | None = None
    """The default gateway's address."""
    interface: str | None = None
    """The interface of the default route."""
    gateway_answers: bool | None = None
    """Whether the gateway answered an ICMP echo; None when not tried (no gateway, no rights)."""
    resolvers: tuple[ResolverCheck, ...] = ()
    """Each configured DNS server, asked directly."""
    errors: tuple[str, ...] = ()
    """What could not be read (the routing table, the resolver list...)."""
    started_at: float | None = None
    """Epoch seconds when the check began; None in bundles written before it was kept."""
    elapsed: float | None = None
    """Seconds the check took (its waits for the resolvers and the gateway end with it)."""
