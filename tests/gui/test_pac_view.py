import math
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from pytestqt.qtbot import QtBot

from tests.gui.conftest import loopback_profile
from wiresleuth.engine import Engine
from wiresleuth.gui.document import document_from_result
from wiresleuth.gui.measurements import measurements
from wiresleuth.gui.pac_view import pac_view
from wiresleuth.gui.qt_viewer_page import QtViewerPage
from wiresleuth.model.pac_observations import (
    PacDecisionObservation,
    PacEvaluationObservation,
    PacLookupObservation,
    PacWizardObservations,
)
from wiresleuth.model.run import RunResult
from wiresleuth.profile.model import Profile
from wiresleuth.wizards.registry import all_wizards

SCRIPT = (
    "function FindProxyForURL(url, host) {\n"
    '  if (dnsDomainIs(host, ".lab.test")) return "DIRECT";\n'
    '  return "PROXY 198.18.2.10:3128; DIRECT";\n'
    "}\n"
)


@pytest.fixture(scope="module")
def pac_run() -> Iterator[RunResult]:
    """The PAC wizard, for real, against a PAC file served on loopback."""
    body = SCRIPT.encode()

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            self.send_response(200)
            self.send_header("Content-Type", "application/x-ns-proxy-autoconfig")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(
        target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
    )
    thread.start()
    try:
        base = loopback_profile("https://www.example.test/")
        profile = Profile(
            targets=base.targets,
            budgets=base.budgets,
            pac_url=f"http://127.0.0.1:{server.server_address[1]}/wpad.dat",
        )
        wizards = [w for w in all_wizards() if w.id == "pac"]
        if not wizards:
            pytest.skip("no PAC wizard in the registry")
        yield Engine(profile, wizards, capture=False).run()
    finally:
        server.shutdown()
        server.server_close()
        thread.join(5)


def test_the_script_and_its_answers(pac_run: RunResult) -> None:
    view = pac_view(measurements(pac_run.observations).of("pac", PacWizardObservations))
    assert view is not None
    assert view.url and view.url.endswith("/wpad.dat") and view.source == "profile"
    assert view.script == SCRIPT  # the body, without the HTTP headers
    assert view.outcome == "ok"
    assert [(d.url, d.answer, d.failed) for d in view.decisions] == [
        ("https://www.example.test/", "PROXY 198.18.2.10:3128; DIRECT", False)
    ]
    assert "loopback" in view.fetched


def test_the_viewers_pac_tab_shows_them(qtbot: QtBot, pac_run: RunResult) -> None:
    page = QtViewerPage()
    qtbot.addWidget(page)
    with qtbot.waitSignal(page.filled, timeout=5000):
        page.set_document(document_from_result(pac_run))
    assert page.pac_script.toPlainText() == SCRIPT
    answer = page.pac_answers.topLevelItem(0)
    assert answer is not None and answer.text(1) == "PROXY 198.18.2.10:3128; DIRECT"


def test_no_pac_is_none() -> None:
    assert pac_view(None) is None
    assert pac_view(PacWizardObservations(configuration=None, pac_url=None)) is None


def test_a_pac_without_fetch_or_evaluation_says_so() -> None:
    pac = PacWizardObservations(
        configuration=None, pac_url="http://x/wpad.dat", file_error="no such file"
    )
    view = pac_view(pac)
    assert view is not None and view.script is None and view.decisions == ()
    assert (view.fetched, view.outcome, view.problems) == ("no such file", "not evaluated", ())


def test_lookup_times_that_are_no_time_are_left_out() -> None:
    evaluation = PacEvaluationObservation(
        outcome="ok", elapsed=0.1, time_limit=3.0, memory_limit_mb=512, script_bytes=10,
        my_ip="198.18.0.2",
        decisions=(
            PacDecisionObservation(url="https://a/", host="a", result="DIRECT"),
            PacDecisionObservation(url="u", host="u", result=None, error="ReferenceError: x"),
        ),
        lookups=(
            PacLookupObservation(name="wpad", address=None, elapsed=math.inf),
            PacLookupObservation(name="intranet", address="198.18.0.9", elapsed=-1.0),
        ),
    )  # fmt: skip
    pac = PacWizardObservations(configuration=None, pac_url="http://x/", evaluation=evaluation)
    view = pac_view(pac)
    assert view is not None and view.outcome == "ok"
    assert [(d.url, d.answer, d.failed) for d in view.decisions] == [
        ("https://a/", "DIRECT", False),
        ("u", "ReferenceError: x", True),
    ]
    assert view.lookups == (("wpad", "no address", 0.0), ("intranet", "198.18.0.9", 0.0))
    assert view.problems == ("pac.evaluation.lookups[0].elapsed is inf, not a number of seconds",)
