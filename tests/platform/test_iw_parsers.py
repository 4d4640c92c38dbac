"""``iw dev <interface> link`` read on recorded real output (samples/SOURCES.md)."""

import pytest

from tests.platform.conftest import sample
from wiresleuth.platform.iw_parsers import parse_iw_link
from wiresleuth.platform.unavailable import FactUnavailable


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("minstrel_lede_iw_dev_wlan0_link.txt", ("LEDE-tp1043", "f4:f2:6d:22:7c:f0")),
        ("wifinote_iw_dev_wlp0s20f3_link_5ghz.txt", ("O2-Internet-5G-040", "14:36:0e:d7:75:f2")),
        ("wifinote_iw_dev_wlp0s20f3_link_24ghz.txt", ("O2-Internet-040", "14:36:0e:d7:75:f1")),
    ],
)
def test_a_connected_link_gives_its_network_and_access_point(
    name: str, expected: tuple[str, str]
) -> None:
    assert parse_iw_link(sample(name)) == expected


@pytest.mark.parametrize(
    "text", ["Not connected.\n", "Authenticated with 14:36:0e:d7:75:f2 (on wlp0s20f3)\n"]
)
def test_not_connected_or_still_joining_is_no_network(text: str) -> None:
    # iw's link.c prints these lines (samples/SOURCES.md)
    assert parse_iw_link(text) == (None, None)


def test_an_ssid_with_spaces_and_a_bssid_in_capitals() -> None:
    text = sample("minstrel_lede_iw_dev_wlan0_link.txt").replace(
        "SSID: LEDE-tp1043", "SSID: Guest Wi-Fi 2"
    ).replace("f4:f2:6d:22:7c:f0", "F4:F2:6D:22:7C:F0")
    assert parse_iw_link(text) == ("Guest Wi-Fi 2", "f4:f2:6d:22:7c:f0")


@pytest.mark.parametrize("text", ["", "command failed: No such device (-19)\n", "SSID: x\n"])
def test_anything_else_is_refused_with_its_first_line(text: str) -> None:
    with pytest.raises(FactUnavailable, match="iw link"):
        parse_iw_link(text)
