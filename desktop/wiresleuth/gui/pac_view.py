"""The PAC script and how it answered, read from the PAC wizard's observations for the viewer.

Observations arrive in the bundle's JSON form and are read through ``json_shape``: a value of
another shape is left out and named in ``problems``; a ``pac`` part that is not an object is a
ShapeError.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from wiresleuth.gui.json_shape import Shape, section


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
    problems: tuple[str, ...] = ()
    """Values of the measurements left out, in words."""


def _script(shape: Shape, fetch: Mapping[str, Any]) -> str | None:
    received = shape.items(fetch.get("received"), "pac.fetch.received")
    if not received:
        return None
    texts = []
    for index, chunk in enumerate(received):
        where = f"pac.fetch.received[{index}]"
        fields = shape.mapping(chunk, where)
        data = shape.mapping(fields.get("data"), f"{where}.data") if fields else None
        if data is not None:
            texts.append(shape.text(data.get("text"), f"{where}.data.text"))
    raw = "".join(texts)
    if raw.startswith("HTTP/"):
        _, _, body = raw.partition("\r\n\r\n")
        return body
    return raw


def _decisions(shape: Shape, evaluation: Mapping[str, Any]) -> tuple[PacDecision, ...]:
    decisions = []
    for index, item in enumerate(
        shape.items(evaluation.get("decisions"), "pac.evaluation.decisions")
    ):
        where = f"pac.evaluation.decisions[{index}]"
        fields = shape.mapping(item, where)
        if fields is None:
            continue
        error = shape.text(fields.get("error"), f"{where}.error")
        decisions.append(
            PacDecision(
                url=shape.text(fields.get("url"), f"{where}.url"),
                answer=error or shape.text(fields.get("result"), f"{where}.result"),
                failed=bool(error),
            )
        )
    return tuple(decisions)


def _lookups(shape: Shape, evaluation: Mapping[str, Any]) -> tuple[tuple[str, str, float], ...]:
    lookups = []
    for index, item in enumerate(shape.items(evaluation.get("lookups"), "pac.evaluation.lookups")):
        where = f"pac.evaluation.lookups[{index}]"
        fields = shape.mapping(item, where)
        if fields is None:
            continue
        elapsed = shape.number(fields.get("elapsed"), f"{where}.elapsed")
        lookups.append(
            (
                shape.text(fields.get("name"), f"{where}.name"),
                shape.text(fields.get("address"), f"{where}.address") or "no address",
                elapsed if elapsed is not None and elapsed >= 0 else 0.0,
            )
        )
    return tuple(lookups)


def pac_view(observations: Mapping[str, Any]) -> PacView | None:
    """The PAC wizard's observations as the viewer shows them; None without them, ShapeError
    when they are not an object."""
    pac = section(observations, "pac")
    if pac is None or not pac.get("pac_url"):
        return None
    shape = Shape()
    fetch = shape.mapping(pac.get("fetch"), "pac.fetch") or {}
    evaluation = shape.mapping(pac.get("evaluation"), "pac.evaluation") or {}
    where = shape.text(pac.get("address"), "pac.address")
    kind = shape.text(pac.get("address_kind"), "pac.address_kind")
    outcome = (
        shape.text(fetch.get("outcome"), "pac.fetch.outcome")
        or shape.text(pac.get("file_error"), "pac.file_error")
        or "not fetched"
    )
    fetched = f"{outcome} from {where} ({kind})" if where else outcome
    source = shape.text(pac.get("pac_source"), "pac.pac_source")
    return PacView(
        url=shape.text(pac.get("pac_url"), "pac.pac_url"),
        source=source or None,
        fetched=fetched,
        script=_script(shape, fetch),
        outcome=shape.text(evaluation.get("outcome"), "pac.evaluation.outcome") or "not evaluated",
        decisions=_decisions(shape, evaluation),
        lookups=_lookups(shape, evaluation),
        problems=shape.problems,
    )
