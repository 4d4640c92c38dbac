"""Lab tests: tests marked ``lab`` build real namespaces and are skipped, with the reason,
where that is impossible (not Linux, not root, tools missing).

Each lab is named by tests/lab/prefixes.py (the run's WIRESLEUTH_LAB_PREFIX, then the
test's own part), so an engineer's lab and another run of the tests are never touched.
"""

import contextlib
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.lab.prefixes import lab_names
from wiresleuth.errors import LabError
from wiresleuth.lab.lab import Lab, build_lab, check_host, lab_exists, teardown_lab
from wiresleuth.lab.names import LabNames
from wiresleuth.lab.scenario import load_scenario

PRIMITIVES_FILE = Path(__file__).with_name("primitives.toml")


def pytest_runtest_setup(item: pytest.Item) -> None:
    if item.get_closest_marker("lab") is None:
        return
    try:
        check_host()
    except LabError as exc:
        pytest.skip(f"lab test needs a Linux host with root and the lab tools: {exc}")


def fresh_names(lab: str) -> LabNames:
    """Names of the test lab ``lab`` (a key of prefixes.PARTS), removing the leftovers of
    an earlier crashed run."""
    names = lab_names(lab)
    if lab_exists(names):
        teardown_lab(names)
    return names


@contextlib.contextmanager
def scenario_lab(lab: str, scenario: Path) -> Iterator[Lab]:
    """The test lab ``lab`` built from ``scenario`` (skipped, with the reason, where no lab
    can be built), torn down afterwards; a teardown that leaves anything behind fails."""
    try:
        check_host()
    except LabError as exc:
        pytest.skip(f"lab test needs a Linux host with root and the lab tools: {exc}")
    built = build_lab(load_scenario(scenario), fresh_names(lab))
    try:
        yield built
    finally:
        assert built.teardown() == []


@pytest.fixture(scope="session")
def primitives_lab() -> Iterator[Lab]:
    """One lab with every primitive applied (tests/lab/primitives.toml), shared by the tests."""
    check_host()
    names = fresh_names("primitives")
    lab = build_lab(load_scenario(PRIMITIVES_FILE), names)
    try:
        yield lab
    finally:
        errors = lab.teardown()
        assert errors == [], errors
