"""Run one scenario end to end: build the lab, run the real program in ``client``, check the
report against the scenario's expectations, and tear everything down (also on Ctrl-C).
"""

from __future__ import annotations

import shutil
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from wiresleuth.errors import LabError
from wiresleuth.lab.client_profile import write_profile
from wiresleuth.lab.client_run import GRACE, run_client
from wiresleuth.lab.client_settings import os_settings_env
from wiresleuth.lab.expect import check
from wiresleuth.lab.expect_watch import check_watch
from wiresleuth.lab.interrupts import cancel_on_signals, shielded
from wiresleuth.lab.lab import Lab, build_lab
from wiresleuth.lab.names import LabNames
from wiresleuth.lab.processes import log_tail
from wiresleuth.lab.report_reader import read_findings
from wiresleuth.lab.scenario import ClientSpec, Scenario, load_scenario

Progress = Callable[[str], None]


def _quiet(_: str) -> None:
    pass


@dataclass(frozen=True, kw_only=True)
class ScenarioOutcome:
    """The result of one scenario run."""

    scenario: str
    """Scenario name."""
    capture: bool
    """Whether the program ran with capture rights (root) or as user nobody."""
    exit_code: int | None
    """The program's exit code; None if it was killed at its deadline."""
    bundle: Path | None
    """The bundle it wrote, None if there is none."""
    findings: tuple[Mapping[str, Any], ...] = ()
    """The report's findings as written (id, severity, target, values...)."""
    failures: tuple[str, ...] = ()
    """Expectations that did not hold, in words."""
    lab_errors: tuple[str, ...] = ()
    """Problems of the lab itself (teardown) that do not concern the program."""
    timings: Mapping[str, float] = field(default_factory=dict)
    """Seconds spent: build, program, teardown, total."""
    logs: Path | None = None
    """Copy of the lab's logs, kept next to the bundle when something failed."""

    @property
    def ok(self) -> bool:
        """Whether every expectation held."""
        return not self.failures


def _keep_logs(lab: Lab, out: Path) -> Path | None:
    target = out.with_name(out.name + ".lab-logs")
    source = lab.state_dir / "logs"
    if not source.is_dir():
        return None
    shutil.rmtree(target, ignore_errors=True)
    shutil.copytree(source, target)
    return target


def _check(
    scenario: Scenario, capture: bool, exit_code: int | None, bundle: Path, output: Path
) -> tuple[list[str], tuple[Mapping[str, Any], ...]]:
    expect = scenario.expect if capture else scenario.expect_no_capture
    if exit_code is None:
        return [f"the program did not finish in time; output: {log_tail(output)}"], ()
    if exit_code == 2 or not bundle.exists():
        return [f"the program could not run (exit {exit_code}): {log_tail(output)}"], ()
    try:
        findings = tuple(read_findings(bundle))
    except LabError as exc:
        return [str(exc)], ()
    if expect is None:
        return [
            f"{scenario.source}: no [expect_no_capture] to check a run without capture"
        ], findings
    failures = check(expect, findings, exit_code)
    if expect.watch:
        failures += check_watch(expect.watch, bundle)
    return failures, findings


def run_scenario(
    scenario: str | Path,
    out: Path,
    *,
    capture: bool = True,
    keep: bool = False,
    progress: Progress = _quiet,
) -> ScenarioOutcome:
    """Build the lab for ``scenario``, run the program in ``client``, check, tear down.

    LabError when the lab cannot be built; the program's own failures are outcome failures.
    With ``keep`` the lab stays up afterwards (``wiresleuth lab down`` removes it).
    """
    loaded = load_scenario(scenario)
    names = LabNames.from_env()
    out = out.resolve()
    timings: dict[str, float] = {}
    started = time.monotonic()
    lab: Lab | None = None
    failures: list[str] = []
    findings: tuple[Mapping[str, Any], ...] = ()
    exit_code: int | None = None
    logs: Path | None = None
    lab_errors: list[str] = []
    try:
        with cancel_on_signals():
            progress(f"scenario {loaded.name}: {loaded.description}")
            lab = build_lab(loaded, names, progress=progress)
            timings["build"] = time.monotonic() - started
            profile = write_profile(lab.state_dir / "profile.toml", loaded.client)
            _client_routes(lab, loaded.client, progress)
            who = "root (capture)" if capture else "user nobody (no capture rights)"
            progress(f"running the program in {names.ns('client')} as {who}")
            result = run_client(
                names.ns("client"),
                profile=profile,
                out=out,
                bundles=lab.bundles,
                capture=capture,
                timeout=loaded.client.program_seconds + GRACE,
                output=lab.state_dir / "logs" / "program.log",
                extra_args=(
                    ("--proxy-user", loaded.client.proxy_user) if loaded.client.proxy_user else ()
                ),
                typed=loaded.client.proxy_password,
                settings=os_settings_env(loaded.client, lab.state_dir / "client-config"),
                command=_command(loaded.client),
            )
            timings["program"] = result.seconds
            exit_code = result.exit_code
            progress(f"program exited {exit_code} after {result.seconds:.1f} s")
            failures, findings = _check(loaded, capture, exit_code, out, result.output)
            if failures:
                logs = _keep_logs(lab, out)
    finally:
        if lab is not None and not keep:
            with shielded():
                t0 = time.monotonic()
                lab_errors = lab.teardown()
                timings["teardown"] = time.monotonic() - t0
                progress(f"lab torn down in {timings['teardown']:.1f} s")
    timings["total"] = time.monotonic() - started
    return ScenarioOutcome(
        scenario=loaded.name,
        capture=capture,
        exit_code=exit_code,
        bundle=out if out.exists() else None,
        findings=findings,
        failures=tuple(failures),
        lab_errors=tuple(lab_errors),
        timings=timings,
        logs=logs,
    )


def _command(client: ClientSpec) -> tuple[str, ...]:
    """``run``, or the watch the scenario asks for."""
    if client.watch_every is None or client.watch_for is None:
        return ("run",)
    return ("watch", "--every", f"{client.watch_every:g}s", "--for", f"{client.watch_for:g}s")


def _client_routes(lab: Lab, client: ClientSpec, progress: Progress) -> None:
    """Take the client offline when the scenario says it has no default route."""
    if not client.default_route:
        lab.ip("client", "route", "del", "default")
        progress("client: default route removed (offline)")


def bring_up(scenario: str | Path, *, progress: Progress = _quiet) -> Lab:
    """Build a lab and leave it up (``lab up``); the profile is written for by-hand runs."""
    loaded = load_scenario(scenario)
    with cancel_on_signals():
        lab = build_lab(loaded, LabNames.from_env(), progress=progress)
    write_profile(lab.state_dir / "profile.toml", loaded.client)
    _client_routes(lab, loaded.client, progress)
    return lab
