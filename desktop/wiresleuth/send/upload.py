"""Send a bundle to the helpdesk's upload address over HTTPS, with progress and a clear error.

The request: ``POST <upload_url>`` whose body is the bundle file itself
(``Content-Type: application/zip``), the file name in ``Content-Disposition``, the program
version in ``User-Agent`` and, when the user typed one, the ticket number in
``X-WireSleuth-Ticket``. Any 2xx answer is success; its first line of text (a ticket
number, say) is shown to the user. The server is verified against this computer's trust
store (truststore), as a browser here would.

The upload goes the way this computer's applications go (``upload_route``: the profile, the
OS proxy settings, a PAC): through a proxy by an HTTP CONNECT tunnel, or directly; when a
proxy cannot be connected to, the next way of the route is tried, as browsers fail over.
The environment's ``*_proxy`` variables reach it only through that route, never on their
own (``trust_env`` is off). Blocking: run it in a worker thread.
"""

from __future__ import annotations

import errno
import re
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import Any, BinaryIO
from urllib.parse import urlsplit

import requests
from requests.adapters import HTTPAdapter

import wiresleuth
from wiresleuth.errors import WireSleuthError
from wiresleuth.model.proxy_observations import Route
from wiresleuth.model.route import TargetRoute

CONNECT_TIMEOUT = 10.0
"""Seconds to reach the server (or the proxy)."""
READ_TIMEOUT = 60.0
"""Seconds without progress before the upload is given up."""
BLOCK = 64 * 1024
TICKET_HEADER = "X-WireSleuth-Ticket"
"""The header that carries the ticket number the user typed."""
_TICKET = re.compile(r"^[A-Za-z0-9#._/ -]{1,64}$")

ProgressCallback = Callable[[int, int], None]
"""Called with (bytes sent, bytes in all)."""
StageCallback = Callable[[str], None]
"""Called with what the upload is doing now, in words ("Connecting to … through …")."""


class UploadFailed(WireSleuthError):
    """The bundle could not be sent; the message says why in words a user can pass on."""


class UploadCancelled(UploadFailed):
    """The user stopped the upload."""


@dataclass(frozen=True, kw_only=True)
class UploadReceipt:
    """What the helpdesk's server answered."""

    status: int
    """HTTP status (2xx)."""
    message: str
    """First line of the answer's text (may be empty)."""
    way: str = "direct"
    """How it went: ``direct`` or ``proxy host:port``."""


class _TrustStoreAdapter(HTTPAdapter):
    """Verifies servers against the operating system's trust store."""

    def init_poolmanager(self, *args: Any, **kwargs: Any) -> None:
        from wiresleuth.probes.tls_contexts import os_trust_context

        kwargs["ssl_context"] = os_trust_context()
        super().init_poolmanager(*args, **kwargs)

    def proxy_manager_for(self, proxy: str, **proxy_kwargs: Any) -> Any:
        from wiresleuth.probes.tls_contexts import os_trust_context

        proxy_kwargs["ssl_context"] = os_trust_context()
        return super().proxy_manager_for(proxy, **proxy_kwargs)


class _ProgressReader:
    """A file object for the request body that reports every block read and can be stopped."""

    def __init__(
        self, handle: BinaryIO, size: int, progress: ProgressCallback, cancel: threading.Event
    ) -> None:
        self._handle = handle
        self.len = size
        self._sent = 0
        self._progress = progress
        self._cancel = cancel

    def __len__(self) -> int:
        return self.len

    def read(self, amount: int = -1) -> bytes:
        if self._cancel.is_set():
            raise UploadCancelled("the upload was cancelled")
        data = self._handle.read(BLOCK if amount is None or amount < 0 else amount)
        self._sent += len(data)
        self._progress(self._sent, self.len)
        return data

    def __enter__(self) -> _ProgressReader:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self._handle.close()


def check_upload_url(url: str) -> None:
    """UploadFailed unless ``url`` is an HTTPS address (the profile promises as much)."""
    parts = urlsplit(url)
    if parts.scheme != "https" or not parts.hostname:
        raise UploadFailed(f"the upload address {url!r} is not an https:// address")


def check_ticket(ticket: str) -> str:
    """The ticket number, trimmed; UploadFailed when it holds what a header cannot carry."""
    ticket = ticket.strip()
    if ticket and not _TICKET.match(ticket):
        raise UploadFailed(
            "the ticket number may hold letters, digits, spaces and # . _ / - only, "
            "at most 64 of them"
        )
    return ticket


def _chain(exc: BaseException) -> Iterator[BaseException]:
    """``exc`` and what it wraps (requests wraps urllib3, which wraps socket errors)."""
    seen: set[int] = set()
    todo: list[BaseException] = [exc]
    while todo:
        item = todo.pop(0)
        if id(item) in seen:
            continue
        seen.add(id(item))
        yield item
        todo += [a for a in item.args if isinstance(a, BaseException)]
        for linked in (item.__cause__, item.__context__, getattr(item, "reason", None)):
            if isinstance(linked, BaseException):
                todo.append(linked)


def _reason(exc: requests.RequestException, host: str, proxy: str | None) -> str:
    """Why the upload failed, in words; never a Python class name."""
    via = f" through the proxy {proxy}" if proxy else ""
    causes = list(_chain(exc))
    text = " ".join(str(c) for c in causes)
    if isinstance(exc, requests.exceptions.SSLError):
        return (
            f"the server {host} could not be verified as genuine (certificate problem), so "
            "nothing was sent"
        )
    if proxy and "407" in text:
        return f"the proxy {proxy} asks for a login, which the upload cannot give"
    if isinstance(exc, requests.exceptions.ProxyError):
        return f"the proxy {proxy or ''} could not open a connection to {host}".replace("  ", " ")
    if isinstance(exc, requests.exceptions.ConnectTimeout):
        return f"the server {host} did not answer within {CONNECT_TIMEOUT:g} s{via}"
    if isinstance(exc, requests.exceptions.ConnectionError):
        if any(type(c).__name__ == "NameResolutionError" for c in causes) or any(
            isinstance(c, OSError) and c.errno in (-2, -3, -5) for c in causes
        ):
            return f"the name {proxy.rpartition(':')[0] if proxy else host} could not be looked up"
        if any(isinstance(c, OSError) and c.errno == errno.ECONNREFUSED for c in causes):
            return (
                f"{'the proxy ' + proxy if proxy else 'the server ' + host} refused the connection"
            )
        if any(isinstance(c, OSError) and c.errno in (errno.ENETUNREACH, errno.EHOSTUNREACH)
               for c in causes):  # fmt: skip
            return f"there is no network path to {proxy or host}"
        return f"the server {host} could not be reached{via}"
    if isinstance(exc, requests.exceptions.Timeout):
        return f"the server {host} stopped answering for {READ_TIMEOUT:g} s{via}"
    return f"the upload to {host} failed{via}: {exc}"


def _ways(route: TargetRoute | None) -> list[Route]:
    """The ways to try, in order: the route's candidates (HTTP proxies and direct)."""
    if route is None:
        return [Route(kind="DIRECT")]
    ways = [c for c in route.candidates if c.kind in ("DIRECT", "PROXY")]
    return ways or [Route(kind="DIRECT")]


def _connect_failed(exc: requests.RequestException) -> bool:
    """A failure to reach the proxy itself: the next way of the route may work."""
    if isinstance(exc, requests.exceptions.ProxyError):
        return "407" not in " ".join(str(c) for c in _chain(exc))
    return isinstance(exc, requests.exceptions.ConnectTimeout | requests.exceptions.ConnectionError)


def _post_once(
    path: Path,
    url: str,
    way: Route,
    headers: dict[str, str],
    progress: ProgressCallback,
    cancel: threading.Event,
) -> requests.Response:
    try:
        size = path.stat().st_size
        handle = path.open("rb")
    except OSError as exc:
        raise UploadFailed(f"cannot read {path}: {exc.strerror or exc}") from exc
    proxies = {"https": f"http://{way.proxy}"} if way.kind == "PROXY" and way.proxy else {}
    with requests.Session() as session, _ProgressReader(handle, size, progress, cancel) as body:
        session.trust_env = False  # the route decided; no second opinion from the environment
        session.mount("https://", _TrustStoreAdapter())
        return session.post(
            url,
            data=body,
            headers=headers,
            proxies=proxies,
            timeout=(CONNECT_TIMEOUT, READ_TIMEOUT),
            allow_redirects=False,
        )


def upload_bundle(
    path: Path,
    url: str,
    *,
    route: TargetRoute | None = None,
    ticket: str = "",
    progress: ProgressCallback = lambda sent, total: None,
    stage: StageCallback = lambda text: None,
    cancel: threading.Event | None = None,
) -> UploadReceipt:
    """POST the bundle at ``path`` to ``url`` along ``route`` (direct when None);
    UploadFailed (or UploadCancelled) says why not."""
    check_upload_url(url)
    ticket = check_ticket(ticket)
    host = urlsplit(url).hostname or url
    cancel = cancel or threading.Event()
    headers = {
        "Content-Type": "application/zip",
        "Content-Disposition": f'attachment; filename="{path.name}"',
        "User-Agent": f"WireSleuth/{wiresleuth.__version__}",
    }
    if ticket:
        headers[TICKET_HEADER] = ticket
    failures: list[str] = []
    ways = _ways(route)
    for index, way in enumerate(ways):
        proxy = way.proxy if way.kind == "PROXY" else None
        shown = f"proxy {proxy}" if proxy else "direct"
        stage(
            f"Connecting to {host} through the proxy {proxy}…"
            if proxy
            else f"Connecting to {host}…"
        )
        try:
            answer = _post_once(path, url, way, headers, progress, cancel)
        except UploadCancelled:
            raise
        except requests.RequestException as exc:
            if cancel.is_set():
                raise UploadCancelled("the upload was cancelled") from exc
            failures.append(_reason(exc, host, proxy))
            if index + 1 < len(ways) and _connect_failed(exc):
                continue  # as browsers do: the next way of the route
            raise UploadFailed("; then ".join(failures)) from exc
        break
    if not 200 <= answer.status_code < 300:
        detail = answer.text.strip().splitlines()[0][:200] if answer.text.strip() else ""
        raise UploadFailed(
            f"the server {host} refused the bundle: HTTP {answer.status_code} {answer.reason}"
            + (f" ({detail})" if detail else "")
        )
    first = answer.text.strip().splitlines()[0][:200] if answer.text.strip() else ""
    return UploadReceipt(status=answer.status_code, message=first, way=shown)
