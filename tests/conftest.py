"""Fixtures every test folder may use (a folder's own conftest or module may override one)."""

from __future__ import annotations

from pathlib import Path

import pytest
import trustme

from tests.probes.loopback_servers import trust_env


@pytest.fixture
def ca(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> trustme.CA:
    """A CA that this computer's trust store (and the public bundle) trust, for this test."""
    ca = trustme.CA()
    for key, value in trust_env(tmp_path, [ca], [ca]).items():
        monkeypatch.setenv(key, value)
    return ca
