import pytest
from pytestqt.qtbot import QtBot

from wiresleuth.gui.json_shape import ShapeError
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
    assert read.problems == ("mtu.targets[0].sweep.probes[4].size is text ('?'), not a number",)
    assert mtu_sweeps({}).sweeps == ()


@pytest.mark.parametrize(
    ("observations", "why"),
    [
        ({"mtu": [1]}, "the measurements of 'mtu' are a list of 1, not an object"),
        ({"mtu": {"targets": 3}}, "mtu.targets is a number (3), not a list"),
    ],
)
def test_a_part_of_another_shape_says_why(observations: dict[str, object], why: str) -> None:
    with pytest.raises(ShapeError) as caught:
        mtu_sweeps(observations)
    assert str(caught.value) == why


def test_numbers_of_every_wrong_kind_are_left_out_in_words() -> None:
    probes = [
        {"size": float("nan"), "result": "reply"},
        {"size": 10**400, "result": "reply"},
        {"size": 1e308, "result": "reply"},
        {"size": -5, "result": "reply"},
        {"size": 1400.5, "result": "reply"},
        {"size": True, "result": "reply"},
        [1400],
        {"size": 1400, "result": ["reply"], "detail": {"x": 1}},
        {"size": 1300, "result": "lost"},
    ]
    sweep = {"probes": probes, "path_mtu": "1400", "interface_mtu": float("inf")}
    read = mtu_sweeps({"mtu": {"targets": [{"target": 443, "sweep": sweep}, "x"]}})
    (view,) = read.sweeps
    assert view.target == "443" and view.path_mtu is None and view.interface_mtu is None
    assert [(p.order, p.size, p.result) for p in view.points] == [(8, 1400, ""), (9, 1300, "lost")]
    assert len(read.problems) == 9  # eight spelled out, then a count
    assert (
        read.problems[0]
        == "mtu.targets[0].sweep.probes[0].size is a number (nan), not a finite number"
    )
    assert read.problems[-1] == "and 4 more"


def test_a_real_runs_sweeps_are_plotted(qtbot: QtBot, engine_run: RunResult) -> None:
    if "mtu" not in engine_run.observations:
        pytest.skip("no MTU wizard in the registry")
    sweeps = mtu_sweeps(engine_run.observations).sweeps
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
