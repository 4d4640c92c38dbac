"""Fixtures every test folder may use (a folder's own conftest or module may override one)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import trustme

from tests.probes.loopback_servers import refusing_port, trust_env


@pytest.fixture
def ca(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> trustme.CA:
    """A CA that this computer's trust store (and the public bundle) trust, for this test."""
    ca = trustme.CA()
    for key, value in trust_env(tmp_path, [ca], [ca]).items():
        monkeypatch.setenv(key, value)
    return ca


@pytest.fixture
def trusted_sender(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> tuple[trustme.CA, dict[str, str]]:
    """A CA this computer trusts (as a helpdesk deploys its inbox's), in this process and
    for the commands it starts (the environment returned), and no desktop or environment
    proxy setting that could steer an upload."""
    ca = trustme.CA()
    (tmp_path / "trust").mkdir()
    env = {**trust_env(tmp_path / "trust", [ca], [ca]), "XDG_CURRENT_DESKTOP": "none"}
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    for name in ("http_proxy", "https_proxy", "all_proxy", "no_proxy"):
        monkeypatch.delenv(name, raising=False)
        monkeypatch.delenv(name.upper(), raising=False)
    return ca, env


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A fresh HOME and XDG folders, so the window finds no user profile and saves here."""
    folder = tmp_path / "home"
    (folder / "Desktop").mkdir(parents=True)
    monkeypatch.setenv("HOME", str(folder))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(folder / ".config"))
    monkeypatch.setenv("XDG_DESKTOP_DIR", str(folder / "Desktop"))
    return folder


@pytest.fixture
def refused_port() -> Iterator[int]:
    """A TCP port that refuses connections on every loopback address for the whole test,
    held so that no parallel test's server can take it (``refusing_port``)."""
    with refusing_port() as port:
        yield port
