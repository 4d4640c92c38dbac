import pytest

from tests.platform.proxy_samples_util import proxy_sample
from wiresleuth.platform.proxy_macos_parsers import parse_scutil_dictionary, parse_scutil_proxy
from wiresleuth.platform.unavailable import FactUnavailable


def test_a_fixed_http_proxy_with_exceptions() -> None:
    source = parse_scutil_proxy(proxy_sample("macos_drduh_scutil_proxy.txt"))
    assert source.name == "macos"
    assert source.proxies == {"http": "127.0.0.1:8118"}
    assert source.bypass == ("*.local", "169.254/16")
    assert (source.pac_url, source.auto_detect, source.mode) == (None, False, "manual")
    assert source.raw["FTPPassive"] == "1"


def test_a_pac_url() -> None:
    source = parse_scutil_proxy(proxy_sample("macos_httptoolkit151_scutil_proxy.txt"))
    assert source.pac_url == "http://wpad.company.com/wpad.dat"
    assert source.mode == "pac" and source.proxies == {}


def test_nested_arrays_are_lists_and_disabled_entries_do_not_count() -> None:
    text = proxy_sample("macos_drduh_scutil_proxy.txt").replace("HTTPEnable : 1", "HTTPEnable : 0")
    assert parse_scutil_dictionary(text)["ExceptionsList"] == ["*.local", "169.254/16"]
    assert parse_scutil_proxy(text).mode == "direct"


def test_output_without_a_dictionary_is_unavailable() -> None:
    with pytest.raises(FactUnavailable):
        parse_scutil_proxy("No proxy configuration\n")
