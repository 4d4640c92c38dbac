"""net.gateway_vendor: who makes the router this computer sends through, concluded here only.

The TLS check reads the default gateway's MAC from this computer's neighbour table
(``GatewaySeen`` made by ``tls_wizard_findings``); in a capture taken elsewhere, the next hop that carries the connections to several different addresses is a router (the
default gateway, from a capture on the client); its Ethernet address names its maker. An F5
or similar appliance as first hop means a load balancer sits in every connection's path.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from wiresleuth.analysis.intercepted_handshake import GATEWAY_MIN_ADDRESSES
from wiresleuth.analysis.passive_common import mac_text
from wiresleuth.analysis.passive_model import WIZARD, PassiveCapture
from wiresleuth.model.finding import Evidence, Finding, Severity


def gateway_vendors(capture: PassiveCapture) -> list[Finding]:
    """One note per next hop (carrying several addresses) whose maker is registered."""
    reached: dict[int, set[str]] = defaultdict(set)
    frames: dict[int, int] = {}
    for conv in capture.conversations:
        next_hop = conv.client.macs[1]
        if next_hop >= 0 and conv.roles_known and conv.client.first_frame is not None:
            reached[next_hop].add(conv.server.address)
            frames.setdefault(next_hop, conv.client.first_frame)
    findings = []
    for mac_number, addresses in reached.items():
        mac = mac_text(mac_number)
        if mac is None or len(addresses) < GATEWAY_MIN_ADDRESSES:
            continue
        from wiresleuth.platform.oui import mac_vendor  # its table: only when one is seen

        vendor = mac_vendor(mac)
        if not vendor:
            continue
        findings.append(
            gateway_vendor(
                GatewaySeen(
                    mac=mac,
                    vendor=vendor,
                    how=f"Connections to {len(addresses)} addresses leave through Ethernet "
                    f"address {mac}",
                    evidence=(
                        Evidence(
                            text=f"next hop {mac} for {len(addresses)} addresses",
                            packets=(frames[mac_number],),
                            data={"mac": mac, "vendor": vendor, "addresses": sorted(addresses)[:20]},
                        ),
                    ),
                )
            )
        )
    return findings


@dataclass(frozen=True, kw_only=True)
class GatewaySeen:
    """The first hop's Ethernet address and its registered maker."""

    mac: str
    """Its Ethernet address."""
    vendor: str
    """The organisation the address's OUI is registered to."""
    how: str
    """How it is known to be the gateway, in one sentence."""
    address: str | None = None
    """Its IP address, when known (this computer's default gateway)."""
    evidence: tuple[Evidence, ...] = ()
    """What shows it."""


def gateway_vendor(seen: GatewaySeen, *, wizard: str = WIZARD) -> Finding:
    """The note naming the gateway's maker."""
    values: dict[str, object] = {"mac": seen.mac, "vendor": seen.vendor}
    if seen.address is not None:
        values["gateway"] = seen.address
    return Finding(
        id="net.gateway_vendor",
        severity=Severity.INFO,
        title=f"The gateway is made by {seen.vendor}",
        user_text=f"The device this computer sends its traffic to is made by {seen.vendor}.",
        engineer_text=(
            f"{seen.how}, OUI registered to {seen.vendor}. Load balancers or firewalls as first "
            "hop act on every connection."
        ),
        wizard=wizard,
        evidence=seen.evidence,
        values=values,
    )
