"""The PAC sandbox: a child process with a deadline and a memory cap, so no script can hang
or exhaust the program."""

import asyncio
import time

import pytest

from tests.probes.pac_servers import MapDns
from wiresleuth.probes.pac_sandbox import MAX_SCRIPT_BYTES, evaluate_pac

TARGETS = [("https://www.lab.test/", "www.lab.test"), ("http://intranet/", "intranet")]


def run(script: str, **kw: object):  # type: ignore[no-untyped-def]
    return asyncio.run(evaluate_pac(script, TARGETS, my_ip="10.20.30.40", **kw))  # type: ignore[arg-type]


def test_a_valid_script_decides_for_every_target() -> None:
    script = """
    function FindProxyForURL(url, host) {
      if (isPlainHostName(host)) return "DIRECT";
      if (isInNet(myIpAddress(), "10.20.0.0", "255.255.0.0")) return "PROXY p.lab.test:8080; DIRECT";
      return "DIRECT";
    }"""
    result = run(script)
    assert result.outcome == "ok", result.error
    assert [d.result for d in result.decisions] == ["PROXY p.lab.test:8080; DIRECT", "DIRECT"]
    assert result.my_ip == "10.20.30.40" and result.sandbox in ("spawn", "fork")


def test_an_endless_loop_is_stopped_within_five_seconds_and_the_loop_stays_responsive() -> None:
    async def main() -> tuple[float, int]:
        ticks = 0

        async def ticker() -> None:
            nonlocal ticks
            while True:
                await asyncio.sleep(0.05)
                ticks += 1

        task = asyncio.create_task(ticker())
        started = time.monotonic()
        result = await evaluate_pac(
            "function FindProxyForURL(u, h) { while (true) {} }", TARGETS, my_ip="10.0.0.1"
        )
        elapsed = time.monotonic() - started
        task.cancel()
        assert result.outcome == "timeout" and result.decisions == ()
        return elapsed, ticks

    elapsed, ticks = asyncio.run(main())
    assert elapsed < 5.0
    assert ticks >= elapsed / 0.05 * 0.5  # the event loop kept running while the script looped


def test_a_script_that_eats_memory_fails_inside_the_child() -> None:
    script = (
        "var a = []; function FindProxyForURL(u, h) {"
        " while (true) { a.push('x'.repeat(1000000) + a.length); } }"
    )
    started = time.monotonic()
    result = run(script, memory_limit_mb=256)
    assert result.outcome == "memory", (result.outcome, result.error)
    assert time.monotonic() - started < 5.0


def test_fifty_megabytes_of_script_is_refused_at_once() -> None:
    script = "function FindProxyForURL(u, h) { return 'DIRECT'; }\n//" + "x" * 50_000_000
    started = time.monotonic()
    result = run(script)
    assert result.outcome == "too_large"
    assert result.script_bytes > MAX_SCRIPT_BYTES
    assert time.monotonic() - started < 1.0


def test_fifty_megabytes_within_the_limits_still_ends_within_five_seconds() -> None:
    script = "function FindProxyForURL(u, h) { return 'DIRECT'; }\n//" + "x" * 50_000_000
    started = time.monotonic()
    result = run(script, max_bytes=60_000_000)
    assert result.outcome in ("ok", "memory", "timeout"), result.error
    assert time.monotonic() - started < 5.0


@pytest.mark.parametrize(
    ("script", "needle"),
    [
        ("this is { not javascript", "SyntaxError"),
        ("function NotIt(u, h) { return 'DIRECT'; }", "FindProxyForURL"),
        ("function FindProxyForURL(u, h) { return undefinedThing(); }", "undefinedThing"),
    ],
)
def test_javascript_errors_are_invalid_with_the_message(script: str, needle: str) -> None:
    result = run(script)
    assert result.outcome == "invalid"
    assert needle in (result.error or "")


def test_a_throw_for_one_target_is_kept_per_target() -> None:
    script = "function FindProxyForURL(u, h) { if (h == 'intranet') throw new Error('boom'); return 'DIRECT'; }"
    result = run(script)
    assert result.outcome == "ok"
    assert result.decisions[0].result == "DIRECT"
    assert result.decisions[1].result is None and "boom" in (result.decisions[1].error or "")


def test_dns_lookups_go_to_the_given_server_and_are_recorded() -> None:
    script = "function FindProxyForURL(u, h) { return dnsResolve(h) || 'none'; }"
    with MapDns({"www.lab.test": "100.64.1.10"}) as server:
        result = run(script, resolver=("127.0.0.1", server.port))
    assert [d.result for d in result.decisions] == ["100.64.1.10", "none"]
    assert [(x.name, x.address) for x in result.lookups] == [
        ("www.lab.test", "100.64.1.10"),
        ("intranet", None),
    ]
