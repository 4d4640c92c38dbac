import os
import threading
from pathlib import Path

import pytest

from wiresleuth.errors import ProfileError
from wiresleuth.profile import default_profile, load_profile, parse_profile

GOOD = """\
version = 1
targets = ["https://www.lab.test/", "mail.lab.test:993", "http://intranet.lab.test/"]
must_refuse = ["pac.lab.test:80"]
pac_url = "http://wpad.lab.test/wpad.dat"
proxy = "proxy.lab.test:3128"

[helpdesk]
name = "IT Service Desk"
contact = "+1 555 0100"

[budgets]
run = 30
tls_handshake = 4.5
"""


def test_a_full_profile_is_read() -> None:
    profile = parse_profile(GOOD, source="good.toml")
    assert [t.key for t in profile.targets] == [
        "www.lab.test:443",
        "mail.lab.test:993",
        "intranet.lab.test:80",
    ]
    assert profile.targets[2].scheme == "http"
    assert profile.must_refuse[0].port == 80
    assert profile.proxy == "proxy.lab.test:3128"
    assert profile.helpdesk.name == "IT Service Desk"
    assert profile.budgets.run == 30.0 and profile.budgets.tls_handshake == 4.5
    assert profile.budgets.connect == 5.0  # default kept


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('targets = ["nohost"]\n', "good.toml, line 1: targets: target 'nohost'"),
        ('targets = []\n\n[budgets]\nrun = "soon"\n', "good.toml, line 4: budgets.run"),
        ("targets = []\n[budgets]\nrun = 0\n", "good.toml, line 3: budgets.run"),
        (
            "targets = []\n[budgets]\nforever = 3\n",
            "good.toml, line 3: budgets.forever: unknown budget",
        ),
        ('targets = []\ncolour = "red"\n', "good.toml, line 2: colour: unknown setting"),
        ('proxy = "alice:secret@proxy:3128"\n', "good.toml, line 1: proxy"),
        ('pac_url = "ftp://x/y.pac"\n', "good.toml, line 1: pac_url: scheme 'ftp'"),
        ("version = 2\n", "good.toml, line 1: version"),
        ("[helpdesk]\nname = 3\n", "good.toml, line 2: helpdesk.name"),
        ("targets = [\n", "good.toml: "),
    ],
)
def test_bad_profiles_name_the_line(text: str, message: str) -> None:
    with pytest.raises(ProfileError) as info:
        parse_profile(text, source="good.toml")
    assert str(info.value).startswith(message)


def test_missing_file_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(ProfileError, match="no such profile file"):
        load_profile(tmp_path / "absent.toml")


def test_default_profile_has_targets() -> None:
    assert default_profile().targets
    assert default_profile().source == "built-in default"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('version = true\ntargets = ["a.lab.test:443"]\n', "good.toml, line 1: version"),
        ("version = 1.0\n", "good.toml, line 1: version"),
        ("[budgets]\nrun = 0.001\n", "good.toml, line 2: budgets.run: 0.001 s is too short"),
        ("[budgets]\nrun = 4.9\n", "good.toml, line 2: budgets.run"),
        ("[budgets]\nconnect = 0.01\n", "good.toml, line 2: budgets.connect: 0.01 s is too short"),
        ("[budgets]\nrun = true\n", "good.toml, line 2: budgets.run"),
        (f'targets = ["https://{"a" * 64}.lab.test/"]\n', "good.toml, line 1: targets: target"),
        ('must_refuse = ["bad host.lab.test:80"]\n', "good.toml, line 1: must_refuse"),
        ("x = " + "[" * 100_000 + "]" * 100_000, "good.toml: profile is not valid: values are"),
        ("x = {" * 5_000 + "}" * 5_000, "good.toml: profile is not valid"),
        ("[budgets]\nrun = " + "9" * 5000 + "\n", "good.toml: profile is not valid: a number"),
    ],
)
def test_profiles_that_cannot_run_are_refused_plainly(text: str, message: str) -> None:
    with pytest.raises(ProfileError) as info:
        parse_profile(text, source="good.toml")
    assert str(info.value).startswith(message), str(info.value)


def test_the_shortest_budgets_allowed_are_accepted() -> None:
    profile = parse_profile("[budgets]\nrun = 5\nconnect = 0.1\nicmp = 0.1\n")
    assert (profile.budgets.run, profile.budgets.connect) == (5.0, 0.1)


def test_a_byte_order_mark_is_accepted(tmp_path: Path) -> None:
    path = tmp_path / "bom.toml"
    path.write_bytes(b"\xef\xbb\xbf" + GOOD.encode())
    assert load_profile(path).helpdesk.name == "IT Service Desk"
    assert parse_profile("\ufeff" + GOOD).budgets.run == 30.0


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda p: p.mkdir(), "is a folder, not a profile file"),
        (lambda p: p.write_bytes(b"# x\n" * 300_000), "is too large for a profile"),
        (lambda p: p.write_bytes(b'targets = ["\xff\xfe"]\n'), r"not UTF-8 text \(byte 12\)"),
        (lambda p: p.write_bytes(bytes(range(256))), "profile is not valid"),
    ],
)
def test_files_that_are_no_profile_are_refused(tmp_path: Path, make, message: str) -> None:
    path = tmp_path / "profile.toml"
    make(path)
    with pytest.raises(ProfileError, match=message):
        load_profile(path)


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="named pipes are a POSIX thing")
def test_a_named_pipe_is_refused_without_waiting_for_a_writer(tmp_path: Path) -> None:
    fifo = tmp_path / "profile.toml"
    os.mkfifo(fifo)
    errors: list[BaseException] = []

    def load() -> None:
        try:
            load_profile(fifo)
        except BaseException as exc:
            errors.append(exc)

    reader = threading.Thread(target=load, daemon=True)
    reader.start()
    reader.join(10)
    if reader.is_alive():  # unblock it, so the thread ends with the test
        with open(fifo, "wb"):
            pass
        reader.join(10)
        pytest.fail("loading a FIFO as a profile waited for a writer")
    assert len(errors) == 1 and isinstance(errors[0], ProfileError)
    assert "not a regular file" in str(errors[0])


@pytest.mark.parametrize(
    "line",
    [
        'upload_token = "wsu_x y"',  # a space: no header can carry it
        "upload_token = 7",
    ],
)
def test_a_bad_token_is_refused_without_being_quoted(tmp_path: Path, line: str) -> None:
    from wiresleuth.errors import ProfileError
    from wiresleuth.profile.load import load_profile

    path = tmp_path / "p.toml"
    path.write_text(f'upload_url = "https://inbox.example/upload"\n{line}\n', encoding="utf-8")
    with pytest.raises(ProfileError) as caught:
        load_profile(path)
    assert "line 2: upload_token: expected the token in quotes" in str(caught.value)
    assert "wsu_x" not in str(caught.value)


def test_a_token_without_an_address_is_refused(tmp_path: Path) -> None:
    from wiresleuth.errors import ProfileError
    from wiresleuth.profile.load import load_profile

    path = tmp_path / "p.toml"
    path.write_text('upload_token = "wsu_' + "t" * 43 + '"\n', encoding="utf-8")
    with pytest.raises(ProfileError, match="upload_token: needs upload_url"):
        load_profile(path)


def test_the_profile_never_shows_its_token_or_address_in_repr() -> None:
    from wiresleuth.profile.model import Profile

    token = "wsu_" + "t" * 43
    shown = repr(Profile(upload_url=f"https://i.example/upload/{token}", upload_token=token))
    assert token not in shown and "i.example" not in shown
