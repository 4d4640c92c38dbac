import re
from pathlib import Path

from wiresleuth.gui.save_contents import bundle_contents, default_save_path
from wiresleuth.model.run import RunResult


def test_the_contents_name_every_member_and_the_capture_filter(engine_run: RunResult) -> None:
    members = {m.name: m.what for m in bundle_contents(engine_run)}
    assert {"report.html", "report.json", "system.json", "log.txt"} <= set(members)
    assert f"{len(engine_run.findings)} finding" in members["report.json"]
    if engine_run.capture_file is not None:
        assert str(engine_run.capture.filter) in members["capture.pcapng"]
        assert f"{engine_run.capture.packets} packets" in members["capture.pcapng"]
    else:
        assert "capture.pcapng" not in members


def test_the_default_is_the_desktop_with_host_and_time(home: Path) -> None:
    path = default_save_path(now=1714555800.0)
    assert path.parent == home / "Desktop"
    assert re.fullmatch(r"wiresleuth-[\w-]+-\d{8}-\d{6}\.wsbundle", path.name)


def test_without_a_desktop_the_home_folder(home: Path) -> None:
    (home / "Desktop").rmdir()
    assert default_save_path().parent == home
