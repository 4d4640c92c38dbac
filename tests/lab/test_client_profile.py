"""The profile the lab writes is one the product's own profile loader accepts."""

from pathlib import Path

import pytest

from wiresleuth.lab.client_profile import HELPDESK_CONTACT, write_profile
from wiresleuth.lab.scenario import Budgets, ClientSpec
from wiresleuth.profile import load_profile


def test_the_product_reads_the_lab_profile(tmp_path: Path) -> None:
    client = ClientSpec(
        targets=("https://www.lab.test/", "chat.lab.test:5223"),
        budgets=Budgets(run=45, connect=2.5, tls_handshake=6),
    )
    path = write_profile(tmp_path / "profile.toml", client)
    profile = load_profile(path)
    assert [t.key for t in profile.targets] == ["www.lab.test:443", "chat.lab.test:5223"]
    assert profile.helpdesk.contact == HELPDESK_CONTACT
    assert (profile.budgets.run, profile.budgets.connect, profile.budgets.tls_handshake) == (
        45,
        2.5,
        6,
    )
    assert path.stat().st_mode & 0o004, "the client may run as nobody: it must read the profile"


def test_the_proxy_path_settings_reach_the_product(tmp_path: Path) -> None:
    client = ClientSpec(
        targets=("https://meet.lab.test/",),
        budgets=Budgets(run=60, tunnel_hold=14),
        proxy="198.18.2.10:3128",
        path_proof=("app.lab.test:9400",),
    )
    profile = load_profile(write_profile(tmp_path / "profile.toml", client))
    assert profile.proxy == "198.18.2.10:3128"
    assert [t.key for t in profile.path_proof] == ["app.lab.test:9400"]
    assert profile.budgets.tunnel_hold == 14
    plain = write_profile(tmp_path / "plain.toml", ClientSpec(targets=("x.lab.test:1",)))
    assert load_profile(plain).budgets.tunnel_hold == 60  # the product's default


def test_os_settings_are_written_where_the_product_reads_them(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import shutil

    from wiresleuth.lab.client_settings import os_settings_env
    from wiresleuth.lab.scenario import ClientSpec
    from wiresleuth.platform.proxy_settings import read_proxy_configuration

    kde = ClientSpec(
        targets=("https://www.lab.test/",), os_settings="kde",
        os_pac_url="http://pac.lab.test/proxy.pac",
    )  # fmt: skip
    config = read_proxy_configuration(os_settings_env(kde, tmp_path / "kde"), "Linux")
    assert config.winner == "kde" and config.mode == "pac"
    assert config.winning is not None and config.winning.pac_url == "http://pac.lab.test/proxy.pac"
    env = os_settings_env(
        ClientSpec(targets=("https://a.lab.test/",), os_settings="environment",
                   os_proxy="198.18.2.10:3128", os_bypass=("lab.test",)),
        tmp_path / "env",
    )  # fmt: skip
    assert env == {
        "http_proxy": "http://198.18.2.10:3128",
        "https_proxy": "http://198.18.2.10:3128",
        "no_proxy": "lab.test",
    }
    if shutil.which("gsettings") is None:
        return  # the GNOME half needs Debian's libglib2.0-bin (scripts/apt-packages.txt)
    gnome = ClientSpec(
        targets=("https://www.lab.test/",), os_settings="gnome", os_proxy="198.18.2.10:3128"
    )
    env = os_settings_env(gnome, tmp_path / "gnome")
    for key, value in env.items():  # gsettings reads them from the process environment
        monkeypatch.setenv(key, value)
    config = read_proxy_configuration(env, "Linux")
    assert config.winner == "gnome" and config.mode == "manual"
    assert config.winning is not None and config.winning.proxies == {"all": "198.18.2.10:3128"}
