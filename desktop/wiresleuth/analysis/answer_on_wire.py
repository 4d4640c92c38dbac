"""When did the server's answer to one of this program's exchanges reach this computer?

A socket that heard nothing before its deadline is the loss proof of the small-MSS test; on
a loaded machine the answer may have been in the socket's buffer all along, read too late by
a program that was not scheduled (or that gave up, its clock past the deadline, before it
looked). The capture, stamped by the kernel as packets arrive, tells the two apart: an
answer seen arriving while the program still waited was not lost on the path.
"""

from __future__ import annotations

from collections.abc import Sequence

from wiresleuth.analysis.flows import TcpFlow
from wiresleuth.model.address import normalise
from wiresleuth.model.observations import ConnectObservation


def exchange_flow(connect: ConnectObservation, flows: Sequence[TcpFlow]) -> TcpFlow | None:
    """The captured connection of ``connect`` (by its local port), None when not captured."""
    if connect.local_port is None:
        return None
    matches = [
        f
        for f in flows
        if f.client_port == connect.local_port
        and normalise(f.server) == normalise(connect.address)
        and f.server_port == connect.port
    ]
    return matches[-1] if matches else None


def answer_arrived(flow: TcpFlow | None, *, skip: int = 0, before: float) -> float | None:
    """Capture time of the answer's first byte (the server's stream from offset ``skip``: past
    a proxy's CONNECT answer) when it arrived before ``before``; None when it did not (never
    seen, only after, or not captured)."""
    if flow is None:
        return None
    try:
        at = flow.server_stream.time_at(skip)
    except KeyError:
        return None
    return at if at < before else None
