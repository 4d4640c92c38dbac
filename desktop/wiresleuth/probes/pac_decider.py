"""The PAC decision for other wizards: fetch a PAC once, evaluate it in the sandbox per target.

Implements the proxy-path wizard's ``PacDecider`` seam (``find_proxy(pac_url, target)``):
the same fetch rules as the PAC wizard (Chromium's: status 200, at most 1 MiB) and the same
sandbox, so a hostile PAC cannot hang that wizard either.
"""

from __future__ import annotations

import asyncio
from pathlib import Path
from urllib.parse import unquote, urlsplit

from wiresleuth.analysis.http_response import parse_head
from wiresleuth.analysis.pac_classify import BROWSER_PAC_MAX_BYTES
from wiresleuth.model.target import Target
from wiresleuth.probes.http_get import http_get
from wiresleuth.probes.local_listeners import local_addresses
from wiresleuth.probes.pac_file import read_pac_file
from wiresleuth.probes.pac_sandbox import evaluate_pac
from wiresleuth.probes.resolve import resolve


class SandboxPacDecider:
    """``FindProxyForURL`` results from a PAC URL, the script fetched once per URL."""

    def __init__(self, *, connect_timeout: float = 5.0, read_timeout: float = 10.0) -> None:
        self._connect = connect_timeout
        self._read = read_timeout
        self._scripts: dict[str, tuple[str | None, str]] = {}
        self._lock = asyncio.Lock()

    async def _fetch(self, pac_url: str) -> tuple[str | None, str]:
        """(script or None, my_ip) for ``pac_url``."""
        parts = urlsplit(pac_url)
        loop = asyncio.get_running_loop()
        mine = await loop.run_in_executor(None, local_addresses)
        fallback_ip = next((a for a in mine if "." in a and not a.startswith("127.")), "127.0.0.1")
        if parts.scheme == "file":
            try:
                raw = await loop.run_in_executor(None, _read, Path(unquote(parts.path)))
            except OSError:
                return None, fallback_ip
            return (
                raw.decode("utf-8", errors="replace") if len(raw) <= BROWSER_PAC_MAX_BYTES else None
            ), fallback_ip
        host = parts.hostname
        if parts.scheme not in ("http", "https") or not host:
            return None, fallback_ip
        port = parts.port or (443 if parts.scheme == "https" else 80)
        found = await resolve(host, timeout=self._connect)
        if not found.addresses:
            return None, fallback_ip
        tls = None
        if parts.scheme == "https":
            from wiresleuth.probes.tls_contexts import os_trust_context

            tls = os_trust_context()
        fetch = await http_get(
            pac_url,
            found.addresses[0],
            port,
            host=host if port in (80, 443) else f"{host}:{port}",
            path=(parts.path or "/") + (f"?{parts.query}" if parts.query else ""),
            connect_timeout=self._connect,
            read_timeout=self._read,
            size_limit=BROWSER_PAC_MAX_BYTES + 1,
            tls=tls,
        )
        head = parse_head(fetch.data)
        my_ip = fetch.connect.local_address or fallback_ip
        if fetch.outcome != "answered" or head is None or head.status != 200:
            return None, my_ip
        return head.text_body(), my_ip

    async def find_proxy(self, pac_url: str, target: Target) -> str | None:
        """The PAC's result for ``target``; None when it cannot be fetched or evaluated."""
        async with self._lock:
            if pac_url not in self._scripts:
                self._scripts[pac_url] = await self._fetch(pac_url)
        script, my_ip = self._scripts[pac_url]
        if script is None:
            return None
        result = await evaluate_pac(script, [(target.url, target.host)], my_ip=my_ip)
        if result.outcome != "ok" or not result.decisions:
            return None
        return result.decisions[0].result


def _read(path: Path) -> bytes:
    return read_pac_file(path, BROWSER_PAC_MAX_BYTES)
