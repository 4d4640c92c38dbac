import threading

import pytest
from PySide6.QtCore import QThreadPool
from pytestqt.qtbot import QtBot

from wiresleuth.gui.qt_worker import Emit, QtFunctionWorker

pytestmark = pytest.mark.qt


def record(worker: QtFunctionWorker) -> list[tuple[str, object]]:
    seen: list[tuple[str, object]] = []
    worker.signals.started.connect(lambda: seen.append(("started", None)))
    worker.signals.yielded.connect(lambda v: seen.append(("yielded", v)))
    worker.signals.returned.connect(lambda v: seen.append(("returned", v)))
    worker.signals.errored.connect(lambda e: seen.append(("errored", type(e).__name__)))
    worker.signals.finished.connect(lambda: seen.append(("finished", None)))
    return seen


def test_run_synchronously_reports_in_order() -> None:
    def work(emit: Emit) -> int:
        emit(1)
        emit(2)
        return 3

    worker = QtFunctionWorker(work)
    seen = record(worker)
    worker.run()
    assert seen == [
        ("started", None),
        ("yielded", 1),
        ("yielded", 2),
        ("returned", 3),
        ("finished", None),
    ]
    assert worker.done


def test_an_exception_is_reported_not_lost() -> None:
    def work(_emit: Emit) -> None:
        raise OSError("disk on fire")

    worker = QtFunctionWorker(work)
    seen = record(worker)
    worker.run()
    assert seen == [("started", None), ("errored", "OSError"), ("finished", None)]


@pytest.mark.parametrize("fails", [False, True], ids=["returns", "raises"])
def test_the_worker_is_done_when_its_outcome_is_heard(fails: bool) -> None:
    """A slot reacting to the outcome ("Try again" clicked at once) finds the worker done:
    the flag was set after the outcome was sent, and a loaded CI machine clicked in between."""

    def work(_emit: Emit) -> int:
        if fails:
            raise OSError("refused")
        return 1

    worker = QtFunctionWorker(work)
    heard: list[bool] = []
    worker.signals.returned.connect(lambda _v: heard.append(worker.done))
    worker.signals.errored.connect(lambda _e: heard.append(worker.done))
    worker.run()
    assert heard == [True]


def test_in_the_pool_results_arrive_on_the_gui_thread(qtbot: QtBot) -> None:
    gui = threading.get_ident()
    where: list[tuple[str, bool]] = []

    def work(emit: Emit) -> bool:
        emit(threading.get_ident() != gui)  # really another thread
        return True

    worker = QtFunctionWorker(work)  # started below, once the receivers are connected
    worker.signals.yielded.connect(
        lambda other: where.append(("yield", bool(other) and threading.get_ident() == gui))
    )
    worker.signals.returned.connect(
        lambda _v: where.append(("return", threading.get_ident() == gui))
    )
    with qtbot.waitSignal(worker.signals.finished, timeout=5000):
        QThreadPool.globalInstance().start(worker)
    assert worker.done
    assert where == [("yield", True), ("return", True)]


@pytest.mark.parametrize("fails", [False, True], ids=["returns", "raises"])
def test_wait_blocks_until_the_function_ends_and_is_bounded(fails: bool) -> None:
    """The program's exit waits for a worker without an event loop to hear ``finished``."""
    go = threading.Event()

    def work(_emit: Emit) -> None:
        go.wait(30)
        if fails:
            raise OSError("refused")

    worker = QtFunctionWorker(work)
    pool = QThreadPool()
    pool.start(worker)
    release = threading.Timer(0.3, go.set)
    try:
        assert not worker.wait(0.05) and not worker.done  # held: the wait gives up, says so
        release.start()
        assert worker.wait(30) and worker.done
    finally:
        go.set()
        release.cancel()
        pool.waitForDone(5000)
