"""Pure parsers that name the security products a computer reports: Windows Security
Center (WMI ``root/SecurityCenter2``), macOS system extensions, and known agents' process
names on Linux. Antivirus URL filters and endpoint agents are what hold or reset traffic
on the computer itself (case C7), so the report names them.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True, kw_only=True)
class SecurityProduct:
    """One product, as the OS reports it."""

    name: str
    """Product name ("Windows Defender", "CrowdStrike Falcon")."""
    source: str
    """Where it was found: ``SecurityCenter2``, ``system extension``, ``process``."""
    detail: str = ""
    """What identifies it there (state, bundle id, process name)."""
    enabled: bool | None = None
    """Whether it reports itself active (None: the source does not say)."""


_WMI_PAIR = re.compile(r"^\s*(?P<key>[A-Za-z_]\w*)\s*(?:=|\s:)\s?(?P<value>.*?)\s*$")


def parse_security_center(text: str) -> list[SecurityProduct]:
    """Products from ``AntiVirusProduct`` as ``wmic ... /format:list`` (key=value) or
    ``Get-CimInstance`` (key : value) prints them; blocks are separated by blank lines."""
    blocks: list[dict[str, str]] = []
    current: dict[str, str] = {}
    for line in text.replace("\r\n", "\n").split("\n"):
        if not line.strip():
            if current:
                blocks.append(current)
                current = {}
            continue
        pair = _WMI_PAIR.match(line)
        if pair:
            current[pair["key"].lower()] = pair["value"]
    if current:
        blocks.append(current)
    products: list[SecurityProduct] = []
    for block in blocks:
        name = block.get("displayname", "").strip()
        if not name:
            continue
        state_text = block.get("productstate", "").strip()
        enabled = None
        detail = block.get("pathtosignedreportingexe") or block.get("pathtosignedproductexe") or ""
        if state_text.isdigit():
            state = int(state_text)
            # second byte of productState: 0x10 set = real-time protection on (common decoding)
            enabled = bool((state >> 8) & 0x10)
            detail = f"productState 0x{state:06x}" + (f", {detail}" if detail else "")
        products.append(
            SecurityProduct(name=name, source="SecurityCenter2", detail=detail, enabled=enabled)
        )
    return products


_SYSEXT_ROW = re.compile(
    r"^(?P<enabled>\*?)\t(?P<active>\*?)\t(?P<team>\S+)\t(?P<bundle>\S+) \((?P<version>[^)]*)\)"
    r"\t(?P<name>[^\t]*)\t\[(?P<state>[^\]]+)\]\s*$"
)
_SYSEXT_CATEGORY = re.compile(r"^--- com\.apple\.system_extension\.(?P<kind>\S+)")
SECURITY_EXTENSION_KINDS = ("network_extension", "endpoint_security_extension")
"""System extension categories that can filter or hold traffic."""
_BUNDLE_VENDORS = (
    ("com.crowdstrike.", "CrowdStrike Falcon"),
    ("com.microsoft.wdav", "Microsoft Defender"),
    ("com.sentinelone.", "SentinelOne"),
    ("com.trendmicro.", "Trend Micro"),
    ("com.sophos.", "Sophos"),
    ("com.eset.", "ESET"),
    ("com.kaspersky.", "Kaspersky"),
    ("com.malwarebytes.", "Malwarebytes"),
    ("com.paloaltonetworks.", "Palo Alto Networks"),
    ("com.zscaler.", "Zscaler"),
    ("com.netskope.", "Netskope"),
    ("com.cisco.anyconnect.", "Cisco AnyConnect"),
    ("com.objective-see.lulu", "LuLu firewall"),
)


def parse_system_extensions(text: str) -> list[SecurityProduct]:
    """Network and endpoint-security system extensions from ``systemextensionsctl list``."""
    products: list[SecurityProduct] = []
    kind = ""
    for line in text.replace("\r\n", "\n").split("\n"):
        category = _SYSEXT_CATEGORY.match(line)
        if category:
            kind = category["kind"]
            continue
        row = _SYSEXT_ROW.match(line)
        if not row or kind not in SECURITY_EXTENSION_KINDS:
            continue
        bundle = row["bundle"]
        vendor = next((v for prefix, v in _BUNDLE_VENDORS if bundle.startswith(prefix)), None)
        name = vendor or row["name"] or bundle
        products.append(
            SecurityProduct(
                name=name,
                source="system extension",
                detail=f"{bundle} {row['version']} ({kind}, team {row['team']}) [{row['state']}]",
                enabled="activated enabled" in row["state"],
            )
        )
    return products


KNOWN_LINUX_AGENTS: dict[str, str] = {
    "falcon-sensor": "CrowdStrike Falcon",
    "falcon-sensor-bpf": "CrowdStrike Falcon",
    "falcond": "CrowdStrike Falcon",
    "wdavdaemon": "Microsoft Defender for Endpoint",
    "ds_agent": "Trend Micro Deep Security Agent",
    "ds_am": "Trend Micro Deep Security Agent",
    "s1-agent": "SentinelOne",
    "cbagentd": "VMware Carbon Black",
    "clamd": "ClamAV",
    "savd": "Sophos Anti-Virus",
    "esets_daemon": "ESET",
    "kesl": "Kaspersky Endpoint Security",
    "mfetpd": "Trellix (McAfee) Endpoint Security",
    "mfeespd": "Trellix (McAfee) Endpoint Security",
    "xagt": "Trellix (FireEye) HX agent",
    "elastic-endpoint": "Elastic Defend",
    "wazuh-agentd": "Wazuh agent",
    "ossec-agentd": "OSSEC agent",
    "cylancesvc": "BlackBerry Cylance",
}
"""Process name (as ``ps`` shows it) -> product."""


def match_linux_agents(process_names: Iterable[str]) -> list[SecurityProduct]:
    """Known security agents among process names (each product once, in order found)."""
    found: dict[str, SecurityProduct] = {}
    for raw in process_names:
        name = raw.strip().rsplit("/", 1)[-1]
        product = KNOWN_LINUX_AGENTS.get(name)
        if product and product not in found:
            found[product] = SecurityProduct(
                name=product, source="process", detail=name, enabled=True
            )
    return list(found.values())
