"""path.direct_blocked: a target this computer cannot open a connection to, concluded here.

The TLS check meets it on its handshake, the proxy-path check on its direct connect (and
says what the proxies did); both make a ``Blocked``.
"""

from __future__ import annotations

from dataclasses import dataclass

from wiresleuth.model.finding import Evidence, Finding, Severity


@dataclass(frozen=True, kw_only=True)
class Blocked:
    """A connect() that failed."""

    target: str
    """What the finding is about (``host:port``)."""
    address: str
    """The address tried."""
    port: int
    """The port tried."""
    error: str | None
    """The connect error, in words."""
    seconds: float | None = None
    """How long the attempt took."""
    packets: tuple[int, ...] = ()
    """Its SYNs (and whatever answered them), when captured."""
    via_proxy: tuple[str, ...] | None = None
    """What each proxy tried answered; None: proxies were not tried by this check."""


def direct_blocked(blocked: Blocked, *, wizard: str) -> Finding:
    """The finding of a target that cannot be reached directly."""
    took = f" after {_ms(blocked.seconds)}" if blocked.seconds is not None else ""
    proxies = ""
    if blocked.via_proxy is not None:
        proxies = (
            f" Via proxy: {'; '.join(blocked.via_proxy)}."
            if blocked.via_proxy
            else " No proxy is configured."
        )
    return Finding(
        id="path.direct_blocked",
        severity=Severity.PROBLEM,
        title=f"{blocked.target} cannot be reached",
        user_text=f"This computer cannot open a connection to {blocked.target} ({blocked.error}).",
        engineer_text=(
            f"connect() to {blocked.address}:{blocked.port} failed: {blocked.error}{took}."
            + proxies
        ),
        wizard=wizard,
        target=blocked.target,
        evidence=(
            Evidence(
                text=f"connect error: {blocked.error}",
                packets=blocked.packets,
                addresses=(blocked.address,),
            ),
        ),
        values={"error": blocked.error, "address": blocked.address},
    )


def _ms(seconds: float) -> str:
    return f"{seconds * 1000:.1f} ms" if seconds < 1 else f"{seconds:.2f} s"
