"""The PAC script and how it answered, read from the PAC wizard's observations for the viewer.

Observations arrive in the bundle's JSON form; a shape this version does not know gives
None and the viewer falls back to the raw measurements.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True, kw_only=True)
class PacDecision:
    """What the script returned for one URL."""

    url: str
    """The URL asked about."""
    answer: str
    """``DIRECT``, ``PROXY host:port; ...``, or the error in words."""
    failed: bool
    """True when the script failed for this URL."""


@dataclass(frozen=True, kw_only=True)
class PacView:
    """The PAC file tested and its evaluations."""

    url: str | None
    """The PAC URL tested."""
    source: str | None
    """Where the URL came from (profile, system setting, WPAD)."""
    fetched: str
    """How the fetch went, in a few words (address and outcome)."""
    script: str | None
    """The script text as received (None when it was not kept)."""
    outcome: str
    """The evaluation's outcome (``ok``, ``timeout``, ``error`` ...) or ``not evaluated``."""
    decisions: tuple[PacDecision, ...]
    """One per URL evaluated."""
    lookups: tuple[tuple[str, str, float], ...]
    """Names the script resolved: (name, address or "no address", seconds)."""


def _text(chunk: Any) -> str:
    data = chunk.get("data") if isinstance(chunk, Mapping) else None
    if isinstance(data, Mapping) and isinstance(data.get("text"), str):
        return str(data["text"])
    return ""


def _script(fetch: Mapping[str, Any]) -> str | None:
    received = fetch.get("received")
    if not isinstance(received, list) or not received:
        return None
    raw = "".join(_text(chunk) for chunk in received)
    if raw.startswith("HTTP/"):
        _, _, body = raw.partition("\r\n\r\n")
        return body
    return raw


def pac_view(observations: Mapping[str, Any]) -> PacView | None:
    """The PAC wizard's observations as the viewer shows them; None without them."""
    pac = observations.get("pac")
    if not isinstance(pac, Mapping) or not pac.get("pac_url"):
        return None
    fetch = pac.get("fetch") if isinstance(pac.get("fetch"), Mapping) else {}
    assert isinstance(fetch, Mapping)
    evaluation = pac.get("evaluation") if isinstance(pac.get("evaluation"), Mapping) else {}
    assert isinstance(evaluation, Mapping)
    decisions = []
    for item in evaluation.get("decisions") or []:
        if isinstance(item, Mapping):
            error = item.get("error")
            decisions.append(
                PacDecision(
                    url=str(item.get("url", "")),
                    answer=str(error if error else item.get("result")),
                    failed=bool(error),
                )
            )
    lookups = []
    for item in evaluation.get("lookups") or []:
        if isinstance(item, Mapping):
            elapsed = item.get("elapsed")
            lookups.append(
                (
                    str(item.get("name", "")),
                    str(item.get("address") or "no address"),
                    float(elapsed) if isinstance(elapsed, int | float) else 0.0,
                )
            )
    where = pac.get("address")
    kind = pac.get("address_kind")
    outcome = fetch.get("outcome") or pac.get("file_error") or "not fetched"
    fetched = f"{outcome} from {where} ({kind})" if where else str(outcome)
    return PacView(
        url=str(pac.get("pac_url")),
        source=str(pac["pac_source"]) if pac.get("pac_source") else None,
        fetched=fetched,
        script=_script(fetch),
        outcome=str(evaluation.get("outcome") or "not evaluated"),
        decisions=tuple(decisions),
        lookups=tuple(lookups),
    )
