import pytest
from pytestqt.qtbot import QtBot

from wiresleuth.gui.measurements import measurements
from wiresleuth.gui.route_view import route_lines
from wiresleuth.model.jsonable import to_jsonable
from wiresleuth.model.proxy_observations import Route
from wiresleuth.model.route import RouteObservations, TargetRoute

OBSERVATIONS = {
    "route": to_jsonable(
        RouteObservations(
            routes=(
                TargetRoute(
                    target="www.lab.test:443", url="https://www.lab.test/",
                    candidates=(Route(kind="PROXY", proxy="198.18.2.10:3128"),),
                    source="os_settings", origin="GNOME settings", reason="r",
                ),
                TargetRoute(
                    target="<b>x</b>:443", url="https://x/",
                    candidates=(Route(kind="PROXY", proxy="a:1"), Route(kind="DIRECT")),
                    source="pac", origin="PAC from the helpdesk profile", reason="r",
                ),
            )
        )
    )
}  # fmt: skip


def test_one_plain_line_per_target() -> None:
    routes = measurements(OBSERVATIONS).of("route", RouteObservations)
    assert route_lines(routes) == [
        "www.lab.test:443: proxy 198.18.2.10:3128 (from GNOME settings)",
        "<b>x</b>:443: proxy a:1 (from PAC from the helpdesk profile), then DIRECT",
    ]
    assert route_lines(None) == [] and measurements({}).of("route", RouteObservations) is None


@pytest.mark.qt
def test_the_results_page_shows_the_routes_as_plain_text(qtbot: QtBot) -> None:
    from PySide6.QtCore import Qt

    from wiresleuth.gui.qt_results_page import QtResultsPage
    from wiresleuth.model.run import CaptureInfo, RunResult
    from wiresleuth.profile.model import Profile

    page = QtResultsPage()
    qtbot.addWidget(page)
    result = RunResult(
        started_at=0.0, finished_at=1.0, targets=("www.lab.test:443",), findings=(),
        connections=(), packets=(), capture=CaptureInfo(available=True), capture_file=None,
        observations=OBSERVATIONS, wizards=("route",),
    )  # fmt: skip
    page.set_result(result, Profile())
    label = page._routes
    assert label.textFormat() == Qt.TextFormat.PlainText
    assert "www.lab.test:443: proxy 198.18.2.10:3128 (from GNOME settings)" in label.text()
    assert "<b>x</b>" in label.text()
