"""This computer's links read live: psutil and sysfs here, and in a network namespace of its
own a real tun device (what OpenVPN and most VPN clients create) and a veth pair appearing
between two reads. No Wi-Fi hardware is on the machines that run these tests: the
Wi-Fi part (``iw``) is tested on recorded output (test_iw_parsers.py)."""

from __future__ import annotations

import json
import os
import platform
import shutil
import subprocess
import sys

import psutil
import pytest

from tests.lab.prefixes import lab_prefix
from wiresleuth.analysis.link_changes import link_changes
from wiresleuth.model.jsonable import from_jsonable
from wiresleuth.model.link_state import LinkState
from wiresleuth.platform.linux_links import read_links

pytestmark = pytest.mark.skipif(platform.system() != "Linux", reason="Linux links (sysfs)")


def test_this_machines_interfaces_are_every_one_psutil_lists_but_the_loopback() -> None:
    state = read_links()
    assert state is not None and state.error is None
    stats = psutil.net_if_stats()
    assert {i.name: i.up for i in state.interfaces} == {
        name: s.isup for name, s in stats.items() if name != "lo"
    }
    assert all(i.kind in {"wifi", "vpn", "other"} for i in state.interfaces)


@pytest.mark.lab
def test_a_tun_device_appearing_is_a_vpn_interface_that_appeared() -> None:
    if os.geteuid() != 0 or shutil.which("ip") is None:
        pytest.skip("needs root and iproute2: run the lab tests as root")
    name = f"{lab_prefix('links-netns')}links-{os.getpid()}"
    code = (
        "import fcntl, json, struct, sys\nfrom wiresleuth.model.jsonable import to_jsonable\n"
        "from wiresleuth.platform.linux_links import read_links\n"
        "import time\nstate = read_links()\n"
        "if sys.argv[1:] == ['attach']:  # as a VPN client does: the tunnel then runs\n"
        "    tun = open('/dev/net/tun', 'r+b', buffering=0)\n"
        "    fcntl.ioctl(tun, 0x400454CA, struct.pack('16sH', b'tun7', 0x1001))\n"
        "    for _ in range(50):  # the kernel's link watch marks it running within ~1 s\n"
        "        state = read_links()\n"
        "        if any(i.name == 'tun7' and i.up for i in state.interfaces):\n"
        "            break\n"
        "        time.sleep(0.1)\n"
        "print(json.dumps(to_jsonable(state)))"
    )

    def links(*argv: str) -> LinkState:
        done = subprocess.run(
            ["ip", "netns", "exec", name, sys.executable, "-c", code, *argv],
            capture_output=True, text=True, timeout=30, check=True,
        )  # fmt: skip
        return from_jsonable(LinkState, json.loads(done.stdout))

    def ip(*argv: str) -> None:
        subprocess.run(["ip", "-n", name, *argv], check=True, timeout=10)

    subprocess.run(["ip", "netns", "add", name], check=True, timeout=10)
    try:
        before = links()
        ip("tuntap", "add", "dev", "tun7", "mode", "tun")
        ip("link", "set", "tun7", "up")
        ip("link", "add", "ven7", "type", "veth", "peer", "name", "ven8")
        after = links("attach")  # TUNSETIFF: IFF_TUN | IFF_NO_PI on the device made above
        ip("link", "set", "tun7", "down")
        down = links()
    finally:
        subprocess.run(["ip", "netns", "del", name], check=False, timeout=10)
    assert before.interfaces == () and before.error is None  # only the loopback
    kinds = {i.name: (i.kind, i.vpn, i.up) for i in after.interfaces}
    assert kinds == {
        "tun7": ("vpn", "tun/tap", True),
        "ven7": ("other", None, False),
        "ven8": ("other", None, False),
    }
    assert link_changes(before, after) == [
        "a VPN interface appeared: tun7 (tun/tap)",
        "interface ven7 appeared (down)",
        "interface ven8 appeared (down)",
    ]
    assert link_changes(after, down) == ["VPN interface tun7 (tun/tap) went down"]
