"""Lab tests: tests marked ``lab`` build real namespaces and are skipped, with the reason,
where that is impossible (not Linux, not root, tools missing).

They use their own name prefixes, so an engineer's lab (default prefix) is never touched.
"""

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from wiresleuth.errors import LabError
from wiresleuth.lab.lab import Lab, build_lab, check_host, lab_exists, teardown_lab
from wiresleuth.lab.names import PREFIX_ENV, LabNames
from wiresleuth.lab.scenario import load_scenario

PRIMITIVES_FILE = Path(__file__).with_name("primitives.toml")
PRIMITIVES_PREFIX = os.environ.get(PREFIX_ENV, "") + "wst-"
"""Prefix of the shared lab the primitive tests run against (after the engineer's own
``WIRESLEUTH_LAB_PREFIX``, so two engineers' test runs never tear down each other's lab)."""


def pytest_runtest_setup(item: pytest.Item) -> None:
    if item.get_closest_marker("lab") is None:
        return
    try:
        check_host()
    except LabError as exc:
        pytest.skip(f"lab test needs a Linux host with root and the lab tools: {exc}")


def fresh_names(prefix: str) -> LabNames:
    """Names for a test lab, removing the leftovers of an earlier crashed test run."""
    names = LabNames(prefix=prefix)
    if lab_exists(names):
        teardown_lab(names)
    return names


@pytest.fixture(scope="session")
def primitives_lab() -> Iterator[Lab]:
    """One lab with every primitive applied (tests/lab/primitives.toml), shared by the tests."""
    check_host()
    names = fresh_names(PRIMITIVES_PREFIX)
    lab = build_lab(load_scenario(PRIMITIVES_FILE), names)
    try:
        yield lab
    finally:
        errors = lab.teardown()
        assert errors == [], errors
