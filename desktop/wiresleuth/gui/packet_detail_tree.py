"""One packet's details and bytes, for the packet pane: what WireSleuth knows, then every layer.

The tree starts with what the viewer knows about the packet (its time since frame 1, its
connection, relative sequence numbers, what the findings say of it), then the frame's
headers as scapy dissects them (``capture.frame_details``) and what the payload holds
(``analysis.packet_details``), each line with the bytes it covers. The frame's bytes come
from the capture file (``Document.capture_file``); where the file is not at hand, the tree
is built from the decoded fields and the bytes pane shows the payload.

Reading a frame is file I/O: ``packet_details`` runs in a worker.
"""

from __future__ import annotations

from dataclasses import dataclass

from wiresleuth.analysis.dscp import dscp_name
from wiresleuth.analysis.packet_details import payload_details
from wiresleuth.analysis.packet_info import PacketInfo, tcp_flag_names
from wiresleuth.errors import CaptureFileError
from wiresleuth.gui.document import Document
from wiresleuth.gui.lane_labels import full_label
from wiresleuth.model.detail_tree import DetailNode
from wiresleuth.model.packet import TCP, UDP, PacketRecord


@dataclass(frozen=True, kw_only=True)
class PacketDetails:
    """What the details and bytes panes show for one packet."""

    number: int
    """Its frame number."""
    nodes: tuple[DetailNode, ...]
    """The details tree (top-level lines)."""
    data: bytes
    """The bytes shown: the whole frame, or the payload when the frame is not at hand."""
    whole_frame: bool
    """Whether ``data`` is the whole frame."""
    note: str = ""
    """Why the frame itself is not shown, when it is not."""


def _summary(document: Document, packet: PacketRecord, info: PacketInfo | None) -> DetailNode:
    lines = [
        DetailNode(text=f"Time since frame 1: {packet.time - document.origin:.6f} s"),
        DetailNode(text=f"Arrival: {packet.time:.6f} (epoch seconds)"),
    ]
    lane = document.connection_index.get(packet.number)
    if lane is not None:
        connection = document.connections[lane]
        lines.append(DetailNode(text=f"Connection {lane + 1}: {full_label(connection)}"))
    if info is not None:
        lines.append(DetailNode(text=f"Protocol: {info.protocol}"))
        if info.seq is not None:
            lines.append(
                DetailNode(
                    text=(
                        f"TCP (relative): Seq={info.seq}"
                        + (f" Ack={info.ack}" if info.ack is not None else "")
                        + f" Win={info.window}"
                    )
                )
            )
        for note in info.notes:
            lines.append(DetailNode(text=f"Sequence analysis: {note}"))
    comment = document.comments.get(packet.number)
    if comment:
        lines.append(DetailNode(text=f"Cited by: {comment}"))
    return DetailNode(text=f"WireSleuth: frame {packet.number}", children=tuple(lines))


def _decoded_headers(packet: PacketRecord) -> list[DetailNode]:
    """The headers from the decoded fields (no frame at hand)."""
    ip = [
        DetailNode(text=f"Version: {packet.ip_version}"),
        DetailNode(text=f"DSCP: {dscp_name(packet.dscp)} ({packet.dscp}), ECN: {packet.ecn}"),
        DetailNode(text=f"Total length: {packet.length}"),
        DetailNode(text=f"TTL / hop limit: {packet.ttl}"),
        DetailNode(text=f"Protocol: {packet.proto}"),
        DetailNode(text=f"Source: {packet.src}"),
        DetailNode(text=f"Destination: {packet.dst}"),
    ]
    if packet.ip_id is not None:
        ip.append(DetailNode(text=f"Identification: {packet.ip_id}, DF: {packet.df}"))
    nodes = [DetailNode(text=f"IPv{packet.ip_version}: {packet.src} → {packet.dst}", children=tuple(ip))]
    if packet.proto == TCP:
        tcp = [
            DetailNode(text=f"Ports: {packet.sport} → {packet.dport}"),
            DetailNode(text=f"Sequence number: {packet.seq}"),
            DetailNode(text=f"Acknowledgement number: {packet.ack}"),
            DetailNode(text=f"Flags: {tcp_flag_names(packet.tcp_flags)}"),
            DetailNode(text=f"Window: {packet.window}"),
        ]
        if packet.mss is not None:
            tcp.append(DetailNode(text=f"Option MSS: {packet.mss}"))
        if packet.wscale is not None:
            tcp.append(DetailNode(text=f"Option window scale: {packet.wscale}"))
        for left, right in packet.sack_blocks:
            tcp.append(DetailNode(text=f"Option SACK: {left}-{right}"))
        nodes.append(DetailNode(text="TCP", children=tuple(tcp)))
    elif packet.proto == UDP:
        nodes.append(DetailNode(text=f"UDP: {packet.sport} → {packet.dport}"))
    return nodes


def packet_details(document: Document, number: int) -> PacketDetails | None:
    """The details of frame ``number`` (None when the document does not hold it).

    Reads the frame from ``document.capture_file``: call it from a worker.
    """
    packet = document.packet_index.get(number)
    if packet is None:
        return None
    index = _position(document, number)
    info = document.infos[index] if index is not None else None
    summary = _summary(document, packet, info)
    payload = payload_details(packet)
    note = ""
    if document.capture_file is not None:
        from wiresleuth.capture.frame_bytes import read_frames
        from wiresleuth.capture.frame_details import frame_details

        try:
            frame = read_frames(document.capture_file, [number]).get(number)
        except CaptureFileError as exc:
            frame, note = None, f"the capture file could not be read: {exc}"
        if frame is not None:
            dissection = frame_details(frame)
            shift = dissection.payload_offset
            if shift is None:
                shift = len(frame.data) - len(packet.payload)
            moved = tuple(node.shifted(shift) for node in payload)
            return PacketDetails(
                number=number,
                nodes=(summary, *dissection.layers, *moved),
                data=frame.data,
                whole_frame=True,
            )
        note = note or f"frame {number} is not in the capture file"
    else:
        note = "the capture file is not at hand: headers from the decoded fields, payload bytes only"
    return PacketDetails(
        number=number,
        nodes=(summary, *_decoded_headers(packet), *payload),
        data=packet.payload,
        whole_frame=False,
        note=note,
    )


def _position(document: Document, number: int) -> int | None:
    """Index of frame ``number`` in ``document.ordered_packets``."""
    packets = document.ordered_packets
    low, high = 0, len(packets)
    while low < high:
        middle = (low + high) // 2
        if packets[middle].number < number:
            low = middle + 1
        else:
            high = middle
    return low if low < len(packets) and packets[low].number == number else None
