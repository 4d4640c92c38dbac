import shutil
import subprocess
from pathlib import Path

import pytest

from installers.linux import runpath


@pytest.mark.parametrize(
    ("relative", "current", "wanted"),
    [
        ("_internal/libx.so", "", "$ORIGIN"),
        ("_internal/python3.11/lib-dynload/_ssl.so", "", "$ORIGIN/../.."),
        (
            "_internal/PySide6/QtGui.abi3.so",
            "$ORIGIN/:$ORIGIN/Qt/lib:$ORIGIN/../shiboken6/",
            "$ORIGIN/:$ORIGIN/Qt/lib:$ORIGIN/../shiboken6/:$ORIGIN/..",
        ),
        ("_internal/libpython3.11.so.1.0", "/root/.pyenv/versions/3.11.7/lib", "$ORIGIN"),
        ("_internal/a/liby.so", "$ORIGIN/../", "$ORIGIN/../"),
    ],
)
def test_runpath_reaches_internal_and_drops_absolute_entries(
    relative: str, current: str, wanted: str
) -> None:
    app = Path("/usr/lib/wiresleuth")
    assert runpath.runpath_for(app / relative, app / "_internal", current) == wanted


def test_patch_app_rewrites_real_libraries(tmp_path: Path) -> None:
    try:
        tool = runpath.patchelf()
    except SystemExit:
        pytest.skip("patchelf is not installed")
    import _ssl

    nested = tmp_path / "_internal" / "python3.11" / "lib-dynload"
    nested.mkdir(parents=True)
    copy = nested / Path(_ssl.__file__).name
    shutil.copy2(_ssl.__file__, copy)
    copy.chmod(0o644)
    assert runpath.patch_app(tmp_path) == 1
    shown = subprocess.run([tool, "--print-rpath", str(copy)], capture_output=True, text=True)
    assert shown.stdout.strip() == "$ORIGIN/../.."
    assert runpath.patch_app(tmp_path) == 0  # already right: nothing rewritten
