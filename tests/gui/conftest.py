"""GUI tests drive the real window offscreen (QT_QPA_PLATFORM=offscreen, set before Qt starts).

Runs go through the real engine against real TLS servers on loopback (tests/probes/
loopback_servers.py); tests marked ``lab`` run the window inside the lab's client namespace.
"""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
import trustme

from tests.probes.loopback_servers import LoopbackServer, reset_after, tls_ok, trust_env
from wiresleuth.engine import Engine
from wiresleuth.errors import LabError
from wiresleuth.model.run import RunResult
from wiresleuth.model.target import Target
from wiresleuth.profile.model import Budgets, Helpdesk, Profile
from wiresleuth.wizards.registry import all_wizards

if TYPE_CHECKING:
    from pytestqt.qtbot import QtBot

    from wiresleuth.gui.qt_main_window import QtMainWindow

SAMPLE_BUNDLE = Path(__file__).parents[1] / "bundle" / "samples" / "format-1.wsbundle"
"""A bundle of the current format with a capture (C8/C6/C1-like findings)."""


def pytest_runtest_setup(item: pytest.Item) -> None:
    if item.get_closest_marker("lab") is None:
        return
    from wiresleuth.lab.lab import check_host

    try:
        check_host()
    except LabError as exc:
        pytest.skip(f"lab test needs a Linux host with root and the lab tools: {exc}")


def loopback_profile(
    *targets: str, run: float = 20.0, handshake: float = 2.0, upload_url: str | None = None
) -> Profile:
    """A profile testing ``targets`` with short budgets (loopback answers in microseconds)."""
    return Profile(
        targets=tuple(Target.parse(t) for t in targets),
        budgets=Budgets(run=run, connect=1.0, tls_handshake=handshake, icmp=0.3),
        helpdesk=Helpdesk(name="Test Desk", contact="+1 555 0100"),
        upload_url=upload_url,
        source="test profile",
    )


def open_window(qtbot: QtBot, profile: Profile, *, capture: bool | None = None) -> QtMainWindow:
    """The main window on ``profile``, shown and ready (capturing when root, unless told),
    with capture rights granted: what a user sees on starting the program."""
    from wiresleuth.gui.capture_rights import CaptureRights
    from wiresleuth.gui.qt_main_window import QtMainWindow

    window = QtMainWindow(
        profile,
        capture=os.geteuid() == 0 if capture is None else capture,
        rights=CaptureRights(available=True),
        warm_up=False,
    )
    qtbot.addWidget(window)
    with qtbot.waitSignal(window.ready, timeout=5000):
        window.show()
    return window


@pytest.fixture(scope="session")
def engine_run(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunResult]:
    """One real run (engine, TLS wizard, capture when allowed) against a healthy loopback TLS
    server and one that resets ~0.4 s after the ClientHello."""
    ca = trustme.CA()
    with pytest.MonkeyPatch.context() as patch:
        for key, value in trust_env(tmp_path_factory.mktemp("trust"), [ca], [ca]).items():
            patch.setenv(key, value)
        with LoopbackServer(tls_ok(ca)) as good, LoopbackServer(reset_after(0.4)) as bad:
            profile = loopback_profile(f"localhost:{good.port}", f"localhost:{bad.port}")
            result = Engine(profile, all_wizards(), capture=os.geteuid() == 0).run()
    yield result
