"""codesign, hdiutil and notarytool are macOS-only: the recipe is checked for shape here."""

import plistlib
import shutil
import subprocess
from pathlib import Path

import pytest

MACOS = Path(__file__).resolve().parents[3] / "installers" / "macos"


def test_entitlements_are_a_plist_with_only_what_ctypes_needs() -> None:
    entitlements = plistlib.loads((MACOS / "entitlements.plist").read_bytes())
    assert entitlements == {"com.apple.security.cs.allow-unsigned-executable-memory": True}


def test_the_script_signs_inside_out_then_builds_notarises_and_staples() -> None:
    script = (MACOS / "sign_and_notarize.sh").read_text()
    order = [
        "--options runtime --sign",
        '--entitlements "$entitlements"',
        "codesign --verify --deep --strict",
        "hdiutil create",
        "xcrun notarytool submit",
        "xcrun stapler staple",
    ]
    positions = [script.index(step) for step in order]
    assert positions == sorted(positions)


@pytest.mark.parametrize("name", ["sign_and_notarize.sh", "import_certificate.sh"])
def test_scripts_parse_and_pass_shellcheck(name: str) -> None:
    assert subprocess.run(["bash", "-n", str(MACOS / name)]).returncode == 0
    if shutil.which("shellcheck") is None:
        pytest.skip("shellcheck is not installed")
    done = subprocess.run(["shellcheck", str(MACOS / name)], capture_output=True, text=True)
    assert done.returncode == 0, done.stdout


def test_signing_refuses_an_app_without_its_licences(tmp_path: Path) -> None:
    script = Path(__file__).resolve().parents[3] / "installers/macos/sign_and_notarize.sh"
    app = tmp_path / "WireSleuth.app"
    (app / "Contents/Resources").mkdir(parents=True)
    done = subprocess.run(
        ["bash", str(script), str(app), str(tmp_path / "x.dmg")],
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert done.returncode == 2 and "THIRD-PARTY-NOTICES.txt is missing" in done.stderr
