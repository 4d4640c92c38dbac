import asyncio
import time
from typing import Any

import pytest
from pytestqt.qtbot import QtBot

from tests.gui.conftest import loopback_profile
from wiresleuth.engine import Engine
from wiresleuth.gui.qt_run_session import CheckRow, CheckState, QtRunSession, RunState
from wiresleuth.model.events import ProgressEvent
from wiresleuth.model.plan import FlowSpec
from wiresleuth.wizards.base import Progress, Wizard, WizardInput

pytestmark = pytest.mark.qt


class Waits(Wizard):
    """Waits until cancelled: the run ends only through cancel()."""

    id = "waits"
    title = "Waits"
    description = "Waits on an event nobody sets."

    def flows(self, given: WizardInput) -> list[FlowSpec]:
        return []

    def steps(self, given: WizardInput) -> int:
        return 1

    async def run(self, given: WizardInput, progress: Progress) -> Any:
        await asyncio.Event().wait()



def test_cancel_before_the_engine_exists_is_honoured(qtbot: QtBot) -> None:
    session = QtRunSession()

    def slow_factory(on_event: Any) -> Engine:
        time.sleep(0.3)  # the worker is still building the engine when cancel() comes
        return Engine(loopback_profile(run=60), [Waits()], capture=False, on_event=on_event)

    with qtbot.waitSignal(session.finished, timeout=5000) as done:
        session.start_with(slow_factory, [("waits", "Waits")])
        session.cancel()
        assert session.state is RunState.CANCELLING
    assert done.args[0].cancelled
    assert session.state is RunState.FINISHED
    assert session.checks[0].state in (CheckState.STOPPED, CheckState.DONE)


def test_a_second_start_while_running_is_refused(qtbot: QtBot) -> None:
    session = QtRunSession()

    def factory(on_event: Any) -> Engine:
        return Engine(loopback_profile(run=60), [Waits()], capture=False, on_event=on_event)

    with qtbot.waitSignal(session.finished, timeout=5000):
        session.start_with(factory, [("waits", "Waits")])
        with pytest.raises(RuntimeError, match="already going"):
            session.start_with(factory, [("waits", "Waits")])
        qtbot.waitUntil(lambda: session.checks[0].state is CheckState.RUNNING, timeout=5000)
        session.cancel()


def test_a_failure_in_the_worker_reaches_the_window(qtbot: QtBot) -> None:
    session = QtRunSession()

    def broken(on_event: Any) -> Engine:
        raise ValueError("wizard mtu needs ['tls']")

    with qtbot.waitSignal(session.failed, timeout=5000) as failed:
        session.start_with(broken, [])
    assert "ValueError" in failed.args[0] and session.state is RunState.FAILED


def test_progress_events_become_check_states() -> None:
    session = QtRunSession()
    session._checks = [CheckRow(id="tls", title="TLS")]  # as start() sets them up
    session._on_event(
        ProgressEvent(kind="wizard-started", time=0.0, message="TLS", wizard="tls", done=1, total=4)
    )
    assert session.checks[0].state is CheckState.RUNNING and (session.done, session.total) == (1, 4)
    session._on_event(
        ProgressEvent(
            kind="wizard-finished", time=1.0, message="done", wizard="tls", data={"elapsed": 1.5}
        )
    )
    assert session.checks[0].state is CheckState.DONE and session.checks[0].seconds(0.0) == 1.5
