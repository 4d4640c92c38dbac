"""net.gateway_vendor from a capture: who makes the router this computer sends through.

The next hop that carries the connections to several different addresses is a router (the
default gateway, from a capture on the client); its Ethernet address names its maker. An F5
or similar appliance as first hop means a load balancer sits in every connection's path.
"""

from __future__ import annotations

from collections import defaultdict

from wiresleuth.analysis.passive_common import mac_text, make_finding
from wiresleuth.analysis.passive_intercept import GATEWAY_MIN_ADDRESSES
from wiresleuth.analysis.passive_model import PassiveCapture
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
            make_finding(
                "net.gateway_vendor",
                Severity.INFO,
                f"The gateway in this capture is made by {vendor}",
                f"The device this computer sends its traffic to is made by {vendor}.",
                (
                    f"Connections to {len(addresses)} addresses leave through Ethernet address "
                    f"{mac}, OUI registered to {vendor}. Load balancers or firewalls as first "
                    "hop act on every connection."
                ),
                [
                    Evidence(
                        text=f"next hop {mac} for {len(addresses)} addresses",
                        packets=(frames[mac_number],),
                        data={"mac": mac, "vendor": vendor, "addresses": sorted(addresses)[:20]},
                    )
                ],
                mac=mac,
                vendor=vendor,
            )
        )
    return findings
