"""What the watch tab shows, from a summary (no Qt): the binned success rate, the rows."""

from wiresleuth.gui.watch_view import first_frame, group_evidence, group_rows, success_series
from wiresleuth.model.watch import (
    AddressResult,
    CaptureSection,
    FailureEvidence,
    FailureGroup,
    WatchAttempt,
    WatchSettings,
    WatchSummary,
)

T = "chat.lab.test:443"


def attempt(n: int, ok: bool, every: float = 60.0) -> WatchAttempt:
    result = AddressResult(
        target=T,
        address="100.64.1.20",
        ok=ok,
        outcome="ok" if ok else "timeout",
        signature="" if ok else "tls.no_server_hello",
    )
    return WatchAttempt(
        number=n, started_at=1000.0 + n * every, finished_at=1001.0 + n * every, results=(result,)
    )


def summary(attempts: list[WatchAttempt], every: float = 60.0) -> WatchSummary:
    group = FailureGroup(
        signature="tls.no_server_hello",
        target=T,
        address="100.64.1.20",
        count=1,
        first=1120.0,
        last=1120.0,
        first_attempt=2,
        last_attempt=2,
        worked=2,
        last_worked=1180.0,
        nearest_working=1,
        title="No ServerHello",
    )
    failure = FailureEvidence(
        attempt=2,
        at=1120.0,
        signatures=("tls.no_server_hello @ chat.lab.test:443 100.64.1.20",),
        sections=(
            CaptureSection(label="before", first_frame=1, packets=20, attempt=1),
            CaptureSection(label="failing", first_frame=21, packets=9, attempt=2),
        ),
        diagnosis_ran=True,
    )
    return WatchSummary(
        settings=WatchSettings(
            every=every, duration=1e6, targets=(T,), started_at=1000.0, finished_at=2000.0
        ),
        attempts=tuple(attempts),
        groups=(group,),
        failures=(failure,),
        attempts_total=len(attempts),
    )


def test_few_attempts_are_one_point_each() -> None:
    (series,) = success_series(summary([attempt(1, True), attempt(2, False), attempt(3, True)]))
    assert series.label == "chat.lab.test:443 at 100.64.1.20"
    assert series.rates == (100.0, 0.0, 100.0) and series.counts == (1, 1, 1)
    assert series.times == (1060.0, 1120.0, 1180.0)


def test_a_week_is_drawn_in_at_most_200_bins() -> None:
    attempts = [attempt(n, n % 4 != 0, every=120.0) for n in range(1, 5041)]
    (series,) = success_series(summary(attempts, every=120.0))
    assert len(series.times) <= 200 and sum(series.counts) == 5040
    assert 70.0 < sum(series.rates) / len(series.rates) < 80.0  # one in four failed


def test_rows_and_evidence_say_when_it_failed_and_when_it_worked() -> None:
    watch = summary([attempt(1, True), attempt(2, False), attempt(3, True)])
    (row,) = group_rows(watch)
    assert row.what == "No ServerHello (tls.no_server_hello)"
    assert row.count == "1 failed, 2 worked"
    assert row.differed.startswith("nothing this computer can see (attempt 1 worked)")
    text = group_evidence(watch, row.group)
    assert "Failed 1 time(s)" in text and "worked 2 time(s)" in text
    assert "Frames 21-29: failing (attempt 2)" in text
    assert first_frame(watch, row.group) == 21


def test_attempts_off_their_slots_still_get_a_point_each() -> None:
    jittered = [attempt(1, True), attempt(2, False), attempt(3, True)]
    jittered[1] = WatchAttempt(
        number=2,
        started_at=jittered[0].started_at + 59.99,
        finished_at=0.0,
        results=jittered[1].results,
    )
    (series,) = success_series(summary(jittered))
    assert series.rates == (100.0, 0.0, 100.0)
