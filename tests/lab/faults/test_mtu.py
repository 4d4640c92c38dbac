"""mtu: the router's proxy-side MTU is 1200 and its frag-needed never leaves: a black hole."""

import pytest

from wiresleuth.lab import addresses
from wiresleuth.lab.commands import run, run_in
from wiresleuth.lab.lab import Lab

pytestmark = pytest.mark.lab


def _df_ping_ok(ns: str, address: str, payload: int) -> bool:
    done = run_in(ns, ["ping", "-n", "-M", "do", "-s", str(payload), "-c", "2", "-i", "0.2",
                       "-W", "1", address], check=False)  # fmt: skip
    return done.returncode == 0


def _frag_needed_dropped(lab: Lab) -> int:
    rules = run_in(
        lab.names.ns("router"), ["iptables-nft", "-w", "5", "-L", "OUTPUT", "-v", "-n", "-x"]
    )
    line = next(x for x in rules.stdout.splitlines() if "DROP" in x and "icmp" in x)
    return int(line.split()[0])


def test_big_df_packets_vanish_without_frag_needed_small_ones_pass(primitives_lab: Lab) -> None:
    internet = primitives_lab.names.ns("internet")
    shown = run(["ip", "-n", primitives_lab.names.ns("router"), "link", "show", "to-proxy"]).stdout
    assert "mtu 1200" in shown
    before = _frag_needed_dropped(primitives_lab)
    assert _df_ping_ok(internet, addresses.PROXY, 1100)  # 1128 B fits
    assert not _df_ping_ok(internet, addresses.PROXY, 1300)  # 1328 B: black hole
    assert _frag_needed_dropped(primitives_lab) > before, "the router's frag-needed was not dropped"
    assert _df_ping_ok(internet, addresses.CLIENT, 1300), "only the proxy link has the low MTU"
