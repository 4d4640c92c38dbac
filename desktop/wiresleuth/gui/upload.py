"""Send a bundle to the helpdesk's upload address over HTTPS, with progress and a clear error.

The request: ``POST <upload_url>`` whose body is the bundle file itself
(``Content-Type: application/zip``), the file name in ``Content-Disposition``, and the
program version in ``User-Agent``. Any 2xx answer is success; its first line of text (a
ticket number, say) is shown to the user. The server is verified against this computer's
trust store (truststore), as a browser here would. Blocking: run it in a worker thread.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import Any, BinaryIO
from urllib.parse import urlsplit

import requests
from requests.adapters import HTTPAdapter

import wiresleuth
from wiresleuth.errors import WireSleuthError

CONNECT_TIMEOUT = 10.0
"""Seconds to reach the server."""
READ_TIMEOUT = 60.0
"""Seconds without progress before the upload is given up."""
BLOCK = 64 * 1024

ProgressCallback = Callable[[int, int], None]
"""Called with (bytes sent, bytes in all)."""


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


class _TrustStoreAdapter(HTTPAdapter):
    """Verifies servers against the operating system's trust store."""

    def init_poolmanager(self, *args: Any, **kwargs: Any) -> None:
        from wiresleuth.probes.tls_contexts import os_trust_context

        kwargs["ssl_context"] = os_trust_context()
        super().init_poolmanager(*args, **kwargs)


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


def _reason(exc: requests.RequestException, host: str) -> str:
    if isinstance(exc, requests.exceptions.SSLError):
        return (
            f"the server {host} could not be verified as genuine (certificate problem), so "
            "nothing was sent"
        )
    if isinstance(exc, requests.exceptions.ConnectTimeout):
        return f"the server {host} did not answer within {CONNECT_TIMEOUT:g} s"
    if isinstance(exc, requests.exceptions.ProxyError):
        return f"the proxy refused the connection to {host}"
    if isinstance(exc, requests.exceptions.ConnectionError):
        return f"the server {host} could not be reached ({exc.__class__.__name__})"
    if isinstance(exc, requests.exceptions.Timeout):
        return f"the server {host} stopped answering for {READ_TIMEOUT:g} s"
    return f"the upload to {host} failed: {exc}"


def upload_bundle(
    path: Path,
    url: str,
    *,
    progress: ProgressCallback = lambda sent, total: None,
    cancel: threading.Event | None = None,
) -> UploadReceipt:
    """POST the bundle at ``path`` to ``url``; UploadFailed (or UploadCancelled) says why not."""
    check_upload_url(url)
    host = urlsplit(url).hostname or url
    cancel = cancel or threading.Event()
    try:
        size = path.stat().st_size
        handle = path.open("rb")
    except OSError as exc:
        raise UploadFailed(f"cannot read {path}: {exc.strerror or exc}") from exc
    headers = {
        "Content-Type": "application/zip",
        "Content-Disposition": f'attachment; filename="{path.name}"',
        "User-Agent": f"WireSleuth/{wiresleuth.__version__}",
    }
    with requests.Session() as session, _ProgressReader(handle, size, progress, cancel) as body:
        session.mount("https://", _TrustStoreAdapter())
        try:
            answer = session.post(
                url,
                data=body,
                headers=headers,
                timeout=(CONNECT_TIMEOUT, READ_TIMEOUT),
                allow_redirects=False,
            )
        except UploadCancelled:
            raise
        except requests.RequestException as exc:
            if cancel.is_set():
                raise UploadCancelled("the upload was cancelled") from exc
            raise UploadFailed(_reason(exc, host)) from exc
    if not 200 <= answer.status_code < 300:
        detail = answer.text.strip().splitlines()[0][:200] if answer.text.strip() else ""
        raise UploadFailed(
            f"the server {host} refused the bundle: HTTP {answer.status_code} {answer.reason}"
            + (f" ({detail})" if detail else "")
        )
    first = answer.text.strip().splitlines()[0][:200] if answer.text.strip() else ""
    return UploadReceipt(status=answer.status_code, message=first)
