"""The waterfall of each request: how long connect, TLS and the first byte of the answer took.

Read from the TLS wizard's observations (socket times; typed: ``gui.measurements``), as a
browser's network panel shows them. The engine resolves names before the wizards run and
does not keep those times in the observations, so there is no DNS phase. A time that is no
time (NaN, infinite, far outside the recording) or a phase that ends before it starts is
left out and named in ``problems``, so the view draws the rest.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np

from wiresleuth.gui.plot_coordinates import TimeFrame, time_frame
from wiresleuth.gui.view_problems import Problems
from wiresleuth.model.observations import TlsObservation, TlsWizardObservations

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
    shape: Problems, where: str, name: str, start: float | None, end: float | None, **how: Any
) -> Phase | None:
    if start is None or end is None:
        return None
    if end < start:
        shape.note(f"{where}: the {name} phase ends before it starts ({start} to {end})")
        return None
    return Phase(name=name, start=start, end=end, **how)


def _time(shape: Problems, value: float | None, where: str) -> float | None:
    if value is None or math.isfinite(value):
        return value
    shape.note(f"{where} is {value}, not a time")
    return None


def _phases(shape: Problems, attempt: TlsObservation, where: str) -> list[Phase]:
    connect, outcome = attempt.connect, attempt.outcome

    def time(value: float | None, key: str) -> float | None:
        return _time(shape, value, f"{where}.{key}")

    ended = time(attempt.ended_at, "ended_at")
    began = time(connect.started_at, "connect.started_at")
    connected = time(connect.connected_at, "connect.connected_at")
    candidates: list[Phase | None] = []
    if connected is not None:
        candidates.append(_phase(shape, where, "connect", began, connected, ok=True))
    else:
        note = connect.error or outcome
        candidates.append(_phase(shape, where, "connect", began, ended, ok=False, note=note))
    hello = time(attempt.client_hello_at, "client_hello_at")
    done = time(attempt.handshake_done_at, "handshake_done_at")
    if done is not None:
        candidates.append(_phase(shape, where, "TLS", hello, done, ok=True))
    else:
        stop = time(attempt.reset_at, "reset_at") or ended
        candidates.append(_phase(shape, where, "TLS", hello, stop, ok=False, note=outcome))
    first_data = time(attempt.first_data_at, "first_data_at")
    candidates.append(_phase(shape, where, "first byte", done, first_data, ok=True))
    return [phase for phase in candidates if phase is not None]


def _plausible(
    shape: Problems, found: list[RequestWaterfall], frame: TimeFrame | None
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
    tls: TlsWizardObservations | None, frame: TimeFrame | None = None
) -> Waterfalls:
    """Every attempt of the TLS wizard's observations, in the order they were made (the first
    ``MAX_REQUESTS``); none without them.

    ``frame`` is the recording's (Document.frame): a request outside it is left out. Without
    one, the requests' own times make it.
    """
    if tls is None:
        return Waterfalls(requests=())
    shape = Problems()
    found: list[RequestWaterfall] = []
    for index, target in enumerate(tls.targets):
        # the name's first address, then each other one it was tested on (issue 16)
        tested = [(f"tls.targets[{index}]", "", target.path_rtt, target.attempts)]
        tested += [
            (f"tls.targets[{index}].other_addresses[{n}]", f" ({o.address})", o.path_rtt, o.attempts)
            for n, o in enumerate(target.other_addresses)
        ]
        for where, suffix, path_rtt, attempts in tested:
            samples = path_rtt.samples if path_rtt is not None else ()
            rtts = [
                rtt
                for number, sample in enumerate(samples)
                if (rtt := _time(shape, sample, f"{where}.path_rtt.samples[{number}]")) is not None
            ]
            for number, attempt in enumerate(attempts):
                phases = _phases(shape, attempt, f"{where}.attempts[{number}]")
                if not phases:
                    continue
                found.append(
                    RequestWaterfall(
                        target=(attempt.target or target.target or "?") + suffix,
                        purpose=attempt.purpose,
                        outcome=attempt.outcome,
                        phases=tuple(phases),
                        path_rtt=min(rtts) if rtts else None,
                    )
                )
    found = _plausible(shape, found, frame) if found else found
    found.sort(key=lambda w: w.phases[0].start)
    if len(found) > MAX_REQUESTS:
        shape.note(f"only the first {MAX_REQUESTS} of {len(found)} requests are drawn")
    return Waterfalls(requests=tuple(found[:MAX_REQUESTS]), problems=shape.problems)
