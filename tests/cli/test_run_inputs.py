"""What ``run`` and ``watch`` are given: one reading of the profile and targets for both."""

from __future__ import annotations

import argparse
import re
import socket
import time
from pathlib import Path

import pytest

from wiresleuth.cli import run_inputs
from wiresleuth.errors import BadInput
from wiresleuth.profile.locate import Origin


def parse(*argv: str) -> argparse.Namespace:
    parser = argparse.ArgumentParser()
    run_inputs.add_options(parser, doing="test")
    return parser.parse_args(argv)


def test_the_options_read_as_typed(tmp_path: Path) -> None:
    args = parse("--profile", str(tmp_path / "p.toml"), "--target", "a.lab.test:443",
                 "--target", "https://b.lab.test/", "--out", "x.wsbundle", "--no-capture")  # fmt: skip
    assert args.profile == tmp_path / "p.toml" and args.out == Path("x.wsbundle")
    assert args.target == ["a.lab.test:443", "https://b.lab.test/"] and args.no_capture


def test_targets_on_the_command_line_replace_the_built_in_sites(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path))  # no profile in the config folder
    located, extra = run_inputs.located_profile(parse("--target", "a.lab.test:443"))
    assert located.origin is Origin.COMMAND_LINE and located.profile.targets == ()
    assert [t.host for t in extra] == ["a.lab.test"]


def test_a_profile_with_no_site_and_no_target_is_refused(tmp_path: Path) -> None:
    profile = tmp_path / "p.toml"
    profile.write_text('[helpdesk]\nname = "Desk"\n')
    with pytest.raises(
        BadInput, match=r"nothing to test: the profile \(.*p\.toml \(command line\)\) names no site"
    ):
        run_inputs.located_profile(parse("--profile", str(profile)))


def test_profile_sites_and_extra_targets_are_both_kept(tmp_path: Path) -> None:
    profile = tmp_path / "p.toml"
    profile.write_text('targets = ["a.lab.test:443"]\n')
    located, extra = run_inputs.located_profile(
        parse("--profile", str(profile), "--target", "b.lab.test:443")
    )
    assert located.origin is Origin.COMMAND_LINE and located.path == profile
    assert [t.host for t in located.profile.targets] == ["a.lab.test"]
    assert [t.host for t in extra] == ["b.lab.test"]


def test_default_names_carry_kind_host_and_local_time() -> None:
    when = time.mktime((2026, 12, 5, 15, 4, 5, 0, 0, -1))
    host = re.sub(r"[^A-Za-z0-9_-]", "-", socket.gethostname()) or "host"
    assert run_inputs.default_bundle_name(when) == f"wiresleuth-{host}-20261205-150405.wsbundle"
    assert (
        run_inputs.default_bundle_name(when, kind="watch")
        == f"wiresleuth-watch-{host}-20261205-150405.wsbundle"
    )
