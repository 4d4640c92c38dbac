"""Fixtures of the command tests."""

from __future__ import annotations

from pathlib import Path

import pytest
import trustme

from tests.probes.loopback_servers import trust_env


@pytest.fixture
def lab_env(tmp_path: Path) -> tuple[trustme.CA, dict[str, str]]:
    """A CA for loopback TLS servers, and the environment for the program as a child: it
    trusts that CA, and its temp folder is ``tmp_path / "tmp"`` (empty), so a test sees
    every scratch file the program leaves behind."""
    ca = trustme.CA()
    scratch = tmp_path / "tmp"
    scratch.mkdir()
    return ca, {**trust_env(tmp_path, [ca], [ca]), "TMPDIR": str(scratch)}
