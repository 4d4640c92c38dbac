"""Write scripted PacketRecords as a real pcap file (raw IPv4), for the file reader.

So that one scripted exchange can be given to the rules both ways: as a run's packets
(``passive_records.passive_capture``) and as a capture file through ``wiresleuth analyze``'s
own reader. Checksums are left zero: the reader does not check them, nor does Wireshark by
default.
"""

from __future__ import annotations

import ipaddress
import struct
from collections.abc import Iterable
from pathlib import Path

from wiresleuth.model.packet import ICMP, TCP, UDP, PacketRecord

LINKTYPE_RAW = 101


def _tcp_options(record: PacketRecord) -> bytes:
    options = b""
    if record.mss is not None:
        options += struct.pack("!BBH", 2, 4, record.mss)
    if record.wscale is not None:
        options += struct.pack("!BBB", 3, 3, record.wscale) + b"\x01"
    return options + b"\x00" * (-len(options) % 4)


def _transport(record: PacketRecord) -> tuple[bytes, int]:
    """The transport header and the captured payload, and the bytes of payload not captured."""
    missing = max(record.payload_len - len(record.payload), 0)
    return _header_and_payload(record), missing


def _header_and_payload(record: PacketRecord) -> bytes:
    if record.proto == TCP:
        assert record.sport is not None and record.dport is not None
        options = _tcp_options(record)
        offset = (20 + len(options)) // 4
        header = struct.pack(
            "!HHIIBBHHH",
            record.sport,
            record.dport,
            record.seq,
            record.ack,
            offset << 4,
            record.tcp_flags,
            record.window,
            0,
            0,
        )
        return header + options + record.payload
    if record.proto == UDP:
        assert record.sport is not None and record.dport is not None
        length = 8 + max(record.payload_len, len(record.payload))
        return struct.pack("!HHHH", record.sport, record.dport, length, 0) + record.payload
    if record.proto == ICMP:
        return bytes([record.icmp_type or 0, record.icmp_code or 0, 0, 0]) + record.payload
    raise ValueError(f"cannot write protocol {record.proto}")


def frame(record: PacketRecord) -> tuple[bytes, int]:
    """The IPv4 packet of a record as captured, and its length on the wire (a payload cut
    by the snap length keeps its length in the IP header, as in a real capture)."""
    transport, missing = _transport(record)
    header = struct.pack(
        "!BBHHHBBH4s4s",
        0x45,
        (record.dscp << 2) | record.ecn,
        20 + len(transport) + missing,
        record.ip_id or 0,
        0x4000 if record.df else 0,
        record.ttl,
        record.proto,
        0,
        ipaddress.IPv4Address(record.src).packed,
        ipaddress.IPv4Address(record.dst).packed,
    )
    return header + transport, 20 + len(transport) + missing


def write_pcap(path: Path, records: Iterable[PacketRecord]) -> Path:
    """Write the records in order as a raw-IP pcap (their times as the frames' times)."""
    out = bytearray(struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 65535, LINKTYPE_RAW))
    for record in records:
        data, wire = frame(record)
        seconds = int(record.time)
        micros = round((record.time - seconds) * 1_000_000)
        if micros == 1_000_000:
            seconds, micros = seconds + 1, 0
        out += struct.pack("<IIII", seconds, micros, len(data), wire) + data
    path.write_bytes(bytes(out))
    return path
