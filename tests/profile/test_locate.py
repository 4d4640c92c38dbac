from pathlib import Path

import pytest

from wiresleuth.errors import ProfileError
from wiresleuth.profile.locate import (
    PROFILE_NAME,
    Origin,
    executable_dirs,
    find_logo,
    locate_profile,
    user_config_dir,
)


def profile_text(desk: str) -> str:
    return f'targets = ["https://{desk}.lab.test/"]\n[helpdesk]\nname = "{desk}"\n'


@pytest.fixture
def places(tmp_path: Path) -> tuple[Path, Path, Path]:
    beside, config, given = tmp_path / "app", tmp_path / "config", tmp_path / "given.toml"
    beside.mkdir()
    config.mkdir()
    return beside, config, given


def test_the_command_line_wins_over_everything(places) -> None:
    beside, config, given = places
    given.write_text(profile_text("given"))
    (beside / PROFILE_NAME).write_text(profile_text("beside"))
    (config / PROFILE_NAME).write_text(profile_text("config"))
    located = locate_profile(given, beside=[beside], config_dir=config)
    assert located.origin is Origin.COMMAND_LINE
    assert located.profile.helpdesk.name == "given"
    assert located.describe() == f"{given} (command line)"


def test_beside_the_program_comes_before_the_user_config(places) -> None:
    beside, config, _ = places
    (beside / PROFILE_NAME).write_text(profile_text("beside"))
    (config / PROFILE_NAME).write_text(profile_text("config"))
    located = locate_profile(beside=[beside], config_dir=config)
    assert (located.origin, located.profile.helpdesk.name) == (Origin.BESIDE_EXECUTABLE, "beside")
    assert located.path == beside / PROFILE_NAME


def test_the_user_config_comes_before_the_default(places) -> None:
    beside, config, _ = places
    (config / PROFILE_NAME).write_text(profile_text("config"))
    located = locate_profile(beside=[beside], config_dir=config)
    assert (located.origin, located.profile.helpdesk.name) == (Origin.USER_CONFIG, "config")
    assert "your settings folder" in located.describe()


def test_nothing_found_gives_the_built_in_default(places) -> None:
    beside, config, _ = places
    located = locate_profile(beside=[beside], config_dir=config)
    assert located.origin is Origin.BUILT_IN and located.path is None
    assert located.profile.targets  # the default tests some well-known sites
    assert located.describe() == "built-in default"


def test_a_broken_profile_is_an_error_not_a_silent_default(places) -> None:
    beside, config, _ = places
    (beside / PROFILE_NAME).write_text("targets = [1]\n")
    (config / PROFILE_NAME).write_text(profile_text("config"))
    with pytest.raises(ProfileError, match=r"line 1"):
        locate_profile(beside=[beside], config_dir=config)


def test_a_place_that_cannot_be_looked_into_is_an_error_not_a_silent_default(places) -> None:
    beside, _, _ = places
    unreachable = beside / ("x" * 300)  # too long a name: the lookup fails, not "absent"
    with pytest.raises(ProfileError, match="cannot look for a profile at"):
        locate_profile(beside=[beside], config_dir=unreachable)


def test_the_logo_is_found_beside_the_profile_it_came_with(places) -> None:
    beside, config, _ = places
    (beside / PROFILE_NAME).write_text(profile_text("beside"))
    located = locate_profile(beside=[beside], config_dir=config)
    assert find_logo(located) is None
    (beside / "helpdesk-logo.png").write_bytes(b"\x89PNG\r\n\x1a\n")
    assert find_logo(located) == beside / "helpdesk-logo.png"
    assert find_logo(locate_profile(beside=[], config_dir=config)) is None


def test_from_source_nothing_counts_as_beside_the_program() -> None:
    assert executable_dirs() == []


def test_frozen_on_macos_the_bundle_resources_count_too(monkeypatch, tmp_path: Path) -> None:
    exe = tmp_path / "WireSleuth.app" / "Contents" / "MacOS" / "wiresleuth"
    exe.parent.mkdir(parents=True)
    exe.write_bytes(b"")
    monkeypatch.setattr("sys.frozen", True, raising=False)
    monkeypatch.setattr("sys.executable", str(exe))
    monkeypatch.setattr("sys.platform", "darwin")
    assert executable_dirs() == [exe.parent.resolve(), exe.parent.resolve().parent / "Resources"]
    monkeypatch.setattr("sys.platform", "linux")
    assert executable_dirs() == [exe.parent.resolve()]


def test_the_user_config_dir_is_the_platforms(monkeypatch, tmp_path: Path) -> None:
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path))
    if not str(user_config_dir()).startswith(str(tmp_path)):
        pytest.skip("platformdirs ignores XDG_CONFIG_HOME on this platform")
    assert user_config_dir() == tmp_path / "WireSleuth"


def test_a_run_uses_the_settings_folder_profile_and_says_so(tmp_path: Path) -> None:
    import os
    import subprocess
    import sys

    import trustme

    from tests.probes.loopback_servers import LoopbackServer, tls_ok, trust_env

    ca = trustme.CA()
    folder = tmp_path / "config" / "WireSleuth"
    folder.mkdir(parents=True)
    (folder / PROFILE_NAME).write_text(
        '[helpdesk]\nname = "Desk"\n[budgets]\nrun = 20\nconnect = 1\ntls_handshake = 2\nicmp = 0.3\n'
    )
    env = {
        **os.environ,
        **trust_env(tmp_path, [ca], [ca]),
        "XDG_CONFIG_HOME": str(tmp_path / "config"),
    }
    with LoopbackServer(tls_ok(ca)) as server:
        done = subprocess.run(
            [sys.executable, "-m", "wiresleuth", "run", "--target", f"localhost:{server.port}",
             "--out", str(tmp_path / "b.wsbundle"), "--no-capture", "--quiet"],
            capture_output=True, text=True, timeout=60, env=env, stdin=subprocess.DEVNULL,
            check=False,
        )  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr
    assert f"Profile used: {folder / PROFILE_NAME} (your settings folder)" in done.stdout
