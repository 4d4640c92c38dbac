import pytest

from tests.platform.proxy_samples_util import proxy_sample
from wiresleuth.platform.proxy_windows_parsers import (
    connection_flags,
    machine_wininet_source,
    parse_netsh_winhttp,
    parse_proxy_server,
    parse_reg_query,
    per_machine,
    wininet_source,
)
from wiresleuth.platform.unavailable import FactUnavailable

REG = "windows_desktop8546_reg_query_internet_settings_excerpt.txt"


def test_reg_query_reads_every_value_line_including_names_with_spaces() -> None:
    text = proxy_sample(REG)
    values = parse_reg_query(text)
    assert len(values) == sum(1 for line in text.splitlines() if line.startswith("    "))
    assert values["User Agent"] == ("REG_SZ", "Mozilla/4.0 (compatible; MSIE 8.0; Win32)")
    assert values["ProxyEnable"] == ("REG_DWORD", "0x0")
    assert values["ZonesSecurityUpgrade"] == ("REG_BINARY", "97650FDF4750D501")


def test_reg_query_crlf_is_the_same() -> None:
    text = proxy_sample(REG)
    assert parse_reg_query(text.replace("\n", "\r\n")) == parse_reg_query(text)


def test_a_disabled_proxy_is_no_proxy_but_the_bypass_list_is_kept() -> None:
    source = wininet_source(parse_reg_query(proxy_sample(REG)))
    assert source.name == "wininet"
    assert (source.proxies, source.pac_url, source.auto_detect) == ({}, None, False)
    assert source.mode == "direct" and not source.configured
    assert source.bypass == ("local",)
    assert source.raw["ProxyEnable"] == "0x0"


def test_the_connection_flags_decide_the_three_boxes() -> None:
    values = parse_reg_query(proxy_sample(REG))
    # the recorded machine's values with a DefaultConnectionSettings whose flags say
    # "auto-detect + script": 0x0d (flags are bytes 8-11 of the blob)
    blob = "46000000020000000d00000000000000"
    connections = {"DefaultConnectionSettings": ("REG_BINARY", blob)}
    source = wininet_source(values, connections=connections)
    assert source.auto_detect and source.mode == "auto_detect"
    assert source.raw["DefaultConnectionSettings.flags"] == "0x0d"
    assert connection_flags("4600") is None
    assert connection_flags("not hex") is None


@pytest.mark.parametrize(
    ("value", "parsed"),
    [
        ("proxy.corp:8080", {"all": "proxy.corp:8080"}),
        (
            "http=p1:8080;https=p2:8443;socks=p3:1080",
            {"http": "p1:8080", "https": "p2:8443", "socks": "p3:1080"},
        ),
        ("http://user:pw@p:3128", {"all": "http://***@p:3128"}),
    ],
)
def test_proxy_server_forms(value: str, parsed: dict[str, str]) -> None:
    assert parse_proxy_server(value) == parsed


def test_netsh_with_a_proxy() -> None:
    source = parse_netsh_winhttp(proxy_sample("windows_gogetproxied_netsh_winhttp_proxy.txt"))
    assert source.name == "winhttp"
    assert source.proxies == {"all": "testProxy:8999"}
    assert source.bypass == ()
    assert source.mode == "manual"


def test_netsh_direct_access() -> None:
    source = parse_netsh_winhttp(proxy_sample("windows_netsh_winhttp_direct.txt"))
    assert source.mode == "direct" and source.proxies == {}
    crlf = proxy_sample("windows_netsh_winhttp_direct.txt").replace("\n", "\r\n")
    assert parse_netsh_winhttp(crlf).mode == "direct"


def test_netsh_output_in_another_form_is_unavailable_not_guessed() -> None:
    with pytest.raises(FactUnavailable, match="not understood"):
        parse_netsh_winhttp("Der Befehl wurde nicht gefunden.\n")


def test_policy_per_machine_puts_the_machine_settings_in_force() -> None:
    # synthetic samples (see proxy_samples/SOURCES.md): no recorded output was found
    policy = parse_reg_query(proxy_sample("windows_synthetic_reg_query_policy_per_machine.txt"))
    assert per_machine(policy)
    assert not per_machine({})  # absent: per-user, Windows' default
    assert not per_machine({"ProxySettingsPerUser": ("REG_DWORD", "0x1")})
    machine = parse_reg_query(
        proxy_sample("windows_synthetic_reg_query_machine_internet_settings.txt")
    )
    source = machine_wininet_source(machine)
    assert source.proxies == {"all": "proxy.corp.example:8080"}
    assert source.bypass == ("<local>", "*.corp.example")
    assert source.policy is not None and "ProxySettingsPerUser" in source.policy
    assert source.origin.startswith("reg query HKLM")


def test_an_mdm_machine_with_a_pac_in_the_machine_key() -> None:
    # the configuration a user of an Intune-managed machine described in carsonyl/pypac pull
    # request #85 (2026-03-11): policy ProxySettingsPerUser = 0, and under the machine key
    # ProxyEnable = 0 with AutoConfigURL. Written here in reg.exe's layout (synthetic text).
    machine = parse_reg_query(
        "\r\nHKEY_LOCAL_MACHINE\\SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\Internet Settings\r\n"
        "    ProxyEnable    REG_DWORD    0x0\r\n"
        "    AutoConfigURL    REG_SZ    http://pac.corp.example/proxy.pac\r\n\r\n"
    )
    source = machine_wininet_source(machine)
    assert source.mode == "pac" and source.pac_url == "http://pac.corp.example/proxy.pac"
    assert source.proxies == {} and source.policy is not None
