import pytest

from wiresleuth.platform.oui import is_locally_administered, mac_vendor, normalize_mac


@pytest.mark.parametrize(
    ("spelling", "normal"),
    [
        ("00-01-D7-12-34-56", "00:01:d7:12:34:56"),  # Windows arp -a / ipconfig
        ("0001.d712.3456", "00:01:d7:12:34:56"),  # Cisco
        ("1:0:5e:0:0:fb", "01:00:5e:00:00:fb"),  # macOS arp -an, no zero padding
        ("00:01:D7:12:34:56", "00:01:d7:12:34:56"),
        ("0001d7123456", "00:01:d7:12:34:56"),
    ],
)
def test_mac_spellings_normalise(spelling: str, normal: str) -> None:
    assert normalize_mac(spelling) == normal


@pytest.mark.parametrize(
    "bad", ["00-00-00-00-00-00-00-E0", "00:00:00:00:00:00", "(incomplete)", "", "zz:zz"]
)
def test_not_a_device_mac_is_none(bad: str) -> None:
    assert normalize_mac(bad) is None


@pytest.mark.parametrize("mac", ["00:01:d7:12:34:56", "00-23-E9-01-02-03", "0094.a100.0001"])
def test_f5_ouis_name_f5(mac: str) -> None:
    assert mac_vendor(mac) == "F5 Networks, Inc."


def test_known_makers_from_recorded_samples() -> None:
    # MACs that appear in the recorded samples (getmac OSX arp -a, Windows ipconfig /all).
    assert mac_vendor("58:6d:8f:7:c9:94") == "Cisco-Linksys, LLC"
    assert mac_vendor("74-D4-35-E9-45-71") == "GIGA-BYTE TECHNOLOGY CO.,LTD."
    assert mac_vendor("00-50-56-C0-00-01") == "VMware, Inc."


@pytest.mark.parametrize(
    "mac",
    [
        "02:fc:00:00:00:05",  # locally administered (this VM's gateway)
        "52:54:00:12:35:02",  # QEMU user networking, locally administered
        "ff:ff:ff:ff:ff:ff",  # broadcast
        "01:00:5e:00:00:fb",  # IPv4 multicast group
        "fc:00:00:00:00:01",  # globally unique bit pattern, but no registration
        "not a mac",
    ],
)
def test_no_vendor_for_made_up_group_or_unknown(mac: str) -> None:
    assert mac_vendor(mac) is None


def test_locally_administered_bit() -> None:
    assert is_locally_administered("02:fc:00:00:00:05")
    assert not is_locally_administered("00:01:d7:12:34:56")
