"""agent: parameters are checked; the process renames itself (pure and local parts)."""

from __future__ import annotations

import pytest

from wiresleuth.lab.faults.agent import Agent
from wiresleuth.lab.params import ParamError
from wiresleuth.lab.scenario import load_scenario


def test_c7_declares_the_agent_and_the_hold() -> None:
    scenario = load_scenario("C7")
    agent = next(f for f in scenario.faults if isinstance(f, Agent))
    assert (agent.address, agent.port, agent.name, agent.unanswered) == (
        "100.64.1.74", 5274, "ds_agent", True,
    )  # fmt: skip
    assert "SYNs unanswered" in agent.describe()


@pytest.mark.parametrize(
    ("changes", "key"),
    [
        ({"address": "10.0.0.1"}, "address"),
        ({"port": 0}, "port"),
        ({"interval": 0.0}, "interval"),
        ({"name": "a name that is far too long"}, "name"),
        ({"name": "bad;name"}, "name"),
        ({"namespace": "elsewhere"}, "namespace"),
    ],
)
def test_bad_parameters_name_the_key(changes: dict[str, object], key: str) -> None:
    params: dict[str, object] = {"address": "100.64.1.74", "port": 5274, **changes}
    with pytest.raises(ParamError) as caught:
        Agent(**params)  # type: ignore[arg-type]
    assert caught.value.key == key
