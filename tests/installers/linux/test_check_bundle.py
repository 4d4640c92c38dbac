from pathlib import Path

from installers.linux import check_bundle
from tests.bundle.sample_runs import captured_run, uncaptured_run
from wiresleuth.bundle.writer import write_bundle


def test_a_captured_bundle_of_this_version_passes(tmp_path: Path) -> None:
    (tmp_path / "capture").mkdir()
    run = captured_run(tmp_path / "capture")
    bundle = write_bundle(run, tmp_path / "run.wsbundle")
    port = run.connections[0].server_port
    assert check_bundle.problems(bundle, want_capture=True, port=port) == []


def test_what_the_smoke_test_must_not_accept_is_named(tmp_path: Path) -> None:
    bundle = write_bundle(uncaptured_run(), tmp_path / "bare.wsbundle")
    found = check_bundle.problems(bundle, want_capture=True, port=1)
    assert any(p.startswith("no capture in the bundle") for p in found)
    assert any(p.startswith("no connection to port 1") for p in found)
