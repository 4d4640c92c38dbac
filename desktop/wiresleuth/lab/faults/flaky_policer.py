"""A WAN QoS policer that comes and goes (case C1, part of the time): flaky-policer."""

from __future__ import annotations

import sys
from dataclasses import dataclass

from wiresleuth.lab.addresses import link
from wiresleuth.lab.faults.base import ROUTER_LINKS, Fault, LabControl, check_choice, check_range


@dataclass(frozen=True, kw_only=True)
class FlakyDropDscpLength(Fault):
    """Drop forwarded packets marked ``dscp`` longer than ``longer_than`` bytes, but only
    during the "on" phases: ``on`` seconds on, ``off`` seconds off, starting with ``first``
    (a lab process, ``servers/policer_toggle``, inserts and deletes the rule)."""

    kind = "flaky_drop_dscp_length"
    summary = "router drops large packets of a DSCP mark part of the time (a flaky policer)"

    dscp: int
    """DSCP value to match (0-63; EF is 46)."""
    longer_than: int
    """Packets whose IP length exceeds this many bytes are dropped while on."""
    on: float
    """Seconds the policer drops, each cycle."""
    off: float
    """Seconds it lets everything pass, each cycle."""
    first: str = "off"
    """The phase the cycle starts with: on or off."""
    link: str = "client"
    """Router link the packets leave by: client, proxy or internet."""

    def __post_init__(self) -> None:
        check_range("dscp", self.dscp, 0, 63)
        check_range("longer_than", self.longer_than, 20, 65534)
        check_range("on", self.on, 1, 3600)
        check_range("off", self.off, 1, 3600)
        check_choice("first", self.first, ("on", "off"))
        check_choice("link", self.link, ROUTER_LINKS)

    def apply(self, lab: LabControl) -> None:
        argv = [
            sys.executable, "-m", "wiresleuth.lab.servers.policer_toggle",
            "--on", str(self.on), "--off", str(self.off), "--first", self.first,
            "--chain", "FORWARD",
            "--rule", f"-o {link(self.link).router_if} -m dscp --dscp {self.dscp} "
            f"-m length --length {self.longer_than + 1}:65535 -j DROP",
        ]  # fmt: skip
        lab.start_process("flaky-policer", "router", argv)

    def describe(self) -> str:
        return (
            f"router drops DSCP {self.dscp} packets > {self.longer_than} B towards {self.link}, "
            f"{self.on:g} s on / {self.off:g} s off (starting {self.first})"
        )
