"""Every file of tcpdump's test suite: analysed, or rejected with a clear CaptureFileError.

Many of these files are deliberately malformed (fuzzer crashers, truncated headers, odd link
types). None may raise anything else or hang; a summary of the outcome is printed at the end.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.capture.corpora import corpus, names
from wiresleuth.analysis.flows import assemble_flows
from wiresleuth.analysis.timeline import build_timelines
from wiresleuth.capture.pcap_file import read_capture
from wiresleuth.errors import CaptureFileError

CORPUS = "tcpdump-tests"


class Tally:
    def __init__(self) -> None:
        self.analysed = 0
        self.flows = 0
        self.rejected: Counter[str] = Counter()


SUMMARY: list[str] = []
"""Lines for the end-of-run summary (printed by conftest's pytest_terminal_summary)."""


@pytest.fixture(scope="module")
def tally() -> Iterator[Tally]:
    result = Tally()
    yield result
    SUMMARY.append(
        f"tcpdump corpus: {result.analysed} files analysed ({result.flows} TCP connections), "
        f"{sum(result.rejected.values())} rejected:"
    )
    SUMMARY.extend(f"  {count:4d}  {reason}" for reason, count in result.rejected.most_common())


def _reason(message: str, name: str) -> str:
    """The kind of rejection (without the file name and the advice after ';'), to group them."""
    return message.replace(name, "FILE").split(";")[0][:110]


@pytest.mark.timeout(20)
@pytest.mark.parametrize("name", names(CORPUS))
def test_file_is_analysed_or_rejected_clearly(name: str, tally: Tally) -> None:
    path: Path = corpus(CORPUS) / name
    try:
        capture = read_capture(path)
    except CaptureFileError as exc:
        message = str(exc)
        assert name in message, f"the message should name the file: {message}"
        assert len(message) > len(name) + 20 and "Traceback" not in message
        tally.rejected[_reason(message, name)] += 1
        return
    numbers = [r.number for r in capture.records]
    assert numbers == sorted(set(numbers))
    assert all(1 <= n <= capture.packets for n in numbers)
    assert capture.skipped == capture.packets - len(capture.records)
    flows = assemble_flows(capture.records)
    connections = build_timelines(flows)
    known = set(numbers)
    for connection in connections:
        assert set(connection.packets) <= known
        assert all(e.packet is None or e.packet in known for e in connection.events)
        assert list(connection.events) == sorted(connection.events, key=lambda e: e.time)
    tally.analysed += 1
    tally.flows += len(flows)
