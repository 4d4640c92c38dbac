"""When did the server's answer to one of this program's exchanges reach this computer?

A socket that heard nothing before its deadline is the loss proof of the small-MSS test; on
a loaded machine the answer may have been in the socket's buffer all along, read too late by
a program that was not scheduled (or that gave up, its clock past the deadline, before it
looked). The capture, stamped by the kernel as packets arrive, tells the two apart: an
answer seen arriving while the program still waited was not lost on the path.

The same holds for every check that concludes from a silence (the TLS handshake, an
exchange through a proxy): ``late_read`` joins the wire's word to the socket's own (bytes
left unread when the program gave up), and a ``LateRead`` makes the check "could not run"
(``TOO_BUSY``) instead of a fault of the path or the server.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

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


TOO_BUSY = "this computer was too busy to read the answer in time: run the check again"
"""Why a check whose answer came but was read too late could not run, in the user's words."""


@dataclass(frozen=True, kw_only=True)
class LateRead:
    """An exchange whose socket reported silence although its answer had come: the program,
    not scheduled in time, found its deadline past with the answer there. The silence is this
    computer's, so the check concludes nothing about the path or the server from it and says
    it could not run (``TOO_BUSY``)."""

    target: str
    """The target (``host:port``) whose check it spoils."""
    exchange: str
    """The exchange in words (``the default TLS handshake with 100.64.1.10:443``)."""
    waited: float
    """Seconds from its start to when the program gave up."""
    arrived_after: float | None
    """Seconds from its start to the answer's arrival in the capture; None when only the
    socket tells (no capture of it)."""
    unread_bytes: int = 0
    """Answer bytes the socket still held unread when the program gave up (0: not looked)."""
    packets: tuple[int, ...] = ()
    """The packet that carried the answer's first unread byte, when captured."""
    stopped: str = ""
    """When neither shows an answer but the wait's deadline fell while this program was
    stopped (``analysis.stopped_waits``): that, in words; its silence proves nothing either."""

    @property
    def detail(self) -> str:
        """For the engineer: the silence reported and what shows the answer was there."""
        if self.stopped:
            return self.stopped
        shown = []
        if self.arrived_after is not None:
            frame = f" (frame {self.packets[0]})" if self.packets else ""
            shown.append(
                f"the capture shows its answer arriving after {self.arrived_after:.2f} s{frame}"
            )
        if self.unread_bytes:
            shown.append(f"its socket still held {self.unread_bytes} unread bytes")
        return (
            f"{self.exchange} reported no answer after {self.waited:.2f} s, yet "
            + " and ".join(shown)
            + ": the program was not scheduled in time to read it (a loaded or suspended "
            "machine). Nothing is concluded about the path or the server from this silence."
        )


def late_read(
    flow: TcpFlow | None,
    *,
    target: str,
    exchange: str,
    started: float,
    ended: float,
    offset: int = 0,
    unread_bytes: int = 0,
) -> LateRead | None:
    """The late read of an exchange that ended without its answer, when the capture shows
    the server's stream from ``offset`` (what the program had read, past a proxy's CONNECT
    answer) arriving before ``ended``, or its socket still held ``unread_bytes``; None when
    neither shows the answer was there."""
    at = answer_arrived(flow, skip=offset, before=ended)
    if at is None and not unread_bytes:
        return None
    packets: tuple[int, ...] = ()
    if at is not None and flow is not None:
        packets = (flow.server_stream.packet_at(offset).number,)
    return LateRead(
        target=target,
        exchange=exchange,
        waited=ended - started,
        arrived_after=at - started if at is not None else None,
        unread_bytes=unread_bytes,
        packets=packets,
    )
