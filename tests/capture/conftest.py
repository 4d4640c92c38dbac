"""The tcpdump corpus outcome (printed after the run) and the freshly compiled capture helper."""

from __future__ import annotations

from pathlib import Path

import pytest

from wiresleuth.capture.helper_path import HELPER_ENV


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    from tests.capture.test_corpus import SUMMARY

    if SUMMARY:
        terminalreporter.section("capture corpus")
        for line in SUMMARY:
            terminalreporter.write_line(line)


@pytest.fixture(scope="session")
def capture_helper(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The Linux capture helper compiled from this checkout (skips without gcc/libpcap-dev)."""
    from tests.capture_helper.build import compile_helper

    return compile_helper(tmp_path_factory.mktemp("helper"))


@pytest.fixture
def use_helper(capture_helper: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Sessions in this test start the freshly compiled helper (not whatever is installed)."""
    monkeypatch.setenv(HELPER_ENV, str(capture_helper))
    return capture_helper
