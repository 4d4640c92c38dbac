"""What "Save for helpdesk" tells the user before saving: what the bundle holds, and where.

Read from the RunResult without writing anything, so the dialog opens at once; the bundle
itself is written (atomically, by ``bundle.writer``) only when the user agrees.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path

import platformdirs

from wiresleuth.cli.run_inputs import default_bundle_name
from wiresleuth.model.run import RunResult


@dataclass(frozen=True, kw_only=True)
class Member:
    """One file inside the bundle, described for the user."""

    name: str
    """Member name (``report.json``)."""
    what: str
    """What it holds, in plain words."""


def bundle_contents(result: RunResult) -> tuple[Member, ...]:
    """The members the bundle of ``result`` will have, with what each holds."""
    findings = len(result.findings)
    members = [
        Member(
            name="report.html",
            what="the results as a page anyone can open in a browser",
        ),
        Member(
            name="report.json",
            what=(
                f"{findings} finding{'s' if findings != 1 else ''}, the timeline of "
                f"{len(result.connections)} connection{'s' if len(result.connections) != 1 else ''} "
                "and what each check measured"
            ),
        ),
        Member(
            name="system.json",
            what="this computer's network settings: interfaces, routes, DNS servers, proxy",
        ),
        Member(name="log.txt", what=f"the run's log ({len(result.log)} lines)"),
    ]
    if result.capture_file is not None:
        members.append(
            Member(
                name="capture.pcapng",
                what=(
                    f"{result.capture.packets} packets of this program's own test connections "
                    f"(capture filter: {result.capture.filter or 'none recorded'})"
                ),
            )
        )
    return tuple(members)


OWN_TRAFFIC_ONLY = (
    "The bundle holds only this program's own test traffic: capture was limited to the "
    "addresses and ports its checks contacted, so your other connections are not in it. "
    "Passwords and tokens are removed before saving; none of your files are included."
)
"""The promise the save dialog makes: capture filters to the run's own flows (capture.bpf)
and the writer redacts secrets (bundle.redact)."""


def default_folder() -> Path:
    """The user's Desktop, else their home folder."""
    desktop = platformdirs.user_desktop_path()
    return desktop if desktop.is_dir() else Path.home()


def default_save_path(now: float | None = None) -> Path:
    """Desktop/``wiresleuth-HOST-YYYYmmdd-HHMMSS.wsbundle``."""
    return default_folder() / default_bundle_name(time.time() if now is None else now)
