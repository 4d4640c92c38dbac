"""A piece of evidence as the stretch of time it is about, for brackets on the timeline.

"RST 3.11 s after the ClientHello", "handed to the socket, on the wire 5.001 s later", "TCP
handshake 0.1 ms against a path RTT of 101.3 ms": timing evidence is an interval, and the
story is the whole interval, across every connection it touches. Its ends are the cited
packets and the instants among its timings (epoch seconds: the app's send, the wire's);
a duration that matches that span names it, and a duration that does not is drawn from the
interval's start as a reference (the path RTT beside an impossibly fast handshake). With a
single cited packet, the first duration ends at that packet (a FIN 7.8 s after the tunnel
opened). Evidence without timings is no interval: the viewer marks its packets only.

This reads the Document's packets and events; it concludes nothing about the network.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass

from wiresleuth.gui.document import Document
from wiresleuth.gui.plot_coordinates import is_finite
from wiresleuth.model.finding import Evidence

INSTANT_FROM = 1e6
"""Timings at or above this are instants (epoch seconds); below, durations."""
MATCH_SHARE = 0.05
"""A duration names the span when it is within this share of it..."""
MATCH_SECONDS = 0.002
"""... or within this many seconds."""
_NAMES = {
    "seconds": "",
    "hold": "held",
    "median_hold": "median hold",
    "handshake_rtt": "handshake RTT",
    "path_rtt": "path RTT",
    "ack_rtt": "ACK RTT",
    "after_client_hello": "after the ClientHello",
    "answer_delay": "answer after",
    "small_mss_handshake": "small-MSS handshake",
    "round_trip": "round trip",
    "waited": "waited",
    "wanted": "wanted",
    "elapsed": "took",
}


@dataclass(frozen=True, kw_only=True)
class EvidenceInterval:
    """A bracket on the timeline."""

    start: float
    """Epoch seconds of its left end."""
    end: float
    """Epoch seconds of its right end."""
    label: str
    """What it measures ("3.106 s", "held 5.001 s", "path RTT 101.3 ms")."""
    lanes: tuple[int, ...]
    """The lanes (connections) it spans, in order; empty when no lane is known."""
    reference: bool = False
    """A duration compared with, drawn from the main interval's start (dashed)."""

    @property
    def seconds(self) -> float:
        """Its length."""
        return self.end - self.start


def duration_text(seconds: float) -> str:
    """``0.071 ms``, ``101.3 ms``, ``3.106 s``."""
    if seconds < 0.001:
        return f"{seconds * 1000:.3f} ms"
    if seconds < 1:
        return f"{seconds * 1000:.1f} ms"
    return f"{seconds:.3f} s"


def timing_name(name: str) -> str:
    """A timing's key in words."""
    return _NAMES.get(name, name.replace("_", " "))


def _labelled(name: str, seconds: float) -> str:
    words = timing_name(name)
    return f"{words} {duration_text(seconds)}" if words else duration_text(seconds)


def _packet_time(document: Document, number: int) -> float | None:
    packet = document.packet_index.get(number)
    if packet is not None:
        return packet.time
    lane = document.connection_index.get(number)
    if lane is None:
        return None
    for event in document.connections[lane].events:
        if event.packet == number:
            return event.time
    return None


def _lanes_at(document: Document, instant: float) -> set[int]:
    """Lanes with an event at that instant (a socket-level event: the app's send)."""
    return {
        lane
        for lane, connection in enumerate(document.connections)
        if connection.start - 1e-6 <= instant <= connection.end + 1e-6
        and any(abs(event.time - instant) <= 1e-6 for event in connection.events)
    }


def _split(
    timings: Mapping[str, float], document: Document
) -> tuple[list[float], list[tuple[str, float]]]:
    instants, durations = [], []
    for name, value in timings.items():
        if not is_finite(value) or value < 0:
            continue
        if value >= INSTANT_FROM:
            if document.frame.plausible(value):
                instants.append(float(value))
        else:
            durations.append((name, float(value)))
    return instants, durations


def evidence_intervals(document: Document, evidence: Evidence) -> tuple[EvidenceInterval, ...]:
    """The brackets of ``evidence``: its main interval, then the references; none when it has
    no timings or no time to anchor them."""
    instants, durations = _split(evidence.timings, document)
    if not instants and not durations:
        return ()
    points: list[float] = []
    lanes: set[int] = set()
    for number in evidence.packets:
        when = _packet_time(document, number)
        if when is not None and document.frame.plausible(when):
            points.append(when)
            if number in document.connection_index:
                lanes.add(document.connection_index[number])
    for instant in instants:
        points.append(instant)
        lanes |= _lanes_at(document, instant)
    if not points:
        return ()
    start, end = min(points), max(points)
    rest = list(durations)
    label = duration_text(end - start)
    if len(points) == 1:
        if not rest:
            return ()
        name, seconds = rest.pop(0)
        start, label = end - seconds, _labelled(name, seconds)
    else:
        span = end - start
        for index, (name, seconds) in enumerate(rest):
            if math.isclose(seconds, span, rel_tol=MATCH_SHARE, abs_tol=MATCH_SECONDS):
                label = _labelled(name, seconds)
                rest.pop(index)
                break
    ordered = tuple(sorted(lanes))
    found = [EvidenceInterval(start=start, end=end, label=label, lanes=ordered)]
    for name, seconds in rest:
        found.append(
            EvidenceInterval(
                start=start,
                end=start + seconds,
                label=_labelled(name, seconds),
                lanes=ordered,
                reference=True,
            )
        )
    return tuple(found)
