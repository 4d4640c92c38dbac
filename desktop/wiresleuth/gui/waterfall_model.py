"""The waterfall of each request: how long connect, TLS and the first byte of the answer took.

Read from the TLS wizard's observations (socket times), as a browser's network panel shows
them. The engine resolves names before the wizards run and does not keep those times in the
observations, so there is no DNS phase. Observations come in the bundle's JSON form and are
read through ``json_shape``: a value of another shape (a time that is text, NaN or far outside
the recording, a phase that ends before it starts) is left out and named in ``problems``, so
the view draws the rest.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np

from wiresleuth.gui.json_shape import Shape, required_list, section
from wiresleuth.gui.plot_coordinates import TimeFrame, time_frame

MAX_REQUESTS = 2000
"""Rows drawn at most (a run makes tens; a bundle with more was not made by a run)."""


@dataclass(frozen=True, kw_only=True)
class Phase:
    """One bar of the waterfall."""

    name: str
    """``connect``, ``TLS`` or ``first byte``."""
    start: float
    """Epoch seconds."""
    end: float
    """Epoch seconds."""
    ok: bool
    """False when the phase ended in a failure (reset, timeout, refused)."""
    note: str = ""
    """How it ended, in a few words ("reset", "timeout")."""

    @property
    def seconds(self) -> float:
        """Its duration."""
        return self.end - self.start


@dataclass(frozen=True, kw_only=True)
class RequestWaterfall:
    """The phases of one request (one TLS attempt)."""

    target: str
    """``host:port``."""
    purpose: str
    """``default``, ``small-mss``, ``public-trust`` ..."""
    outcome: str
    """How the attempt ended (``ok``, ``reset``, ``timeout`` ...)."""
    phases: tuple[Phase, ...]
    """In time order."""
    path_rtt: float | None = None
    """The target's path RTT measured apart from the handshake, seconds."""

    @property
    def label(self) -> str:
        """``host:port (purpose): outcome``."""
        return f"{self.target} ({self.purpose}): {self.outcome}"


@dataclass(frozen=True, kw_only=True)
class Waterfalls:
    """The requests to draw, and what of the measurements could not be read."""

    requests: tuple[RequestWaterfall, ...]
    """In the order they were made."""
    problems: tuple[str, ...] = ()
    """Values left out, in words."""


def _phase(
    shape: Shape, where: str, name: str, start: float | None, end: float | None, **how: Any
) -> Phase | None:
    if start is None or end is None:
        return None
    if end < start:
        shape.note(f"{where}: the {name} phase ends before it starts ({start} to {end})")
        return None
    return Phase(name=name, start=start, end=end, **how)


def _phases(shape: Shape, attempt: Mapping[str, Any], where: str) -> list[Phase]:
    connect = shape.mapping(attempt.get("connect"), f"{where}.connect") or {}
    outcome = shape.text(attempt.get("outcome"), f"{where}.outcome")

    def number(fields: Mapping[str, Any], key: str, at: str = where) -> float | None:
        return shape.number(fields.get(key), f"{at}.{key}")

    ended = number(attempt, "ended_at")
    began = number(connect, "started_at", f"{where}.connect")
    connected = number(connect, "connected_at", f"{where}.connect")
    candidates: list[Phase | None] = []
    if connected is not None:
        candidates.append(_phase(shape, where, "connect", began, connected, ok=True))
    else:
        note = shape.text(connect.get("error"), f"{where}.connect.error") or outcome
        candidates.append(_phase(shape, where, "connect", began, ended, ok=False, note=note))
    hello, done = number(attempt, "client_hello_at"), number(attempt, "handshake_done_at")
    if done is not None:
        candidates.append(_phase(shape, where, "TLS", hello, done, ok=True))
    else:
        stop = number(attempt, "reset_at") or ended
        candidates.append(_phase(shape, where, "TLS", hello, stop, ok=False, note=outcome))
    candidates.append(
        _phase(shape, where, "first byte", done, number(attempt, "first_data_at"), ok=True)
    )
    return [phase for phase in candidates if phase is not None]


def _plausible(
    shape: Shape, found: list[RequestWaterfall], frame: TimeFrame | None
) -> list[RequestWaterfall]:
    """The requests whose times lie within the recording (``plot_coordinates``)."""
    if frame is None:
        frame = time_frame(None, np.array([r.phases[0].start for r in found], dtype=np.float64))
    kept = [
        r
        for r in found
        if all(frame.plausible(p.start) and frame.plausible(p.end) for p in r.phases)
    ]
    outside = len(found) - len(kept)
    if outside:
        shape.note(
            "1 request has times outside the recording"
            if outside == 1
            else f"{outside} requests have times outside the recording"
        )
    return kept


def request_waterfalls(
    observations: Mapping[str, Any], frame: TimeFrame | None = None
) -> Waterfalls:
    """Every attempt of the TLS wizard's observations, in the order they were made (the first
    ``MAX_REQUESTS``); ShapeError when the part cannot be read at all.

    ``frame`` is the recording's (Document.frame): a request outside it is left out. Without
    one, the requests' own times make it.
    """
    tls = section(observations, "tls")
    if tls is None:
        return Waterfalls(requests=())
    shape = Shape()
    found: list[RequestWaterfall] = []
    for index, item in enumerate(required_list(tls.get("targets"), "tls.targets")):
        where = f"tls.targets[{index}]"
        target = shape.mapping(item, where)
        if target is None:
            continue
        path = shape.mapping(target.get("path_rtt"), f"{where}.path_rtt") or {}
        samples = shape.items(path.get("samples"), f"{where}.path_rtt.samples")
        rtts = [
            rtt
            for number, sample in enumerate(samples)
            if (rtt := shape.number(sample, f"{where}.path_rtt.samples[{number}]")) is not None
        ]
        name = shape.text(target.get("target"), f"{where}.target") or "?"
        attempts = shape.items(target.get("attempts"), f"{where}.attempts")
        for number, value in enumerate(attempts):
            at = f"{where}.attempts[{number}]"
            attempt = shape.mapping(value, at)
            phases = _phases(shape, attempt, at) if attempt is not None else []
            if attempt is None or not phases:
                continue
            found.append(
                RequestWaterfall(
                    target=shape.text(attempt.get("target"), f"{at}.target") or name,
                    purpose=shape.text(attempt.get("purpose"), f"{at}.purpose"),
                    outcome=shape.text(attempt.get("outcome"), f"{at}.outcome"),
                    phases=tuple(phases),
                    path_rtt=min(rtts) if rtts else None,
                )
            )
    found = _plausible(shape, found, frame) if found else found
    found.sort(key=lambda w: w.phases[0].start)
    if len(found) > MAX_REQUESTS:
        shape.note(f"only the first {MAX_REQUESTS} of {len(found)} requests are drawn")
    return Waterfalls(requests=tuple(found[:MAX_REQUESTS]), problems=shape.problems)
