"""Build and remove the lab's namespaces, veth links, addresses, routes and resolvers.

Facts of this kernel that shape it: new namespaces start with ``lo`` down; veth passes
GSO/TSO super-packets that would fool length rules and MTU faults, so offloads are turned off
on every interface; rp_filter stays 0; IPv6 is off so captures hold only the lab's traffic.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import time
from pathlib import Path

from wiresleuth.errors import LabError
from wiresleuth.lab import addresses as addr
from wiresleuth.lab.commands import run, run_in
from wiresleuth.lab.names import NETNS_ETC, OPTIONAL_ROLES, ROLES, LabNames

_NETNS_RUN = Path("/run/netns")


def existing_namespaces(names: LabNames) -> list[str]:
    """The namespaces of this lab that exist now."""
    return [ns for ns in names.all_namespaces if (_NETNS_RUN / ns).exists()]


def _sysctl(ns: str, *settings: str) -> None:
    run_in(ns, ["sysctl", "-q", "-w", *settings])


def _new_namespace(ns: str) -> None:
    run(["ip", "netns", "add", ns])
    if Path("/proc/sys/net/ipv6").exists():
        _sysctl(ns, "net.ipv6.conf.all.disable_ipv6=1", "net.ipv6.conf.default.disable_ipv6=1")
    _sysctl(ns, "net.ipv4.conf.all.rp_filter=0", "net.ipv4.conf.default.rp_filter=0")
    run(["ip", "-n", ns, "link", "set", "lo", "up"])


def _veth(ns_a: str, if_a: str, cidr_a: str, ns_b: str, if_b: str, cidr_b: str) -> None:
    """A veth pair between two namespaces, addressed, offloads off, up."""
    run(["ip", "link", "add", if_a, "netns", ns_a, "type", "veth",
         "peer", "name", if_b, "netns", ns_b])  # fmt: skip
    for ns, ifname, cidr in ((ns_a, if_a, cidr_a), (ns_b, if_b, cidr_b)):
        run_in(ns, ["ethtool", "-K", ifname, "tso", "off", "gso", "off", "gro", "off"])
        run(["ip", "-n", ns, "addr", "add", cidr, "dev", ifname])
        run(["ip", "-n", ns, "link", "set", ifname, "up"])


def build_topology(names: LabNames, *, routers: int = 1) -> None:
    """Create the namespaces and wire them; LabError if this lab already exists.

    ``routers = 2`` puts a second router (``wan``) between ``router`` and ``internet``, so
    that the internet is one hop further and a middlebox can sit on hop 1 or hop 2.
    """
    if routers not in (1, 2):
        raise LabError(f"a lab has 1 or 2 routers, not {routers}")
    present = existing_namespaces(names)
    if present:
        raise LabError(
            f"a lab is already up here (namespaces {', '.join(present)}); "
            "run `wiresleuth lab down` (same WIRESLEUTH_LAB_PREFIX) first"
        )
    roles = (*ROLES, *OPTIONAL_ROLES) if routers == 2 else ROLES
    for role in roles:
        _new_namespace(names.ns(role))
    _sysctl(names.ns("router"), "net.ipv4.ip_forward=1")
    _sysctl(names.ns("client"), "net.ipv4.ping_group_range=0 2147483647")
    router = names.ns("router")
    for link in addr.LINKS:
        peer = names.ns(link.role)
        if link.role == "internet" and routers == 2:
            continue
        _veth(router, link.router_if, link.router_addr, peer, link.peer_if, link.peer_addr)
        run(["ip", "-n", peer, "route", "add", "default", "via", link.peer_gateway])
    inet = names.ns("internet")
    if routers == 2:
        wan = names.ns("wan")
        _sysctl(wan, "net.ipv4.ip_forward=1")
        inet_link = addr.link("internet")
        _veth(router, inet_link.router_if, f"{addr.ROUTER_TRANSIT}/24",
              wan, "to-router", f"{addr.WAN_TRANSIT}/24")  # fmt: skip
        _veth(wan, inet_link.router_if, inet_link.router_addr,
              inet, inet_link.peer_if, inet_link.peer_addr)  # fmt: skip
        run(["ip", "-n", inet, "route", "add", "default", "via", inet_link.peer_gateway])
        for net in (addr.INTERNET_NET, addr.SERVER_NET):
            run(["ip", "-n", router, "route", "add", net, "via", addr.WAN_TRANSIT])
        run(["ip", "-n", wan, "route", "add", addr.CLIENT_NETS, "via", addr.ROUTER_TRANSIT])
        run(["ip", "-n", wan, "route", "add", addr.SERVER_NET, "via", addr.INTERNET])
    else:
        run(["ip", "-n", router, "route", "add", addr.SERVER_NET, "via", addr.INTERNET])
    run(["ip", "-n", inet, "addr", "add", f"{addr.DNS_SERVER}/24", "dev", "eth0"])
    for role in roles:
        etc = names.etc_dir(role)
        etc.mkdir(parents=True, exist_ok=True)
        (etc / "resolv.conf").write_text(
            f"# wiresleuth lab ({role})\nnameserver {addr.DNS_SERVER}\n"
            "options timeout:2 attempts:2\n"
        )
        os.chmod(etc / "resolv.conf", 0o644)


def add_server_address(names: LabNames, address: str) -> None:
    """Give the internet namespace one more server address (idempotent)."""
    inet = names.ns("internet")
    shown = run(["ip", "-n", inet, "-o", "addr", "show", "dev", "eth0"]).stdout
    if f" {address}/" not in shown:
        run(["ip", "-n", inet, "addr", "add", f"{address}/32", "dev", "eth0"])


def _ns_pids(ns: str) -> list[int]:
    done = run(["ip", "netns", "pids", ns], check=False)
    return [int(tok) for tok in done.stdout.split() if tok.isdigit()]


def _kill_stragglers(ns: str, *, timeout: float = 3.0) -> None:
    """End every process still inside one of our namespaces (all of them are lab processes)."""
    for sig, wait in ((signal.SIGTERM, timeout), (signal.SIGKILL, 2.0)):
        pids = _ns_pids(ns)
        if not pids:
            return
        for pid in pids:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, sig)
        deadline = time.monotonic() + wait
        while time.monotonic() < deadline and _ns_pids(ns):
            for pid in pids:
                with contextlib.suppress(ChildProcessError):
                    os.waitpid(pid, os.WNOHANG)
            time.sleep(0.05)


def teardown_topology(names: LabNames) -> list[str]:
    """Remove namespaces (their links and iptables rules go with them) and /etc/netns files.

    Returns errors instead of raising, so that teardown always goes as far as it can.
    """
    errors: list[str] = []
    for ns in existing_namespaces(names):
        try:
            _kill_stragglers(ns)
            run(["ip", "netns", "delete", ns])
        except LabError as exc:
            errors.append(str(exc))
    for role in (*ROLES, *OPTIONAL_ROLES):
        shutil.rmtree(names.etc_dir(role), ignore_errors=True)
    with contextlib.suppress(OSError):
        NETNS_ETC.rmdir()  # only when empty: other users' entries stay
    return errors
