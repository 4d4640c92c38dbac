"""A large capture made of PacketRecords, for the timeline's test and benchmark.

Each connection: handshake, a ClientHello-sized segment, then data segments from the server
each acknowledged by the client, and a FIN pair: the shape of a busy download.
"""

from __future__ import annotations

import socket
import struct
from pathlib import Path

from wiresleuth.model.packet import ACK, FIN, PSH, SYN, TCP, PacketRecord

CLIENT = "198.18.1.10"


def synthetic_packets(
    connections: int, per_connection: int, *, start: float = 1_700_000_000.0
) -> list[PacketRecord]:
    """About ``connections * per_connection`` packets, numbered and in time order."""
    packets: list[PacketRecord] = []
    data_segments = max(1, (per_connection - 7) // 2)

    def add(
        time: float,
        src: str,
        dst: str,
        sport: int,
        dport: int,
        flags: int,
        seq: int,
        ack: int,
        size: int,
        dscp: int = 0,
    ) -> None:
        packets.append(
            PacketRecord(
                number=0, time=time, src=src, dst=dst, proto=TCP, ttl=64 if src == CLIENT else 58,
                dscp=dscp, length=52 + size, sport=sport, dport=dport, tcp_flags=flags, seq=seq,
                ack=ack, window=65535, mss=1460 if flags & SYN else None, payload=b"", payload_len=size,
            )
        )  # fmt: skip

    for index in range(connections):
        server = f"100.64.{index // 250}.{index % 250 + 1}"
        port = 40000 + index
        t = start + index * 0.01
        dscp = 46 if index % 7 == 0 else 0
        add(t, CLIENT, server, port, 443, SYN, 1000, 0, 0)
        add(t + 0.1, server, CLIENT, 443, port, SYN | ACK, 5000, 1001, 0, dscp)
        add(t + 0.1001, CLIENT, server, port, 443, ACK, 1001, 5001, 0)
        add(t + 0.101, CLIENT, server, port, 443, PSH | ACK, 1001, 5001, 517)
        seq = 5001
        for segment in range(data_segments):
            when = t + 0.2 + segment * 0.0005
            add(when, server, CLIENT, 443, port, ACK, seq, 1518, 1400, dscp)
            seq += 1400
            add(when + 0.0001, CLIENT, server, port, 443, ACK, 1518, seq, 0)
        end = t + 0.2 + data_segments * 0.0005
        add(end, CLIENT, server, port, 443, FIN | ACK, 1518, seq, 0)
        add(end + 0.1, server, CLIENT, 443, port, FIN | ACK, seq, 1519, 0, dscp)
        add(end + 0.1001, CLIENT, server, port, 443, ACK, 1519, seq + 1, 0)
    packets.sort(key=lambda p: p.time)
    from dataclasses import replace

    return [replace(p, number=n) for n, p in enumerate(packets, 1)]


def write_pcap(packets: list[PacketRecord], path: Path) -> Path:
    """A classic pcap (raw IPv4, LINKTYPE 101) of the packets: IPv4 + TCP headers, zero bytes
    for the payload. Enough for the capture readers and the flow analysis."""
    with path.open("wb") as out:
        out.write(struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 65535, 101))
        for p in packets:
            payload = bytes(p.payload_len)
            tcp = struct.pack(
                "!HHIIBBHHH", p.sport or 0, p.dport or 0, p.seq, p.ack, 5 << 4, p.tcp_flags,
                p.window, 0, 0,
            ) + payload  # fmt: skip
            total = 20 + len(tcp)
            ip = struct.pack(
                "!BBHHHBBH4s4s", 0x45, p.dscp << 2, total, 0, 0x4000, p.ttl, TCP, 0,
                socket.inet_aton(p.src), socket.inet_aton(p.dst),
            )  # fmt: skip
            frame = ip + tcp
            seconds = int(p.time)
            micros = round((p.time - seconds) * 1_000_000)
            out.write(struct.pack("<IIII", seconds, micros, len(frame), len(frame)))
            out.write(frame)
    return path
