"""One watch attempt in a line of plain words, for the terminal and the window's list.

Pure. A name with several addresses is said as the full run's findings say it (issue 16,
``some_addresses``): how many of how many addresses failed, naming them and the ones that
worked, since a fault on one load-balancer member of three comes and goes for its users
("portal.example.com:443: 1 of 3 addresses failed: 10.0.0.9 (the connection was reset;
tls.reset_after_client_hello); 10.0.0.7 and 10.0.0.8 worked").
"""

from __future__ import annotations

from wiresleuth.analysis.some_addresses import and_list
from wiresleuth.analysis.watch_results import outcome_words
from wiresleuth.model.watch import AddressResult, WatchAttempt


def attempt_words(attempt: WatchAttempt) -> str:
    """``attempt 3: worked (...)`` or ``attempt 3: FAILED: `` and what failed where."""
    seconds = attempt.finished_at - attempt.started_at
    if attempt.ok:
        where = len(attempt.results)
        return f"attempt {attempt.number}: worked ({where} address(es) checked, {seconds:.1f} s)"
    return f"attempt {attempt.number}: FAILED: " + "; ".join(failures_words(attempt.results))


def failures_words(results: tuple[AddressResult, ...]) -> list[str]:
    """What failed, one part per target (in the order checked)."""
    by_target: dict[str, list[AddressResult]] = {}
    for result in results:
        by_target.setdefault(result.target, []).append(result)
    parts: list[str] = []
    for target, mine in by_target.items():
        failed = [r for r in mine if not r.ok]
        if not failed:
            continue
        tested = [r for r in mine if r.address]
        if len(tested) < 2 or not target:
            parts += [_one(r) for r in failed]
            continue
        worked = [r.address for r in tested if r.ok]
        said = and_list([f"{r.address} ({_what(r)})" for r in failed])
        part = f"{target}: {len(failed)} of {len(tested)} addresses failed: {said}"
        if worked:
            part += f"; {and_list(worked)} worked"
        parts.append(part)
    return parts


def _one(result: AddressResult) -> str:
    where = result.target or "the PAC file"
    if result.address:
        where += f" at {result.address}"
    return f"{where}: {outcome_words(result.outcome)} ({result.signature})"


def _what(result: AddressResult) -> str:
    return f"{outcome_words(result.outcome)}; {result.signature}"
