"""Older bundles are upgraded step by step; every format version has a committed sample."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest

from wiresleuth.bundle.compat import CONVERTERS, BundleContents, check_version, upgrade
from wiresleuth.bundle.manifest import FORMAT_VERSION
from wiresleuth.bundle.reader import read_bundle
from wiresleuth.errors import BundleError

from .conftest import SAMPLES


def _contents(version: Any = 1) -> BundleContents:
    return {
        "manifest": {
            "format": "wiresleuth-bundle",
            "format_version": version,
            "program_version": "0.1.0",
        },
        "report": {"findings": [{"id": "tls.fatal_alert", "severity": "problem"}]},
        "system": {},
        "log": "",
    }


def test_every_format_version_has_a_sample_that_reads() -> None:
    for version in range(1, FORMAT_VERSION + 1):
        sample = SAMPLES / f"format-{version}.wsbundle"
        assert sample.is_file(), f"commit a sample bundle of format {version}: {sample}"
        bundle = read_bundle(sample)
        assert bundle.manifest["format_version"] == FORMAT_VERSION
        assert bundle.findings, sample


def test_every_older_version_has_a_converter() -> None:
    assert sorted(CONVERTERS) == list(range(1, FORMAT_VERSION))


def test_current_version_is_returned_unchanged() -> None:
    contents = _contents()
    assert upgrade(copy.deepcopy(contents)) == contents


def _convert_1_2(contents: BundleContents) -> BundleContents:
    for finding in contents["report"]["findings"]:
        finding["confidence"] = "high"
    contents["manifest"]["format_version"] = 2
    return contents


def _convert_2_3(contents: BundleContents) -> BundleContents:
    for finding in contents["report"]["findings"]:
        finding["level"] = finding.pop("severity")
    contents["manifest"]["format_version"] = 3
    return contents


def test_steps_run_in_order_up_to_the_current_version() -> None:
    upgraded = upgrade(_contents(1), current=3, converters={1: _convert_1_2, 2: _convert_2_3})
    assert upgraded["manifest"]["format_version"] == 3
    assert upgraded["report"]["findings"] == [
        {"id": "tls.fatal_alert", "confidence": "high", "level": "problem"}
    ]


def test_a_missing_step_is_an_error() -> None:
    with pytest.raises(BundleError, match=r"cannot read bundle format 2: no upgrade step"):
        upgrade(_contents(1), current=3, converters={1: _convert_1_2})


def test_a_step_that_does_not_advance_is_an_error() -> None:
    def stuck(contents: BundleContents) -> BundleContents:
        return contents

    with pytest.raises(BundleError, match=r"did not advance"):
        upgrade(_contents(1), current=2, converters={1: stuck})


def test_a_newer_bundle_names_the_program_that_made_it() -> None:
    contents = _contents(FORMAT_VERSION + 1)
    contents["manifest"]["program_version"] = "2.3.0"
    with pytest.raises(BundleError, match=r"made by a newer WireSleuth 2\.3\.0.*Update WireSleuth"):
        upgrade(contents)


@pytest.mark.parametrize("version", [0, -1, "1", 1.0, None, True])
def test_a_version_that_is_not_a_positive_integer_is_damage(version: Any) -> None:
    with pytest.raises(BundleError, match=r"format_version .* is not a positive integer"):
        check_version({"format_version": version})


def test_sample_bundles_are_named_by_format() -> None:
    names = sorted(p.name for p in Path(SAMPLES).glob("*.wsbundle"))
    assert names == [f"format-{v}.wsbundle" for v in range(1, FORMAT_VERSION + 1)]
