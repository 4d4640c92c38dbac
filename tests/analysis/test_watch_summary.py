"""The story of a watch: grouping, first/last, nearest working attempt, differences, bounds."""

from wiresleuth.analysis.watch_summary import (
    WatchLog,
    differences_between,
    nearest_working,
    with_contexts,
)
from wiresleuth.model.jsonable import from_jsonable, to_jsonable
from wiresleuth.model.watch import AddressResult, WatchAttempt, WatchContext, WatchSettings

T = "portal.lab.test:443"
HOME = WatchContext(
    route="direct",
    dns_answer=("100.64.1.7", "100.64.1.9"),
    gateway="198.18.0.1",
    gateway_mac="02:00:00:00:00:01",
    interface="eth0",
    interfaces_up=("eth0",),
)


def result(address: str, ok: bool, signature: str = "") -> AddressResult:
    return AddressResult(
        target=T,
        address=address,
        ok=ok,
        outcome="ok" if ok else "timeout",
        signature="" if ok else signature,
    )


def add(log: WatchLog, number: int, *results: tuple[AddressResult, WatchContext]) -> None:
    at = 1000.0 + 60 * number
    log.add(
        WatchAttempt(
            number=number, started_at=at, finished_at=at + 1, results=with_contexts(log, results)
        ),
        {"tls.no_server_hello": "No answer to the secure greeting"},
    )


def test_failures_group_by_signature_and_address_with_first_last_and_count() -> None:
    log = WatchLog()
    bad = "tls.no_server_hello"
    add(log, 1, (result("100.64.1.7", True), HOME), (result("100.64.1.9", True), HOME))
    add(log, 2, (result("100.64.1.7", False, bad), HOME), (result("100.64.1.9", True), HOME))
    add(log, 3, (result("100.64.1.7", True), HOME), (result("100.64.1.9", True), HOME))
    add(log, 4, (result("100.64.1.7", False, bad), HOME), (result("100.64.1.9", False, bad), HOME))
    add(log, 5, (result("100.64.1.7", False, bad), HOME), (result("100.64.1.9", True), HOME))
    summary = log.summary(
        WatchSettings(every=60, duration=300, targets=(T,), started_at=1000, finished_at=1400)
    )
    assert [(g.address, g.count, g.first_attempt, g.last_attempt) for g in summary.groups] == [
        ("100.64.1.7", 3, 2, 5),
        ("100.64.1.9", 1, 4, 4),
    ]
    seven = summary.groups[0]
    assert seven.signature == bad and seven.title == "No answer to the secure greeting"
    assert seven.attempts == (2, 4, 5) and seven.worked == 2
    assert seven.first == 1120.0 and seven.last == 1300.0 and seven.last_worked == 1180.0
    assert seven.nearest_working == 3  # attempt 5 failed; 3 is the nearest that worked on .7
    assert seven.differences == ()  # nothing this computer sees changed: look at the network
    assert summary.groups[1].nearest_working == 3  # 3 and 5 are as near (60 s): the one before
    assert len(summary.contexts) == 1  # every attempt shares one context
    assert summary.attempts_total == 5


def test_what_differed_when_it_failed() -> None:
    log = WatchLog()
    vpn = WatchContext(
        route="direct",
        dns_answer=("100.64.1.66",),
        gateway="198.18.0.1",
        gateway_mac="02:00:00:00:00:99",
        interface="tun0",
        interfaces_up=("eth0", "tun0"),
    )
    add(log, 1, (result("100.64.1.7", True), HOME))
    add(log, 2, (result("100.64.1.66", False, "tls.reset_after_client_hello"), vpn))
    group = log.summary(
        WatchSettings(every=60, duration=120, targets=(T,), started_at=1000, finished_at=1120)
    ).groups[0]
    assert group.nearest_working == 1  # another address: the only attempt that worked
    facts = {d.fact: (d.failing, d.working) for d in group.differences}
    assert facts == {
        "address": ("100.64.1.66", "100.64.1.7"),
        "dns answer": ("100.64.1.66", "100.64.1.7, 100.64.1.9"),
        "gateway MAC": ("02:00:00:00:00:99", "02:00:00:00:00:01"),
        "interface": ("tun0", "eth0"),
        "interfaces up": ("eth0, tun0", "eth0"),
    }


def test_a_failure_that_never_worked_has_no_nearest_working_attempt() -> None:
    log = WatchLog()
    add(log, 1, (result("100.64.1.7", False, "outcome:timeout"), HOME))
    group = log.summary(
        WatchSettings(every=60, duration=60, targets=(T,), started_at=1000, finished_at=1060)
    ).groups[0]
    assert group.nearest_working is None and group.worked == 0 and group.last_worked is None


def test_unknown_facts_are_not_compared() -> None:
    working = result("100.64.1.7", True)
    failing = result("100.64.1.7", False, "x")
    assert differences_between(failing, None, working, HOME) == ()


def test_nearest_working_prefers_the_same_address() -> None:
    log = WatchLog()
    add(log, 1, (result("100.64.1.7", True), HOME))
    add(log, 2, (result("100.64.1.9", True), HOME))
    add(log, 3, (result("100.64.1.7", False, "x"), HOME))
    found = nearest_working(log.attempts, 3, T, "100.64.1.7")
    assert found is not None and found[0].number == 1


def test_memory_is_bounded_but_groups_count_everything() -> None:
    log = WatchLog(max_attempts=50)
    for n in range(1, 1001):
        add(log, n, (result("100.64.1.7", n % 10 != 0, "tls.no_server_hello"), HOME))
    summary = log.summary(
        WatchSettings(every=60, duration=60_000, targets=(T,), started_at=1000, finished_at=61_000)
    )
    assert len(summary.attempts) == 50 and summary.attempts[0].number == 951
    assert summary.attempts_total == 1000
    assert summary.groups[0].count == 100 and summary.groups[0].first_attempt == 10
    assert summary.groups[0].worked == 900


def test_the_summary_round_trips_through_json() -> None:
    log = WatchLog()
    add(log, 1, (result("100.64.1.7", True), HOME))
    add(log, 2, (result("100.64.1.7", False, "tls.no_server_hello"), HOME))
    summary = log.summary(
        WatchSettings(every=60, duration=120, targets=(T,), started_at=1000, finished_at=1120)
    )
    from wiresleuth.model.watch import WatchSummary

    assert from_jsonable(WatchSummary, to_jsonable(summary)) == summary


def test_many_addresses_keep_fewer_attempts_in_detail() -> None:
    log = WatchLog(max_attempts=1000, max_results=100)
    for n in range(1, 101):
        add(log, n, *((result(f"100.64.1.{a}", True), HOME) for a in range(1, 11)))
    assert len(log.attempts) == 10 and log.attempts[0].number == 91 and log.total == 100
