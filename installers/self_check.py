"""``wiresleuth-selfcheck``: is this installation whole? Shipped beside ``wiresleuth``.

It runs inside the same frozen environment as the program (same bundled libraries, Qt
plugins and importer) and checks what a broken build or install would break first: the
version, the package data read through ``importlib.resources``, the profile lookup, the
Qt runtime started offscreen (the window's toolkit; a screenshot on request), libpcap and
the right to capture. A helpdesk can ask a user to run it and read the lines back.
Exit status: 0 all required checks pass, 1 a required check failed.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from installers.privileges import refusal
from wiresleuth import __version__
from wiresleuth.capture.helper_path import GROUP, file_capabilities, helper_facts
from wiresleuth.errors import WireSleuthError
from wiresleuth.profile.locate import find_logo, locate_profile
from wiresleuth.resources import app_icon, expected_package_data, is_frozen, unreadable_package_data


def check_package_data() -> tuple[bool, str]:
    expected = expected_package_data()
    missing = unreadable_package_data(expected)
    if missing or not expected:
        return False, f"package data unreadable: {', '.join(missing) or 'none listed'}"
    return True, f"{len(expected)} package data files readable through importlib.resources"


def check_profile() -> tuple[bool, str]:
    try:
        located = locate_profile()
    except WireSleuthError as exc:
        return False, f"profile invalid: {exc}"
    helpdesk = located.profile.helpdesk
    logo = find_logo(located)
    who = f"; helpdesk {helpdesk.name!r} ({helpdesk.contact})" if helpdesk.name else ""
    return True, f"profile: {located.describe()}{who}; logo: {logo or 'none'}"


def check_qt(screenshot: Path | None) -> tuple[bool, str]:
    if sys.platform.startswith("linux") and not os.environ.get("DISPLAY"):
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6 import __version__ as pyside_version
    from PySide6.QtGui import QIcon, QPixmap
    from PySide6.QtWidgets import QApplication, QLabel

    app = QApplication.instance() or QApplication(sys.argv[:1])
    label = QLabel(f"WireSleuth {__version__}")
    icon = app_icon(256)
    if icon is None:
        return False, "Qt started but the application icon is missing"
    label.setWindowIcon(QIcon(str(icon)))
    label.setPixmap(QPixmap(str(icon)))
    label.resize(300, 300)
    label.show()
    app.processEvents()
    platform = QApplication.platformName()
    if screenshot is not None and not label.grab().save(str(screenshot)):
        return False, f"Qt ({platform}) could not write {screenshot}"
    label.close()
    return True, f"Qt {pyside_version} started (platform {platform})"


def check_program_rights() -> tuple[bool, str] | None:
    """On Linux, the installed ``wiresleuth`` must hold no capability (the helper captures)."""
    if not sys.platform.startswith("linux") or not is_frozen():
        return None
    program = Path(sys.executable).resolve().parent / "wiresleuth"
    if file_capabilities(program):
        return False, (
            f"{program} holds file capabilities it must not have "
            f"(an administrator can remove them: sudo setcap -r {program})"
        )
    return True, f"{program} holds no capability (capture runs in its helper)"


def helper_line() -> str | None:
    """On Linux, the capture helper and whether this user may start it."""
    if not sys.platform.startswith("linux"):
        return None
    facts = helper_facts()
    if facts.path is None:
        return "capture helper: not installed"
    right = "cap_net_raw" if facts.capture_right else "no capture capability"
    if facts.executable:
        who = "this user may start it"
    elif facts.listed_in_group:
        who = f"this user joined the '{GROUP}' group after logging in: log out and in again"
    else:
        who = f"this user may not start it (not in the '{GROUP}' group)"
    return f"capture helper: {facts.path} ({right}); {who}"


def check_capture() -> str:
    """Not required: a run without capture rights still completes and says so."""
    from wiresleuth.capture.session import CaptureSession

    session = CaptureSession("tcp port 9 and host 127.0.0.1")
    try:
        session.start()
    except WireSleuthError as exc:
        return f"capture: unavailable ({exc})"
    session.stop()
    return f"capture: available on {', '.join(session.interfaces)}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="wiresleuth-selfcheck", description=__doc__)
    parser.add_argument("--screenshot", type=Path, help="save the Qt test window as PNG")
    parser.add_argument(
        "--require-capture", action="store_true", help="fail when capture is unavailable"
    )
    args = parser.parse_args(argv)
    refused = refusal(sys.executable)
    if refused is not None:
        print(refused, file=sys.stderr)
        return 2
    print(f"WireSleuth {__version__} ({'frozen app' if is_frozen() else 'source'})")
    ok = True
    checks = [check_package_data, check_profile, lambda: check_qt(args.screenshot)]
    for check in checks:
        passed, line = check()
        ok = ok and passed
        print(("ok   " if passed else "FAIL ") + line)
    program = check_program_rights()
    if program is not None:
        ok = ok and program[0]
        print(("ok   " if program[0] else "FAIL ") + program[1])
    helper = helper_line()
    if helper is not None:
        print("note " + helper)
    capture = check_capture()
    capture_ok = capture.startswith("capture: available")
    print(("ok   " if capture_ok else "note ") + capture)
    if args.require_capture and not capture_ok:
        ok = False
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
