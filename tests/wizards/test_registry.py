"""Every wizard declares what it observes, as a model type that a bundle can give back."""

from __future__ import annotations

import dataclasses

from tests.model.test_jsonable import TYPES
from wiresleuth.diagnosis.registry import INTERPRETATIONS
from wiresleuth.wizards.registry import all_wizards


def test_every_wizard_declares_a_model_observation_type() -> None:
    for wizard in all_wizards():
        kind = wizard.observation_type
        assert dataclasses.is_dataclass(kind), wizard.id
        assert kind.__module__.startswith("wiresleuth.model."), (wizard.id, kind)
        assert kind in TYPES, f"{kind.__name__} is not among the round-tripped model types"


def test_wizards_needing_or_using_others_come_after_them() -> None:
    """The engine refuses a run listing a wizard before one it needs or uses."""
    seen: set[str] = set()
    for wizard in all_wizards():
        assert {*wizard.needs, *wizard.uses} <= seen, wizard.id
        seen.add(wizard.id)


def test_every_wizard_has_its_interpretation_reading_its_observation_type() -> None:
    interpretations = {i.name: i for i in INTERPRETATIONS}
    for wizard in all_wizards():
        assert wizard.id in interpretations, f"{wizard.id} has no interpretation in diagnosis"
        assert interpretations[wizard.id].observation_type() is wizard.observation_type, wizard.id
