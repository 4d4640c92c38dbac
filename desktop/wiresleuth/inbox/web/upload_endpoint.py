"""``POST /upload/TOKEN`` (or ``/upload`` with ``Authorization: Bearer TOKEN``): receive one
bundle as the request body, check it, keep it, answer a receipt.

In this order, cheapest first: the token; the body's type (the bundle itself, not a form);
the ticket header; ``Content-Length`` against the limit (413 before a byte of the body is
read); a free upload slot (503 and Retry-After); free disk space (507). Then the body is
streamed to ``incoming/`` and hashed, counted against the same limit (a sender without
Content-Length, or one that sends more than it said) and given up when it stalls (408).
Then the bundle reader checks it in a worker thread (422 with its reason) and the store
keeps it (201, or 200 for a file received before). docs/inbox.md is the contract.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import logging
import re
import secrets
from dataclasses import dataclass
from pathlib import Path

from starlette.concurrency import run_in_threadpool
from starlette.requests import ClientDisconnect, Request
from starlette.responses import JSONResponse, PlainTextResponse, Response

from wiresleuth.inbox.checking import check_upload, free_bytes
from wiresleuth.inbox.errors import InboxError, UploadRefused
from wiresleuth.inbox.facts import clean
from wiresleuth.inbox.settings import InboxSettings, MiB
from wiresleuth.inbox.store import Arrival, BundleStore, Receipt
from wiresleuth.inbox.tokens import check_token

log = logging.getLogger("wiresleuth.inbox")

TICKET_HEADER = "x-wiresleuth-ticket"
_TICKET = re.compile(r"^[A-Za-z0-9#._/ -]{1,64}$")
"""What the sender allows in a ticket number (send.upload.check_ticket)."""
BODY_TYPES = ("application/zip", "application/octet-stream", "application/x-wiresleuth-bundle")
DISK_RESERVE = 256 * MiB
"""Free space left after an upload and its capture check, or it is refused (507)."""
RETRY_AFTER = 30


@dataclass
class Slots:
    """Uploads being received now (all on the event loop's thread: no lock needed)."""

    limit: int
    busy: int = 0

    def take(self) -> bool:
        if self.busy >= self.limit:
            return False
        self.busy += 1
        return True

    def give_back(self) -> None:
        self.busy -= 1


def _wants_json(request: Request) -> bool:
    return "application/json" in request.headers.get("accept", "")


def refusal(request: Request, refused: UploadRefused) -> Response:
    """The answer to a refused upload: the reason on the first line (the sender's window
    shows it), or ``{"error": …}`` for a client that asks for JSON."""
    headers = {}
    if refused.status == 401:
        headers["WWW-Authenticate"] = 'Bearer realm="wiresleuth-inbox"'
    if refused.retry_after is not None:
        headers["Retry-After"] = str(refused.retry_after)
    if _wants_json(request):
        return JSONResponse({"error": refused.reason}, refused.status, headers=headers)
    return PlainTextResponse(refused.reason + "\n", refused.status, headers=headers)


def receipt_answer(request: Request, receipt: Receipt) -> Response:
    """201 (new) or 200 (received before) with the receipt: JSON when asked for, else its
    line first and the JSON after it."""
    status = 200 if receipt.duplicate else 201
    if _wants_json(request):
        return JSONResponse(receipt.as_json(), status)
    return PlainTextResponse(f"{receipt.line()}\n{json.dumps(receipt.as_json())}\n", status)


def presented_token(request: Request) -> str:
    """The token from the path, else from ``Authorization: Bearer``."""
    token = request.path_params.get("token")
    if isinstance(token, str) and token:
        return token
    scheme, _, value = request.headers.get("authorization", "").partition(" ")
    return value.strip() if scheme.lower() == "bearer" else ""


def file_name_of(request: Request) -> str:
    """The file name from Content-Disposition, cleaned (no folders); a default without."""
    header = request.headers.get("content-disposition", "")
    found = re.search(r'filename="([^"]{1,300})"', header) or re.search(
        r"filename=([^;\s]{1,300})", header
    )
    name = found.group(1).replace("\\", "/").rsplit("/", 1)[-1] if found else ""
    return clean(name) or "bundle.wsbundle"


def _ticket(request: Request) -> str | None:
    ticket = request.headers.get(TICKET_HEADER, "").strip()
    if not ticket:
        return None
    if not _TICKET.match(ticket):
        raise UploadRefused(
            400,
            "the ticket number may hold letters, digits, spaces and # . _ / - only, at most 64",
        )
    return ticket


def _declared_length(request: Request, limit: int) -> int | None:
    text = request.headers.get("content-length")
    if text is None:
        return None
    if not text.isdigit():
        raise UploadRefused(400, "Content-Length is not a number")
    length = int(text)
    if length > limit:
        raise UploadRefused(
            413, f"the bundle is {length} bytes; this inbox takes bundles up to {limit} bytes"
        )
    if length == 0:
        raise UploadRefused(400, "the request has no body: send the bundle file as the body")
    return length


async def _receive_body(request: Request, path: Path, limit: int, idle: float) -> tuple[str, int]:
    """Stream the body into ``path``: (SHA-256, size). UploadRefused when too large, stalled
    or broken off."""
    digest = hashlib.sha256()
    size = 0
    stream = request.stream().__aiter__()
    with path.open("xb") as target:
        while True:
            try:
                async with asyncio.timeout(idle):
                    chunk = await anext(stream, None)
            except TimeoutError as exc:
                raise UploadRefused(
                    408, f"the upload stalled: nothing arrived for {idle:g} s"
                ) from exc
            except ClientDisconnect as exc:
                raise UploadRefused(400, "the upload broke off before the end") from exc
            if chunk is None:
                break
            size += len(chunk)
            if size > limit:
                raise UploadRefused(
                    413, f"the bundle is larger than this inbox takes ({limit} bytes)"
                )
            digest.update(chunk)
            target.write(chunk)
    if size == 0:
        raise UploadRefused(400, "the request has no body: send the bundle file as the body")
    return digest.hexdigest(), size


async def upload(request: Request) -> Response:
    """The endpoint."""
    settings: InboxSettings = request.app.state.settings
    store: BundleStore = request.app.state.store
    slots: Slots = request.app.state.slots
    sender = request.client.host if request.client else "unknown"
    try:
        token = presented_token(request)
        token_id = await run_in_threadpool(check_token, store.db, token) if token else None
        if token_id is None:
            raise UploadRefused(401, "the upload token is missing, unknown or revoked")
        kind = request.headers.get("content-type", "").split(";")[0].strip().lower()
        if kind and kind not in BODY_TYPES:
            raise UploadRefused(
                415,
                f"the body is {kind[:60]}: send the bundle file itself as the body "
                "(Content-Type: application/zip), not a form",
            )
        ticket = _ticket(request)
        length = _declared_length(request, settings.max_bundle_bytes)
    except UploadRefused as refused:
        log.warning("upload from %s refused: %s", sender, refused.reason)
        return refusal(request, refused)
    if not slots.take():
        log.warning("upload from %s refused: all %d slots busy", sender, slots.limit)
        return refusal(
            request,
            UploadRefused(
                503,
                "the inbox is receiving other bundles; try again shortly",
                retry_after=RETRY_AFTER,
            ),
        )
    path = settings.incoming_dir / f"{secrets.token_hex(8)}.part"
    file_name = file_name_of(request)
    arrival: Arrival | None = None
    try:
        expected = length or settings.max_bundle_bytes
        if free_bytes(settings.incoming_dir) < 2 * expected + DISK_RESERVE:
            raise UploadRefused(507, "the inbox's disk is full; the helpdesk has to make room")
        sha256, size = await _receive_body(
            request, path, settings.max_bundle_bytes, settings.idle_seconds
        )
        arrival = Arrival(
            path=path, sha256=sha256, size=size, file_name=file_name, ticket=ticket,
            sender=sender, token_id=token_id,
        )  # fmt: skip
        try:
            facts = await run_in_threadpool(check_upload, path, file_name)
        except UploadRefused as refused:
            await run_in_threadpool(store.refused, arrival, refused.reason)
            raise
        receipt = await run_in_threadpool(store.add, arrival, facts)
        if not receipt.duplicate:
            await run_in_threadpool(store.touch_token, token_id)
        log.info(
            "bundle %s received from %s: %s, %d bytes%s%s",
            receipt.id, sender, file_name, size,
            f", ticket {ticket}" if ticket else "", " (sent before)" if receipt.duplicate else "",
        )  # fmt: skip
        return receipt_answer(request, receipt)
    except UploadRefused as refused:
        log.warning("upload %s from %s refused: %s", file_name, sender, refused.reason)
        return refusal(request, refused)
    except (InboxError, OSError) as exc:
        log.error("upload %s from %s failed: %s", file_name, sender, exc)
        return refusal(request, UploadRefused(500, f"the inbox could not keep the bundle: {exc}"))
    finally:
        path.unlink(missing_ok=True)
        slots.give_back()
