"""Each finding ID is concluded in one place: one interpretation declares it, one module
builds it. Two modules concluding the same ID is how a threshold drifts (issue 12)."""

from __future__ import annotations

import ast
from collections import defaultdict
from pathlib import Path

from wiresleuth.diagnosis.registry import CORE_EMITS, INTERPRETATIONS, observation_types
from wiresleuth.model.catalogue import CATALOGUE
from wiresleuth.model.engine_observations import ENGINE, EngineObservations

PACKAGE = Path(__file__).parents[2] / "desktop" / "wiresleuth"


def test_every_finding_id_is_declared_by_exactly_one_interpretation() -> None:
    owners: dict[str, list[str]] = defaultdict(list)
    for interpretation in INTERPRETATIONS:
        for finding_id in interpretation.emits:
            owners[finding_id].append(interpretation.name)
    for finding_id in CORE_EMITS:
        owners[finding_id].append("diagnose")
    shared = {i: names for i, names in owners.items() if len(names) > 1}
    assert shared == {}
    assert set(owners) == set(CATALOGUE), set(owners) ^ set(CATALOGUE)


def _concluded_ids(tree: ast.AST) -> set[str]:
    """IDs a module builds a finding of: a catalogue ID given as ``id=`` or as the first
    argument of a call (``Finding(id=...)``, ``self.finding("...", ...)``), or an f-string
    first argument whose literal start only catalogue IDs share (``f"latency.{kind}"``)."""
    found: set[str] = set()
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        given = [kw.value for kw in node.keywords if kw.arg == "id"] + node.args[:1]
        for value in given:
            if isinstance(value, ast.Constant) and value.value in CATALOGUE:
                found.add(value.value)
            elif isinstance(value, ast.JoinedStr) and value.values:
                head = value.values[0]
                if isinstance(head, ast.Constant) and isinstance(head.value, str):
                    prefix = head.value
                    if prefix.endswith(".") and any(i.startswith(prefix) for i in CATALOGUE):
                        found |= {i for i in CATALOGUE if i.startswith(prefix)}
    return found


def test_every_finding_id_is_built_in_exactly_one_module() -> None:
    modules: dict[str, set[str]] = defaultdict(set)
    for path in PACKAGE.rglob("*.py"):
        if path.name == "catalogue.py" or "lab" in path.relative_to(PACKAGE).parts:
            continue  # the catalogue describes them; the lab's expectations name them
        for finding_id in _concluded_ids(ast.parse(path.read_text(encoding="utf-8"))):
            modules[finding_id].add(str(path.relative_to(PACKAGE)))
    shared = {i: sorted(m) for i, m in modules.items() if len(m) > 1}
    assert shared == {}
    assert set(modules) == set(CATALOGUE), set(CATALOGUE) - set(modules)


def test_the_scan_sees_a_second_module_concluding_an_id() -> None:
    twice = ast.parse('Finding(id="tls.fatal_alert")\nmake("path.dscp_marked", 1)')
    assert _concluded_ids(twice) == {"tls.fatal_alert", "path.dscp_marked"}
    assert _concluded_ids(ast.parse('x(f"latency.{kind}")')) == {
        "latency.path", "latency.server", "latency.client",
    }  # fmt: skip
    assert _concluded_ids(ast.parse('f.id == "tls.fatal_alert"')) == set()


def test_each_observation_key_is_read_back_as_one_type() -> None:
    types = observation_types()
    assert types[ENGINE] is EngineObservations
    assert len({i.name for i in INTERPRETATIONS}) == len(INTERPRETATIONS)


def test_what_a_capture_taken_elsewhere_can_show_is_among_what_is_declared() -> None:
    for interpretation in INTERPRETATIONS:
        assert interpretation.from_capture <= interpretation.emits, interpretation.name
        assert interpretation.about, interpretation.name
