"""Prints the tcpdump corpus outcome (analysed / rejected, reasons grouped) after the run."""

from __future__ import annotations

import pytest


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    from tests.capture.test_corpus import SUMMARY

    if SUMMARY:
        terminalreporter.section("capture corpus")
        for line in SUMMARY:
            terminalreporter.write_line(line)
