"""Send a bundle to the helpdesk's upload address over HTTPS, with progress and a clear error.

The request: ``POST <upload_url>`` whose body is the bundle file itself
(``Content-Type: application/zip``), the file name in ``Content-Disposition``, the program
version in ``User-Agent``, the profile's upload token in ``Authorization: Bearer`` and, when
the user typed one, the ticket number in ``X-WireSleuth-Ticket``. Any 2xx answer is success;
its first line of text (a ticket number, say) is shown to the user. When the answer is the
helpdesk inbox's receipt (its second line JSON with ``id`` and ``sha256``), the receipt is
read and its SHA-256 compared with the bytes sent. The server is verified against this
computer's trust store (truststore), as a browser here would.

The request says ``Expect: 100-continue`` and its body goes only once the server has not
refused it (``expect_continue``): a revoked token, a bundle too large for the inbox, a
busy or full inbox are answered from the headers, and the user learns why at once instead
of after sending the whole bundle (the standard library's http.client, since requests
cannot wait for the interim answer). A server that does not answer the expectation gets
the body after ``expect_continue.CONTINUE_WAIT`` seconds; one that answers 417 gets the
request again without it.

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
own. Blocking: run it in a worker thread.
"""

from __future__ import annotations

import errno
import http.client
import json
import re
import socket
import ssl
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import wiresleuth
from wiresleuth.errors import WireSleuthError
from wiresleuth.model.proxy_observations import Route
from wiresleuth.model.route import TargetRoute
from wiresleuth.model.upload_token import BEARER_TOKEN, UPLOAD_TOKEN_SHAPE
from wiresleuth.send.expect_continue import (
    Answer,
    Cancelled,
    Endpoint,
    ExchangeError,
    TunnelRefused,
    open_connection,
    post,
)

CONNECT_TIMEOUT = 10.0
"""Seconds to reach the server (or the proxy)."""
READ_TIMEOUT = 60.0
"""Seconds without progress before the upload is given up."""
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
    """``exc`` and what it wraps (its cause, its context)."""
    seen: set[int] = set()
    todo: list[BaseException] = [exc]
    while todo:
        item = todo.pop(0)
        if id(item) in seen:
            continue
        seen.add(id(item))
        yield item
        for linked in (getattr(item, "cause", None), item.__cause__, item.__context__):
            if isinstance(linked, BaseException):
                todo.append(linked)


_BROKEN = (
    ConnectionError,  # reset, aborted, broken pipe
    ssl.SSLEOFError,
    ssl.SSLZeroReturnError,
    http.client.RemoteDisconnected,
    http.client.IncompleteRead,
    http.client.BadStatusLine,
)
"""A connection that ended part-way (the server or a box on the way closed it)."""


def _reason(failure: ExchangeError, host: str, proxy: str | None, total: int = 0) -> str:
    """Why the upload failed, in words; never a Python class name. A failure after the
    connection was made (and the server verified) is never called a certificate problem."""
    via = f" through the proxy {proxy}" if proxy else ""
    exc = failure.cause
    causes = list(_chain(exc))
    if any(isinstance(c, ssl.SSLCertVerificationError) for c in causes):
        return (
            f"the server {host} could not be verified as genuine (certificate problem), so "
            "nothing was sent"
        )
    if isinstance(exc, TunnelRefused):
        if exc.status == 407:
            return f"the proxy {proxy} asks for a login, which the upload cannot give"
        return f"the proxy {proxy or ''} could not open a connection to {host}".replace("  ", " ")
    if failure.stage == "exchange" and isinstance(exc, _BROKEN):
        return (
            f"the connection to {host}{via} broke off after {failure.sent} of {total} bytes, "
            "with no answer: the server, or something on the way, closed it"
        )
    if isinstance(exc, ssl.SSLError):
        detail = exc.reason or exc.strerror
        return (
            f"the secure (TLS) connection to {host}{via} failed"
            + (f" ({detail})" if detail else "")
            + ", so nothing was sent"
        )
    if failure.stage == "connect":
        if isinstance(exc, TimeoutError):
            return f"the server {host} did not answer within {CONNECT_TIMEOUT:g} s{via}"
        if isinstance(exc, socket.gaierror):
            return f"the name {proxy.rpartition(':')[0] if proxy else host} could not be looked up"
        if isinstance(exc, ConnectionRefusedError):
            return (
                f"{'the proxy ' + proxy if proxy else 'the server ' + host} refused the connection"
            )
        if isinstance(exc, OSError) and exc.errno in (errno.ENETUNREACH, errno.EHOSTUNREACH):
            return f"there is no network path to {proxy or host}"
        return f"the server {host} could not be reached{via}"
    if isinstance(exc, TimeoutError):
        return f"the server {host} stopped answering for {READ_TIMEOUT:g} s{via}"
    return f"the upload to {host} failed{via}: {exc}"


def _ways(route: TargetRoute | None) -> list[Route]:
    """The ways to try, in order: the route's candidates (HTTP proxies and direct)."""
    if route is None:
        return [Route(kind="DIRECT")]
    ways = [c for c in route.candidates if c.kind in ("DIRECT", "PROXY")]
    return ways or [Route(kind="DIRECT")]


def _connect_failed(failure: ExchangeError) -> bool:
    """A failure to reach the proxy itself (or its tunnel, but for a login): the next way
    of the route may work."""
    if isinstance(failure.cause, TunnelRefused):
        return failure.cause.status != 407
    return failure.stage == "connect" and not isinstance(failure.cause, ssl.SSLError)


def _endpoint(url: str, way: Route) -> Endpoint:
    parts = urlsplit(url)
    proxy = None
    if way.kind == "PROXY" and way.proxy:
        proxy_host, _, proxy_port = way.proxy.rpartition(":")
        proxy = (proxy_host.strip("[]"), int(proxy_port))
    return Endpoint(
        host=parts.hostname or "",
        port=parts.port or 443,
        target=(parts.path or "/") + (f"?{parts.query}" if parts.query else ""),
        proxy=proxy,
    )


def _post_once(
    path: Path,
    url: str,
    way: Route,
    headers: dict[str, str],
    progress: ProgressCallback,
    cancel: threading.Event,
    *,
    expect: bool = True,
) -> Answer:
    """One POST along ``way``: ExchangeError when it fails, UploadCancelled when told."""
    from wiresleuth.probes.tls_contexts import os_trust_context

    try:
        size = path.stat().st_size
        handle = path.open("rb")
    except OSError as exc:
        raise UploadFailed(f"cannot read {path}: {exc.strerror or exc}") from exc
    endpoint = _endpoint(url, way)
    with handle:
        conn = open_connection(
            endpoint, os_trust_context(), connect_timeout=CONNECT_TIMEOUT,
            read_timeout=READ_TIMEOUT, user_agent=headers["User-Agent"],
        )  # fmt: skip
        try:
            return post(
                conn, endpoint, headers, handle, size, expect=expect, limit=ANSWER_LIMIT,
                progress=lambda sent: progress(sent, size), cancel=cancel,
                read_timeout=READ_TIMEOUT,
            )  # fmt: skip
        except Cancelled:
            raise UploadCancelled("the upload was cancelled") from None


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
    total = path.stat().st_size if path.is_file() else 0

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
            if answer.status == 417 and not answer.body_sent:  # RFC 9110: again, without
                answer = _post_once(path, url, way, headers, progress, cancel, expect=False)
        except ExchangeError as failure:
            if cancel.is_set():
                raise UploadCancelled("the upload was cancelled") from None
            failures.append(scrub(_reason(failure, host, proxy, total), url, token))
            if index + 1 < len(ways) and not failure.sent and _connect_failed(failure):
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
