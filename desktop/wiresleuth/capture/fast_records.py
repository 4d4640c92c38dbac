"""PacketRecords from decoded columns: the fast reader's answer to ``decode.decode_frame``.

Building a PacketRecord costs a few microseconds, so the bulk analysis works on the columns
and only asks for records where it needs them (a file small enough to keep whole, the
packets of the connections a report shows, the equality test with the scapy decoder).
"""

from __future__ import annotations

import struct
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

import numpy as np

from wiresleuth.capture.fast_decode import (
    DAMAGED,
    ICMP_HEADER,
    IP_PACKET,
    NO_TRANSPORT,
    TCP_HEADER,
    UDP_HEADER,
    UNDECODABLE,
    UNKNOWN_LINK,
    AddressBook,
    Columns,
    decode_batch,
)
from wiresleuth.capture.record_reader import CaptureReader, RecordBatch
from wiresleuth.model.packet import PacketRecord


def tcp_options(raw: bytes | bytearray) -> dict[str, Any]:
    """MSS, window scale and SACK blocks of a TCP options field, read as scapy reads them
    (a malformed length counts as 2; a value of the wrong size is ignored)."""
    found: dict[str, Any] = {}
    pos = 0
    while pos < len(raw):
        kind = raw[pos]
        if kind == 0:
            break
        if kind == 1:
            pos += 1
            continue
        length = raw[pos + 1] if pos + 1 < len(raw) else 0
        length = max(length, 2)
        value = raw[pos + 2 : pos + length]
        if kind == 2 and len(value) == 2:
            found["mss"] = int.from_bytes(value, "big")
        elif kind == 3 and len(value) == 1:
            found["wscale"] = value[0]
        elif kind == 5 and len(value) % 4 == 0 and len(value) != 4:
            edges = struct.unpack(f"!{len(value) // 4}I", value)
            found["sack_blocks"] = tuple(zip(edges[0::2], edges[1::2], strict=False))
        pos += length
    return found


def _mac(buffer: bytes | bytearray, at: int) -> str | None:
    if at < 0:
        return None
    return buffer[at : at + 6].hex(":")


def batch_records(
    batch: RecordBatch, cols: Columns, book: AddressBook, indexes: Iterable[int] | None = None
) -> list[PacketRecord]:
    """The PacketRecords of the IP packets of a batch (all, or those at ``indexes``)."""
    buffer = batch.buffer
    names = book.names
    if indexes is None:
        rows = np.flatnonzero(cols.status == IP_PACKET).tolist()
    else:
        rows = [i for i in indexes if cols.status[i] == IP_PACKET]
    if not rows:
        return []
    pick = np.asarray(rows, dtype=np.int64)
    columns = {
        name: getattr(cols, name)[pick].tolist()
        for name in [
            "version",
            "src",
            "dst",
            "proto",
            "ttl",
            "tos",
            "ip_id",
            "length",
            "df",
            "transport",
            "sport",
            "dport",
            "flags",
            "seq",
            "ack",
            "window",
            "options_start",
            "options_end",
            "payload_start",
            "payload_end",
            "payload_len",
            "icmp_type",
            "icmp_code",
            "src_mac",
            "dst_mac",
        ]
    }
    numbers = (pick + batch.first_number).tolist()
    times = batch.times[pick].tolist()
    out: list[PacketRecord] = []
    for i in range(len(rows)):
        c = {name: values[i] for name, values in columns.items()}
        kind = c["transport"]
        fields: dict[str, Any] = {}
        if kind == TCP_HEADER:
            fields = {
                "sport": c["sport"],
                "dport": c["dport"],
                "tcp_flags": c["flags"],
                "seq": c["seq"],
                "ack": c["ack"],
                "window": c["window"],
            }
            if c["options_end"] > c["options_start"]:
                fields.update(tcp_options(buffer[c["options_start"] : c["options_end"]]))
        elif kind == UDP_HEADER:
            fields = {"sport": c["sport"], "dport": c["dport"]}
        elif kind == ICMP_HEADER:
            fields = {"icmp_type": c["icmp_type"], "icmp_code": c["icmp_code"]}
        if kind != NO_TRANSPORT:
            fields["payload"] = bytes(buffer[c["payload_start"] : c["payload_end"]])
        out.append(
            PacketRecord(
                number=numbers[i],
                time=times[i],
                src=names[c["src"]],
                dst=names[c["dst"]],
                proto=c["proto"],
                ip_version=c["version"],
                ttl=c["ttl"],
                dscp=c["tos"] >> 2,
                ecn=c["tos"] & 3,
                ip_id=c["ip_id"] if c["version"] == 4 else None,
                length=c["length"],
                df=bool(c["df"]),
                payload_len=c["payload_len"],
                src_mac=_mac(buffer, c["src_mac"]),
                dst_mac=_mac(buffer, c["dst_mac"]),
                **fields,
            )
        )
    return out


def count_frames(batch: RecordBatch, cols: Columns) -> tuple[dict[int, int], list[int], int]:
    """(unknown link type counts, undecodable frame numbers, damaged records) of a batch."""
    status = cols.status
    unknown: dict[int, int] = {}
    mask = status == UNKNOWN_LINK
    if mask.any():
        values, counts = np.unique(batch.linktypes[mask], return_counts=True)
        unknown = dict(zip(values.tolist(), counts.tolist(), strict=True))
    undecodable = (np.flatnonzero(status == UNDECODABLE) + batch.first_number).tolist()
    return unknown, undecodable, int((status == DAMAGED).sum())


def iter_records(path: Path, *, max_packets: int | None = None) -> Iterator[PacketRecord]:
    """Every IP packet of a capture file as a PacketRecord, streaming."""
    book = AddressBook()
    with CaptureReader(path, max_packets=max_packets) as reader:
        for batch in reader.batches():
            yield from batch_records(batch, decode_batch(batch, book), book)
