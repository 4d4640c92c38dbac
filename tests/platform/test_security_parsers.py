"""Security products from recorded real output (samples/SOURCES.md says where from)."""

from __future__ import annotations

from collections.abc import Callable

from tests.platform.conftest import sample
from wiresleuth.platform.security_parsers import (
    match_linux_agents,
    parse_security_center,
    parse_system_extensions,
)


def test_wmic_list_output(crlf: Callable[[str], str]) -> None:
    text = sample("blog_wmic_securitycenter2_defender.txt")
    for variant in (text, crlf(text)):
        [defender] = parse_security_center(variant)
        assert defender.name == "Windows Defender"
        assert defender.enabled is True  # productState 0x061100
        assert "0x061100" in defender.detail
    [fsecure] = parse_security_center(
        sample("fusioninventory_issue501_wmic_securitycenter2_excerpt.txt")
    )
    assert (fsecure.name, fsecure.enabled) == ("F-Secure Client Security 12.00", None)


def test_get_ciminstance_output_two_products() -> None:
    products = parse_security_center(sample("notes_get_ciminstance_antivirusproduct.txt"))
    assert [(p.name, p.enabled) for p in products] == [
        ("Windows Defender", False),  # 0x060100: the same notes show WinDefend stopped
        ("火绒安全软件", True),
    ]


def test_system_extensions() -> None:
    [lulu] = parse_system_extensions(sample("lulu_issue331_systemextensionsctl_list.txt"))
    assert lulu.name == "LuLu firewall"
    assert lulu.enabled is True
    assert "VBG97UB4TA" in lulu.detail and "network_extension" in lulu.detail


def test_linux_agents_from_ps_output() -> None:
    lines = sample("lynis_issue776_ps_fauwx_falcon.txt").splitlines()
    names = [line.split()[-1] for line in lines]  # the command column, as ps shows it
    assert [(p.name, p.detail) for p in match_linux_agents(names)] == [
        ("CrowdStrike Falcon", "falcond")
    ]
    bpf = sample("lynis_issue1622_ps_args_falcon_bpf.txt").split()
    assert [p.name for p in match_linux_agents(bpf)] == ["CrowdStrike Falcon"]
    assert match_linux_agents(["bash", "python3", "sshd"]) == []
