"""Name resolution: a name DNS cannot carry is an observation with a plain reason, not a crash."""

from __future__ import annotations

import asyncio

import pytest

from wiresleuth.probes.resolve import resolve


@pytest.mark.parametrize(
    ("host", "reason"),
    [
        ("a" * 70 + ".example", "has 70 characters; DNS allows 63 between dots"),
        ("a..example", "empty part between two dots"),
    ],
)
def test_a_name_the_idna_codec_refuses_is_an_error_in_words(host: str, reason: str) -> None:
    found = asyncio.run(resolve(host, timeout=2.0))
    assert found.addresses == ()
    assert found.error is not None and reason in found.error


def test_a_literal_resolves_to_itself() -> None:
    found = asyncio.run(resolve("127.0.0.1", timeout=2.0))
    assert found.addresses == ("127.0.0.1",) and found.error is None
