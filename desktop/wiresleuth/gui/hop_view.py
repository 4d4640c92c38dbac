"""The hop lists of a document, read for the viewer: one list per located connection.

Typed observations in (``gui.measurements``: ``from_jsonable`` of the hop locator's JSON),
read by the same analysis as the run (``analysis.hop_findings.read_locations``), so the
viewer shows exactly the hops the findings speak of.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from wiresleuth.analysis.hop_findings import TRACE_NAMES, describe_reading, read_locations
from wiresleuth.analysis.stopped_waits import NO_STOPS, Stops
from wiresleuth.model.hop_observations import HopLocatorObservations
from wiresleuth.model.packet import PacketRecord

MAX_LISTS = 50
"""Located connections listed at most (a run locates a few; a bundle may claim thousands)."""


@dataclass(frozen=True, kw_only=True)
class HopRowView:
    """One hop as shown."""

    hop: int
    """Its distance (the TTL that reaches it)."""
    address: str
    """Its address, or ``*`` when it sent nothing that names it."""
    rtt: str
    """Round trip, shown (``0.7 ms``), or empty."""
    name: str
    """Reverse DNS name, or empty."""
    seen: tuple[str, ...]
    """What each kind of probe met there, one line each."""
    answers: bool
    """The suspicious answer comes from this hop."""
    destination: bool
    """The destination's own address answers here."""


@dataclass(frozen=True, kw_only=True)
class HopListView:
    """The hops towards one located connection."""

    title: str
    """``shop.lab.test:443 (100.64.1.30:443): ClientHello``."""
    summary: str
    """What was found, in one sentence."""
    rows: tuple[HopRowView, ...]
    """Nearest first."""
    findings: tuple[tuple[str, str | None], ...]
    """(ID, target) of the findings it was located for."""
    target: str
    """The target those findings are about."""


@dataclass(frozen=True, kw_only=True)
class HopLists:
    """Every hop list of a document, and what could not be listed."""

    lists: tuple[HopListView, ...] = ()
    """In the locator's order."""
    note: str = ""
    """Why there is no list, or how many were left out."""


def _rtt(seconds: float | None) -> str:
    if seconds is None or not math.isfinite(seconds) or seconds < 0:
        return ""
    return f"{seconds * 1000:.1f} ms" if seconds < 1 else f"{seconds:.2f} s"


def hop_lists(
    found: HopLocatorObservations | None,
    packets: Sequence[PacketRecord],
    *,
    captured: bool,
    stops: Stops = NO_STOPS,
) -> HopLists:
    """The hop lists of the hop locator's observations and the document's packets
    (``stops``: the run's stops of this program, read as the findings read them)."""
    if found is None:
        return HopLists(note="The hop locator did not run in this file.")
    if not found.locations:
        why = found.note or "nothing was suspected"
        return HopLists(note=f"No connection was located in this run: {why}.")
    shown = HopLocatorObservations(
        locations=found.locations[:MAX_LISTS], error_queue=found.error_queue, note=found.note
    )
    lists = []
    for reading in read_locations(shown, packets, captured=captured, stops=stops):
        request = reading.location.request
        lists.append(
            HopListView(
                title=(
                    f"{request.target} ({request.address}:{request.port}): "
                    f"{TRACE_NAMES.get(request.kind, request.kind)}"
                ),
                summary=describe_reading(reading),
                rows=tuple(
                    HopRowView(
                        hop=row.ttl,
                        address=row.address or "*",
                        rtt=_rtt(row.rtt),
                        name=row.name or "",
                        seen=row.seen,
                        answers=row.answers,
                        destination=row.destination,
                    )
                    for row in reading.rows
                ),
                findings=tuple((s.id, s.target) for s in request.findings),
                target=request.target,
            )
        )
    left = len(found.locations) - len(shown.locations)
    note = f"{left} more located connections are not listed." if left > 0 else ""
    return HopLists(lists=tuple(lists), note=note)
