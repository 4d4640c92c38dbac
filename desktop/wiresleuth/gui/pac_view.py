"""The PAC script and how it answered, from the PAC wizard's observations (typed:
``gui.measurements``) for the viewer. A lookup time that is no time is left out and named
in ``problems``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from wiresleuth.analysis.http_response import parse_head
from wiresleuth.gui.view_problems import Problems
from wiresleuth.model.pac_observations import (
    HttpExchangeObservation,
    PacEvaluationObservation,
    PacWizardObservations,
)


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


def _script(fetch: HttpExchangeObservation | None) -> str | None:
    """The script as received: the body of the HTTP answer (None when nothing was kept)."""
    if fetch is None or not fetch.received:
        return None
    raw = fetch.data
    head = parse_head(raw)
    if head is not None:
        return head.text_body()
    return raw.decode("utf-8", "replace")


def _decisions(evaluation: PacEvaluationObservation | None) -> tuple[PacDecision, ...]:
    if evaluation is None:
        return ()
    return tuple(
        PacDecision(url=d.url, answer=d.error or d.result or "", failed=bool(d.error))
        for d in evaluation.decisions
    )


def _lookups(
    shape: Problems, evaluation: PacEvaluationObservation | None
) -> tuple[tuple[str, str, float], ...]:
    if evaluation is None:
        return ()
    lookups = []
    for index, lookup in enumerate(evaluation.lookups):
        elapsed = lookup.elapsed
        if not math.isfinite(elapsed):
            shape.note(
                f"pac.evaluation.lookups[{index}].elapsed is {elapsed}, not a number of seconds"
            )
            elapsed = 0.0
        lookups.append((lookup.name, lookup.address or "no address", max(elapsed, 0.0)))
    return tuple(lookups)


def pac_view(pac: PacWizardObservations | None) -> PacView | None:
    """The PAC wizard's observations as the viewer shows them; None when no PAC was tested."""
    if pac is None or not pac.pac_url:
        return None
    shape = Problems()
    fetch = pac.fetch
    outcome = (fetch.outcome if fetch is not None else "") or pac.file_error or "not fetched"
    fetched = f"{outcome} from {pac.address} ({pac.address_kind})" if pac.address else outcome
    evaluation = pac.evaluation
    return PacView(
        url=pac.pac_url,
        source=pac.pac_source or None,
        fetched=fetched,
        script=_script(fetch),
        outcome=(evaluation.outcome if evaluation is not None else "") or "not evaluated",
        decisions=_decisions(evaluation),
        lookups=_lookups(shape, evaluation),
        problems=shape.problems,
    )
