"""What changed in this computer's links between two attempts, in words (pure)."""

from tests.platform.conftest import sample
from wiresleuth.analysis.link_changes import describe, link_changes, vpn_facts, wifi_facts
from wiresleuth.model.link_state import LinkInterface, LinkState, WifiLink
from wiresleuth.platform.iw_parsers import parse_iw_link

ETH = LinkInterface(name="eth0", up=True)
WLAN = LinkInterface(name="wlp0s20f3", up=True, kind="wifi")
TUN = LinkInterface(name="tun0", up=True, kind="vpn", vpn="tun/tap")


def wifi(name: str) -> WifiLink:
    """The Wi-Fi link a recorded ``iw dev wlp0s20f3 link`` describes."""
    ssid, bssid = parse_iw_link(sample(name))
    return WifiLink(interface="wlp0s20f3", ssid=ssid, bssid=bssid)


FIVE = wifi("wifinote_iw_dev_wlp0s20f3_link_5ghz.txt")
TWO = wifi("wifinote_iw_dev_wlp0s20f3_link_24ghz.txt")


def test_a_vpn_tunnel_that_appears_and_an_interface_that_goes_down() -> None:
    before = LinkState(interfaces=(ETH, WLAN), wifi=(FIVE,))
    after = LinkState(
        interfaces=(LinkInterface(name="eth0", up=False), WLAN, TUN), wifi=(FIVE,)
    )
    assert link_changes(before, after) == [
        "interface eth0 went down",
        "a VPN interface appeared: tun0 (tun/tap)",
    ]
    assert link_changes(after, before) == [
        "interface eth0 came up",
        "VPN interface tun0 (tun/tap) is gone",
    ]
    assert vpn_facts(after) == ("tun0 (tun/tap)",) and vpn_facts(before) == ()


def test_another_wifi_network_of_the_same_router_is_a_change_of_network() -> None:
    """The recorded pair: one laptop, one router's 5 GHz network, then its 2.4 GHz one."""
    before = LinkState(interfaces=(WLAN,), wifi=(FIVE,))
    after = LinkState(interfaces=(WLAN,), wifi=(TWO,))
    assert link_changes(before, after) == [
        "Wi-Fi wlp0s20f3 changed network: 'O2-Internet-040' at 14:36:0e:d7:75:f1 "
        "(was 'O2-Internet-5G-040' at 14:36:0e:d7:75:f2)"
    ]
    assert wifi_facts(after) == ("wlp0s20f3 'O2-Internet-040' at 14:36:0e:d7:75:f1",)


def test_roaming_to_another_access_point_of_one_network() -> None:
    roamed = WifiLink(interface="wlp0s20f3", ssid=FIVE.ssid, bssid="14:36:0e:d7:75:aa")
    before = LinkState(interfaces=(WLAN,), wifi=(FIVE,))
    assert link_changes(before, LinkState(interfaces=(WLAN,), wifi=(roamed,))) == [
        "Wi-Fi wlp0s20f3 moved to another access point of 'O2-Internet-5G-040': "
        "14:36:0e:d7:75:aa (was 14:36:0e:d7:75:f2)"
    ]
    lost = WifiLink(interface="wlp0s20f3")
    assert link_changes(before, LinkState(interfaces=(WLAN,), wifi=(lost,))) == [
        "Wi-Fi wlp0s20f3 lost its network (was 'O2-Internet-5G-040' at 14:36:0e:d7:75:f2)"
    ]


def test_nothing_changed_says_nothing_and_an_unreadable_link_is_said_once() -> None:
    state = LinkState(interfaces=(ETH, WLAN), wifi=(FIVE,))
    assert link_changes(state, state) == []
    no_iw = WifiLink(interface="wlp0s20f3", error="its network cannot be read: iw is not installed")
    blind = LinkState(interfaces=(ETH, WLAN), wifi=(no_iw,))
    assert link_changes(state, blind) == [
        "Wi-Fi wlp0s20f3: its network cannot be read: iw is not installed"
    ]
    assert link_changes(blind, blind) == []
    assert wifi_facts(blind) == ("wlp0s20f3 unknown",)


def test_the_state_in_one_line() -> None:
    assert describe(LinkState(interfaces=(ETH, WLAN, TUN), wifi=(FIVE,))) == (
        "up: eth0, wlp0s20f3, tun0; VPN: tun0 (tun/tap); "
        "Wi-Fi wlp0s20f3 on 'O2-Internet-5G-040' at 14:36:0e:d7:75:f2"
    )
    assert describe(LinkState(error="psutil: denied")) == "links unreadable: psutil: denied"
