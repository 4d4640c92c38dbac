"""A router re-marks the DSCP of the packets it forwards towards one address (QoS policy)."""

from __future__ import annotations

from dataclasses import dataclass

from wiresleuth.lab.faults.base import (
    HOP_ROLES,
    Fault,
    LabControl,
    check_address,
    check_hop,
    check_range,
)


@dataclass(frozen=True, kw_only=True)
class RemarkDscp(Fault):
    """Hop ``hop`` sets DSCP ``dscp`` on every packet it forwards to ``address``.

    Like ``mss_clamp`` the rule is inserted first in mangle FORWARD (before the delay line),
    after the router's TTL check: hop ``hop`` quotes a probe as it arrived, the next hop
    quotes the new mark.
    """

    kind = "remark_dscp"
    summary = "a router re-marks the DSCP of packets it forwards to an address (iptables DSCP)"

    address: str
    """Destination whose packets are re-marked."""
    dscp: int
    """The DSCP written (0-63; 8 is CS1, "scavenger")."""
    hop: int = 1
    """Which router: 1 (``router``) or 2 (``wan``, needs ``routers = 2``)."""

    def __post_init__(self) -> None:
        check_address("address", self.address)
        check_range("dscp", self.dscp, 0, 63)
        check_hop("hop", self.hop)

    def apply(self, lab: LabControl) -> None:
        lab.iptables(
            HOP_ROLES[self.hop], "-t", "mangle", "-I", "FORWARD", "1", "-d", self.address,
            "-j", "DSCP", "--set-dscp", str(self.dscp),
        )  # fmt: skip

    def describe(self) -> str:
        return f"{HOP_ROLES[self.hop]} (hop {self.hop}) re-marks packets to {self.address} DSCP {self.dscp}"
