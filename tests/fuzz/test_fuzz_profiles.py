"""Deterministic mutations of real profiles: the loader returns a valid profile or says no.

Seeds are the profiles this repository really uses: the one baked into the smoke-test
package, the example in docs/profile.md, the test suite's full profile, and the profile the
lab writes for every shipped scenario. Each is mutated byte-wise (flips, cuts, repeats,
hostile tokens) and value-wise (other types, huge numbers, deep nesting, odd hosts), and
every case must end in a Profile whose values hold, or in our BadInput, never another
exception and never a hang (the cases run in a worker thread the test waits for, bounded).
"""

from __future__ import annotations

import importlib
import json
import random
import re
import threading
import tomllib
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from wiresleuth.errors import BadInput
from wiresleuth.lab.client_profile import profile_text
from wiresleuth.lab.scenario import load_scenario, shipped_names
from wiresleuth.model.target import host_problem
from wiresleuth.model.upload_token import BEARER_TOKEN
from wiresleuth.profile.load import MAX_BUDGET, load_profile
from wiresleuth.profile.model import Profile

ROOT = Path(__file__).resolve().parents[2]
SEED = 20
BYTE_CASES_PER_SEED = 12
VALUE_CASES_PER_SEED = 8
TIME_LIMIT = 120.0
"""Seconds all cases together may take before the test says the loader hangs."""

TOKENS = [
    b"[", b"]", b"{", b"}", b'"', b"'", b"=", b"\n", b"\r\n", b"#", b".", b",",
    b"\xef\xbb\xbf", b"\x00", b"\xff\xfe", b"\x1b[2J", b"\\u0000", b'"""', b"[[targets]]",
    b"true", b"1e999", b"nan", b"-inf", b"-1", b"0", b"9" * 5000, b"0x" + b"f" * 40,
    b"1979-05-27T07:32:00Z", b"2024-02-30", b"version = true\n", b"[budgets]\nrun = 0.001\n",
    b"[" * 3000, b"{a=" * 500, b"a" * 70 + b".lab.test", b"\xe2\x80\xae",
]  # fmt: skip

HOSTS = [
    "a" * 64 + ".lab.test", "a..b", "-x.lab.test", "exa mple.test", "999.1.1.1", "", ".",
    "bücher.lab.test", "x_y.lab.test", "[::1", "::1", "fe80::1%eth0", "127.0.0.1",
    "a\x1bb.test", "\u202etset.bal", ("a" * 60 + ".") * 5 + "test", "localhost",
]  # fmt: skip

VALUES: list[Any] = [
    True, False, 0, -1, 0.001, 4.9, 5, 3600, 3601, 1e308, float("inf"), float("nan"),
    "", "x", "https://", "ftp://x/y", "https://u:p@h/", "h:0", "h:99999", "h:3128",
    [], [1], ["ok.lab.test:443"], [["nested"]], {}, {"name": 3}, {"run": "soon"},
    10**20, "a" * 10_000,
]  # fmt: skip


def seeds() -> dict[str, str]:
    """name -> profile text, from the places real profiles live."""
    found = {
        "smoke-profile": (ROOT / "installers/linux/smoke-profile.toml").read_text("utf-8"),
        # The test suite's full profile (imported by name: tests/fuzz may or may not be a package).
        "test-good": importlib.import_module("tests.profile.test_load").GOOD,
    }
    docs = (ROOT / "docs/profile.md").read_text("utf-8")
    found["docs-example"] = re.search(r"```toml\n(.*?)```", docs, re.S).group(1)  # type: ignore[union-attr]
    for name in shipped_names():
        found[f"lab-{name}"] = profile_text(load_scenario(name).client)
    return found


def _toml_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return {"inf": "inf", "-inf": "-inf", "nan": "nan"}.get(repr(value), repr(value))
    if isinstance(value, int):
        return str(value)
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)  # a JSON string is a TOML basic string
    if isinstance(value, list):
        return "[" + ", ".join(_toml_value(v) for v in value) + "]"
    if isinstance(value, dict):
        return (
            "{" + ", ".join(f"{json.dumps(k)} = {_toml_value(v)}" for k, v in value.items()) + "}"
        )
    raise TypeError(value)


def to_toml(data: dict[str, Any]) -> str:
    """Just enough TOML for mutated profiles (tables last, as TOML requires)."""
    lines = [
        f"{json.dumps(k)} = {_toml_value(v)}" for k, v in data.items() if not isinstance(v, dict)
    ]
    for key, table in data.items():
        if isinstance(table, dict):
            lines.append(f"[{json.dumps(key)}]")
            lines += [f"{json.dumps(k)} = {_toml_value(v)}" for k, v in table.items()]
    return "\n".join(lines) + "\n"


def byte_mutation(data: bytes, rng: random.Random) -> bytes:
    buf = bytearray(data)
    for _ in range(rng.randint(1, 3)):
        at = rng.randrange(len(buf) + 1)
        kind = rng.randrange(6)
        if kind == 0 and buf:
            buf[min(at, len(buf) - 1)] ^= 1 << rng.randrange(8)
        elif kind == 1:
            del buf[at : at + rng.randint(1, 40)]
        elif kind == 2:
            span = bytes(buf[at : at + rng.randint(1, 60)])
            buf[at:at] = span * rng.randint(2, 50)
        elif kind == 3:
            buf[at:at] = rng.choice(TOKENS)
        elif kind == 4:
            buf[at:at] = bytes(rng.randrange(256) for _ in range(rng.randint(1, 16)))
        else:
            del buf[at:]
    return bytes(buf)


def value_mutation(data: dict[str, Any], rng: random.Random) -> dict[str, Any]:
    data = json.loads(json.dumps(data))  # a deep copy, of JSON-able values
    kind = rng.randrange(5)
    if kind == 0:
        data[rng.choice([*data, "version", "proxy", "pac_url", "upload_url", "upload_token"])] = rng.choice(VALUES)
    elif kind == 1:
        key = rng.choice(["targets", "must_refuse", "path_proof"])
        host = rng.choice(HOSTS)
        data[key] = [rng.choice([f"https://{host}/", f"{host}:443", f"http://{host}:8080/x"])]
    elif kind == 2:
        budgets = data.setdefault("budgets", {})
        if isinstance(budgets, dict):
            key = rng.choice(["run", "connect", "tls_handshake", "icmp", "tunnel_hold", "bogus"])
            budgets[key] = rng.choice(VALUES)
    elif kind == 3:
        deep: Any = "x"
        for _ in range(rng.choice([10, 500, 5000])):
            deep = [deep]
        data[rng.choice(["targets", "helpdesk", "x"])] = deep
    else:
        helpdesk = data.setdefault("helpdesk", {})
        if isinstance(helpdesk, dict):
            helpdesk[rng.choice(["name", "contact", "logo"])] = rng.choice(VALUES)
    return data


def cases() -> Iterator[tuple[str, bytes]]:
    rng = random.Random(SEED)
    for name, text in seeds().items():
        data = text.encode("utf-8")
        yield f"{name}/as-is", data
        for index in range(BYTE_CASES_PER_SEED):
            yield f"{name}/bytes-{index}", byte_mutation(data, rng)
        parsed = tomllib.loads(text)
        for index in range(VALUE_CASES_PER_SEED):
            try:
                mutated = to_toml(value_mutation(parsed, rng)).encode("utf-8")
            except (TypeError, RecursionError, ValueError):  # a value our writer cannot spell
                continue
            yield f"{name}/values-{index}", mutated


def check_valid(profile: Profile) -> None:
    """A profile the loader accepted must hold what the run relies on."""
    for target in (*profile.targets, *profile.must_refuse, *profile.path_proof):
        assert host_problem(target.host) is None, target
        assert 0 < target.port < 65536
    budgets = profile.budgets
    for value in (budgets.run, budgets.connect, budgets.tls_handshake, budgets.icmp):
        assert isinstance(value, float) and 0 < value <= MAX_BUDGET
    assert budgets.run >= 5
    assert isinstance(profile.helpdesk.name, str) and isinstance(profile.helpdesk.contact, str)
    if profile.upload_token is not None:  # it goes into a header: nothing a header cannot carry
        assert BEARER_TOKEN.fullmatch(profile.upload_token) and profile.upload_url


def _run_all(
    all_cases: list[tuple[str, bytes]], folder: Path, record: Callable[[str, str], None]
) -> None:
    for index, (name, data) in enumerate(all_cases):
        path = folder / f"case-{index}.toml"
        path.write_bytes(data)
        try:
            profile = load_profile(path)
        except BadInput:
            record(name, "refused")
            continue
        except BaseException as exc:  # what the test is here to catch
            record(name, f"CRASH {type(exc).__name__}: {str(exc)[:200]}")
            continue
        try:
            check_valid(profile)
        except AssertionError as exc:
            record(name, f"INVALID accepted: {exc}")
            continue
        record(name, "accepted")


def test_mutated_profiles_load_or_are_refused(tmp_path: Path) -> None:
    all_cases = list(cases())
    assert len(all_cases) >= 100
    outcomes: dict[str, str] = {}
    current: list[str] = []

    def record(name: str, outcome: str) -> None:
        outcomes[name] = outcome
        current[:] = [name]

    worker = threading.Thread(target=_run_all, args=(all_cases, tmp_path, record), daemon=True)
    worker.start()
    worker.join(TIME_LIMIT)
    assert not worker.is_alive(), f"the loader hangs after case {current} ({len(outcomes)} done)"
    bad = {
        name: outcome
        for name, outcome in outcomes.items()
        if outcome not in ("accepted", "refused")
    }
    assert bad == {}
    assert len(outcomes) == len(all_cases)
    kinds = set(outcomes.values())
    assert kinds == {"accepted", "refused"}  # the mutations reach both sides of the loader
