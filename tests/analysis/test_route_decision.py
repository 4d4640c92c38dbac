from typing import Any

import pytest

from tests.platform.proxy_samples_util import proxy_sample
from wiresleuth.analysis.route_decision import bypassed, route_for
from wiresleuth.model.proxy_config import ProxySource
from wiresleuth.model.target import Target
from wiresleuth.platform.proxy_choice import choose
from wiresleuth.platform.proxy_linux_parsers import environment_source, gnome_source, kde_source
from wiresleuth.platform.proxy_macos_parsers import parse_scutil_proxy

SECURE = Target.parse("https://www.lab.test/")
PLAIN = Target.parse("http://intranet.corp.example/")


def _route(target: Target, config: Any = None, pac: Any = None, **profile: Any) -> Any:
    return route_for(
        target,
        profile_proxy=profile.get("proxy"),
        profile_pac_url=profile.get("pac_url"),
        configuration=config,
        pac=pac,
    )


def test_gnome_manual_settings_route_through_their_proxy() -> None:
    gnome = gnome_source(proxy_sample("linux_vm_gsettings_manual.txt"))
    config = choose("Linux", [gnome], desktop="gnome")
    route = _route(SECURE, config)
    assert route.candidates[0].label == "PROXY proxy.corp.example:3128"
    assert route.source == "os_settings" and route.origin == "GNOME settings"
    assert route.shown == "proxy proxy.corp.example:3128 (from GNOME settings)"
    # the GNOME ignore list holds *.corp.example: that host goes direct, and the route says why
    direct = _route(PLAIN, config)
    assert direct.label == "DIRECT" and "*.corp.example" in direct.reason


def test_the_profile_overrides_the_os_settings() -> None:
    gnome = gnome_source(proxy_sample("linux_vm_gsettings_manual.txt"))
    route = _route(SECURE, choose("Linux", [gnome], desktop="gnome"), proxy="198.18.2.10:3128")
    assert route.label == "PROXY 198.18.2.10:3128" and route.source == "profile"


def test_a_pac_named_by_the_os_decides_per_url_with_failover() -> None:
    kde = kde_source(proxy_sample("linux_vm_kioslaverc_pac"), {})
    config = choose("Linux", [kde], desktop="kde")
    pac = {
        "url": "http://pac.corp.example/proxy.pac",
        "origin": "system:kde",
        "outcome": "ok",
        "decisions": {SECURE.url: "PROXY a.corp:3128; PROXY b.corp:8080; DIRECT"},
    }
    route = _route(SECURE, config, pac)
    assert route.label == "PROXY a.corp:3128 -> PROXY b.corp:8080 -> DIRECT"
    assert route.source == "pac"
    assert route.origin == "PAC from KDE settings (http://pac.corp.example/proxy.pac)"


def test_a_pac_that_failed_leaves_browsers_direct_and_says_why() -> None:
    kde = kde_source(proxy_sample("linux_vm_kioslaverc_pac"), {})
    pac = {
        "url": "http://pac.corp.example/proxy.pac",
        "origin": "system:kde",
        "outcome": None,
        "decisions": {},
        "problem": "the PAC fetch ended with timeout",
    }
    route = _route(SECURE, choose("Linux", [kde], desktop="kde"), pac)
    assert route.label == "DIRECT" and "timeout" in route.reason and route.source == "pac"


def test_macos_settings_and_environment_fallback() -> None:
    mac = parse_scutil_proxy(proxy_sample("macos_drduh_scutil_proxy.txt"))
    route = _route(PLAIN, choose("Darwin", [mac]))
    assert route.origin == "macOS network settings"
    assert route.label == "PROXY 127.0.0.1:8118"
    env = environment_source({"https_proxy": "http://p.corp:3128", "no_proxy": "lab.test"})
    assert env is not None
    config = choose("Linux", [env], desktop="other")
    # no_proxy names a domain: the environment rule matches it and its subdomains
    assert _route(SECURE, config).label == "DIRECT"
    other = Target.parse("https://example.org/")
    assert _route(other, config).label == "PROXY p.corp:3128"
    assert _route(other, config).source == "environment"


def test_no_setting_at_all_is_direct_by_default() -> None:
    route = _route(SECURE, choose("Linux", [], desktop="other"))
    assert route.label == "DIRECT" and route.source == "default"


def test_policy_sources_are_named_as_policy() -> None:
    machine = ProxySource(
        name="wininet",
        origin="reg query HKLM",
        proxies={"all": "proxy.corp:8080"},
        bypass=("<local>",),
        policy="Group Policy ProxySettingsPerUser = 0",
    )
    config = choose("Windows", [machine])
    route = _route(SECURE, config)
    assert route.source == "os_policy" and "ProxySettingsPerUser" in route.origin
    assert _route(Target.parse("http://intranet/"), config).label == "DIRECT"  # <local>


@pytest.mark.parametrize(
    ("host", "patterns", "suffix", "hit"),
    [
        ("intranet", ["<local>"], False, "<local>"),
        ("www.corp.example", ["*.corp.example"], False, "*.corp.example"),
        ("corp.example", [".corp.example"], False, ".corp.example"),
        ("10.1.2.3", ["10.0.0.0/8"], False, "10.0.0.0/8"),
        ("169.254.3.4", ["169.254/16"], False, "169.254/16"),
        ("www.corp.example", ["corp.example"], False, None),
        ("www.corp.example", ["corp.example"], True, "corp.example"),
        ("notcorp.example", ["corp.example"], True, None),
        ("www.corp.example", ["www.corp.example:443"], False, "www.corp.example:443"),
        ("example.org", ["localhost", "127.0.0.0/8", "::1"], False, None),
    ],
)
def test_bypass_entries(host: str, patterns: list[str], suffix: bool, hit: str | None) -> None:
    assert bypassed(host, patterns, suffix_match=suffix) == hit


def test_a_macos_pac_from_recorded_scutil_output_decides_through_the_pac_wizard() -> None:
    mac = parse_scutil_proxy(proxy_sample("macos_httptoolkit151_scutil_proxy.txt"))
    pac = {
        "url": "http://wpad.company.com/wpad.dat",
        "origin": "system:macos",
        "outcome": "ok",
        "decisions": {SECURE.url: "PROXY proxy.company.com:8080"},
    }
    route = _route(SECURE, choose("Darwin", [mac]), pac)
    assert route.label == "PROXY proxy.company.com:8080" and route.source == "pac"
    assert route.origin == "PAC from macOS network settings (http://wpad.company.com/wpad.dat)"
