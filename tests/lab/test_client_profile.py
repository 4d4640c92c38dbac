"""The profile the lab writes is one the product's own profile loader accepts."""

from pathlib import Path

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
