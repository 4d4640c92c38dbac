"""Every command on hostile input: exit 2 and one plain line on stderr, never a traceback.

Exit 1 means "problems found", so a crash must never end in 1; whatever goes wrong, the
user reads one line that says what, and ``--debug`` shows the traceback for a bug report.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.cli.cli_process import wiresleuth
from tests.lab.prefixes import lab_prefix

DEEP_TOML = "x = " + "[" * 100_000 + "]" * 100_000 + "\n"

HOSTILE: dict[str, Callable[[Path], Path]] = {
    "missing": lambda d: d / "absent.file",
    "directory": lambda d: _mkdir(d / "a-folder"),
    "empty": lambda d: _write(d / "empty.file", b""),
    "garbage": lambda d: _write(d / "garbage.file", b"this is not what you think it is\n"),
    "deep-toml": lambda d: _write(d / "deep.toml", DEEP_TOML.encode()),
    "binary": lambda d: _write(d / "junk.bin", bytes(range(256)) * 64 + b"\x1b]0;title\x07"),
}


def _mkdir(path: Path) -> Path:
    path.mkdir()
    return path


def _write(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


def assert_one_plain_line(done: subprocess.CompletedProcess[str]) -> None:
    assert done.returncode == 2, (done.returncode, done.stdout, done.stderr)
    assert done.stderr.count("\n") == 1 and done.stderr.endswith("\n"), done.stderr
    assert done.stderr.startswith("wiresleuth"), done.stderr
    assert "Traceback" not in done.stderr and "\x1b" not in done.stderr, done.stderr


@pytest.mark.parametrize("kind", sorted(HOSTILE))
@pytest.mark.parametrize(
    "command",
    [
        ("run", "--no-capture", "--profile", "{file}", "--out", "{tmp}/x.wsbundle"),
        ("report", "{file}"),
        ("report", "--json", "{file}"),
        ("analyze", "{file}"),
        ("analyze", "--json", "{file}", "--out", "{tmp}/a.wsbundle"),
        ("open", "--screenshot", "{tmp}/shot.png", "{file}"),
    ],
    ids=["run", "report", "report-json", "analyze", "analyze-out", "open"],
)
def test_commands_on_hostile_files(tmp_path: Path, kind: str, command: tuple[str, ...]) -> None:
    hostile = HOSTILE[kind](tmp_path)
    args = [a.format(file=hostile, tmp=tmp_path) for a in command]
    done = wiresleuth(*args, env={"QT_QPA_PLATFORM": "offscreen"})
    assert_one_plain_line(done)
    assert not (tmp_path / "x.wsbundle").exists() and not (tmp_path / "a.wsbundle").exists()


@pytest.mark.parametrize(
    "args",
    [
        ("listen", "not-a-port"),
        ("listen", "0"),
        ("listen", "99999999999999999999"),
        ("listen", "9", "--bind", "not an address at all"),
        ("listen", "9", "--log", "{tmp}"),
        ("listen",),
        ("lab",),
        ("lab", "frobnicate"),
        ("lab", "run"),
        ("lab", "run", "{tmp}/deep.toml", "--out", "{tmp}/lab.wsbundle"),
        ("lab", "run", "{tmp}", "--out", "{tmp}/lab.wsbundle"),
        ("lab", "up", "{tmp}/deep.toml"),
        ("run", "--target", "https://[::1/", "--out", "{tmp}/x.wsbundle"),
        ("run", "--target", "localhost:²", "--out", "{tmp}/x.wsbundle"),
        ("run", "--target", "localhost:9", "--out", "{tmp}"),
        ("run", "--no-such-option"),
        ("open", "a", "b", "c"),
        ("no-such-command",),
    ],
)
def test_commands_with_bad_arguments(tmp_path: Path, args: tuple[str, ...]) -> None:
    (tmp_path / "deep.toml").write_text(DEEP_TOML)
    env = {"WIRESLEUTH_LAB_PREFIX": lab_prefix("bad-arguments"), "QT_QPA_PLATFORM": "offscreen"}
    done = wiresleuth(*(a.format(tmp=tmp_path) for a in args), env=env)
    if args[0] == "lab":
        assert done.returncode == 2, done.stderr
        assert "Traceback" not in done.stderr and done.stderr.count("\n") == 1, done.stderr
    else:
        assert_one_plain_line(done)


@pytest.mark.parametrize("kind", ["empty", "garbage", "deep-toml", "binary"])
def test_the_bare_command_without_a_display_on_a_hostile_profile(tmp_path: Path, kind: str) -> None:
    # Headless, ``wiresleuth`` runs with the profile in the user's config folder.
    config = tmp_path / "config"
    (config / "WireSleuth").mkdir(parents=True)
    hostile = HOSTILE[kind](tmp_path)
    (config / "WireSleuth" / "profile.toml").write_bytes(hostile.read_bytes())
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY")}
    env["XDG_CONFIG_HOME"] = str(config)
    done = subprocess.run(
        [sys.executable, "-m", "wiresleuth"],
        capture_output=True, text=True, timeout=60, env=env, stdin=subprocess.DEVNULL,
        cwd=tmp_path, check=False,
    )  # fmt: skip
    assert_one_plain_line(done)
    assert "profile" in done.stderr or "nothing to test" in done.stderr


BOOM = (
    "import sys\n"
    "from wiresleuth.cli import report_cmd\n"
    "def boom(args):\n"
    "    raise ValueError('something broke\\nover two lines \\x1b[2J')\n"
    "report_cmd.report = boom\n"
    "from wiresleuth.cli.main import main\n"
    "raise SystemExit(main(sys.argv[1:]))\n"
)


def _boom(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", BOOM, *args],
        capture_output=True, text=True, timeout=60, check=False,
        env={**os.environ, **(env or {})},
    )  # fmt: skip


def test_an_internal_error_is_exit_2_and_one_line() -> None:
    done = _boom("report", "x.wsbundle")
    assert_one_plain_line(done)
    assert "internal error: ValueError: something broke\\nover two lines \\u001b[2J" in done.stderr
    assert "--debug" in done.stderr


@pytest.mark.parametrize(("args", "env"), [(("--debug",), {}), ((), {"WIRESLEUTH_DEBUG": "1"})])
def test_debug_shows_the_traceback(args: tuple[str, ...], env: dict[str, str]) -> None:
    done = _boom(*args, "report", "x.wsbundle", env=env)
    assert done.returncode == 2
    assert "Traceback (most recent call last)" in done.stderr and "in boom" in done.stderr


def _started(*args: str) -> tuple[set[str], int]:
    """The modules ``wiresleuth ARGS`` had imported when it ended, and its OS threads then
    (Linux: the entries of /proc/self/task; 0 elsewhere)."""
    code = (
        "import atexit, os, sys\n"
        "from wiresleuth.cli.main import main\n"
        "def report():\n"
        "    tasks = len(os.listdir('/proc/self/task')) if os.path.isdir('/proc/self/task') else 0\n"
        "    sys.stderr.write(f'\\nMODULES {tasks} ' + ' '.join(sorted(sys.modules)) + '\\n')\n"
        "atexit.register(report)\n"
        f"raise SystemExit(main({list(args)!r}))\n"
    )
    env = {k: v for k, v in os.environ.items() if k != "OPENBLAS_NUM_THREADS"}
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, env=env
    )
    line = [x for x in done.stderr.splitlines() if x.startswith("MODULES ")][-1]
    tasks, *modules = line.split()[1:]
    return set(modules), int(tasks)


def _imported_by(*args: str) -> set[str]:
    """The top-level packages ``wiresleuth ARGS`` had imported when it ended."""
    return {m.split(".")[0] for m in _started(*args)[0]}


def _one_packet_capture(folder: Path) -> Path:
    frame = bytes(12) + b"\x08\x00"  # Ethernet, then IPv4/TCP: a SYN-ACK from a lab server
    frame += bytes.fromhex("450000280000400040060000644001 0ac612010a".replace(" ", ""))
    frame += bytes.fromhex("01bb9c400000000100000000501200ffff00000000")[:20]
    capture = folder / "one.pcap"
    capture.write_bytes(
        bytes.fromhex("d4c3b2a1020004000000000000000000ffff000001000000")  # pcap, Ethernet
        + bytes.fromhex("00f1536500000000")
        + len(frame).to_bytes(4, "little") * 2
        + frame
    )
    return capture


SAMPLE_BUNDLE = Path(__file__).parents[1] / "bundle" / "samples" / "format-1.wsbundle"


def test_a_command_imports_only_what_it_uses(tmp_path: Path) -> None:
    """``analyze`` and ``report`` start without the window, the capture, an HTTP client or
    the engine's event loop; only ``analyze`` decodes with numpy (issue 15)."""
    capture = _one_packet_capture(tmp_path)
    never = {"PySide6", "pyqtgraph", "scapy", "requests", "urllib3", "asyncio"}
    analyzed = _imported_by("analyze", str(capture))
    assert not analyzed & never
    assert "numpy" in analyzed  # the check can see an import
    assert not _imported_by("report", str(SAMPLE_BUNDLE)) & (never | {"numpy", "cryptography"})


WIZARD_RULES = {
    f"wiresleuth.analysis.{name}"
    for name in (
        "tls_wizard_findings", "pac_findings", "proxy_path_findings", "hop_findings",
        "mtu_findings", "listener_findings", "name_lookups", "connectivity", "check_status",
    )
}  # fmt: skip
"""What the wizards' observations are judged by: a capture taken elsewhere has none."""


def test_analyze_starts_with_the_rules_for_captures_only(tmp_path: Path) -> None:
    """A capture taken elsewhere holds no wizard's observations: ``analyze`` imports none of
    their models or rules (every interpretation still runs: those that apply to a capture
    give its findings), no second process's plumbing for a small file, no numpy.ma, and
    numpy starts no BLAS thread pool (issue 15)."""
    from wiresleuth.diagnosis.registry import observation_types

    models = {kind.__module__ for kind in observation_types().values()}
    assert "wiresleuth.model.observations" in models and len(models) >= 8
    modules, tasks = _started("analyze", str(_one_packet_capture(tmp_path)))
    assert "wiresleuth.diagnosis.registry" in modules  # the check sees the analysis ran
    assert "wiresleuth.analysis.passive_reset" in modules  # and the capture's rules
    assert not modules & models
    assert not modules & WIZARD_RULES
    assert not modules & {"multiprocessing", "numpy.ma", "statistics", "wiresleuth.gui"}
    if sys.platform == "linux":
        assert tasks == 1  # no OpenBLAS threads (one per core otherwise)


def test_report_reads_without_the_analysis_or_the_bundle_writer() -> None:
    modules, _ = _started("report", str(SAMPLE_BUNDLE))
    assert "wiresleuth.bundle.reader" in modules
    assert not {m for m in modules if m.startswith("wiresleuth.diagnosis")}
    assert not modules & {"wiresleuth.bundle.writer", "wiresleuth.report.html", "numpy"}


def test_the_command_is_known_before_parsing_only_when_certain() -> None:
    from wiresleuth.cli.main import command_named

    assert command_named(["analyze", "f.pcap"]) == "analyze"
    assert command_named(["-v", "--debug", "report", "b.wsbundle"]) == "report"
    assert command_named(["--theme", "dark"]) is None  # a value could be a command's name
    assert command_named(["--screenshot", "run"]) is None
    assert command_named([]) is None and command_named(["frobnicate"]) is None
