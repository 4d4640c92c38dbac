"""The helpdesk's facts of a Document (a run just made, or a bundle), for the helpdesk page,
the viewer's header and "Copy summary". No Qt: tested on its own."""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from wiresleuth.analysis.causes import group_causes
from wiresleuth.gui.document import Document
from wiresleuth.gui.route_view import route_lines
from wiresleuth.gui.view_problems import ShapeError
from wiresleuth.model.route import RouteObservations
from wiresleuth.report.summary import capture_sentence
from wiresleuth.report.ticket import TicketFacts

_HASH_BLOCK = 1024 * 1024


def _text(value: Any) -> str | None:
    return value if isinstance(value, str) and value else None


def _os_text(document: Document) -> str:
    """``Linux 6.1.0 (x86_64)`` from system.json, else the bundle's manifest."""
    for source in (document.system.get("os"), document.manifest.get("os")):
        if isinstance(source, Mapping):
            name = " ".join(
                str(source[key]) for key in ("system", "release") if _text(source.get(key))
            )
            machine = _text(source.get("machine"))
            if name:
                return f"{name} ({machine})" if machine else name
    return ""


def _helpdesk(profile: Mapping[str, Any]) -> str:
    helpdesk = profile.get("helpdesk")
    if isinstance(helpdesk, Mapping):
        name, contact = _text(helpdesk.get("name")), _text(helpdesk.get("contact"))
        if name and contact:
            return f"{name} ({contact})"
        return name or contact or ""
    return _text(helpdesk) or ""


def helpdesk_facts(
    document: Document,
    *,
    bundle: Path | None = None,
    sha256: str | None = None,
) -> TicketFacts:
    """What the helpdesk page shows of ``document``; ``bundle`` names the saved file (a
    bundle's own file when None and the document is one) and ``sha256`` its digest."""
    computer = document.system.get("computer")
    computer = computer if isinstance(computer, Mapping) else {}
    result = document.result
    if bundle is None and document.source is not None and document.result is None:
        bundle = document.source
    try:
        routes = tuple(route_lines(document.measurements.of("route", RouteObservations)))
    except ShapeError:  # a damaged route table: the viewer's notes say why
        routes = ()
    duration = result.finished_at - result.started_at if result is not None else None
    program = document.manifest.get("program_version")
    return TicketFacts(
        computer=_text(computer.get("name")),
        user=_text(computer.get("user")),
        started_at=document.started_at,
        duration=duration,
        cancelled=document.cancelled,
        os_text=_os_text(document),
        targets=document.targets,
        routes=routes,
        profile=_text(document.profile.get("source")) or "",
        helpdesk=_helpdesk(document.profile),
        causes=group_causes(document.findings),
        checks=document.checks,
        capture=capture_sentence(document.capture),
        bundle_name=bundle.name if bundle is not None else None,
        bundle_sha256=sha256,
        program=f"WireSleuth {program}" if isinstance(program, str) else "",
    )


def file_sha256(path: Path) -> str:
    """Hex SHA-256 of a file, read in blocks (a bundle may hold a large capture). Blocking:
    call it from a worker."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while block := handle.read(_HASH_BLOCK):
            digest.update(block)
    return digest.hexdigest()


def run_facts_line(document: Document) -> str:
    """`` — laptop-042 (user alice), 2024-05-01 09:30:00 UTC``: which computer and when, for
    the viewer's header; empty for a capture file (no run: nothing to say)."""
    if document.kind.value == "capture":
        return ""
    facts = helpdesk_facts(document)
    return f" — {facts.who}, {facts.when}"
