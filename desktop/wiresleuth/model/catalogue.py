"""The findings catalogue: every finding ID the product can emit (a public API of the bundle).

Each entry says what the finding means, what evidence backs it and what the helpdesk should
do. ``docs/findings.md`` is generated from this table (``python -m wiresleuth.model.catalogue``)
and a test keeps the two identical.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass

from wiresleuth.model.finding import Finding, Severity


@dataclass(frozen=True, kw_only=True)
class FindingSpec:
    """The fixed description of one finding ID."""

    id: str
    """The stable identifier."""
    severity: Severity
    """Default severity (a wizard may lower or raise it with a reason)."""
    title: str
    """Headline used in the catalogue."""
    meaning: str
    """What the finding means."""
    evidence: str
    """What evidence is attached."""
    action: str
    """What the helpdesk should do."""


_SPECS: tuple[FindingSpec, ...] = (
    FindingSpec(
        id="path.large_packet_loss",
        severity=Severity.PROBLEM,
        title="Large packets from a server are lost on the way",
        meaning=(
            "Segments above a certain size from the server never arrive while small ones pass; "
            "the same exchange succeeds when the connection asks for small segments (MSS 536)."
        ),
        evidence=(
            "The gap in the server's byte stream (lost segments, later segments that did "
            "arrive, duplicate ACKs), the server's MSS, and the successful small-MSS retry."
        ),
        action=(
            "Give the network team the server address and the packet numbers; ask them to "
            "check QoS policers (DSCP), MTU and firewalls on the WAN path to that server."
        ),
    ),
    FindingSpec(
        id="path.tcp_intercepted",
        severity=Severity.PROBLEM,
        title="A device near you answers for the server",
        meaning=(
            "The TCP handshake completed faster than a packet can travel to the server and "
            "back: a middlebox (WCCP redirection, TCP optimiser, transparent proxy) terminates "
            "the connection on the server's behalf."
        ),
        evidence="Handshake RTT against the path RTT measured independently (ICMP echo or a second method).",
        action=(
            "Ask the network team which device intercepts port 443 for this destination "
            "(WCCP, WAN optimiser, transparent proxy) and to exempt it."
        ),
    ),
    FindingSpec(
        id="tls.plaintext_injected",
        severity=Severity.PROBLEM,
        title="Plain text arrived inside an encrypted connection",
        meaning=(
            "Bytes that are not TLS (usually an HTTP response) arrived on the TLS connection: "
            "something in the path injected them; the server would not."
        ),
        evidence="The injected bytes as text, when they arrived, and the packet that carried them.",
        action=(
            "Send the injected text to the network team: headers such as X-Bypass-Cache or Via "
            "name the device (cache, optimiser, captive portal)."
        ),
    ),
    FindingSpec(
        id="path.direct_blocked",
        severity=Severity.PROBLEM,
        title="The server cannot be reached directly",
        meaning="A direct TCP connection to the target was refused, timed out or found no route.",
        evidence="The connect error and how long it took; the SYN and any answer in the capture.",
        action="Check firewall rules for this destination and port, or whether it must go via the proxy.",
    ),
    FindingSpec(
        id="tls.reset_after_client_hello",
        severity=Severity.PROBLEM,
        title="The secure connection is reset after the greeting",
        meaning=(
            "The TCP connection was accepted, the TLS ClientHello was sent, and a few seconds "
            "later the connection was reset: typically a load balancer or firewall that "
            "inspects TLS and rejects it, or a server that cannot complete the handshake."
        ),
        evidence=(
            "Seconds from ClientHello to reset, the address that sent the RST and its TTL "
            "compared with the server's other packets."
        ),
        action=(
            "Give the server/load-balancer team the time, SNI and seconds to reset; ask them to "
            "check the TLS profile (ciphers, SNI, client certificate) on that device."
        ),
    ),
    FindingSpec(
        id="tls.no_server_hello",
        severity=Severity.PROBLEM,
        title="The server never answered the secure greeting",
        meaning="The ClientHello was sent and acknowledged, but no ServerHello arrived before the deadline.",
        evidence="ClientHello time, the server's ACK of it, and how long the program waited.",
        action="Check whether the server's response is lost on the way (see any large-packet finding).",
    ),
    FindingSpec(
        id="tls.fatal_alert",
        severity=Severity.PROBLEM,
        title="The secure connection was refused with an alert",
        meaning="A TLS fatal alert ended the handshake (by the server, or by a device that forged it).",
        evidence="The alert's description, the packet that carried it and its TTL compared with the server's.",
        action="Give the alert name and server to the team that runs the server or the inspecting device.",
    ),
    FindingSpec(
        id="tls.certificate_intercepted",
        severity=Severity.WARNING,
        title="The secure connection is inspected by a local certificate authority",
        meaning=(
            "The server's certificate chains to a CA that this computer trusts but the public "
            "web does not: SSL inspection by a proxy, firewall or antivirus."
        ),
        evidence="The issuer of the presented chain and the two verification results (OS store, public bundle).",
        action=(
            "Expected if your organisation inspects TLS; otherwise find the product that owns "
            "this CA. Applications with their own trust store (Java, chat clients) will fail."
        ),
    ),
    FindingSpec(
        id="tls.certificate_invalid",
        severity=Severity.PROBLEM,
        title="The server's certificate is not valid here",
        meaning="The certificate fails verification against the operating system's trust store.",
        evidence="The verification error, the subject and issuer of the presented certificate.",
        action="Give the error and the issuer to the server's owner, or check for an intercepting device.",
    ),
    FindingSpec(
        id="path.dscp_marked",
        severity=Severity.WARNING,
        title="The server's packets carry a QoS priority mark",
        meaning=(
            "Packets from an Internet server arrive with a non-zero DSCP. EF (46) is meant for "
            "voice; WAN QoS policers may drop large EF packets. Worse when the marked packets "
            "are the ones that get lost."
        ),
        evidence="The DSCP value and its name, the packets that carried it, which of them were lost.",
        action=(
            "Ask the network team to re-mark (or trust) this server's DSCP at the WAN edge, "
            "or the server's owner to stop marking non-voice traffic EF."
        ),
    ),
    FindingSpec(
        id="net.gateway_vendor",
        severity=Severity.INFO,
        title="Your default gateway's maker",
        meaning="The vendor registered for the default gateway's MAC address (IEEE OUI).",
        evidence="Gateway IP and MAC address, the OUI's registered owner.",
        action="Useful context: an F5 or similar appliance as gateway points at a load balancer in the path.",
    ),
    FindingSpec(
        id="capture.unavailable",
        severity=Severity.WARNING,
        title="Packets could not be captured",
        meaning=(
            "The program ran without the right to capture its own traffic; findings rest on "
            "what its sockets saw. Per-packet evidence (TTLs, DSCP, retransmissions) is missing."
        ),
        evidence="The reason capture failed and how to enable it on this system.",
        action="Re-run with capture rights (see the user guide) if a finding needs packet evidence.",
    ),
    FindingSpec(
        id="dns.resolution_failed",
        severity=Severity.PROBLEM,
        title="A name could not be looked up",
        meaning="The system resolver returned no address for a target's host name.",
        evidence="The resolver's error and how long the lookup took.",
        action="Check the name; check the DNS servers in system.json and whether the name needs VPN/split DNS.",
    ),
    FindingSpec(
        id="probe.failed",
        severity=Severity.WARNING,
        title="A check could not complete",
        meaning="One probe failed or ran out of time; the rest of the run is unaffected.",
        evidence="The probe, its deadline and the error.",
        action="Re-run; if it repeats, send the bundle: the log says what failed.",
    ),
)

CATALOGUE: dict[str, FindingSpec] = {spec.id: spec for spec in _SPECS}
"""Finding ID -> its description."""

_RANK: dict[str, int] = {spec.id: index for index, spec in enumerate(_SPECS)}


def spec(finding_id: str) -> FindingSpec:
    """The catalogue entry of a finding ID; KeyError for an ID nobody declared."""
    return CATALOGUE[finding_id]


def sort_findings(findings: list[Finding] | tuple[Finding, ...]) -> tuple[Finding, ...]:
    """Most severe first; within a severity, causes before the symptoms they explain."""
    return tuple(
        sorted(
            findings,
            key=lambda f: (-f.severity.weight, _RANK.get(f.id, len(_RANK)), f.target or ""),
        )
    )


def markdown() -> str:
    """The findings catalogue as Markdown (docs/findings.md)."""
    lines = [
        "# Findings catalogue",
        "",
        "Generated from `desktop/wiresleuth/model/catalogue.py` by",
        "`python -m wiresleuth.model.catalogue > docs/findings.md`; a test keeps them equal.",
        "Finding IDs are a public API of the bundle: they never change meaning.",
        "Findings are ordered by severity, then by the order below (causes before symptoms).",
        "",
    ]
    for item in _SPECS:
        lines += [
            f"## `{item.id}` ({item.severity.value})",
            "",
            f"**{item.title}.** {item.meaning}",
            "",
            f"- Evidence: {item.evidence}",
            f"- What the helpdesk should do: {item.action}",
            "",
        ]
    return "\n".join(lines)


if __name__ == "__main__":
    sys.stdout.write(markdown())
