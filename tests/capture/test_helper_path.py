"""Where the capture helper is looked for, and what this user may do with it."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from wiresleuth.capture import helper_path
from wiresleuth.capture.helper_path import (
    CAP_NET_RAW,
    HELPER_ENV,
    INSTALLED_HELPER,
    candidates,
    file_capabilities,
    find_helper,
    helper_facts,
    is_packaged,
)


def test_the_lookup_order(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv(HELPER_ENV, raising=False)
    assert candidates() == [INSTALLED_HELPER, Path(sys.prefix) / "libexec" / "wiresleuth-capture"]
    monkeypatch.setattr(sys, "frozen", True, raising=False)
    monkeypatch.setattr(sys, "executable", str(tmp_path / "wiresleuth"))
    assert candidates()[:2] == [tmp_path / "wiresleuth-capture", INSTALLED_HELPER]
    monkeypatch.setenv(HELPER_ENV, str(tmp_path / "mine"))
    assert candidates() == [tmp_path / "mine"]  # named: that one or none
    assert find_helper() is None
    (tmp_path / "mine").write_bytes(b"")
    assert find_helper() == tmp_path / "mine"


def test_packaged_means_the_package_folder_or_beside_the_frozen_program(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    beside = tmp_path / "wiresleuth-capture"
    beside.write_bytes(b"")
    assert is_packaged(INSTALLED_HELPER)
    assert not is_packaged(beside)  # a source checkout's build
    monkeypatch.setattr(sys, "frozen", True, raising=False)
    monkeypatch.setattr(sys, "executable", str(tmp_path / "wiresleuth"))
    assert is_packaged(beside)


def test_file_capabilities_are_read_from_the_file(tmp_path: Path) -> None:
    plain = tmp_path / "plain"
    plain.write_bytes(b"")
    assert file_capabilities(plain) == 0
    if os.geteuid() != 0 or shutil.which("setcap") is None:
        pytest.skip("setting a file capability needs root and setcap (libcap2-bin)")
    subprocess.run(["setcap", "cap_net_raw=ep", str(plain)], check=True)
    assert file_capabilities(plain) == 1 << CAP_NET_RAW


def test_facts_of_this_process(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    helper = tmp_path / "wiresleuth-capture"
    helper.write_bytes(b"")
    helper.chmod(0o755)
    monkeypatch.setattr(helper_path, "GROUP", "root")  # a group that exists everywhere
    facts = helper_facts(helper)
    assert facts.path == helper and facts.executable and not facts.packaged
    assert not facts.capture_right and facts.group_exists
    assert facts.user  # listed_in_group reads the member list, which is empty for 'root':
    assert facts.listed_in_group is False
    assert helper_facts(tmp_path / "missing").executable is False
