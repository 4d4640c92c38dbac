"""The waterfall of each request: how long connect, TLS and the first byte of the answer took.

Read from the TLS wizard's observations (socket times), as a browser's network panel shows
them. Observations come in the bundle's JSON form; anything of another shape is skipped, so a
bundle from a newer wizard never breaks the view. The engine resolves names before the
wizards run and does not keep those times in the observations, so there is no DNS phase.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any


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


def _num(value: Any) -> float | None:
    return float(value) if isinstance(value, int | float) and not isinstance(value, bool) else None


def _phases(attempt: Mapping[str, Any]) -> list[Phase]:
    connect = attempt.get("connect")
    connect = connect if isinstance(connect, Mapping) else {}
    outcome = str(attempt.get("outcome", ""))
    ended = _num(attempt.get("ended_at"))
    phases: list[Phase] = []
    began, connected = _num(connect.get("started_at")), _num(connect.get("connected_at"))
    if began is not None:
        if connected is not None:
            phases.append(Phase(name="connect", start=began, end=connected, ok=True))
        elif ended is not None:
            note = str(connect.get("error") or outcome)
            phases.append(Phase(name="connect", start=began, end=ended, ok=False, note=note))
    hello = _num(attempt.get("client_hello_at"))
    done = _num(attempt.get("handshake_done_at"))
    if hello is not None:
        if done is not None:
            phases.append(Phase(name="TLS", start=hello, end=done, ok=True))
        else:
            stop = _num(attempt.get("reset_at")) or ended
            if stop is not None:
                phases.append(Phase(name="TLS", start=hello, end=stop, ok=False, note=outcome))
    first = _num(attempt.get("first_data_at"))
    if done is not None and first is not None:
        phases.append(Phase(name="first byte", start=done, end=first, ok=True))
    return phases


def request_waterfalls(observations: Mapping[str, Any]) -> tuple[RequestWaterfall, ...]:
    """Every attempt of the TLS wizard's observations, in the order they were made."""
    tls = observations.get("tls")
    targets = tls.get("targets") if isinstance(tls, Mapping) else None
    if not isinstance(targets, list):
        return ()
    found: list[RequestWaterfall] = []
    for target in targets:
        if not isinstance(target, Mapping):
            continue
        path = target.get("path_rtt")
        samples = path.get("samples") if isinstance(path, Mapping) else None
        rtts = [s for s in (samples or []) if _num(s) is not None]
        attempts = target.get("attempts")
        for attempt in attempts if isinstance(attempts, list) else []:
            if not isinstance(attempt, Mapping):
                continue
            phases = _phases(attempt)
            if not phases:
                continue
            found.append(
                RequestWaterfall(
                    target=str(attempt.get("target", target.get("target", "?"))),
                    purpose=str(attempt.get("purpose", "")),
                    outcome=str(attempt.get("outcome", "")),
                    phases=tuple(phases),
                    path_rtt=min(rtts) if rtts else None,
                )
            )
    found.sort(key=lambda w: w.phases[0].start)
    return tuple(found)
