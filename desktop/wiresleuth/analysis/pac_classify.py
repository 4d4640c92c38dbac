"""Pure classification for the PAC wizard: what a fetch amounted to, what an address is,
what a PAC result means. Browser figures come from Chromium's PAC fetcher
(``net/proxy_resolution/pac_file_fetcher_impl.cc``): 30 s at most for a fetch, 1 MiB at most,
status 200 required, any other answer is a failed fetch.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Sequence
from dataclasses import dataclass

from wiresleuth.analysis.http_response import HttpHead, parse_head
from wiresleuth.model.pac_observations import HttpExchangeObservation

BROWSER_PAC_WAIT = 30.0
"""Seconds Chrome and Edge wait for a PAC fetch before giving up (Chromium's
``kDefaultMaxDuration``: "appears to match Microsoft Edge")."""
BROWSER_PAC_MAX_BYTES = 1024 * 1024
"""Largest PAC Chromium accepts (``kDefaultMaxResponseBytes``)."""
SLOW_FETCH = 2.0
"""Seconds after which a served PAC is slow: every browser start and network change waits."""
LONG_TTL = 300
"""DNS TTL (s) above which a stale PAC address outlives a network change by minutes (C4)."""


@dataclass(frozen=True, kw_only=True)
class FetchClass:
    """What a PAC fetch amounted to, as a browser would experience it."""

    kind: str
    """``refused``, ``timeout`` (SYN unanswered), ``hangs`` (handshake, then no complete
    answer), ``http_error`` (a status other than 200), ``no_http`` (closed, reset or not
    HTTP), ``too_large`` or ``served`` (200)."""
    seconds: float
    """From connect() to the end of the exchange."""
    handshake: float | None = None
    """Connect round trip, when the handshake completed."""
    head: HttpHead | None = None
    """The response head, when there was one."""
    slow: bool = False
    """Served, but more slowly than ``SLOW_FETCH``."""

    @property
    def status(self) -> int | None:
        """HTTP status, when there was one."""
        return self.head.status if self.head else None

    @property
    def server(self) -> str | None:
        """The Server header, when there was one."""
        return self.head.header("server") if self.head else None

    @property
    def connected(self) -> bool:
        """Whether the TCP handshake completed (something answered the SYN)."""
        return self.handshake is not None


def classify_fetch(fetch: HttpExchangeObservation) -> FetchClass:
    """The class of one fetch, from what its socket saw."""
    seconds = fetch.ended_at - fetch.connect.started_at
    handshake = fetch.connect.handshake_rtt
    if fetch.outcome == "refused":
        return FetchClass(kind="refused", seconds=seconds)
    if fetch.outcome in ("connect_timeout", "unreachable"):
        return FetchClass(kind="timeout", seconds=seconds)
    head = parse_head(fetch.data)
    if fetch.outcome == "too_large":
        return FetchClass(kind="too_large", seconds=seconds, handshake=handshake, head=head)
    if head is not None and (fetch.outcome == "answered" or head.status != 200):
        if head.status != 200:
            return FetchClass(kind="http_error", seconds=seconds, handshake=handshake, head=head)
        return FetchClass(
            kind="served",
            seconds=seconds,
            handshake=handshake,
            head=head,
            slow=seconds > SLOW_FETCH,
        )
    if fetch.outcome in ("no_data", "partial"):
        return FetchClass(kind="hangs", seconds=seconds, handshake=handshake, head=head)
    return FetchClass(kind="no_http", seconds=seconds, handshake=handshake, head=head)


def address_kind(address: str, local_addresses: Sequence[str] = ()) -> str:
    """``loopback``, ``link_local``, ``this_machine``, ``private``, ``public`` or ``invalid``."""
    try:
        addr = ipaddress.ip_address(address.split("%", 1)[0])
    except ValueError:
        return "invalid"
    if addr.is_loopback:
        return "loopback"
    if addr.is_link_local:
        return "link_local"
    if str(addr) in local_addresses:
        return "this_machine"
    if addr.is_private:
        return "private"
    return "public"


_KEYWORDS = ("DIRECT", "PROXY", "HTTP", "HTTPS", "SOCKS", "SOCKS4", "SOCKS5")


def parse_pac_result(text: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """``("DIRECT", "PROXY p:8080")`` entries of a FindProxyForURL result, and the invalid ones."""
    valid: list[str] = []
    invalid: list[str] = []
    for part in text.split(";"):
        entry = " ".join(part.split())
        if not entry:
            continue
        words = entry.split(" ")
        keyword = words[0].upper()
        if keyword == "DIRECT" and len(words) == 1:
            valid.append("DIRECT")
        elif keyword in _KEYWORDS[1:] and len(words) == 2:
            valid.append(f"{keyword} {words[1]}")
        else:
            invalid.append(entry)
    return tuple(valid), tuple(invalid)
