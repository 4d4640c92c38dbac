"""``wiresleuth lab``: build the test lab, run scenarios against the real program, tear down.

Exit codes of ``lab run``: 0 the scenario's expectations hold, 1 they do not, 2 the lab
could not be built (not Linux, not root, a tool missing, a bad scenario file).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TextIO

from wiresleuth.errors import Cancelled, LabError
from wiresleuth.report.terminal_text import for_terminal

EXPECTATIONS_HOLD = 0
EXPECTATIONS_FAILED = 1
LAB_FAILED = 2


def register(commands: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Add the ``lab`` command and its subcommands."""
    parser = commands.add_parser(
        "lab",
        help="test lab: reproduce field cases in network namespaces (Linux, root)",
        description=(
            "Builds Linux network namespaces (client, router, proxy, internet), injects a "
            "scenario's faults and runs this program inside `client`. Honours "
            "WIRESLEUTH_LAB_PREFIX so that several labs can run side by side."
        ),
    )
    sub = parser.add_subparsers(dest="lab_command", metavar="SUBCOMMAND", required=True)
    listing = sub.add_parser("list", help="list the shipped scenarios")
    listing.set_defaults(handler=_list)
    run = sub.add_parser("run", help="run one scenario end to end and check its expectations")
    run.add_argument("scenario", metavar="SCENARIO|FILE", help="shipped name (C1) or a .toml file")
    run.add_argument("--out", type=Path, required=True, help="where to keep the program's bundle")
    run.add_argument("--no-capture", action="store_true",
                     help="run the program as user nobody (no capture rights)")  # fmt: skip
    run.add_argument("--keep", action="store_true", help="leave the lab up afterwards")
    run.set_defaults(handler=_run)
    up = sub.add_parser("up", help="build the lab (with a scenario's faults) and leave it up")
    up.add_argument("scenario", metavar="SCENARIO|FILE", nargs="?", default="baseline")
    up.set_defaults(handler=_up)
    down = sub.add_parser("down", help="remove the lab, also the leftovers of a crashed run")
    down.set_defaults(handler=_down)


def _say(text: str, stream: TextIO = sys.stdout) -> None:
    print(f"lab: {for_terminal(text)}", file=stream, flush=True)


def _list(args: argparse.Namespace) -> int:
    from wiresleuth.lab.scenario import list_scenarios

    del args
    try:
        scenarios = list_scenarios()
    except LabError as exc:
        _say(str(exc), sys.stderr)
        return LAB_FAILED
    width = max(len(name) for name, _ in scenarios)
    for name, description in scenarios:
        print(f"{name:<{width}}  {description}")
    return EXPECTATIONS_HOLD


def _run(args: argparse.Namespace) -> int:
    from wiresleuth.lab.lab import check_host
    from wiresleuth.lab.runner import run_scenario

    try:
        check_host()
        outcome = run_scenario(
            args.scenario, args.out, capture=not args.no_capture, keep=args.keep, progress=_say
        )
    except Cancelled as exc:
        _say(f"{exc}; the lab was torn down", sys.stderr)
        return LAB_FAILED
    except LabError as exc:
        _say(f"lab failed: {exc}", sys.stderr)
        return LAB_FAILED
    for finding in outcome.findings:
        values = finding.get("values") or {}
        shown = (
            ", ".join(f"{k}={v!r}" for k, v in values.items()) if isinstance(values, dict) else ""
        )
        line = (
            f"  {finding.get('severity', '?'):<8} {finding.get('id')}"
            f"  [{finding.get('target') or 'run'}]  {shown}"
        )
        print(for_terminal(line, one_line=True))  # read back from the program's bundle
    timing = ", ".join(f"{k} {v:.1f} s" for k, v in outcome.timings.items())
    _say(f"timings: {timing}")
    if outcome.bundle:
        _say(f"bundle: {outcome.bundle}")
    if outcome.logs:
        _say(f"lab logs kept in {outcome.logs}")
    if args.keep:
        _say("the lab is still up; `wiresleuth lab down` removes it")
    for error in outcome.lab_errors:
        _say(f"teardown problem: {error}", sys.stderr)
    mode = "with capture" if outcome.capture else "without capture rights"
    if outcome.ok:
        _say(f"expectations of {outcome.scenario} ({mode}): all hold")
        return LAB_FAILED if outcome.lab_errors else EXPECTATIONS_HOLD
    _say(f"expectations of {outcome.scenario} ({mode}): {len(outcome.failures)} failed")
    for failure in outcome.failures:
        print(f"  FAIL {for_terminal(failure)}")
    return EXPECTATIONS_FAILED


def _up(args: argparse.Namespace) -> int:
    from wiresleuth.lab.client_run import PUBLIC_BUNDLE_ENV, program_argv
    from wiresleuth.lab.lab import check_host
    from wiresleuth.lab.runner import bring_up

    try:
        check_host()
        lab = bring_up(args.scenario, progress=_say)
    except (LabError, Cancelled) as exc:
        _say(f"could not build the lab: {exc}", sys.stderr)
        return LAB_FAILED
    client = lab.names.ns("client")
    profile = lab.state_dir / "profile.toml"
    command = " ".join(program_argv(profile, Path("lab.wsbundle")))
    print(
        f"\nThe lab is up. State, logs and certificates: {lab.state_dir}\n"
        f"  a shell on the user's laptop:  ip netns exec {client} bash\n"
        f"  run the program there:\n"
        f"    ip netns exec {client} env SSL_CERT_FILE={lab.bundles.os_trust} \\\n"
        f"      {PUBLIC_BUNDLE_ENV}={lab.bundles.public} {command}\n"
        f"  remove it:                     wiresleuth lab down"
    )
    return EXPECTATIONS_HOLD


def _down(args: argparse.Namespace) -> int:
    from wiresleuth.lab.lab import check_host, lab_exists, teardown_lab
    from wiresleuth.lab.names import LabNames
    from wiresleuth.lab.topology import existing_namespaces

    del args
    try:
        check_host()
        names = LabNames.from_env()
    except LabError as exc:
        _say(str(exc), sys.stderr)
        return LAB_FAILED
    if not lab_exists(names):
        _say(f"no lab here (namespaces {', '.join(names.namespaces)}): nothing to do")
        return EXPECTATIONS_HOLD
    present = existing_namespaces(names) or list(names.namespaces)
    errors = teardown_lab(names)
    for error in errors:
        _say(error, sys.stderr)
    if errors:
        return LAB_FAILED
    _say(f"removed the lab ({', '.join(present)}, {names.state_dir})")
    return EXPECTATIONS_HOLD
