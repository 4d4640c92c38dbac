"""A router rewrites the MSS option of the SYNs it forwards (MSS clamping, as tunnels need)."""

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
class MssClamp(Fault):
    """Hop ``hop`` lowers the MSS option of every SYN and SYN-ACK it forwards to ``mss``.

    The rule is the usual one (``TCPMSS --set-mss`` in mangle FORWARD), inserted first so
    that it acts before the delay line's NFQUEUE rules. A router checks the TTL before its
    FORWARD chain, so a SYN that expires at this hop is quoted unchanged; the next hop
    quotes the new value.
    """

    kind = "mss_clamp"
    summary = "a router rewrites the MSS option of the SYNs it forwards (iptables TCPMSS)"

    mss: int
    """The MSS written (536-1460); a SYN already announcing less keeps its own."""
    hop: int = 1
    """Which router: 1 (``router``) or 2 (``wan``, needs ``routers = 2``)."""
    address: str | None = None
    """Only connections to and from this address (None: every connection)."""

    def __post_init__(self) -> None:
        check_range("mss", self.mss, 536, 1460)
        check_hop("hop", self.hop)
        if self.address is not None:
            check_address("address", self.address)

    def apply(self, lab: LabControl) -> None:
        matches = [["-d", self.address], ["-s", self.address]] if self.address is not None else [[]]
        for match in matches:
            lab.iptables(
                HOP_ROLES[self.hop], "-t", "mangle", "-I", "FORWARD", "1", "-p", "tcp", *match,
                "--tcp-flags", "SYN,RST", "SYN", "-j", "TCPMSS", "--set-mss", str(self.mss),
            )  # fmt: skip

    def describe(self) -> str:
        which = f" to and from {self.address}" if self.address else ""
        return (
            f"{HOP_ROLES[self.hop]} (hop {self.hop}) clamps the MSS of forwarded SYNs{which} "
            f"to {self.mss}"
        )
