"""Made-up names are told by randomness where people choose names, not by one shape."""

from __future__ import annotations

import pytest

from wiresleuth.analysis.made_up_names import made_up, registered_label, unlikely


@pytest.mark.parametrize(
    "name",
    [
        "3439ur09dhiolh32ljha.net.",
        "qwhzkpxlvr.",
        "mzqplrkxw.",
        "www.x7k2m9q4z8.com",
        "b8f3k1x9z2.co.uk",
    ],
)
def test_random_registered_labels_and_single_labels_are_made_up(name: str) -> None:
    assert made_up(name) is not None


@pytest.mark.parametrize(
    "name",
    [
        "www.google.com.",
        "d1a2b3c4d5e6.cloudfront.net.",  # random below a registered domain: a CDN's
        "r3---sn-4g5e6nez.googlevideo.com.",
        "e1234.dscb.akamaiedge.net.",
        "angstrom.com.",
        "strengthsfinder.com.",
        "web2print.de.",
        "365scores.com.",
        "1und1.de.",
        "printer.",
        "bbc.co.uk.",
    ],
)
def test_names_people_chose_are_not(name: str) -> None:
    assert made_up(name) is None


def test_the_looser_test_for_many_names_alike() -> None:
    assert unlikely("abefihol.") and unlikely("angstrom.com.")
    assert not unlikely("localhost.") and not unlikely("www.example.com.")


def test_registered_label() -> None:
    assert registered_label("a.b.example.co.uk.") == "example"
    assert registered_label("x.example.com") == "example"
    assert registered_label("single.") == "single"
