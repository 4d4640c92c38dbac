"""A lane's connection reassembled (``analysis.flows``), for its sequence graph and its stream.

The Document holds each connection's frame numbers; the packets are looked up and handed to
the same reassembly the analysis used. Results are kept per lane by ``ConnectionFlows``
(one per Document), so switching between the graph and the stream costs nothing twice.
"""

from __future__ import annotations

from wiresleuth.analysis.flows import TcpFlow, assemble_flows
from wiresleuth.gui.document import Document


class ConnectionFlows:
    """The TcpFlow of each lane of one Document, made when first asked for."""

    def __init__(self, document: Document) -> None:
        self.document = document
        self._flows: dict[int, TcpFlow | None] = {}

    def flow(self, lane: int) -> TcpFlow | None:
        """The connection of ``lane`` reassembled; None without its packets."""
        if lane not in self._flows:
            self._flows[lane] = self._assemble(lane)
        return self._flows[lane]

    def _assemble(self, lane: int) -> TcpFlow | None:
        document = self.document
        if not 0 <= lane < len(document.connections):
            return None
        index = document.packet_index
        connection = document.connections[lane]
        packets = sorted(
            (index[n] for n in connection.packets if n in index), key=lambda p: p.number
        )
        flows = assemble_flows(packets)
        if not flows:
            return None
        # One connection's frames make one flow (a port reused after a FIN could make two:
        # the one holding most of its packets is the connection).
        return max(flows, key=lambda flow: len(flow.packets))
