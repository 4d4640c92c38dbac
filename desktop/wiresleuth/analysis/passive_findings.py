"""Every finding a capture file can prove without probing: the ``analyze`` wizard.

Each finding of the active wizards that a passive capture can show runs here on a file
taken elsewhere (the proxy, a SPAN port, the user's own Wireshark): impossible handshake
timing, plaintext in a TLS stream, resets after the ClientHello, unanswered ClientHellos,
large-packet loss, DSCP marks, rewritten DNS answers, held requests, the gateway's maker.
Evidence cites frame numbers of the file itself.
"""

from __future__ import annotations

from wiresleuth.analysis.dns_exchanges import DnsExchange, dns_exchanges
from wiresleuth.analysis.passive_connect import (
    failed_attempts,
    refused_connections,
    unanswered_connections,
)
from wiresleuth.analysis.passive_dns import rewritten_answers
from wiresleuth.analysis.passive_dns_failures import server_failures, unanswered_queries
from wiresleuth.analysis.passive_dscp import dscp_markings
from wiresleuth.analysis.passive_gateway import gateway_vendors
from wiresleuth.analysis.passive_hold import held_requests
from wiresleuth.analysis.passive_intercept import intercepted_handshakes
from wiresleuth.analysis.passive_latency import slow_exchanges
from wiresleuth.analysis.passive_loss import large_packet_loss_findings
from wiresleuth.analysis.passive_model import PassiveCapture
from wiresleuth.analysis.passive_plaintext import plaintext_injections
from wiresleuth.analysis.passive_reset import (
    resets_after_client_hello,
    unanswered_client_hellos,
)
from wiresleuth.analysis.passive_stall import stuck_segments, zero_windows
from wiresleuth.model.catalogue import sort_findings
from wiresleuth.model.finding import Finding


def passive_findings(capture: PassiveCapture) -> tuple[Finding, ...]:
    """The findings of a capture, most severe first."""
    findings: list[Finding] = []
    findings += intercepted_handshakes(capture)
    findings += plaintext_injections(capture)
    findings += resets_after_client_hello(capture)
    losses, lossy_conversations = large_packet_loss_findings(capture)
    findings += losses
    lossy = {str(f.evidence[0].addresses[0]) for f in losses if f.evidence[0].addresses}
    findings += unanswered_client_hellos(capture)
    findings += dscp_markings(capture, lossy)
    exchanges = dns_exchanges(capture.dns)
    findings += rewritten_answers(capture, exchanges)
    findings += held_requests(capture)
    findings += gateway_vendors(capture)
    findings += ordinary_faults(
        capture,
        explained=frozenset(n for f in findings for n in f.packets),
        lossy=lossy_conversations,
        exchanges=exchanges,
    )
    return sort_findings(findings)


def ordinary_faults(
    capture: PassiveCapture,
    *,
    explained: frozenset[int] = frozenset(),
    lossy: frozenset[int] = frozenset(),
    exchanges: list[DnsExchange] | None = None,
    connection_attempts: bool = True,
) -> list[Finding]:
    """The ordinary faults (issue 12): refusals, silence, failing name servers, stalls and
    which part of a slow exchange took the time.

    ``explained``: frames other findings cite (their conversations are not timed again);
    ``lossy``: conversations large-packet loss explains; ``connection_attempts``: whether
    refused and unanswered connections are judged (not in a run, whose probes make them on
    purpose and whose wizards interpret them)."""
    exchanges = dns_exchanges(capture.dns) if exchanges is None else exchanges
    findings: list[Finding] = []
    if connection_attempts:
        attempts = failed_attempts(capture)
        findings += refused_connections(capture, attempts)
        findings += unanswered_connections(capture, attempts)
    findings += server_failures(capture, exchanges)
    findings += unanswered_queries(capture, exchanges)
    findings += stuck_segments(capture, skip=lossy)
    findings += zero_windows(capture)
    cited = frozenset(n for f in findings for n in f.packets)
    findings += slow_exchanges(capture, explained=explained | cited)  # a stall explains it
    return findings
