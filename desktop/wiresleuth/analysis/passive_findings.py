"""Every finding a capture file can prove without probing: the ``analyze`` wizard.

Each finding of the active wizards that a passive capture can show runs here on a file
taken elsewhere (the proxy, a SPAN port, the user's own Wireshark): impossible handshake
timing, plaintext in a TLS stream, resets after the ClientHello, unanswered ClientHellos,
large-packet loss, DSCP marks, rewritten DNS answers, held requests, the gateway's maker.
Evidence cites frame numbers of the file itself.
"""

from __future__ import annotations

from wiresleuth.analysis.passive_dns import rewritten_answers
from wiresleuth.analysis.passive_dscp import dscp_markings
from wiresleuth.analysis.passive_gateway import gateway_vendors
from wiresleuth.analysis.passive_hold import held_requests
from wiresleuth.analysis.passive_intercept import intercepted_handshakes
from wiresleuth.analysis.passive_loss import large_packet_losses
from wiresleuth.analysis.passive_model import PassiveCapture
from wiresleuth.analysis.passive_plaintext import plaintext_injections
from wiresleuth.analysis.passive_reset import (
    resets_after_client_hello,
    unanswered_client_hellos,
)
from wiresleuth.model.catalogue import sort_findings
from wiresleuth.model.finding import Finding


def passive_findings(capture: PassiveCapture) -> tuple[Finding, ...]:
    """The findings of a capture, most severe first."""
    findings: list[Finding] = []
    findings += intercepted_handshakes(capture)
    findings += plaintext_injections(capture)
    findings += resets_after_client_hello(capture)
    losses = large_packet_losses(capture)
    findings += losses
    lossy = {str(f.evidence[0].addresses[0]) for f in losses if f.evidence[0].addresses}
    findings += unanswered_client_hellos(capture)
    findings += dscp_markings(capture, lossy)
    findings += rewritten_answers(capture)
    findings += held_requests(capture)
    findings += gateway_vendors(capture)
    return sort_findings(findings)
