"""Send a bundle to the helpdesk's upload address over HTTPS, with progress and a clear error.

The request: ``POST <upload_url>`` whose body is the bundle file itself
(``Content-Type: application/zip``), the file name in ``Content-Disposition``, the program
version in ``User-Agent``, the profile's upload token in ``Authorization: Bearer`` and, when
the user typed one, the ticket number in ``X-WireSleuth-Ticket``. Any 2xx answer is success;
its first line of text (a ticket number, say) is shown to the user. When the answer is the
helpdesk inbox's receipt (its second line JSON with ``id`` and ``sha256``), the receipt is
read and its SHA-256 compared with the bytes sent. The server is verified against this
computer's trust store (truststore), as a browser here would.

The upload address and the token are secrets a user may pass on without knowing it (an
older profile carries the token in the address's path): what this module says - stages,
receipts, errors - names the server by ``shown_address`` (scheme, host and port) only, and
any text from elsewhere (a library's error, the server's answer) is cleaned of the address's
path, its query and the token before it is shown.

Only the first ``ANSWER_LIMIT`` bytes of the server's answer are read (a receipt is a few
hundred); the response is closed whatever happens, so a refused upload leaves no
connection open.

The upload goes the way this computer's applications go (``upload_route``: the profile, the
OS proxy settings, a PAC): through a proxy by an HTTP CONNECT tunnel, or directly; when a
proxy cannot be connected to, the next way of the route is tried, as browsers fail over.
The environment's ``*_proxy`` variables reach it only through that route, never on their
own (``trust_env`` is off). Blocking: run it in a worker thread.
"""

from __future__ import annotations

import errno
import hashlib
import json
import re
import ssl
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
from wiresleuth.model.upload_token import BEARER_TOKEN, UPLOAD_TOKEN_SHAPE

CONNECT_TIMEOUT = 10.0
"""Seconds to reach the server (or the proxy)."""
READ_TIMEOUT = 60.0
"""Seconds without progress before the upload is given up."""
BLOCK = 64 * 1024
ANSWER_LIMIT = 64 * 1024
"""Bytes of the server's answer read at most."""
TICKET_HEADER = "X-WireSleuth-Ticket"
"""The header that carries the ticket number the user typed."""
_TICKET = re.compile(r"^[A-Za-z0-9#._/ -]{1,64}$")
_TOKEN_SHAPE = re.compile(UPLOAD_TOKEN_SHAPE)
_SHA256 = re.compile(r"[0-9a-f]{64}")

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
    bundle_id: str | None = None
    """The id the helpdesk inbox keeps the bundle by (None from another kind of server)."""
    sha256: str | None = None
    """The SHA-256 the inbox computed of what it received, equal to that of the file sent
    (checked); None from another kind of server."""


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
    """A file object for the request body that reports every block read and can be stopped;
    it hashes what it reads (the receipt's SHA-256 is checked against it)."""

    def __init__(
        self, handle: BinaryIO, size: int, progress: ProgressCallback, cancel: threading.Event
    ) -> None:
        self._handle = handle
        self.len = size
        self._sent = 0
        self._progress = progress
        self._cancel = cancel
        self.digest = hashlib.sha256()

    def __len__(self) -> int:
        return self.len

    def read(self, amount: int = -1) -> bytes:
        if self._cancel.is_set():
            raise UploadCancelled("the upload was cancelled")
        data = self._handle.read(BLOCK if amount is None or amount < 0 else amount)
        self.digest.update(data)
        self._sent += len(data)
        self._progress(self._sent, self.len)
        return data

    def __enter__(self) -> _ProgressReader:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self._handle.close()


def shown_address(url: str) -> str:
    """The upload address as it may be shown: scheme, host and port, never the path or
    query (where an older profile keeps its upload token)."""
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        return "the upload address"
    if not parts.hostname:
        return "the upload address"
    host = f"[{parts.hostname}]" if ":" in parts.hostname else parts.hostname
    return f"{parts.scheme}://{host}" + (f":{port}" if port is not None else "")


def same_server(url: str, other: str | None) -> bool:
    """Whether two addresses name the same server (scheme, host, port): the profile's token
    goes to the profile's upload server and to no other."""
    if other is None:
        return False
    try:
        one, two = urlsplit(url), urlsplit(other)
        return (one.scheme, one.hostname, one.port or 443) == (
            two.scheme, two.hostname, two.port or 443,
        )  # fmt: skip
    except ValueError:
        return False


def scrub(text: str, url: str, token: str | None = None) -> str:
    """``text`` without the address's path and query, the token, or anything shaped like an
    inbox token: the server's host stays, the secret parts read ``…``."""
    parts = urlsplit(url)
    secrets = sorted(
        {
            piece
            for piece in (
                url,
                parts.path + ("?" + parts.query if parts.query else ""),
                parts.query,
                parts.path if parts.path not in ("", "/") else "",
                *(p for p in parts.path.split("/") if len(p) >= 8),
                token or "",
            )
            if piece
        },
        key=len,
        reverse=True,
    )
    for piece in secrets:
        text = text.replace(piece, "…" if piece != url else shown_address(url))
    return _TOKEN_SHAPE.sub("…", text)


def check_upload_url(url: str) -> None:
    """UploadFailed unless ``url`` is an HTTPS address (the profile promises as much)."""
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 (a port out of range or not a number raises here)
    except ValueError as exc:
        raise UploadFailed(f"{shown_address(url)} is not a valid https:// address") from exc
    if parts.scheme != "https" or not parts.hostname:
        raise UploadFailed(f"the upload address {shown_address(url)} is not an https:// address")


def check_token(token: str | None) -> None:
    """UploadFailed when the token cannot travel in a header (never quoting it)."""
    if token is not None and not BEARER_TOKEN.fullmatch(token):
        raise UploadFailed(
            "the upload token in the profile is not valid (letters, digits and - . _ ~ + / "
            "only, at most 512): ask the helpdesk for the profile lines again"
        )


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


def _reason(
    exc: requests.RequestException, host: str, proxy: str | None, sent: int = 0, total: int = 0
) -> str:
    """Why the upload failed, in words; never a Python class name. ``sent`` bytes of the
    body had gone out: a connection that breaks off after that was reached, and verified."""
    via = f" through the proxy {proxy}" if proxy else ""
    causes = list(_chain(exc))
    text = " ".join(str(c) for c in causes)
    if any(isinstance(c, ssl.SSLCertVerificationError) for c in causes):
        return (
            f"the server {host} could not be verified as genuine (certificate problem), so "
            "nothing was sent"
        )
    if proxy and "407" in text:
        return f"the proxy {proxy} asks for a login, which the upload cannot give"
    if sent and isinstance(
        exc, requests.exceptions.ConnectionError | requests.exceptions.ChunkedEncodingError
    ):
        return (
            f"the connection to {host}{via} broke off after {sent} of {total} bytes, with no "
            "answer: the server, or something on the way, closed it"
        )
    if isinstance(exc, requests.exceptions.SSLError):
        tls = next((c for c in reversed(causes) if isinstance(c, ssl.SSLError)), None)
        detail = getattr(tls, "reason", None) or getattr(tls, "strerror", None)
        return (
            f"the secure (TLS) connection to {host}{via} failed"
            + (f" ({detail})" if detail else "")
            + ", so nothing was sent"
        )
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


@dataclass(frozen=True)
class _Answer:
    """The server's answer, read (at most ANSWER_LIMIT bytes) with its response closed."""

    status: int
    reason: str
    text: str
    sent_sha256: str


def _read_answer(answer: requests.Response) -> str:
    """Up to ANSWER_LIMIT bytes of the answer's body as text (a hostile or broken server may
    send gigabytes; a receipt is a few hundred bytes)."""
    data = answer.raw.read(ANSWER_LIMIT, decode_content=True) or b""
    return data.decode(answer.encoding or "utf-8", "replace")


def _post_once(
    path: Path,
    url: str,
    way: Route,
    headers: dict[str, str],
    progress: ProgressCallback,
    cancel: threading.Event,
) -> _Answer:
    try:
        size = path.stat().st_size
        handle = path.open("rb")
    except OSError as exc:
        raise UploadFailed(f"cannot read {path}: {exc.strerror or exc}") from exc
    proxies = {"https": f"http://{way.proxy}"} if way.kind == "PROXY" and way.proxy else {}
    with requests.Session() as session, _ProgressReader(handle, size, progress, cancel) as body:
        session.trust_env = False  # the route decided; no second opinion from the environment
        session.mount("https://", _TrustStoreAdapter())
        with session.post(
            url,
            data=body,
            headers=headers,
            proxies=proxies,
            timeout=(CONNECT_TIMEOUT, READ_TIMEOUT),
            allow_redirects=False,
            stream=True,  # the answer is read bounded, below
        ) as answer:
            return _Answer(
                status=answer.status_code,
                reason=answer.reason or "",
                text=_read_answer(answer),
                sent_sha256=body.digest.hexdigest(),
            )


def _first_line(text: str) -> str:
    lines = text.strip().splitlines()
    return lines[0].strip()[:200] if lines else ""


def _inbox_receipt(text: str) -> tuple[str, str] | None:
    """(id, sha256) from the inbox's receipt: its first line in words, then JSON."""
    lines = text.strip().splitlines()
    candidates = lines[1:2] + lines[:1]  # text answer: the JSON second; JSON-only: first
    for line in candidates:
        try:
            data = json.loads(line)
        except ValueError:
            continue
        if isinstance(data, dict):
            bundle_id, sha256 = data.get("id"), data.get("sha256")
            if isinstance(bundle_id, str) and isinstance(sha256, str) and _SHA256.fullmatch(sha256):
                return bundle_id[:64], sha256
    return None


def upload_bundle(
    path: Path,
    url: str,
    *,
    token: str | None = None,
    route: TargetRoute | None = None,
    ticket: str = "",
    progress: ProgressCallback = lambda sent, total: None,
    stage: StageCallback = lambda text: None,
    cancel: threading.Event | None = None,
) -> UploadReceipt:
    """POST the bundle at ``path`` to ``url`` along ``route`` (direct when None), with
    ``token`` as ``Authorization: Bearer``; UploadFailed (or UploadCancelled) says why not."""
    check_upload_url(url)
    check_token(token)
    ticket = check_ticket(ticket)
    host = urlsplit(url).hostname or url
    cancel = cancel or threading.Event()
    headers = {
        "Content-Type": "application/zip",
        "Content-Disposition": f'attachment; filename="{path.name}"',
        "User-Agent": f"WireSleuth/{wiresleuth.__version__}",
    }
    if token:
        headers["Authorization"] = f"Bearer {token}"
    if ticket:
        headers[TICKET_HEADER] = ticket
    failures: list[str] = []
    ways = _ways(route)
    sent = [0, 0]  # bytes of the body sent, and in all, on the way tried now

    def counted(done: int, total: int) -> None:
        sent[:] = [done, total]
        progress(done, total)

    for index, way in enumerate(ways):
        sent[:] = [0, 0]
        proxy = way.proxy if way.kind == "PROXY" else None
        shown = f"proxy {proxy}" if proxy else "direct"
        stage(
            f"Connecting to {host} through the proxy {proxy}…"
            if proxy
            else f"Connecting to {host}…"
        )
        try:
            answer = _post_once(path, url, way, headers, counted, cancel)
        except UploadCancelled:
            raise
        except requests.RequestException as exc:
            if cancel.is_set():
                raise UploadCancelled("the upload was cancelled") from None
            failures.append(scrub(_reason(exc, host, proxy, *sent), url, token))
            if index + 1 < len(ways) and not sent[0] and _connect_failed(exc):
                continue  # as browsers do: the next way of the route
            raise UploadFailed("; then ".join(failures)) from None  # the cause names the URL
        break
    if not 200 <= answer.status < 300:
        detail = scrub(_first_line(answer.text), url, token)
        raise UploadFailed(
            f"the server {host} refused the bundle: HTTP {answer.status} {answer.reason}"
            + (f" ({detail})" if detail else "")
        )
    receipt = _inbox_receipt(answer.text)
    if receipt is not None and receipt[1] != answer.sent_sha256:
        raise UploadFailed(
            f"the server {host} received other bytes than were sent (its SHA-256 "
            f"{receipt[1]}, the file's {answer.sent_sha256}): send it again"
        )
    return UploadReceipt(
        status=answer.status,
        message=scrub(_first_line(answer.text), url, token),
        way=shown,
        bundle_id=receipt[0] if receipt else None,
        sha256=receipt[1] if receipt else None,
    )
