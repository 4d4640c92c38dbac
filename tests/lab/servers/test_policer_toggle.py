"""The policer toggle's cycle (pure)."""

from wiresleuth.lab.servers.policer_toggle import phases


def test_the_cycle_starts_with_the_phase_asked_for() -> None:
    assert phases("off", on=25, off=20) == [("off", 20), ("on", 25)]
    assert phases("on", on=25, off=20) == [("on", 25), ("off", 20)]
