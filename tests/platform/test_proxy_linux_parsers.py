import pytest

from tests.platform.proxy_samples_util import proxy_sample
from wiresleuth.platform.proxy_linux_parsers import (
    desktop_of,
    environment_source,
    gnome_source,
    kde_source,
    parse_gsettings_list,
)
from wiresleuth.platform.unavailable import FactUnavailable


@pytest.mark.parametrize("name", ["linux_vm_gsettings_none.txt", "forum_gsettings_none.txt"])
def test_gnome_mode_none_is_direct(name: str) -> None:
    source = gnome_source(proxy_sample(name))
    assert source.mode == "direct" and source.available
    assert source.raw["mode"] == "none"
    assert "http.authentication-password" not in source.raw


def test_gnome_values_are_typed() -> None:
    values = parse_gsettings_list(proxy_sample("linux_vm_gsettings_none.txt"))
    assert values["ignore-hosts"] == ["localhost", "127.0.0.0/8", "::1"]
    assert values["http.port"] == 8080 and values["use-same-proxy"] is True


def test_gnome_auto_with_a_url_is_pac() -> None:
    source = gnome_source(proxy_sample("linux_vm_gsettings_auto.txt"))
    assert source.pac_url == "http://pac.corp.example/proxy.pac" and source.mode == "pac"


def test_gnome_auto_without_a_url_is_auto_detect() -> None:
    text = proxy_sample("linux_vm_gsettings_auto.txt").replace(
        "'http://pac.corp.example/proxy.pac'", "''"
    )
    assert gnome_source(text).mode == "auto_detect"


def test_gnome_manual() -> None:
    source = gnome_source(proxy_sample("linux_vm_gsettings_manual.txt"))
    # use-same-proxy is true (GNOME's default): Chromium uses the HTTP proxy for every scheme
    assert source.proxies == {"all": "proxy.corp.example:3128"}
    assert source.bypass == ("localhost", "127.0.0.0/8", "::1", "*.corp.example")
    assert source.mode == "manual"


def test_gsettings_output_without_the_schema_is_unavailable() -> None:
    with pytest.raises(FactUnavailable):
        parse_gsettings_list("No such schema “org.gnome.system.proxy”\n")


def test_kde_pac_manual_and_wpad() -> None:
    pac = kde_source(proxy_sample("linux_vm_kioslaverc_pac"), {})
    assert pac.pac_url == "http://pac.corp.example/proxy.pac" and pac.mode == "pac"
    manual = kde_source(proxy_sample("linux_vm_kioslaverc_manual"), {})
    assert manual.proxies == {
        "http": "proxy.corp.example:3128",
        "https": "proxy.corp.example:3128",
    }
    assert manual.bypass == ("localhost", "127.0.0.1", ".corp.example")
    assert kde_source(proxy_sample("linux_vm_kioslaverc_wpad"), {}).mode == "auto_detect"


def test_kde_type_4_reads_the_named_environment_variables() -> None:
    text = proxy_sample("linux_vm_kioslaverc_manual").replace("ProxyType=1", "ProxyType=4")
    text = text.replace("http://proxy.corp.example 3128", "HTTP_PROXY", 1)
    source = kde_source(text, {"HTTP_PROXY": "http://envproxy:8080"})
    assert source.proxies["http"] == "envproxy:8080"
    assert "https" not in source.proxies  # its variable name is not set in the environment


def test_a_kioslaverc_without_proxy_type_is_unavailable() -> None:
    with pytest.raises(FactUnavailable):
        kde_source("[General]\nfoo=1\n", {})


@pytest.mark.parametrize(
    ("env", "desktop"),
    [
        ({"XDG_CURRENT_DESKTOP": "ubuntu:GNOME"}, "gnome"),
        ({"XDG_CURRENT_DESKTOP": "KDE"}, "kde"),
        ({"DESKTOP_SESSION": "plasma"}, "kde"),
        ({"XDG_CURRENT_DESKTOP": "X-Cinnamon"}, "gnome"),
        ({"XDG_CURRENT_DESKTOP": "XFCE"}, "other"),
        ({"XDG_CURRENT_DESKTOP": "Cinnamon"}, "gnome"),
        ({}, "other"),
    ],
)
def test_desktop(env: dict[str, str], desktop: str) -> None:
    assert desktop_of(env) == desktop


def test_environment_rules() -> None:
    assert environment_source({}) is None
    auto = environment_source({"auto_proxy": ""})
    assert auto is not None and auto.mode == "auto_detect"
    pac = environment_source({"auto_proxy": "http://p/x.pac", "http_proxy": "http://h:1"})
    assert pac is not None and pac.pac_url == "http://p/x.pac" and pac.proxies == {}
    both = environment_source({"HTTPS_PROXY": "http://u:pw@h:3128", "no_proxy": "a,b"})
    assert both is not None
    assert both.proxies == {"https": "http://***@h:3128"} and both.bypass == ("a", "b")
    only_bypass = environment_source({"no_proxy": "*"})
    assert only_bypass is not None and only_bypass.mode == "direct"
    everything = environment_source({"all_proxy": "socks5://s:1080", "http_proxy": "h:1"})
    assert everything is not None and everything.proxies == {"all": "socks5://s:1080"}
