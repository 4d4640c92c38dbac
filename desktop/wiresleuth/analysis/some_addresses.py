"""One finding for a target whose name has several addresses, when the same fault was found
on some or all of them (issue 16: one load-balancer member of four resets).

Pure. The rules about one address (``tls_wizard_findings``) judge each address as if it were
the only one; here the findings with the same ID are made one: when every address shows the
fault it reads as it always did (the first address's texts) and cites every address's
packets; when only some do, it says how many of how many and names them ("2 of 4 addresses
of portal.example.com reset after the ClientHello: 10.0.0.7 and 10.0.0.9"), since a fault
that depends on the address a computer picks comes and goes for its users.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace

from wiresleuth.model.check_status import AddressStatus, Status
from wiresleuth.model.finding import Evidence, Finding, Severity

_VERBS: Mapping[str, tuple[str, str]] = {
    "tls.reset_after_client_hello": (
        "resets after the ClientHello", "reset after the ClientHello",
    ),
    "tls.no_server_hello": ("never answers the ClientHello", "never answer the ClientHello"),
    "path.large_packet_loss": (
        "loses the server's large packets (the handshake completes only with small segments)",
        "lose the server's large packets (the handshake completes only with small segments)",
    ),
    "tls.plaintext_injected": (
        "answers the secure greeting with plain text", "answer the secure greeting with plain text",
    ),
    "tls.fatal_alert": ("refuses the handshake with a TLS alert", "refuse the handshake with a TLS alert"),
    "tls.certificate_invalid": (
        "presents a certificate this computer does not trust",
        "present a certificate this computer does not trust",
    ),
    "tls.certificate_intercepted": (
        "presents a certificate from an inspecting issuer",
        "present a certificate from an inspecting issuer",
    ),
    "path.tcp_intercepted": (
        "is answered faster than the path allows (a device in between answers)",
        "are answered faster than the path allows (a device in between answers)",
    ),
    "path.direct_blocked": (
        "cannot be reached (no connection could be made)",
        "cannot be reached (no connection could be made)",
    ),
    "path.dscp_marked": (
        "marks its packets with a priority class (DSCP)",
        "mark their packets with a priority class (DSCP)",
    ),
    "path.qos_policing": (
        "has its large packets dropped by a network policy",
        "have their large packets dropped by a network policy",
    ),
    "mtu.blackhole": (
        "loses packets above the path's MTU and no router says so (a black hole)",
        "lose packets above the path's MTU and no router says so (a black hole)",
    ),
}  # fmt: skip
"""Finding ID -> what some addresses do, said of one address and of several."""

_SHORT: Mapping[str, str] = {
    "tls.reset_after_client_hello": "reset after the ClientHello",
    "tls.no_server_hello": "no answer to the ClientHello",
    "path.large_packet_loss": "large packets lost",
    "tls.plaintext_injected": "plain text instead of TLS",
    "tls.fatal_alert": "TLS alert",
    "tls.certificate_invalid": "certificate not trusted",
    "tls.certificate_intercepted": "certificate from an inspecting issuer",
    "path.tcp_intercepted": "answered faster than the path allows",
    "path.direct_blocked": "cannot be reached",
    "path.dscp_marked": "packets marked (DSCP)",
    "path.qos_policing": "large packets dropped by a policy",
    "mtu.blackhole": "MTU black hole",
}
"""Finding ID -> a few words for the address's row in the list of checks."""


@dataclass(frozen=True, kw_only=True)
class AddressResult:
    """What the rules concluded on one address of a target's name."""

    address: str
    """The address."""
    findings: tuple[Finding, ...]
    """The findings about it (as if it were the target's only address)."""
    outcome: str
    """How its default handshake ended, in words (``completed the handshake``)."""
    reached: bool = True
    """False when no connection could be made to it (refused, no route, no answer)."""


def and_list(items: Sequence[str]) -> str:
    """``a``, ``a and b``, ``a, b and c``."""
    if len(items) <= 1:
        return "".join(items)
    return f"{', '.join(items[:-1])} and {items[-1]}"


def _name(target: str) -> str:
    host, _, port = target.rpartition(":")
    return host.strip("[]") if port == "443" and host else target


def combined(target: str, results: Sequence[AddressResult]) -> list[Finding]:
    """The findings about a target from its addresses' (``results``, in the order tested):
    one per finding ID."""
    by_id: dict[str, list[tuple[str, Finding]]] = {}
    for result in results:
        for finding in result.findings:
            by_id.setdefault(finding.id, []).append((result.address, finding))
    out: list[Finding] = []
    for found in by_id.values():
        failing = [address for address, _ in found]
        if len(failing) == len(results):
            out.append(_on_every_address(found, len(results)))
        else:
            out.append(_on_some_addresses(target, found, results))
    return out


def _addressed(address: str, evidence: Sequence[Evidence]) -> tuple[Evidence, ...]:
    return tuple(
        replace(e, text=f"{address}: {e.text}", addresses=e.addresses or (address,))
        for e in evidence
    )


def _values(lead: Finding, failing: Sequence[str], tested: Sequence[str]) -> dict[str, object]:
    return {
        **lead.values,
        "addresses_failing": list(failing),
        "addresses_tested": list(tested),
        "failing": len(failing),
        "tested": len(tested),
    }


def _on_every_address(found: Sequence[tuple[str, Finding]], tested: int) -> Finding:
    """Every address shows it: the first one's texts, as with one address; every address's
    evidence."""
    address, lead = found[0]
    if tested == 1:
        return lead
    evidence = [*_addressed(address, lead.evidence)]
    for other, finding in found[1:]:
        evidence += _addressed(other, finding.evidence)
    severity = max((f.severity for _, f in found), key=lambda s: s.weight)
    failing = [a for a, _ in found]
    return replace(
        lead, severity=severity, evidence=tuple(evidence), values=_values(lead, failing, failing)
    )


def _on_some_addresses(
    target: str, found: Sequence[tuple[str, Finding]], results: Sequence[AddressResult]
) -> Finding:
    failing = [address for address, _ in found]
    first_address, lead = found[0]
    one = len(failing) == 1
    verbs = _VERBS.get(lead.id)
    verb = (verbs[0] if one else verbs[1]) if verbs else f"show this: {lead.title}"
    named = and_list(failing)
    headline = f"{len(failing)} of {len(results)} addresses of {_name(target)} {verb}: {named}"
    others = [r for r in results if r.address not in failing]
    rest = "; ".join(f"{r.address} {r.outcome}" for r in others)
    severity = max((f.severity for _, f in found), key=lambda s: s.weight)
    user = (
        f"{headline}. The other{'s' if len(others) > 1 else ''}: {rest}. This name leads to "
        "several servers (a load balancer's members, for instance), and the connection works "
        "or fails depending on which one this computer picks, so the fault comes and goes. "
        f"What was seen on {first_address}: {lead.user_text}"
    )
    engineer = f"{headline}; {rest}. " + " ".join(
        f"On {address}: {finding.engineer_text}" for address, finding in found
    )
    evidence: list[Evidence] = []
    for address, finding in found:
        evidence += _addressed(address, finding.evidence)
    evidence += [Evidence(text=f"{r.address}: {r.outcome}", addresses=(r.address,)) for r in others]
    return replace(
        lead,
        severity=severity,
        title=headline,
        user_text=user,
        engineer_text=engineer,
        evidence=tuple(evidence),
        values=_values(lead, failing, [r.address for r in results]),
    )


def failing_pairs(findings: Iterable[Finding]) -> frozenset[tuple[str, str]]:
    """(target, address) each finding is about: the addresses a name's finding names as
    failing, else ``""`` (every address of its target)."""
    pairs: set[tuple[str, str]] = set()
    for finding in findings:
        if not finding.target:
            continue
        failing = finding.values.get("addresses_failing")
        named = [str(a) for a in failing] if isinstance(failing, list) else [""]
        pairs.update((finding.target, address) for address in named)
    return frozenset(pairs)


def address_statuses(results: Sequence[AddressResult]) -> tuple[AddressStatus, ...]:
    """Each address's status for the list of checks (empty for a name with one address)."""
    if len(results) < 2:
        return ()
    out: list[AddressStatus] = []
    for result in results:
        trouble = [f for f in result.findings if f.severity is not Severity.INFO]
        if trouble:
            trouble.sort(key=lambda f: -f.severity.weight)
            reason = ", ".join(dict.fromkeys(_SHORT.get(f.id, f.title) for f in trouble))
            out.append(AddressStatus(address=result.address, status=Status.PROBLEM, reason=reason))
        elif not result.reached:
            out.append(
                AddressStatus(
                    address=result.address, status=Status.COULD_NOT_RUN, reason=result.outcome
                )
            )
        else:
            out.append(
                AddressStatus(address=result.address, status=Status.PASSED, reason=result.outcome)
            )
    return tuple(out)
