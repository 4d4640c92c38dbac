import pytest
from pytestqt.qtbot import QtBot

from wiresleuth.gui.mtu_view import mtu_sweeps
from wiresleuth.gui.qt_mtu_plot import QtMtuPlot
from wiresleuth.gui.wizard_selection import with_needs
from wiresleuth.model.run import RunResult
from wiresleuth.wizards.registry import all_wizards

C1_LIKE = {
    "mtu": {
        "targets": [
            {
                "target": "chat.lab.test:443",
                "sweep": {
                    "address": "100.64.1.20",
                    "method": "socket",
                    "interface_mtu": 1500,
                    "path_mtu": 1500,
                    "probes": [
                        {"size": 1500, "result": "reply", "detail": ""},
                        {"size": 1501, "result": "too_big_local", "detail": "Message too long"},
                        {"size": 1400, "result": "lost", "detail": ""},
                        {"size": 576, "result": "frag_needed", "detail": "next-hop MTU 1400"},
                        {"size": "?", "result": "reply"},
                    ],
                },
            },
            {"target": "other:443", "sweep": None},
        ]
    }
}


def test_a_sweep_keeps_every_probe_in_order() -> None:
    (sweep,) = mtu_sweeps(C1_LIKE)
    assert (sweep.target, sweep.path_mtu, sweep.interface_mtu) == ("chat.lab.test:443", 1500, 1500)
    assert [(p.order, p.size, p.result) for p in sweep.points] == [
        (1, 1500, "reply"),
        (2, 1501, "too_big_local"),
        (3, 1400, "lost"),
        (4, 576, "frag_needed"),
    ]
    assert mtu_sweeps({}) == () and mtu_sweeps({"mtu": {"targets": 3}}) == ()


def test_a_real_runs_sweeps_are_plotted(qtbot: QtBot, engine_run: RunResult) -> None:
    if "mtu" not in engine_run.observations:
        pytest.skip("no MTU wizard in the registry")
    sweeps = mtu_sweeps(engine_run.observations)
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
        assert wizard.id in chosen and set(wizard.needs) <= set(chosen)
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
