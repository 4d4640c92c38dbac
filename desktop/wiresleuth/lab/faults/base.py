"""What every fault primitive is, and the lab operations a primitive may use.

A primitive is a frozen dataclass built from one ``[[fault]]`` table of a scenario file
(``kind`` picks the class, the other keys are its fields); ``apply`` changes the running
lab. Checks of parameter values live in ``__post_init__`` and raise ParamError naming the key.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import ClassVar, Protocol

from wiresleuth.errors import LabError
from wiresleuth.lab import addresses
from wiresleuth.lab.params import ParamError
from wiresleuth.lab.squid import SquidOptions


class LabControl(Protocol):
    """The operations of a built lab that fault primitives use."""

    def ip(self, role: str, *args: str) -> None:
        """Run ``ip -n <ns of role> args``."""

    def iptables(self, role: str, *args: str) -> None:
        """Add a rule in a role's namespace (nft flavour)."""

    def start_process(self, name: str, role: str, argv: Sequence[str]) -> None:
        """Start a lab process that accepts ``--ready-file`` and wait until it is ready."""

    def write_file(self, name: str, data: bytes) -> Path:
        """Write a file into the lab's state directory (world-readable) and return its path."""

    def set_path_delay(self, one_way_ms: float) -> None:
        """Change the router's delay line on the internet-side link."""

    def ensure_address(self, role: str, address: str) -> None:
        """Make ``address`` local to a role's namespace (or fail saying why it cannot be)."""

    def set_dns_record(self, name: str, address: str) -> None:
        """Make the lab DNS answer ``name`` with ``address``."""

    def next_queue(self) -> int:
        """A fresh NFQUEUE number."""

    def restart_proxy(self, options: SquidOptions) -> None:
        """Restart the lab's Squid with scenario settings (auth, lifetime, ports)."""


@dataclass(frozen=True, kw_only=True)
class Fault:
    """Base of all fault primitives."""

    kind: ClassVar[str] = ""
    """The ``kind`` value that selects this primitive in a scenario file."""
    summary: ClassVar[str] = ""
    """One line for ``lab list`` and the docs."""

    def apply(self, lab: LabControl) -> None:
        """Inject the fault into the running lab."""
        raise NotImplementedError

    def describe(self) -> str:
        """One line for progress output."""
        return self.kind


ROUTER_LINKS = ("client", "proxy", "internet")
NAMESPACES = ("client", "router", "proxy", "internet")
HOP_ROLES = {1: "router", 2: "wan"}
"""A middlebox's hop -> the namespace of that router (hop 2 needs ``routers = 2``)."""
CLOSE_MODES = ("fin", "rst", "hold")
_MAC_RE = re.compile(r"[0-9a-fA-F]{2}(:[0-9a-fA-F]{2}){5}")


def check_choice(key: str, value: str, choices: Sequence[str]) -> None:
    """ParamError unless ``value`` is one of ``choices``."""
    if value not in choices:
        raise ParamError(key, f"must be one of {', '.join(choices)}; got {value!r}")


def check_range(key: str, value: float, low: float, high: float) -> None:
    """ParamError unless low <= value <= high."""
    if not low <= value <= high:
        raise ParamError(key, f"must be from {low:g} to {high:g}; got {value!r}")


def check_port(key: str, value: int) -> None:
    """ParamError unless a TCP port number."""
    check_range(key, value, 1, 65535)


def check_address(key: str, value: str, *, loopback_ok: bool = False) -> None:
    """ParamError unless an address inside the lab's networks (or loopback when allowed)."""
    try:
        addresses.check_lab_address(value, loopback_ok=loopback_ok)
    except LabError as exc:
        raise ParamError(key, str(exc)) from exc


def check_hop(key: str, value: int) -> None:
    """ParamError unless a router hop of the lab (1 or 2)."""
    if isinstance(value, bool) or value not in HOP_ROLES:
        raise ParamError(key, f"must be 1 (router) or 2 (wan, with routers = 2); got {value!r}")


def hop_interface(hop: int, from_link: str) -> str:
    """The interface through which traffic coming from ``from_link`` enters hop ``hop``."""
    if hop == 1:
        return addresses.link(from_link).router_if
    return addresses.link("internet").router_if if from_link == "internet" else "to-router"


def check_mac(key: str, value: str) -> None:
    """ParamError unless a unicast MAC address written aa:bb:cc:dd:ee:ff."""
    if not _MAC_RE.fullmatch(value):
        raise ParamError(key, f"must look like 00:01:d7:aa:bb:cc; got {value!r}")
    if int(value[:2], 16) & 1:
        raise ParamError(key, f"{value} is a multicast address")


@dataclass(frozen=True, kw_only=True)
class PortRule(Fault):
    """Forwarded TCP to ``port`` (and ``address``, if given) arriving from ``from_link``;
    a subclass says what the router does with it (``add_rule``): ``drop_port`` drops it,
    ``reject_port`` answers with a reset, and nothing else differs between them."""

    port: int
    """Destination TCP port."""
    address: str = ""
    """Destination address ("" for any)."""
    from_link: str = "client"
    """Router link the packets arrive by: client, proxy or internet."""

    def __post_init__(self) -> None:
        check_port("port", self.port)
        if self.address:
            check_address("address", self.address)
        check_choice("from_link", self.from_link, ROUTER_LINKS)

    def add_rule(self, lab: LabControl, *target: str) -> None:
        """Append the router's FORWARD rule for these packets, jumping to ``target``."""
        match = ["-d", self.address] if self.address else []
        lab.iptables(
            "router", "-A", "FORWARD", "-i", addresses.link(self.from_link).router_if, *match,
            "-p", "tcp", "--dport", str(self.port), "-j", *target,
        )  # fmt: skip

    def where(self) -> str:
        """``address:port`` as the fault's description names it."""
        return f"{self.address or 'any address'}:{self.port}"
