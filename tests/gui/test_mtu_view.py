import pytest
from pytestqt.qtbot import QtBot

from wiresleuth.gui.measurements import measurements
from wiresleuth.gui.mtu_view import mtu_sweeps
from wiresleuth.gui.qt_mtu_plot import QtMtuPlot
from wiresleuth.gui.wizard_selection import with_needs
from wiresleuth.model.mtu_observations import (
    MtuTargetObservation,
    MtuWizardObservations,
    PathMtuSweep,
    SweepProbe,
)
from wiresleuth.model.run import RunResult
from wiresleuth.wizards.registry import all_wizards


def probe(size: int, result: str, detail: str = "") -> SweepProbe:
    return SweepProbe(size=size, result=result, at=1.0, detail=detail)


C1_LIKE = MtuWizardObservations(
    targets=(
        MtuTargetObservation(
            target="chat.lab.test:443", address="100.64.1.20", scheme="https",
            sweep=PathMtuSweep(
                address="100.64.1.20", method="socket", interface_mtu=1500, path_mtu=1500,
                probes=(
                    probe(1500, "reply"),
                    probe(1501, "too_big_local", "Message too long"),
                    probe(1400, "lost"),
                    probe(576, "frag_needed", "next-hop MTU 1400"),
                    probe(70_000, "reply"),
                ),
            ),
        ),
        MtuTargetObservation(target="other:443", address=None, scheme="https"),
    )
)  # fmt: skip


def test_a_sweep_keeps_every_probe_in_order_and_names_what_it_left_out() -> None:
    read = mtu_sweeps(C1_LIKE)
    (sweep,) = read.sweeps
    assert (sweep.target, sweep.path_mtu, sweep.interface_mtu) == ("chat.lab.test:443", 1500, 1500)
    assert [(p.order, p.size, p.result) for p in sweep.points] == [
        (1, 1500, "reply"),
        (2, 1501, "too_big_local"),
        (3, 1400, "lost"),
        (4, 576, "frag_needed"),
    ]
    assert read.problems == (
        "mtu.targets[0].sweep.probes[4].size is 70000, not a packet size (0 to 65575)",
    )
    assert mtu_sweeps(None).sweeps == ()


def test_sizes_no_packet_can_have_are_left_out_in_words() -> None:
    sweep = PathMtuSweep(
        address="x", method="socket", path_mtu=-1, interface_mtu=10**9,
        probes=tuple(probe(size, "reply") for size in (-5, 10**12, 1400, *range(70_000, 70_008))),
    )  # fmt: skip
    target = MtuTargetObservation(target="x:443", address="x", scheme="https", sweep=sweep)
    read = mtu_sweeps(MtuWizardObservations(targets=(target,)))
    (view,) = read.sweeps
    assert view.path_mtu is None and view.interface_mtu is None
    assert [(p.order, p.size) for p in view.points] == [(3, 1400)]
    assert len(read.problems) == 9  # eight spelled out, then a count
    assert read.problems[0] == "mtu.targets[0].sweep.probes[0].size is -5, not a packet size (0 to 65575)"
    assert read.problems[-1] == "and 4 more"


def test_a_real_runs_sweeps_are_plotted(qtbot: QtBot, engine_run: RunResult) -> None:
    if "mtu" not in engine_run.observations:
        pytest.skip("no MTU wizard in the registry")
    mtu = measurements(engine_run.observations).of("mtu", MtuWizardObservations)
    sweeps = mtu_sweeps(mtu).sweeps
    assert sweeps and all(s.points or s.error for s in sweeps)
    plot = QtMtuPlot()
    qtbot.addWidget(plot)
    plot.set_sweeps(sweeps)
    shown = sum(
        len(item.data)
        for item in plot._items
        if hasattr(item, "data") and item.__class__.__name__ == "ScatterPlotItem"
    )
    assert shown == len(sweeps[0].points)
    assert sweeps[0].target in plot.note.text()


def test_checks_bring_the_checks_they_build_on() -> None:
    wizards = all_wizards()
    order = [w.id for w in wizards]
    for wizard in wizards:
        chosen = [w.id for w in with_needs([wizard.id], wizards)]
        assert wizard.id in chosen and {*wizard.needs, *wizard.uses} <= set(chosen)
        assert chosen == [i for i in order if i in chosen]  # the registry's order
    with pytest.raises(KeyError):
        with_needs(["no-such-check"], wizards)


def test_the_engine_accepts_every_single_check_with_its_needs() -> None:
    from tests.gui.conftest import loopback_profile
    from wiresleuth.engine import Engine

    for wizard in all_wizards():
        Engine(
            loopback_profile(), with_needs([wizard.id], all_wizards()), capture=False
        )  # validates order
