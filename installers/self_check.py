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
import struct
import sys
from pathlib import Path

from installers.privileges import harden
from wiresleuth import __version__
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


CAP_NET_RAW = 13
"""Linux capability number of the right to open packet sockets."""


def file_capabilities(path: Path) -> int:
    """Permitted capability bits stored on a file (``security.capability``), 0 when none."""
    try:
        raw = os.getxattr(path, "security.capability")
    except OSError:
        return 0
    if len(raw) < 12:
        return 0
    _magic, permitted_low, _inheritable_low = struct.unpack_from("<III", raw)
    permitted_high = struct.unpack_from("<I", raw, 12)[0] if len(raw) >= 20 else 0
    return int(permitted_low | permitted_high << 32)


def program_capture_rights() -> str | None:
    """On Linux, whether the installed ``wiresleuth`` beside this check holds CAP_NET_RAW."""
    if not sys.platform.startswith("linux") or not is_frozen():
        return None
    program = Path(sys.executable).resolve().parent / "wiresleuth"
    if file_capabilities(program) >> CAP_NET_RAW & 1:
        return f"capture rights: {program} holds cap_net_raw (file capability)"
    return f"capture rights: {program} holds no capture capability (runs need root to capture)"


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
    refusal = harden(os.environ, sys.argv[1:])
    if refusal is not None:
        print(refusal, file=sys.stderr)
        return 2
    print(f"WireSleuth {__version__} ({'frozen app' if is_frozen() else 'source'})")
    ok = True
    for check in (check_package_data, check_profile, lambda: check_qt(args.screenshot)):
        passed, line = check()
        ok = ok and passed
        print(("ok   " if passed else "FAIL ") + line)
    capture = check_capture()
    capture_ok = capture.startswith("capture: available")
    print(("ok   " if capture_ok else "note ") + capture + " (this check's own process)")
    rights = program_capture_rights()
    if rights is not None:
        program_ok = "holds cap_net_raw" in rights
        print(("ok   " if program_ok else "note ") + rights)
        capture_ok = capture_ok or program_ok
    if args.require_capture and not capture_ok:
        ok = False
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
