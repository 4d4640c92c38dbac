"""What ``run`` and ``watch`` are given: the profile, extra targets, the bundle's name, capture.

One place for both commands, so that a profile or a target is read, and refused, the same
way whichever command the user typed, and both check it before anything starts.
"""

from __future__ import annotations

import argparse
import socket
import time
from pathlib import Path

from wiresleuth.errors import BadInput
from wiresleuth.model.target import Target
from wiresleuth.profile.locate import LocatedProfile, Origin, locate_profile
from wiresleuth.profile.model import Profile


def add_options(parser: argparse.ArgumentParser, *, doing: str) -> None:
    """Add ``--profile``, ``--target``, ``--out`` and ``--no-capture``; ``doing`` is what the
    command does with a site ("test", "watch"), for the help text."""
    parser.add_argument("--profile", type=Path, help="profile file from your helpdesk (TOML)")
    parser.add_argument(
        "--target",
        action="append",
        default=[],
        metavar="URL",
        help=f"a site to {doing} (https://host/ or host:port); repeatable",
    )
    parser.add_argument(
        "--out", type=Path, help="bundle to write (default: a name with host and time)"
    )
    parser.add_argument("--no-capture", action="store_true", help="do not capture packets")


def located_profile(args: argparse.Namespace) -> tuple[LocatedProfile, list[Target]]:
    """The profile (command line, beside the program, the user's config folder, built-in:
    ``profile.locate``) and the ``--target`` sites; BadInput when there is nothing to test.

    Targets given on the command line replace the built-in profile's sites rather than add
    to them: the user named what to test."""
    located = locate_profile(args.profile)
    extra = [Target.parse(t) for t in args.target]
    if extra and located.origin is Origin.BUILT_IN:
        base = located.profile
        only_targets = Profile(helpdesk=base.helpdesk, budgets=base.budgets, source="command line")
        located = LocatedProfile(profile=only_targets, origin=Origin.COMMAND_LINE)
    if not located.profile.targets and not extra:
        raise BadInput(
            f"nothing to test: the profile ({located.describe()}) names no site; add a line "
            'such as targets = ["https://intranet.example.com/"] to it, or give --target URL'
        )
    return located, extra


def default_bundle_name(now: float | None = None, *, kind: str = "") -> str:
    """``wiresleuth-[KIND-]HOST-YYYYmmdd-HHMMSS.wsbundle``: found again by host and time."""
    stamp = time.strftime("%Y%m%d-%H%M%S", time.localtime(now))
    host = "".join(c if c.isalnum() or c in "-_" else "-" for c in socket.gethostname()) or "host"
    prefix = f"wiresleuth-{kind}-" if kind else "wiresleuth-"
    return f"{prefix}{host}-{stamp}.wsbundle"
