"""The restricted interpreter: QuickJS with the PAC functions and nothing of dukpy's host runtime."""

from __future__ import annotations

from pathlib import Path

import pytest

from wiresleuth.probes.pac_interpreter import JSRuntimeError, PacScript, RestrictedInterpreter


def test_only_the_given_functions_reach_python(tmp_path: Path) -> None:
    calls: list[str] = []
    js = RestrictedInterpreter({"hello": lambda who: calls.append(who) or f"hi {who}"})
    assert js.evaljs("hello('pac')") == "hi pac" and calls == ["pac"]
    assert js.evaljs("[typeof process, typeof require, typeof console]") == ["undefined"] * 3
    with pytest.raises(JSRuntimeError, match=r"dukpy\.load_module"):
        js.evaljs("call_python('dukpy.load_module', 'x')")
    with pytest.raises(PermissionError):
        js.export_function("more", print)
    with pytest.raises(PermissionError):
        js.run(tmp_path / "any.js")
    with pytest.raises(PermissionError):
        js.loader.load(str(tmp_path / "any.js"))


def test_a_script_needs_an_entry_point_and_may_use_microsofts() -> None:
    with pytest.raises(JSRuntimeError, match="FindProxyForURL"):
        PacScript("function NotIt(u, h) { return 'DIRECT'; }", {})
    pac = PacScript("function FindProxyForURLEx(u, h) { return 'PROXY p:1; DIRECT'; }", {})
    assert pac.find_proxy_for_url("http://a/", "a") == "PROXY p:1; DIRECT"
