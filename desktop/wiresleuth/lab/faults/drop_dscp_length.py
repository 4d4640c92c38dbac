"""Router drops packets with a given DSCP above a length: a WAN QoS policer (case C1)."""

from __future__ import annotations

from dataclasses import dataclass

from wiresleuth.lab.addresses import link
from wiresleuth.lab.faults.base import ROUTER_LINKS, Fault, LabControl, check_choice, check_range


@dataclass(frozen=True, kw_only=True)
class DropDscpLength(Fault):
    """Drop forwarded packets marked ``dscp`` that are longer than ``longer_than`` bytes."""

    kind = "drop_dscp_length"
    summary = "router drops packets with a DSCP mark above a length (QoS policer)"

    dscp: int
    """DSCP value to match (0-63; EF is 46)."""
    longer_than: int
    """Packets whose IP length exceeds this many bytes are dropped."""
    link: str = "client"
    """Router link the packets leave by: client, proxy or internet."""

    def __post_init__(self) -> None:
        check_range("dscp", self.dscp, 0, 63)
        check_range("longer_than", self.longer_than, 20, 65534)
        check_choice("link", self.link, ROUTER_LINKS)

    def apply(self, lab: LabControl) -> None:
        lab.iptables(
            "router", "-A", "FORWARD", "-o", link(self.link).router_if,
            "-m", "dscp", "--dscp", str(self.dscp),
            "-m", "length", "--length", f"{self.longer_than + 1}:65535",
            "-j", "DROP",
        )  # fmt: skip

    def describe(self) -> str:
        return f"router drops DSCP {self.dscp} packets > {self.longer_than} B towards {self.link}"
