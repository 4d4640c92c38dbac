"""JSON limits: deep nesting, huge numbers, too many values and invalid escapes are refused
with one plain line before the decoder spends stack or memory (issue 20, items 6 and 8)."""

from __future__ import annotations

import json
import tracemalloc

import pytest

from wiresleuth.errors import BadInput
from wiresleuth.input_files.json_limits import MAX_DEPTH, MAX_ITEMS, check_json, loads_bounded


def test_ordinary_json_reads_as_the_standard_library_reads_it() -> None:
    value = {
        "text": 'brackets [[[{{{ and "quotes" and \\ and \u00e9 and \U0001f600 inside strings',
        "numbers": [0, -1, 1.5e-300, 12345678901234567890, 3.141592653589793],
        "nested": [[[[{"a": [None, True, False]}]]]],
        "digits in a string": "1" * 500,
    }
    for ensure_ascii in (True, False):
        data = json.dumps(value, ensure_ascii=ensure_ascii).encode()
        assert loads_bounded(data) == value


def test_nesting_as_deep_as_the_limit_reads_one_deeper_is_refused() -> None:
    assert loads_bounded(b"[" * MAX_DEPTH + b"]" * MAX_DEPTH) is not None
    with pytest.raises(BadInput, match=f"nested {MAX_DEPTH + 1} levels deep"):
        loads_bounded(b"[" * (MAX_DEPTH + 1) + b"]" * (MAX_DEPTH + 1))


def test_deep_nesting_that_overflows_the_decoder_is_one_line() -> None:
    data = b'{"x": ' + b"[" * 100_000 + b"]" * 100_000 + b"}"
    with pytest.raises(RecursionError):
        json.loads(data)  # what the reader used to do
    with pytest.raises(BadInput, match="nested 100001 levels deep") as caught:
        loads_bounded(data)
    assert "\n" not in str(caught.value)


def test_a_5000_digit_integer_is_refused_not_a_traceback() -> None:
    data = b'{"packets": [' + b"9" * 5000 + b"]}"
    with pytest.raises(ValueError, match="integer string conversion"):
        json.loads(data)  # Python's int-string limit, a foreign error
    with pytest.raises(BadInput, match="a number longer than 40 digits"):
        loads_bounded(data)


def test_too_many_values_are_refused_before_decoding() -> None:
    data = b"[" + b"{}," * MAX_ITEMS + b"{}]"
    tracemalloc.start()
    try:
        with pytest.raises(BadInput, match=f"more than {MAX_ITEMS} values"):
            loads_bounded(data)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    # Decoding would have built two million dicts (some 150 MB); measuring costs a copy.
    assert peak < 3 * len(data)


@pytest.mark.parametrize(
    ("data", "words"),
    [
        (b'{"a": "\\ud800"}', "lone UTF-16 surrogate"),
        (b'{"a": "\\udc00\\ud800"}', "lone UTF-16 surrogate"),
        (b'{"a": "open', "string is not terminated"),
        (b'{"a": 1,}', "not valid JSON"),
        (b"\xff\xfe{}", "not UTF-8"),
    ],
)
def test_invalid_json_is_one_plain_line(data: bytes, words: str) -> None:
    with pytest.raises(BadInput, match=words):
        loads_bounded(data)


def test_an_escaped_backslash_before_u_is_not_a_surrogate() -> None:
    assert loads_bounded(b'["\\\\ud800"]') == ["\\ud800"]
    check_json(b'["\\ud83d\\ude00"]')  # a pair is fine
