"""The ordinary faults any capture shows (issue 12): refusals and silence, failing name
servers, stalls, and which part of a slow exchange took the time.

The rules that need no observations and belong to no wizard: ``diagnosis``'s wire
interpretation runs them last, on a run's packets, a bundle's or a capture file taken
elsewhere. The other rules about traffic seen from outside (intercepted handshakes,
plaintext in TLS, resets, lost large packets, DSCP marks, rewritten DNS answers, held
requests, the gateway's maker) are concluded by the interpretation of the wizard that
asks the same question with its probes.
"""

from __future__ import annotations

from wiresleuth.analysis.dns_exchanges import DnsExchange, dns_exchanges
from wiresleuth.analysis.passive_connect import (
    failed_attempts,
    refused_connections,
    unanswered_connections,
)
from wiresleuth.analysis.passive_dns_failures import server_failures, unanswered_queries
from wiresleuth.analysis.passive_latency import slow_exchanges
from wiresleuth.analysis.passive_model import PassiveCapture
from wiresleuth.analysis.passive_stall import stuck_segments, zero_windows
from wiresleuth.model.finding import Finding


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
