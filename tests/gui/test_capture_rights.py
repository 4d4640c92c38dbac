import os
from pathlib import Path

import pytest

from wiresleuth.capture.helper_path import HelperFacts
from wiresleuth.gui.capture_rights import CaptureRights, check_capture_rights, linux_rights

PACKAGED = Path("/usr/lib/wiresleuth/wiresleuth-capture")
SOURCE = Path("/home/alice/wiresleuth/.venv/libexec/wiresleuth-capture")
GRANT = Path("/home/alice/wiresleuth/scripts/grant-capture")


def facts(**given: object) -> HelperFacts:
    values: dict[str, object] = {"path": PACKAGED, "packaged": True, "user": "alice",
                                 "group_exists": True}  # fmt: skip
    values.update(given)
    return HelperFacts(**values)  # type: ignore[arg-type]


def rights(
    given: HelperFacts, euid: int = 1000, pkexec: str | None = "/usr/bin/pkexec", **kw: bool
) -> CaptureRights:
    return linux_rights(given, euid, pkexec, grant_script=GRANT, **kw)


def test_a_member_with_a_granted_helper_or_root_may_capture() -> None:
    assert rights(facts(executable=True, capture_right=True)).available
    assert rights(facts(), euid=0).available  # root may start the 0750 helper
    assert not rights(facts(path=None), euid=0).available  # but not a helper that is missing


def test_a_non_member_of_an_installed_package_is_offered_the_group() -> None:
    got = rights(facts())
    assert not got.available and "only members of the 'wiresleuth' group" in got.reason
    assert got.command == ("pkexec", "gpasswd", "-a", "alice", "wiresleuth")
    assert got.command_text == "pkexec gpasswd -a alice wiresleuth"
    assert got.elevator == "/usr/bin/pkexec" and "Log out and in again" in got.how
    assert rights(facts(), pkexec=None).elevator is None


def test_a_source_checkout_is_offered_grant_capture() -> None:
    got = rights(facts(path=SOURCE, packaged=False, executable=True))  # built, not granted
    assert not got.available and "holds no capture right" in got.reason
    assert got.command == ("pkexec", str(GRANT))
    assert "scripts/grant-capture" in got.how


@pytest.mark.parametrize(
    ("given", "opted_out", "reason"),
    [
        (facts(listed_in_group=True), False, "added to the 'wiresleuth' group after this session"),
        (facts(), True, "allows capture for root only"),
        (facts(path=None), False, "is not installed"),
        (facts(executable=True), False, "holds no capture right"),  # packaged: reinstall
    ],
    ids=["relogin", "opted-out", "missing", "packaged-without-capability"],
)
def test_nothing_is_offered_where_a_click_cannot_help(
    given: HelperFacts, opted_out: bool, reason: str
) -> None:
    got = rights(given, opted_out=opted_out)
    assert not got.available and reason in got.reason
    assert got.command == () and got.elevator is None


@pytest.mark.parametrize("executable", [True, False])
def test_no_route_ever_grants_the_program_or_the_interpreter(executable: bool) -> None:
    for packaged, path in ((True, PACKAGED), (False, SOURCE)):
        got = rights(facts(path=path, packaged=packaged, executable=executable))
        text = " ".join((got.reason, got.how, got.command_text))
        assert "setcap" not in text and "python" not in text.lower()
        assert "sudo wiresleuth" not in text and "as root" not in text


def test_this_process_is_judged_by_the_helper_it_would_start() -> None:
    got = check_capture_rights()
    if os.geteuid() == 0:
        assert got.available is (got.reason == "")
    assert got.available or got.reason
