"""The window in the lab: C8 (a TLS reset ~3 s after the ClientHello, an F5 gateway) must
reach the results page, found by a Qt process running inside the lab's client namespace."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.lab.prefixes import lab_names, lab_prefix
from wiresleuth.bundle.reader import read_bundle

ROOT = Path(__file__).parents[2]
PREFIX = lab_prefix("lab-window")
"""This test's own lab prefix: an engineer's lab and another run are never touched."""
SCENARIO = "C8"
INSIDE_TIMEOUT = 150.0


@pytest.mark.lab
@pytest.mark.qt
def test_the_window_finds_c8_from_inside_the_client_namespace(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from wiresleuth.lab.lab import lab_exists, teardown_lab
    from wiresleuth.lab.names import PREFIX_ENV
    from wiresleuth.lab.runner import bring_up

    names = lab_names("lab-window")  # before the variable below is this lab's whole prefix
    monkeypatch.setenv(PREFIX_ENV, PREFIX)
    if lab_exists(names):  # leftovers of a crashed run
        teardown_lab(names)
    lab = bring_up(SCENARIO)
    try:
        env = {
            k: v for k, v in os.environ.items() if not k.startswith(("XDG_", "DISPLAY", "WAYLAND"))
        }
        env.update(
            {
                "QT_QPA_PLATFORM": "offscreen",
                "SSL_CERT_FILE": str(lab.bundles.os_trust),
                "WIRESLEUTH_PUBLIC_CA_BUNDLE": str(lab.bundles.public),
                "WIRESLEUTH_GUI_LAB_PROFILE": str(lab.state_dir / "profile.toml"),
                "WIRESLEUTH_GUI_LAB_OUT": str(tmp_path),
                "HOME": str(tmp_path),
            }
        )
        inside = subprocess.run(
            ["ip", "netns", "exec", names.ns("client"), sys.executable, "-m", "pytest",
             "tests/gui/lab_inside.py", "-q", "-p", "no:cacheprovider"],
            cwd=ROOT, env=env, capture_output=True, text=True, timeout=INSIDE_TIMEOUT,
        )  # fmt: skip
    finally:
        errors = lab.teardown()  # reaps the lab's processes too (lab down)
    assert inside.returncode == 0, inside.stdout[-4000:] + inside.stderr[-2000:]
    assert errors == [], errors
    shown = json.loads((tmp_path / "results-page.json").read_text())
    assert shown["headline"].startswith("We found 1 problem")
    top = shown["findings"][0]
    assert (top["id"], top["target"]) == ("tls.reset_after_client_hello", "portal.lab.test:443")
    assert 2.6 < float(top["values"]["seconds"]) < 3.6
    vendor = next(f for f in shown["findings"] if f["id"] == "net.gateway_vendor")
    assert "F5" in vendor["values"]["vendor"]
    assert shown["capture"] is True  # root in the namespace: the reset's packet is evidence
    bundle = read_bundle(tmp_path / "lab-window.wsbundle")
    assert bundle.has_capture and bundle.findings[0].id == "tls.reset_after_client_hello"
