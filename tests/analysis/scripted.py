"""Scripted TCP exchanges: PacketRecords as a capture point would see them, no sockets.

A ``Wire`` keeps each side's next sequence number and what it has received, so a test
reads like the exchange it describes::

    wire = Wire()
    wire.handshake()
    wire.send("client", b"GET / HTTP/1.1\\r\\n\\r\\n")
    wire.send("server", b"x" * 1400, lost=True)   # never reaches the capture point
"""

from __future__ import annotations

from dataclasses import dataclass, field

from wiresleuth.model.packet import ACK, FIN, ICMP, PSH, RST, SYN, TCP, PacketRecord

MOD = 1 << 32


@dataclass
class Side:
    """One endpoint's state."""

    address: str
    port: int
    isn: int
    nxt: int = 0  # next sequence number to send
    rcv: int = 0  # next sequence number expected from the peer (what it ACKs)
    dscp: int = 0
    ttl: int = 64
    window: int = 64240
    sent: dict[int, bytes] = field(default_factory=dict)  # stream offset -> bytes sent

    def __post_init__(self) -> None:
        self.nxt = self.isn


class Wire:
    """Builds the packets of one TCP connection between a client and a server."""

    def __init__(
        self,
        *,
        client: tuple[str, int] = ("198.18.0.2", 50123),
        server: tuple[str, int] = ("198.19.0.10", 443),
        client_isn: int = 1000,
        server_isn: int = 700_000,
        start: float = 1_700_000_000.0,
        ip_version: int = 4,
        first_number: int = 1,
    ) -> None:
        self.sides = {
            "client": Side(client[0], client[1], client_isn, ttl=64),
            "server": Side(server[0], server[1], server_isn, ttl=52),
        }
        self.time = start
        self.number = first_number
        self.ip_version = ip_version
        self.packets: list[PacketRecord] = []

    def peer(self, side: str) -> str:
        return "server" if side == "client" else "client"

    def wait(self, seconds: float) -> Wire:
        self.time += seconds
        return self

    def emit(
        self,
        side: str,
        *,
        flags: int,
        seq: int | None = None,
        ack: int | None = None,
        payload: bytes = b"",
        payload_len: int | None = None,
        lost: bool = False,
        ttl: int | None = None,
        dscp: int | None = None,
        window: int | None = None,
        mss: int | None = None,
        wscale: int | None = None,
        src: str | None = None,
    ) -> PacketRecord | None:
        """Put one segment on the wire (or lose it before the capture point)."""
        me, peer = self.sides[side], self.sides[self.peer(side)]
        wire_len = len(payload) if payload_len is None else payload_len
        record = PacketRecord(
            number=self.number,
            time=self.time,
            src=src or me.address,
            dst=peer.address,
            proto=TCP,
            ip_version=self.ip_version,
            ttl=me.ttl if ttl is None else ttl,
            dscp=me.dscp if dscp is None else dscp,
            ip_id=None if self.ip_version == 6 else self.number,
            length=(20 if self.ip_version == 4 else 40) + 20 + wire_len,
            sport=me.port,
            dport=peer.port,
            tcp_flags=flags,
            seq=(me.nxt if seq is None else seq) % MOD,
            ack=(me.rcv if ack is None else ack) % MOD if flags & ACK else 0,
            window=me.window if window is None else window,
            mss=mss,
            wscale=wscale,
            payload=payload,
            payload_len=wire_len,
        )
        self.time += 0.0001
        if lost:
            return None
        self.number += 1
        self.packets.append(record)
        return record

    def handshake(
        self,
        *,
        rtt: float = 0.05,
        client_mss: int = 1460,
        server_mss: int = 1400,
        wscale: int | None = None,
    ) -> Wire:
        """SYN, SYN-ACK ``rtt`` later, ACK; ``wscale``: both offer that window scale."""
        client, server = self.sides["client"], self.sides["server"]
        self.emit("client", flags=SYN, mss=client_mss, wscale=wscale)
        client.nxt += 1
        server.rcv = client.nxt
        self.wait(rtt)
        self.emit("server", flags=SYN | ACK, mss=server_mss, wscale=wscale)
        server.nxt += 1
        client.rcv = server.nxt
        self.wait(0.0002)
        self.emit("client", flags=ACK)
        return self

    def send(
        self, side: str, data: bytes, *, lost: bool = False, captured: int | None = None, **kw: int
    ) -> PacketRecord | None:
        """Send data from ``side``; the peer's ``rcv`` advances only if it arrives in order."""
        me, peer = self.sides[side], self.sides[self.peer(side)]
        offset = (me.nxt - me.isn - 1) % MOD
        me.sent[offset] = data
        payload = data if captured is None else data[:captured]
        record = self.emit(
            side, flags=PSH | ACK, payload=payload, payload_len=len(data), lost=lost, **kw
        )
        if not lost and peer.rcv == me.nxt:
            peer.rcv = (me.nxt + len(data)) % MOD
        me.nxt = (me.nxt + len(data)) % MOD
        return record

    def resend(self, side: str, offset: int, *, lost: bool = False) -> PacketRecord | None:
        """Send again the segment first sent at ``offset``; fills the peer's hole if in order."""
        me, peer = self.sides[side], self.sides[self.peer(side)]
        data = me.sent[offset]
        seq = (me.isn + 1 + offset) % MOD
        record = self.emit(side, flags=PSH | ACK, seq=seq, payload=data, lost=lost)
        if not lost and peer.rcv == seq:
            # everything sent after it was received already (the usual hole-fill)
            peer.rcv = me.nxt
        return record

    def ack(self, side: str, **kw: int) -> PacketRecord | None:
        return self.emit(side, flags=ACK, **kw)

    def fin(self, side: str) -> PacketRecord | None:
        me, peer = self.sides[side], self.sides[self.peer(side)]
        record = self.emit(side, flags=FIN | ACK)
        me.nxt = (me.nxt + 1) % MOD
        peer.rcv = me.nxt
        return record

    def rst(self, side: str, **kw: int | str) -> PacketRecord | None:
        return self.emit(side, flags=RST | ACK, **kw)  # type: ignore[arg-type]


def icmp_frag_needed(
    about: PacketRecord, *, router: str, mtu: int, number: int, time: float
) -> PacketRecord:
    """An ICMP "fragmentation needed" from a router, quoting ``about`` (a TCP packet)."""
    import ipaddress

    header = bytes([0x45, 0]) + (40 + about.payload_len).to_bytes(2, "big") + b"\x00\x01\x40\x00"
    header += bytes([about.ttl, TCP, 0, 0])
    header += ipaddress.IPv4Address(about.src).packed + ipaddress.IPv4Address(about.dst).packed
    assert about.sport is not None and about.dport is not None
    transport = about.sport.to_bytes(2, "big") + about.dport.to_bytes(2, "big")
    transport += about.seq.to_bytes(4, "big")
    rest = b"\x00\x00" + mtu.to_bytes(2, "big")
    return PacketRecord(
        number=number,
        time=time,
        src=router,
        dst=about.src,
        proto=ICMP,
        ttl=254,
        length=20 + 8 + len(header) + len(transport),
        icmp_type=3,
        icmp_code=4,
        payload=rest + header + transport,
        payload_len=4 + len(header) + len(transport),
    )


def send_all(wire: Wire, side: str, data: bytes, *, mss: int = 1400) -> list[PacketRecord]:
    """Send ``data`` from ``side`` as MSS-sized segments; the packets that were captured."""
    sent = []
    for start in range(0, len(data), mss):
        record = wire.send(side, data[start : start + mss])
        if record is not None:
            sent.append(record)
    return sent
