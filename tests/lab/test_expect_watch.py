"""The lab's check of a watch's bundle, on the flaky-policer lab bundle (pure: no lab)."""

from pathlib import Path

from tests.gui.lab_samples import lab_bundle
from wiresleuth.lab.expect import WatchGroupCheck
from wiresleuth.lab.expect_watch import check_watch

T, A = "chat.lab.test:443", "100.64.1.20"


def test_the_group_that_came_and_went_holds() -> None:
    wanted = WatchGroupCheck(
        target=T, address=A, signatures=("path.qos_policing", "tls.no_server_hello")
    )
    assert check_watch([wanted], lab_bundle("flaky-policer")) == []


def test_a_missing_group_names_what_is_there() -> None:
    wrong = WatchGroupCheck(target=T, address="100.64.1.21", signatures=("tls.no_server_hello",))
    (failure,) = check_watch([wrong], lab_bundle("flaky-policer"))
    assert "no failure group tls.no_server_hello" in failure and "none" in failure
    other = WatchGroupCheck(target=T, address=A, signatures=("tls.fatal_alert",))
    (failure,) = check_watch([other], lab_bundle("flaky-policer"))
    assert "groups there: tls.no_server_hello x3" in failure


def test_a_bundle_that_is_not_a_watch_fails_the_check() -> None:
    wanted = WatchGroupCheck(target=T, address=A, signatures=("tls.no_server_hello",))
    (failure,) = check_watch([wanted], lab_bundle("C1"))
    assert "not a watch" in failure


def test_an_unreadable_bundle_is_a_failure_not_a_crash(tmp_path: Path) -> None:
    broken = tmp_path / "x.wsbundle"
    broken.write_bytes(b"not a zip")
    wanted = WatchGroupCheck(target=T, address=A, signatures=("tls.no_server_hello",))
    (failure,) = check_watch([wanted], broken)
    assert "not a WireSleuth bundle" in failure or "not a zip" in failure
