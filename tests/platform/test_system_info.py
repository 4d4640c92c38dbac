import json
import sys
import time

import pytest

from wiresleuth.platform import system_info
from wiresleuth.platform.system_info import collect_system


def test_collects_this_machine_quickly_and_round_trips() -> None:
    started = time.monotonic()
    info = collect_system()
    elapsed = time.monotonic() - started
    assert elapsed < system_info.DEADLINE + 0.5
    assert json.loads(json.dumps(info)) == info
    assert set(info) == {
        "computer",
        "os",
        "interfaces",
        "routes",
        "gateway",
        "dns",
        "proxy",
        "proxy_configuration",
        "errors",
    }
    assert info["errors"] == []
    assert info["os"]["system"] == "Linux"
    import getpass
    import platform

    assert info["computer"] == {"name": platform.node(), "user": getpass.getuser()}
    default = [r for r in info["routes"] if r["destination"] == "0.0.0.0/0"]
    assert info["gateway"]["address"] == default[0]["gateway"]
    assert "lo" in {i["name"] for i in info["interfaces"]}


def test_unsupported_os_is_reported_not_raised(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "platform", "sunos5")
    info = collect_system()
    assert info["routes"] is None and info["dns"] is None and info["gateway"] is None
    reasons = {e["part"]: e["reason"] for e in info["errors"]}
    assert reasons["routes"] == "no platform adapter for 'sunos5'"
    assert reasons["gateway"] == "routing table unavailable"
    assert info["interfaces"]  # psutil still answers
    assert json.loads(json.dumps(info)) == info


def test_a_part_past_the_deadline_is_named() -> None:
    parts = system_info._Parts(deadline=0.1)
    try:
        slow = parts.submit(lambda: time.sleep(1.0))
        started = time.monotonic()
        assert parts.result("slow", slow) is None
        assert time.monotonic() - started < 0.5
        assert parts.errors == [{"part": "slow", "reason": "not read within 0.1 s"}]
    finally:
        parts.close()


def test_an_unexpected_error_is_named() -> None:
    parts = system_info._Parts(deadline=1.0)
    try:
        broken = parts.submit(lambda: int("x"))
        assert parts.result("broken", broken) is None
        assert parts.errors[0]["part"] == "broken"
        assert parts.errors[0]["reason"].startswith("unexpected ValueError")
    finally:
        parts.close()
