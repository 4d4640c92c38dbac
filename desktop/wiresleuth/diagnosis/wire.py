"""What capture saw, in the forms the rules read, each made once and only when a rule asks.

Packets become TCP flows (the wizards' rules follow their own connections by local port)
and a ``PassiveCapture`` (the conversation analysis the rules about traffic seen from
outside read); a capture file's reader hands the latter over ready-made, from one pass.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from functools import cached_property
from typing import TYPE_CHECKING

from wiresleuth.analysis.dns_exchanges import DnsExchange, dns_exchanges
from wiresleuth.analysis.passive_loss import large_packet_loss_findings, unprovable_losses
from wiresleuth.analysis.passive_model import PassiveCapture
from wiresleuth.analysis.passive_records import passive_capture
from wiresleuth.model.capture_gap import CaptureGap
from wiresleuth.model.finding import Finding
from wiresleuth.model.packet import PacketRecord

if TYPE_CHECKING:
    from wiresleuth.analysis.flows import TcpFlow


@dataclass(frozen=True, kw_only=True)
class PacketView:
    """The packets of a recording (empty when capture was unavailable)."""

    available: bool
    """Whether packets were captured."""
    packets: Sequence[PacketRecord] = ()
    """Decoded packets, numbered as in the capture file."""
    given: PassiveCapture | None = None
    """Conversations a capture file's reader made; None: made from ``packets`` when asked."""
    name: str = "run"
    """What the capture is called in texts."""
    gaps: tuple[CaptureGap, ...] = ()
    """Where the capture lost frames (those of ``given`` join them)."""

    @cached_property
    def capture_gaps(self) -> tuple[CaptureGap, ...]:
        """Every stretch the capture lost, whoever found it (the recording, the file's reader)."""
        given = self.given.gaps if self.given is not None else ()
        return tuple(dict.fromkeys((*self.gaps, *given)))

    @cached_property
    def flows(self) -> Sequence[TcpFlow]:
        """TCP flows of the packets (a capture file's reader gives none: its analysis does
        not import the flows' assembly)."""
        from wiresleuth.analysis.capture_gaps import flows_with_gaps
        from wiresleuth.analysis.flows import assemble_flows

        return flows_with_gaps(assemble_flows(self.packets), self.capture_gaps)

    @cached_property
    def conversations(self) -> PassiveCapture:
        """TCP conversations (as Wireshark's TCP analysis sees them), DNS and ICMP."""
        if self.given is not None:
            return replace(self.given, gaps=self.capture_gaps)
        return replace(passive_capture(self.packets, name=self.name), gaps=self.capture_gaps)

    @cached_property
    def dns(self) -> list[DnsExchange]:
        """DNS queries paired with their answers."""
        return dns_exchanges(self.conversations.dns)

    @cached_property
    def losses(self) -> tuple[list[Finding], frozenset[int]]:
        """Large-packet losses the conversations show, and the conversations they explain
        (the rules about stalls leave those alone), with those whose apparent loss lies where
        the capture lost frames itself (``unprovable``)."""
        found, explained = large_packet_loss_findings(self.conversations)
        return found, explained | self.unprovable[1]

    @cached_property
    def unprovable(self) -> tuple[list[Finding], frozenset[int]]:
        """``capture.frames_missing`` where a loss would be concluded but the capture lost
        frames itself, and the conversations concerned."""
        from wiresleuth.analysis.capture_gaps import frames_missing
        from wiresleuth.analysis.passive_model import WIZARD
        from wiresleuth.analysis.passive_reset import unprovable_silences
        from wiresleuth.analysis.passive_stall import unprovable_stalls

        capture = self.conversations
        if not capture.gaps:
            return [], frozenset()
        losses, indexes = unprovable_losses(capture)
        explained = {(i.target, i.sender) for i in losses}
        others = [
            i
            for i in (*unprovable_stalls(capture), *unprovable_silences(capture))
            if (i.target, i.sender) not in explained
        ]
        return frames_missing([*losses, *others], wizard=WIZARD), indexes
