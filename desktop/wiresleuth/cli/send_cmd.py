"""``wiresleuth send BUNDLE``: upload a bundle to the helpdesk, for scripts.

The same upload as the window's "Send to helpdesk": the address from ``--url`` or the
profile's ``upload_url``, the route this computer's applications take to it
(``send.upload_route``), an optional ticket number. Progress goes to stderr, the answer to
stdout. Exit 0 when the helpdesk's server took the bundle, 2 otherwise (one line saying why).
Ctrl-C cancels the upload.
"""

from __future__ import annotations

import argparse
import threading
import time
import zipfile
from pathlib import Path

from wiresleuth.cli import console, exit_codes
from wiresleuth.cli.interrupts import InterruptGate
from wiresleuth.errors import BadInput
from wiresleuth.profile.locate import locate_profile
from wiresleuth.send.upload import (
    UploadCancelled,
    UploadFailed,
    UploadReceipt,
    check_ticket,
    check_upload_url,
)

_POLL = 0.1
CANCEL_GRACE = 1.0
"""Seconds a cancelled upload has to stop before the command ends without it."""
_STEPS = 4
"""Progress lines per upload (25 %, 50 %...)."""


def register(commands: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Add the ``send`` command."""
    parser = commands.add_parser(
        "send",
        help="send a bundle to the helpdesk's upload address",
        description=(
            "Uploads a bundle over HTTPS to --url, or to the profile's upload_url, the way "
            "this computer's applications reach that address (profile, proxy settings, PAC)."
        ),
    )
    parser.add_argument("bundle", type=Path, help="the .wsbundle file to send")
    parser.add_argument("--profile", type=Path, help="profile file from your helpdesk (TOML)")
    parser.add_argument("--url", help="upload address (https://...); default: the profile's")
    parser.add_argument("--ticket", default="", help="ticket number to send with the bundle")
    parser.add_argument("--quiet", action="store_true", help="no progress, only the answer")
    parser.set_defaults(handler=send)


def _checked_bundle(path: Path) -> Path:
    if not path.exists():
        raise BadInput(f"no such file: {path}")
    if not path.is_file():
        raise BadInput(f"{path} is not a file")
    try:
        with zipfile.ZipFile(path) as archive:
            if "manifest.json" not in archive.namelist():
                raise BadInput(f"{path} is not a WireSleuth bundle (it has no manifest.json)")
    except (zipfile.BadZipFile, OSError) as exc:
        raise BadInput(f"{path} is not a WireSleuth bundle ({exc})") from exc
    return path


class _Progress:
    """Lines on stderr: the route, each stage, every quarter of the bytes."""

    def __init__(self, quiet: bool) -> None:
        self._quiet = quiet
        self._shown = 0

    def say(self, text: str) -> None:
        if not self._quiet:
            console.show(text, to_stderr=True)

    def sent(self, done: int, total: int) -> None:
        step = _STEPS * done // total if total else _STEPS
        if step > self._shown:
            self._shown = step
            self.say(f"  {100 * step // _STEPS} % of {total} bytes sent")


def send(args: argparse.Namespace) -> int:
    """Upload; exit 0 (sent) or 2 (not sent, and why)."""
    from wiresleuth.send.upload import upload_bundle
    from wiresleuth.send.upload_route import upload_route

    try:
        bundle = _checked_bundle(args.bundle)
        profile = locate_profile(args.profile).profile
        url = args.url or profile.upload_url
        if not url:
            raise BadInput(
                "no upload address: give --url https://..., or a profile with upload_url"
            )
        check_upload_url(url)
        ticket = check_ticket(args.ticket)
    except (BadInput, UploadFailed) as exc:
        console.error(str(exc))
        return exit_codes.COULD_NOT_RUN
    progress = _Progress(args.quiet)
    cancel = threading.Event()
    outcome: list[UploadReceipt | BaseException] = []

    def work() -> None:
        try:
            route = upload_route(url, profile)
            progress.say(f"Route to the helpdesk's server: {route.shown}")
            outcome.append(
                upload_bundle(
                    bundle,
                    url,
                    route=route,
                    ticket=ticket,
                    progress=progress.sent,
                    stage=progress.say,
                    cancel=cancel,
                )
            )
        except BaseException as exc:  # handed to the main thread, which says it
            outcome.append(exc)

    worker = threading.Thread(target=work, name="wiresleuth-send", daemon=True)
    with InterruptGate() as gate:
        worker.start()
        cancelled_at: float | None = None
        while worker.is_alive():
            if gate.presses and cancelled_at is None:
                progress.say("Cancelling the upload…")
                cancel.set()
                cancelled_at = time.monotonic()
            if cancelled_at is not None and time.monotonic() - cancelled_at > CANCEL_GRACE:
                # blocked in a handshake the cancel cannot reach: leave it (a daemon thread)
                outcome.append(UploadCancelled("the upload was cancelled"))
                break
            worker.join(_POLL)
    return _report(outcome[0] if outcome else UploadFailed("the upload ended without a result"),
                   bundle)  # fmt: skip


def _report(outcome: UploadReceipt | BaseException, bundle: Path) -> int:
    if isinstance(outcome, UploadReceipt):
        line = f"Sent {bundle.name} ({outcome.way})."
        if outcome.message:
            line += f" The server answered: {outcome.message}"
        console.show(line)
        return exit_codes.NO_PROBLEM
    if isinstance(outcome, UploadFailed):
        console.error(f"not sent: {outcome}; the bundle is still at {bundle}")
        return exit_codes.COULD_NOT_RUN
    raise outcome  # a bug: main() says it in one line, with --debug the traceback
