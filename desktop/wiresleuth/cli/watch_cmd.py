"""``wiresleuth watch``: the light check every few minutes, a full diagnosis when it fails.

The input is checked as ``run`` checks it (profile, targets, ``--out``, the intervals),
before anything starts. The watch runs in a worker thread; the main thread prints a line
per attempt in plain words and answers Ctrl-C (``interrupts``): the first press ends the
watch and the bundle holds everything seen so far; a second press within two seconds quits
at once, saving nothing.
"""

from __future__ import annotations

import argparse
import queue
import re
import time
from pathlib import Path
from typing import TYPE_CHECKING

from wiresleuth.cli import console, exit_codes, proxy_credentials, run_inputs
from wiresleuth.cli.interrupts import QUIT_WINDOW, InterruptGate, finish_interruptibly
from wiresleuth.cli.out_path import check_out_path
from wiresleuth.cli.saving import quitting_at_once, save_or_quit
from wiresleuth.errors import BadInput
from wiresleuth.model.watch import WatchProgress, WatchRun, WatchSummary

if TYPE_CHECKING:
    from wiresleuth.engine.watch import Watch

CANCEL_GRACE = 20.0
"""Seconds a stopped watch has to hand back what it has (the run in progress needs a second
or two, plus the system facts it waits up to 5 s for) before the program gives up on it."""
_UNITS = {"s": 1.0, "m": 60.0, "h": 3600.0, "d": 86400.0}
_DURATION = re.compile(r"\s*(\d+(?:\.\d+)?)\s*([smhd]?)\s*", re.IGNORECASE)


def duration(text: str) -> float:
    """``90``, ``90s``, ``2m``, ``8h``, ``1d`` in seconds; argparse's error otherwise."""
    match = _DURATION.fullmatch(text)
    if match is None:
        raise argparse.ArgumentTypeError(
            f"{text!r} is not a duration: write a number with s, m, h or d (2m, 8h, 1d)"
        )
    return float(match.group(1)) * _UNITS[(match.group(2) or "s").lower()]


def register(commands: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Add the ``watch`` command."""
    parser = commands.add_parser(
        "watch",
        help="repeat a light check for hours and diagnose each failure at once",
        description=(
            "Repeats a light check (name resolution, a TLS handshake to every address, the PAC "
            "fetch when the profile or this computer names a PAC, along the route applications "
            "take) on a schedule; when an attempt fails, a full diagnosis "
            "runs at once and its evidence is kept. Ctrl-C ends the watch and saves the bundle; "
            "Ctrl-C twice within 2 s quits at once without saving."
        ),
    )
    parser.add_argument(
        "--every",
        type=duration,
        default=120.0,
        metavar="DURATION",
        help="time between the starts of two attempts (default 2m)",
    )
    parser.add_argument(
        "--for",
        dest="duration",
        type=duration,
        default=8 * 3600.0,
        metavar="DURATION",
        help="how long to watch (default 8h)",
    )
    run_inputs.add_options(parser, doing="watch")
    proxy_credentials.add_options(parser)
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    """Watch, write the bundle, print the story; exit 1 when something failed."""
    from wiresleuth.engine.watch import Watch, full_wizards, light_wizards
    from wiresleuth.engine.watch_schedule import Scheduler

    try:
        located, extra = run_inputs.located_profile(args)
        try:
            Scheduler(args.every, args.duration)
        except ValueError as exc:
            raise BadInput(str(exc)) from exc
        out = check_out_path(args.out or Path.cwd() / run_inputs.default_bundle_name(kind="watch"))
        credentials = proxy_credentials.ask(args)
    except BadInput as exc:
        console.error(str(exc))
        return exit_codes.COULD_NOT_RUN
    lines: queue.SimpleQueue[WatchProgress] = queue.SimpleQueue()
    watch = Watch(
        located.profile,
        every=args.every,
        duration=args.duration,
        extra_targets=extra,
        capture=not args.no_capture,
        light=lambda p: proxy_credentials.give(light_wizards(p), credentials),
        full=lambda p: proxy_credentials.give(full_wizards(p), credentials),
        on_progress=lines.put,
    )
    console.show(
        f"Watching {', '.join(watch.targets)} every {_spoken(args.every)} for "
        f"{_spoken(args.duration)}; Ctrl-C ends the watch and saves what it saw.",
        to_stderr=True,
    )
    stuck = f"the watch did not stop within {CANCEL_GRACE:g} s; nothing was saved"
    with InterruptGate() as gate:
        with quitting_at_once(stuck):
            done = _watch_interruptibly(watch, gate, lines)
        return _save_and_tell(done, out, gate)


def _watch_interruptibly(
    watch: Watch, gate: InterruptGate, lines: queue.SimpleQueue[WatchProgress]
) -> WatchRun:
    """The watch in a worker thread; the main thread prints its lines and reacts to Ctrl-C."""

    def said(first: bool) -> None:
        if first:
            console.error(
                f"ending the watch: saving what it saw (Ctrl-C again within "
                f"{QUIT_WINDOW:g} s quits without saving)"
            )

    return finish_interruptibly(
        watch.run,
        watch.cancel,
        gate,
        name="wiresleuth-watch",
        grace=CANCEL_GRACE,
        on_press=said,
        tick=lambda: _print_lines(lines),
    )


def _print_lines(lines: queue.SimpleQueue[WatchProgress]) -> None:
    while True:
        try:
            event = lines.get_nowait()
        except queue.Empty:
            return
        if event.kind in ("attempt-started", "finished"):
            continue
        stamp = time.strftime("%H:%M:%S", time.localtime(event.time))
        console.show(f"{stamp}  {event.message}", to_stderr=True)


def _save_and_tell(done: WatchRun, out: Path, gate: InterruptGate) -> int:
    from wiresleuth.bundle.watch_file import write_watch_bundle
    from wiresleuth.engine.watch import discard_watch_scratch

    written = save_or_quit(
        lambda: write_watch_bundle(done, out),
        out,
        gate,
        discard=lambda: discard_watch_scratch(done),
    )
    if written is None:
        console.show(story(done.summary))
        return exit_codes.COULD_NOT_RUN
    console.show(story(done.summary))
    console.show(f"Bundle for your helpdesk: {written}")
    return exit_codes.PROBLEMS_FOUND if done.summary.groups else exit_codes.NO_PROBLEM


def story(summary: WatchSummary) -> str:
    """The watch in a few lines: attempts, and each kind of failure with when it happened."""
    settings = summary.settings
    failed = sum(1 for a in summary.attempts if not a.ok and not a.cancelled)
    how = "stopped by you" if settings.ended == "cancelled" else "finished"
    lines = [
        f"Watch {how}: {summary.attempts_total} attempt(s) over "
        f"{_spoken(settings.finished_at - settings.started_at)}, {failed} failed."
    ]
    if not summary.groups:
        lines.append("Every attempt worked.")
    for group in summary.groups:
        where = group.target or "the PAC file"
        if group.address:
            where += f" at {group.address}"
        worked = (
            f"it worked in {group.worked} attempt(s), last at {_clock(group.last_worked)}"
            if group.last_worked is not None
            else "it never worked"
        )
        lines.append(
            f"- {group.title or group.signature} ({group.signature}) on {where}: failed "
            f"{group.count} time(s), first at {_clock(group.first)}, last at "
            f"{_clock(group.last)}; {worked}."
        )
        if group.nearest_working is not None:
            if group.differences:
                changed = "; ".join(
                    f"{d.fact} {d.failing} (worked with {d.working})" for d in group.differences
                )
                lines.append(f"  What differed from attempt {group.nearest_working}: {changed}.")
            else:
                lines.append(
                    f"  Nothing this computer can see differed from attempt "
                    f"{group.nearest_working}, which worked: look at the network."
                )
    if summary.evidence_dropped:
        lines.append(
            f"The evidence of {summary.evidence_dropped} failure(s) was not kept, to keep the "
            "bundle bounded; they are counted above."
        )
    return "\n".join(lines)


def _clock(epoch: float | None) -> str:
    if epoch is None:
        return "never"
    return time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(epoch))


def _spoken(seconds: float) -> str:
    for unit, size in (("d", 86400.0), ("h", 3600.0), ("m", 60.0)):
        if seconds >= size and seconds % size == 0:
            return f"{seconds / size:g}{unit}"
    if seconds >= 120:
        return f"{seconds / 60:.1f}m"
    return f"{seconds:.0f}s"
