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
