"""``wiresleuth inbox serve``: the index opened and migrated, the certificate ready, the
socket bound, then uvicorn serving the app over HTTPS until SIGINT/SIGTERM.

Every check that can fail (the index, the certificate, the port) runs before the first
line saying the inbox is up. Uvicorn's own access log is off: an older profile's upload
address holds its token, so the inbox logs each upload itself, without it. Forwarded headers are not
trusted (``proxy_headers=False``): the sender's address is the connection's. The HTTP
protocol is uvicorn's h11 one with a lingering close after an answer given before the
request's body was read (``inbox.lingering``).
"""

from __future__ import annotations

import asyncio
import logging
import signal
import socket
import threading
from dataclasses import dataclass, field
from pathlib import Path

import uvicorn
from starlette.concurrency import run_in_threadpool

from wiresleuth.errors import BadInput
from wiresleuth.inbox.certificate import (
    Certificate,
    default_names,
    given_certificate,
    own_certificate,
)
from wiresleuth.inbox.database import Database
from wiresleuth.inbox.lingering import LingeringH11Protocol
from wiresleuth.inbox.settings import InboxSettings, MiB, shown_url
from wiresleuth.inbox.store import BundleStore
from wiresleuth.inbox.web.app import build_app

log = logging.getLogger("wiresleuth.inbox")

_STOPS = (signal.SIGINT, signal.SIGTERM)
RETENTION_EVERY = 3600.0
"""Seconds between two retention sweeps (one runs at the start too)."""


@dataclass(frozen=True, kw_only=True)
class ServeOptions:
    """How the server is reached."""

    host: str = "0.0.0.0"
    port: int = 8443
    cert: Path | None = None
    key: Path | None = None
    names: tuple[str, ...] = ()
    """Names for a self-signed certificate made now (default: this host's)."""


def parse_listen(text: str) -> tuple[str, int]:
    """``ADDR:PORT`` (``[::]:8443`` for IPv6) -> (address, port); BadInput otherwise."""
    host, sep, port = text.rpartition(":")
    host = host.strip("[]")
    if not sep or not host or not port.isdigit() or not 0 <= int(port) <= 65535:
        raise BadInput(f"--listen {text!r}: expected ADDRESS:PORT, e.g. 0.0.0.0:8443")
    return host, int(port)


def open_socket(host: str, port: int) -> socket.socket:
    """The listening socket (bound before anything is announced); BadInput when taken."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    # IPPROTO_TCP said, not 0: asyncio sets TCP_NODELAY only on sockets that say so, and
    # without it each answer's second TLS record waited for the client's delayed ACK (40 ms).
    sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((host, port))
        sock.listen(128)
    except OSError as exc:
        sock.close()
        raise BadInput(f"cannot listen on {host}:{port}: {exc.strerror or exc}") from exc
    sock.set_inheritable(True)
    return sock


def sweep_incoming(settings: InboxSettings) -> int:
    """Remove uploads a stopped server left half received (they were never acknowledged)."""
    removed = 0
    for leftover in settings.incoming_dir.glob("*.part*"):
        leftover.unlink(missing_ok=True)
        removed += 1
    return removed


def upkeep(store: BundleStore, days: int) -> None:
    """Delete bundles past the retention period and refresh the planners' statistics."""
    store.purge(days)
    store.db.refresh_statistics()


async def retention_loop(store: BundleStore, days: int) -> None:
    """``upkeep`` every hour (``prepare`` ran it at the start)."""
    while True:
        await asyncio.sleep(RETENTION_EVERY)
        try:
            await run_in_threadpool(upkeep, store, days)
        except Exception:  # a failed sweep is retried at the next; the server goes on
            log.exception("retention sweep failed")


@dataclass
class Prepared:
    """A server ready to run: ``server.run(sockets=[sock])``."""

    server: uvicorn.Server
    sock: socket.socket
    certificate: Certificate
    store: BundleStore
    base_url: str
    lines: list[str] = field(default_factory=list)
    """What the command prints before it serves."""


def prepare(settings: InboxSettings, options: ServeOptions) -> Prepared:
    """Everything that can fail, done: index, certificate, socket."""
    settings = settings.prepared()
    db = Database(settings.db_url)
    store = BundleStore(settings, db)
    sweep_incoming(settings)
    upkeep(store, settings.retention_days)
    if options.cert is not None or options.key is not None:
        if options.cert is None or options.key is None:
            raise BadInput("--cert and --key go together")
        certificate = given_certificate(options.cert, options.key)
    else:
        certificate = own_certificate(settings.tls_dir, list(options.names) or default_names())
    sock = open_socket(options.host, options.port)
    port = sock.getsockname()[1]
    shown_host = options.host
    if shown_host in ("0.0.0.0", "::", ""):
        shown_host = certificate.names[0] if certificate.names else socket.getfqdn()
    base_url = f"https://{'[' + shown_host + ']' if ':' in shown_host else shown_host}:{port}"

    async def background() -> None:
        await retention_loop(store, settings.retention_days)

    app = build_app(settings, store, background=background)
    config = uvicorn.Config(
        app,
        http=LingeringH11Protocol,  # h11 whatever is installed, closing as lingering.py says
        ssl_certfile=str(certificate.cert),
        ssl_keyfile=str(certificate.key),
        access_log=False,
        proxy_headers=False,
        server_header=False,
        log_config=None,
        log_level="warning",
        timeout_keep_alive=5,
        timeout_graceful_shutdown=10,
        lifespan="on",
    )
    kind = (
        "self-signed, made now"
        if certificate.created
        else ("self-signed" if options.cert is None else "given")
    )
    lines = [
        f"WireSleuth inbox on {base_url}/ (listening on {options.host}:{port})",
        f"  engineers' pages: {base_url}/bundles",
        f"  upload address:   {base_url}/upload with a token (`wiresleuth inbox token create LABEL --url {base_url}` prints the profile lines)",
        f"  certificate:      {certificate.cert} ({kind}) for {', '.join(certificate.names) or 'no names'}",
        f"  SHA-256 fingerprint: {certificate.fingerprint}",
        f"  index: {shown_url(settings.db_url)}; bundles in {settings.bundles_dir}",
        "  retention: "
        + (
            f"{settings.retention_days} days"
            if settings.retention_days
            else "none (kept until deleted)"
        )
        + f"; largest bundle: {settings.max_bundle_bytes // MiB} MiB",
    ]
    return Prepared(
        server=uvicorn.Server(config), sock=sock, certificate=certificate, store=store,
        base_url=base_url, lines=lines,
    )  # fmt: skip


def serve(prepared: Prepared) -> str | None:
    """Serve until SIGINT or SIGTERM (uvicorn's graceful shutdown: uploads under way are
    finished); the signal's name, if one stopped it.

    Uvicorn raises the signal again once it has stopped (so that a default handler ends the
    process by it); the handlers set here take it instead, so the command ends normally.
    """
    stopped: list[int] = []
    main = threading.current_thread() is threading.main_thread()
    previous = (
        {number: signal.signal(number, lambda n, _f: stopped.append(n)) for number in _STOPS}
        if main
        else {}
    )
    try:
        prepared.server.run(sockets=[prepared.sock])
    finally:
        for number, handler in previous.items():
            signal.signal(number, handler)
        prepared.sock.close()
        prepared.store.db.close()
    return signal.Signals(stopped[0]).name if stopped else None
