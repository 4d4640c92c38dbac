"""Every lab the tests build is named from the run's WIRESLEUTH_LAB_PREFIX (prefixes.py)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from tests.lab.prefixes import PARTS, lab_names, lab_prefix
from wiresleuth.lab.names import PREFIX_ENV

TESTS = Path(__file__).parents[1]


def test_two_runs_with_their_own_prefixes_share_no_namespace(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    spaces: dict[str, set[str]] = {}
    for run in ("pol-", "ann-"):
        monkeypatch.setenv(PREFIX_ENV, run)
        spaces[run] = {ns for lab in PARTS for ns in lab_names(lab).all_namespaces}
        assert all(ns.startswith(run) for ns in spaces[run])
        assert lab_prefix("primitives") == run + PARTS["primitives"]
    assert not spaces["pol-"] & spaces["ann-"]


def test_the_labs_of_one_run_are_all_apart(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(PREFIX_ENV, raising=False)
    assert len(set(PARTS.values())) == len(PARTS)
    assert "" not in {lab_prefix(lab) for lab in PARTS}, "an engineer's own lab has no prefix"


def _prefix_literals(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return [
        f"{path.relative_to(TESTS)}:{node.lineno}: {node.value!r}"
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant)
        and isinstance(node.value, str)
        and node.value in PARTS.values()
    ]


def test_no_test_names_a_lab_by_a_fixed_prefix() -> None:
    """A fixed prefix ignored WIRESLEUTH_LAB_PREFIX, so two runs tore down each other's labs
    (the primitives', topology's, lab CLI's, window's and results page's): only prefixes.py
    spells the parts."""
    found = [
        hit
        for path in sorted(TESTS.rglob("*.py"))
        if path.name != "prefixes.py"
        for hit in _prefix_literals(path)
    ]
    assert found == []


def test_a_lab_not_named_here_is_refused_with_where_to_name_it() -> None:
    with pytest.raises(LookupError, match=r"tests/lab/prefixes\.py"):
        lab_prefix("a-new-lab")
