"""Single values in report.html: times, durations, nested JSON, all escaped."""

from __future__ import annotations

import pytest

from wiresleuth.report.html_values import (
    MAX_DEPTH,
    duration_text,
    esc,
    facts_html,
    timing_text,
    utc_time,
    value_html,
)


@pytest.mark.parametrize(
    ("seconds", "text"),
    [(0.0003, "0.30 ms"), (0.1012, "101.2 ms"), (3.0023, "3.00 s"), (0.0, "0.00 ms")],
)
def test_duration_text(seconds: float, text: str) -> None:
    assert duration_text(seconds) == text


def test_timings_above_2001_are_instants_below_are_durations() -> None:
    assert timing_text(1714555800.102) == "09:30:00.102 UTC"
    assert timing_text(3.2) == "3.20 s"
    assert timing_text("soon") == "soon"
    assert timing_text(None) == "None"
    assert utc_time(1714555800.5, date=True) == "2024-05-01 09:30:00.500 UTC"


def test_records_become_tables_and_mappings_key_value_lists() -> None:
    html = value_html([{"name": "eth0", "mtu": 1500}, {"name": "lo", "up": True}])
    assert "<th>name</th><th>mtu</th><th>up</th>" in html
    assert "<td>lo</td><td>—</td><td>yes</td>" in html
    assert value_html({"servers": ["198.18.0.53", "198.18.0.54"]}) == (
        '<dl class="kv"><dt>servers</dt><dd>198.18.0.53, 198.18.0.54</dd></dl>'
    )
    assert value_html("line 1\nline 2") == "<pre>line 1\nline 2</pre>"
    assert value_html({}) == "—"


def test_deep_nesting_falls_back_to_compact_json() -> None:
    deep: object = "<leaf>"
    for _ in range(MAX_DEPTH + 2):
        deep = {"k": [deep, 1]}
    html = value_html(deep)
    assert "<code>" in html
    assert "<leaf>" not in html and "&lt;leaf&gt;" in html


def test_escaping() -> None:
    assert esc('<a href="x">\'&') == "&lt;a href=&quot;x&quot;&gt;&#x27;&amp;"
    assert facts_html([("<k>", "<v>")], "L<") == (
        '<div class="facts"><span class="note">L&lt;</span>'
        '<span class="fact"><b>&lt;k&gt;</b> &lt;v&gt;</span></div>'
    )
    assert facts_html([]) == ""


@pytest.mark.parametrize(
    ("value", "text"),
    [
        ([1460], "1460"),
        (["capture", "socket"], "capture, socket"),
        ({"AF41 (34)": 37}, "AF41 (34): 37"),
        ([[0, 4096], [8192, 12288]], "0–4096; 8192–12288"),
        ({"a": [1, 2, 3]}, "a: 1, 2, 3"),
        ([], "—"),
        ({"deep": {"er": {"est": 1}}}, 'deep: er: {"est": 1}'),
        (True, "yes"),
    ],
)
def test_values_read_as_a_person_writes_them(value: object, text: str) -> None:
    from wiresleuth.report.html_values import plain

    assert plain(value) == text
