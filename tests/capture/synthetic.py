"""Realistic TCP/TLS traffic written straight as pcap records, fast enough for a million packets.

scapy builds about 10 000 packets a second: far too slow for the benchmark's million. This
writer packs Ethernet, IPv4/IPv6 and TCP headers with ``struct`` and simulates what a capture
point beside the clients (a laptop, a SPAN port) would see of real TCP:

- handshakes with the options of real stacks (MSS, SACK permitted, timestamps, window scale),
  TLS 1.2 and 1.3 handshakes (real ClientHello/ServerHello bytes made once by Python's ssl),
  request/response exchanges, delayed ACKs, FIN or RST endings;
- loss before the capture point: the next segments arrive out of order, the client sends
  duplicate ACKs with SACK blocks, the server retransmits (fast retransmit after three
  duplicate ACKs, else after a retransmission timeout);
- slow readers (zero window, probes, window update), idle connections with keep-alives,
  refused connections, servers that reset after the ClientHello, DSCP-marked servers,
  DNS over UDP, ARP, IPv6 and optionally a VLAN tag on every frame.

Everything is deterministic for a seed. Addresses come from 198.18.0.0/15, 100.64.0.0/10 and
2001:db8::/32 (documentation prefixes): no packet of this file was ever sent anywhere.
"""

from __future__ import annotations

import heapq
import ipaddress
import random
import ssl
import struct
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from wiresleuth.model.packet import ACK, FIN, PSH, RST, SYN

_GLOBAL = struct.Struct("<IHHiIII")
_RECORD = struct.Struct("<IIII")
_TCP = struct.Struct(">HHIIHHHH")
_IPV4 = struct.Struct(">BBHHHBBH4s4s")
_IPV6 = struct.Struct(">IHBB16s16s")
_TS = struct.Struct(">BBBBII")
_UDP = struct.Struct(">HHHH")
_GATEWAY_MAC = bytes.fromhex("0001d7a0b0c0")
_MSS = 1448  # 1460 minus the 12 bytes of the timestamp option
_SERIAL = 0.00012  # seconds between back-to-back full segments (100 Mbit/s)
_ACK_DELAY = 0.00003
_WINDOW = 48  # segments in flight per round trip


@dataclass(frozen=True)
class TlsFlights:
    """The handshake bytes each side writes, once per TLS version (made by Python's ssl)."""

    client_hello: bytes
    server_flight: bytes
    client_finish: bytes
    server_finish: bytes


def tls_flights(version: ssl.TLSVersion) -> TlsFlights:
    """Real handshake bytes of ``version`` (an in-memory handshake, no sockets)."""
    from tests.analysis.tls_bytes import exchange

    flights = exchange(version).flights
    return TlsFlights(
        client_hello=flights[0][1],
        server_flight=flights[1][1],
        client_finish=flights[2][1],
        server_finish=flights[3][1],
    )


def _checksum(header: bytes) -> int:
    total = sum(struct.unpack("!10H", header))
    total = (total & 0xFFFF) + (total >> 16)
    total = (total & 0xFFFF) + (total >> 16)
    return ~total & 0xFFFF


class _Link:
    """Frames of one direction of one connection (addresses, ports, TTL and DSCP fixed)."""

    def __init__(
        self,
        *,
        src_mac: bytes,
        dst_mac: bytes,
        src: str,
        dst: str,
        sport: int,
        dport: int,
        ttl: int,
        dscp: int,
        vlan: int | None,
        ip_id: int,
    ) -> None:
        address = ipaddress.ip_address(src)
        self.v6 = address.version == 6
        self.src = address.packed
        self.dst = ipaddress.ip_address(dst).packed
        ethertype = b"\x86\xdd" if self.v6 else b"\x08\x00"
        tag = b"\x81\x00" + struct.pack(">H", vlan) if vlan is not None else b""
        self.ether = dst_mac + src_mac + tag + ethertype
        self.sport, self.dport, self.ttl, self.dscp = sport, dport, ttl, dscp
        self.ip_id = ip_id

    def ip(self, proto: int, body: bytes) -> bytes:
        if self.v6:
            first = (6 << 28) | (self.dscp << 22)
            return (
                self.ether
                + _IPV6.pack(first, len(body), proto, self.ttl, self.src, self.dst)
                + body
            )
        self.ip_id = (self.ip_id + 1) & 0xFFFF
        header = _IPV4.pack(
            0x45, self.dscp << 2, 20 + len(body), self.ip_id, 0x4000, self.ttl, proto, 0,
            self.src, self.dst,
        )  # fmt: skip
        header = header[:10] + struct.pack(">H", _checksum(header)) + header[12:]
        return self.ether + header + body

    def tcp(
        self, flags: int, seq: int, ack: int, window: int, payload: bytes, options: bytes
    ) -> bytes:
        offset = (20 + len(options)) // 4
        header = _TCP.pack(
            self.sport, self.dport, seq & 0xFFFFFFFF, ack & 0xFFFFFFFF if flags & ACK else 0,
            (offset << 12) | flags, window, 0, 0,
        )  # fmt: skip
        return self.ip(6, header + options + payload)

    def udp(self, payload: bytes) -> bytes:
        return self.ip(17, _UDP.pack(self.sport, self.dport, 8 + len(payload), 0) + payload)


def _ts_option(now: float, echo: int) -> bytes:
    return _TS.pack(1, 1, 8, 10, int(now * 1000) & 0xFFFFFFFF, echo)


def _syn_options(mss: int, wscale: int, now: float, echo: int) -> bytes:
    # The order Linux uses: MSS, SACK permitted, timestamps, NOP, window scale.
    return (
        struct.pack(">BBH", 2, 4, mss)
        + b"\x04\x02"
        + struct.pack(">BBII", 8, 10, int(now * 1000) & 0xFFFFFFFF, echo)
        + b"\x01"
        + struct.pack(">BBB", 3, 3, wscale)
    )


def _sack_option(blocks: list[tuple[int, int]], now: float, echo: int) -> bytes:
    body = b"".join(struct.pack(">II", a & 0xFFFFFFFF, b & 0xFFFFFFFF) for a, b in blocks[:3])
    return _ts_option(now, echo) + b"\x01\x01" + struct.pack(">BB", 5, 2 + len(body)) + body


Frame = tuple[float, bytes]


@dataclass
class _Server:
    address: str
    rtt: float
    ttl: int
    dscp: int
    port: int = 443


@dataclass
class _Client:
    address: str
    address6: str
    mac: bytes
    next_port: int


@dataclass
class TrafficStats:
    """What the generator wrote (for the benchmark's report and the tests' sanity checks)."""

    packets: int = 0
    connections: int = 0
    lost_segments: int = 0
    dns_queries: int = 0
    kinds: dict[str, int] = field(default_factory=dict)


class _Connection:
    """The packets of one TCP connection as the capture point sees them, in time order."""

    def __init__(
        self,
        rng: random.Random,
        start: float,
        client: _Client,
        server: _Server,
        kind: str,
        flights: TlsFlights,
        *,
        loss: float,
        vlan: int | None,
        stats: TrafficStats,
    ) -> None:
        self.rng = rng
        self.t = start
        self.kind = kind
        self.rtt = server.rtt * rng.uniform(1.0, 1.15)
        self.loss = loss
        self.flights = flights
        self.stats = stats
        v6 = ":" in server.address
        port = client.next_port
        client.next_port = 32768 + (client.next_port - 32768 + 1) % 28000
        self.c = _Link(
            src_mac=client.mac, dst_mac=_GATEWAY_MAC,
            src=client.address6 if v6 else client.address, dst=server.address,
            sport=port, dport=server.port, ttl=64 if v6 else 128, dscp=0, vlan=vlan,
            ip_id=rng.randrange(65536),
        )  # fmt: skip
        self.s = _Link(
            src_mac=_GATEWAY_MAC, dst_mac=client.mac,
            src=server.address, dst=client.address6 if v6 else client.address,
            sport=server.port, dport=port, ttl=server.ttl, dscp=server.dscp, vlan=vlan,
            ip_id=rng.randrange(65536),
        )  # fmt: skip
        self.cseq = rng.randrange(1 << 32)
        self.sseq = rng.randrange(1 << 32)
        self.cwin = rng.choice((502, 1026, 2052))  # scaled by 2**7
        self.swin = rng.choice((501, 509, 1024))  # scaled by 2**9
        self.c_ts_echo = 0
        self.s_ts_echo = 0

    # -- one segment each way ---------------------------------------------------------------

    def client(
        self, flags: int, payload: bytes = b"", *, seq: int | None = None,
        window: int | None = None, options: bytes | None = None,
    ) -> Frame:  # fmt: skip
        opts = options if options is not None else _ts_option(self.t, self.s_ts_echo)
        self.c_ts_echo = int(self.t * 1000) & 0xFFFFFFFF
        frame = self.c.tcp(
            flags, self.cseq if seq is None else seq, self.sseq,
            self.cwin if window is None else window, payload, opts,
        )  # fmt: skip
        return self.t, frame

    def server(
        self, flags: int, payload: bytes = b"", *, seq: int | None = None,
        options: bytes | None = None,
    ) -> Frame:  # fmt: skip
        opts = options if options is not None else _ts_option(self.t, self.c_ts_echo)
        self.s_ts_echo = int(self.t * 1000) & 0xFFFFFFFF
        frame = self.s.tcp(
            flags, self.sseq if seq is None else seq, self.cseq, self.swin, payload, opts
        )
        return self.t, frame

    # -- the exchange -----------------------------------------------------------------------

    def packets(self) -> Iterator[Frame]:
        yield from self.handshake()
        if self.kind == "refused":
            return
        if self.kind == "reset-after-hello":
            yield from self.client_data(self.flights.client_hello)
            self.t += self.rtt
            yield self.server(ACK)
            self.t += 3.0 + self.rng.uniform(0, 0.2)
            yield self.server(RST | ACK)
            return
        tls = self.kind != "plain-http"
        if tls:
            yield from self.client_data(self.flights.client_hello)
            self.t += self.rtt + 0.002
            yield from self.server_data(self.flights.server_flight)
            self.t += 0.0005
            yield from self.client_data(self.flights.client_finish)
            self.t += self.rtt
            yield from self.server_data(self.flights.server_finish)
        exchanges = {
            "page": self.rng.randint(1, 4),
            "plain-http": self.rng.randint(1, 3),
            "api": self.rng.randint(8, 30),
            "download": 1,
            "slow-reader": 1,
            "idle": 1,
        }.get(self.kind, 1)
        for _ in range(exchanges):
            self.t += self.rng.uniform(0.001, 0.05)
            request = self.record(self.rng.randint(300, 900), tls)
            yield from self.client_data(request)
            self.t += self.rtt + self.rng.uniform(0.001, 0.03)
            size = {
                "download": self.rng.randint(1_500_000, 3_000_000),
                "slow-reader": self.rng.randint(150_000, 300_000),
                "api": self.rng.randint(200, 4000),
            }.get(self.kind, self.rng.randint(2_000, 120_000))
            if self.kind == "slow-reader":
                yield from self.slow_reader(self.record(size, tls))
            else:
                yield from self.server_data(self.record(size, tls))
        if self.kind == "idle":
            for _ in range(self.rng.randint(2, 4)):
                self.t += 45.0
                yield self.client(ACK, seq=self.cseq - 1)  # keep-alive: one byte back
                self.t += self.rtt
                yield self.server(ACK)
        yield from self.close()

    def record(self, size: int, tls: bool) -> bytes:
        """Application bytes of ``size``: TLS application-data records, or HTTP text."""
        if not tls:
            head = b"HTTP/1.1 200 OK\r\nContent-Length: %d\r\n\r\n" % size
            return head + _filler(size)
        out = bytearray()
        while len(out) < size:
            chunk = min(16384, size - len(out))
            out += b"\x17\x03\x03" + struct.pack(">H", chunk) + _filler(chunk)
        return bytes(out)

    def handshake(self) -> Iterator[Frame]:
        yield self.client(SYN, options=_syn_options(1460, 7, self.t, 0))
        if self.kind == "syn-retry":
            self.t += 1.0
            yield self.client(SYN, options=_syn_options(1460, 7, self.t, 0))
        self.t += self.rtt
        if self.kind == "refused":
            yield self.t, self.s.tcp(RST | ACK, 0, self.cseq + 1, 0, b"", b"")
            return
        yield self.server(SYN | ACK, options=_syn_options(1460, 9, self.t, self.c_ts_echo))
        self.cseq += 1
        self.sseq += 1
        self.t += 0.00005
        yield self.client(ACK)

    def client_data(self, data: bytes) -> Iterator[Frame]:
        """The client sends ``data`` (never lost: the capture point is beside the client)."""
        for start in range(0, len(data), _MSS):
            chunk = data[start : start + _MSS]
            last = start + _MSS >= len(data)
            yield self.client(ACK | (PSH if last else 0), chunk)
            self.cseq += len(chunk)
            self.t += _SERIAL * len(chunk) / _MSS
        self.t += self.rtt
        if len(data) > 2 * _MSS or self.rng.random() < 0.3:
            yield self.server(ACK)  # a lone ACK before the answer (delayed-ACK timer)

    def server_data(self, data: bytes) -> Iterator[Frame]:
        """The server sends ``data``; some segments are lost before the capture point and
        come again: after three duplicate ACKs (fast retransmit, one RTT later) or, for the
        last ones of a flight, after a retransmission timeout."""
        size = len(data)
        first = self.sseq
        end = first + size
        queue: list[tuple[float, int, int, bytes, bool]] = []  # time, order, seq, data, last
        missing: dict[int, bytes] = {}  # lost segments by sequence number, not yet resent
        # ACK-clocked: about a window of _WINDOW segments per round trip, never above line rate
        gap = max(_SERIAL, self.rtt / _WINDOW)
        order = size
        for index, start in enumerate(range(0, size, _MSS)):
            chunk = data[start : start + _MSS]
            last = start + _MSS >= size
            if self.rng.random() < self.loss:
                missing[first + start] = chunk
                self.stats.lost_segments += 1
                continue
            heapq.heappush(queue, (self.t + index * gap, index, first + start, chunk, last))
        received: list[tuple[int, int]] = []  # out-of-order ranges the client holds
        rcv = first  # what the client acknowledges
        pending = 0
        dupacks = 0
        while rcv < end:
            if not queue:  # the rest of the flight was lost: the server's timer fires
                self.t += max(0.2, 2 * self.rtt)
                for seq in sorted(missing):
                    order += 1
                    heapq.heappush(queue, (self.t, order, seq, missing.pop(seq), False))
                    self.t += _SERIAL
                continue
            when, _, seq, chunk, last = heapq.heappop(queue)
            self.t = max(self.t, when)
            yield self.server(ACK | (PSH if last else 0), chunk, seq=seq)
            self.t += _ACK_DELAY
            if seq == rcv:
                rcv = seq + len(chunk)
                while received and received[0][0] <= rcv:
                    rcv = max(rcv, received.pop(0)[1])
                pending += 1
                if received or pending >= 2 or last or rcv == end or not queue:
                    yield self.client_ack(rcv, received)
                    pending = 0
                dupacks = 0
            elif seq > rcv:
                received = _add_range(received, seq, seq + len(chunk))
                yield self.client_ack(rcv, received)
                dupacks += 1
                if dupacks == 3:
                    # the server sees the third duplicate ACK half an RTT later and resends
                    # what the SACK blocks say is missing; it arrives a whole RTT later
                    resend = self.t + self.rtt
                    for hole in sorted(s for s in missing if s < received[-1][1]):
                        order += 1
                        heapq.heappush(queue, (resend, order, hole, missing.pop(hole), False))
                        resend += _SERIAL
            self.t += _SERIAL - _ACK_DELAY
        self.sseq = end

    def client_ack(
        self, rcv: int, received: list[tuple[int, int]], window: int | None = None
    ) -> Frame:
        options = _sack_option(received, self.t, self.s_ts_echo) if received else None
        frame = self.c.tcp(
            ACK, self.cseq, rcv, self.cwin if window is None else window, b"",
            options if options is not None else _ts_option(self.t, self.s_ts_echo),
        )  # fmt: skip
        self.c_ts_echo = int(self.t * 1000) & 0xFFFFFFFF
        return self.t, frame

    def slow_reader(self, data: bytes) -> Iterator[Frame]:
        """The client stops reading: its window closes, the server probes, then it reopens."""
        half = len(data) // 2
        first = data[:half]
        saved = self.loss
        self.loss = 0.0
        yield from self.server_data(first)
        self.loss = saved
        self.t += 0.0001
        yield self.client_ack(self.sseq, [], window=0)
        for _ in range(3):
            self.t += 0.2 + self.rtt
            yield self.server(ACK, data[half : half + 1])  # a one-byte zero-window probe
            self.t += _ACK_DELAY
            yield self.client_ack(self.sseq, [], window=0)
        self.t += 0.3
        yield self.client_ack(self.sseq, [])  # window update
        self.t += self.rtt
        yield from self.server_data(data[half:])

    def close(self) -> Iterator[Frame]:
        self.t += self.rng.uniform(0.01, 2.0)
        if self.rng.random() < 0.15:
            yield self.client(RST | ACK)  # the browser gives up on the connection
            return
        yield self.client(FIN | ACK)
        self.cseq += 1
        self.t += self.rtt
        yield self.server(FIN | ACK)
        self.sseq += 1
        self.t += _ACK_DELAY
        yield self.client(ACK)


def _add_range(ranges: list[tuple[int, int]], start: int, end: int) -> list[tuple[int, int]]:
    merged: list[tuple[int, int]] = []
    for a, b in sorted([*ranges, (start, end)]):
        if merged and a <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], b))
        else:
            merged.append((a, b))
    return merged


_FILL = random.Random(0).randbytes(1 << 16)


def _filler(size: int) -> bytes:
    if size <= len(_FILL):
        return _FILL[:size]
    return (_FILL * (size // len(_FILL) + 1))[:size]


_KINDS = (
    ("page", 0.62),
    ("api", 0.14),
    ("plain-http", 0.06),
    ("download", 0.03),
    ("slow-reader", 0.02),
    ("idle", 0.03),
    ("syn-retry", 0.03),
    ("refused", 0.04),
    ("reset-after-hello", 0.03),
)


class _DnsExchange:
    """A DNS query over UDP and its answer (NOERROR with an address, or NXDOMAIN)."""

    def __init__(self, rng: random.Random, start: float, client: _Client, vlan: int | None) -> None:
        self.t = start
        self.rng = rng
        resolver = "198.18.0.53"
        port = 40000 + rng.randrange(20000)
        self.q = _Link(src_mac=client.mac, dst_mac=_GATEWAY_MAC, src=client.address, dst=resolver,
                       sport=port, dport=53, ttl=128, dscp=0, vlan=vlan, ip_id=rng.randrange(65536))  # fmt: skip
        self.a = _Link(src_mac=_GATEWAY_MAC, dst_mac=client.mac, src=resolver, dst=client.address,
                       sport=53, dport=port, ttl=63, dscp=0, vlan=vlan, ip_id=rng.randrange(65536))  # fmt: skip

    def packets(self) -> Iterator[Frame]:
        ident = self.rng.randrange(65536)
        name = b"\x03www\x07example\x04test\x00"
        question = name + b"\x00\x01\x00\x01"
        yield self.t, self.q.udp(struct.pack(">HHHHHH", ident, 0x0100, 1, 0, 0, 0) + question)
        self.t += 0.004
        nx = self.rng.random() < 0.1
        if nx:
            yield self.t, self.a.udp(struct.pack(">HHHHHH", ident, 0x8183, 1, 0, 0, 0) + question)
            return
        answer = b"\xc0\x0c\x00\x01\x00\x01" + struct.pack(">IH", 300, 4) + bytes([198, 19, 0, 10])
        yield (
            self.t,
            self.a.udp(struct.pack(">HHHHHH", ident, 0x8180, 1, 1, 0, 0) + question + answer),
        )


def _arp(client: _Client, t: float, vlan: int | None) -> Iterator[Frame]:
    tag = b"\x81\x00" + struct.pack(">H", vlan) if vlan is not None else b""
    body = struct.pack(">HHBBH", 1, 0x0800, 6, 4, 1) + client.mac
    body += ipaddress.ip_address(client.address).packed + b"\x00" * 6 + bytes([198, 18, 0, 1])
    yield t, b"\xff" * 6 + client.mac + tag + b"\x08\x06" + body


def traffic(
    packets: int,
    *,
    seed: int = 8,
    loss: float = 0.001,
    vlan: int | None = None,
    start: float = 1_767_225_600.0,
    stats: TrafficStats | None = None,
) -> Iterator[Frame]:
    """About ``packets`` frames (it finishes the connections it started), in time order."""
    rng = random.Random(seed)
    stats = stats if stats is not None else TrafficStats()
    tls12 = tls_flights(ssl.TLSVersion.TLSv1_2)
    tls13 = tls_flights(ssl.TLSVersion.TLSv1_3)
    clients = [
        _Client(
            address=f"198.18.{1 + i // 200}.{10 + i % 200}",
            address6=f"2001:db8:1::{i + 10:x}",
            mac=bytes([0x52, 0x54, 0, 0x12, i >> 8, i & 0xFF]),
            next_port=32768 + rng.randrange(20000),
        )
        for i in range(40)
    ]
    servers = []
    for i in range(120):
        v6 = i % 5 == 0
        address = f"2001:db8:2::{i + 1:x}" if v6 else f"100.64.{i // 100}.{1 + i % 100}"
        rtt = rng.choice((0.004, 0.012, 0.025, 0.04, 0.09, 0.15)) * rng.uniform(0.9, 1.1)
        ttl = rng.choice((64, 128, 255)) - rng.randint(4, 18)
        dscp = 46 if i == 7 else (10 if i % 29 == 3 else 0)
        servers.append(_Server(address=address, rtt=rtt, ttl=ttl, dscp=dscp, port=443))
    weights = [w for _, w in _KINDS]
    names = [k for k, _ in _KINDS]
    heap: list[tuple[float, int, bytes, Iterator[Frame]]] = []
    order = 0
    now = start
    written = 0
    sources = 0

    def push(source: Iterator[Frame]) -> None:
        nonlocal order
        first = next(source, None)
        if first is not None:
            order += 1
            heapq.heappush(heap, (first[0], order, first[1], source))

    while written < packets or heap:
        if written < packets and (not heap or heap[0][0] >= now):
            client = rng.choice(clients)
            roll = rng.random()
            if roll < 0.06:
                stats.dns_queries += 1
                push(_DnsExchange(rng, now, client, vlan).packets())
            elif roll < 0.065:
                push(_arp(client, now, vlan))
            else:
                kind = rng.choices(names, weights)[0]
                server = rng.choice(servers)
                if kind == "plain-http":
                    server = _Server(server.address, server.rtt, server.ttl, server.dscp, port=80)
                flights = tls13 if rng.random() < 0.6 else tls12
                connection = _Connection(
                    rng, now, client, server, kind, flights, loss=loss, vlan=vlan, stats=stats
                )
                stats.connections += 1
                stats.kinds[kind] = stats.kinds.get(kind, 0) + 1
                push(connection.packets())
            sources += 1
            now += rng.expovariate(1 / 0.004)
            continue
        when, _, frame, source = heapq.heappop(heap)
        written += 1
        yield when, frame
        push_back = next(source, None)
        if push_back is not None:
            order += 1
            heapq.heappush(heap, (push_back[0], order, push_back[1], source))
    stats.packets = written


def write_pcap(
    path: Path, frames: Iterator[Frame], *, nanosecond: bool = False, big_endian: bool = False
) -> int:
    """Write frames as a classic pcap file (Ethernet); the number of records written."""
    endian = ">" if big_endian else "<"
    magic = 0xA1B23C4D if nanosecond else 0xA1B2C3D4
    scale = 1_000_000_000 if nanosecond else 1_000_000
    record = struct.Struct(endian + "IIII")
    count = 0
    with path.open("wb", buffering=1 << 20) as out:
        out.write(struct.pack(endian + "IHHiIII", magic, 2, 4, 0, 0, 262144, 1))
        for when, frame in frames:
            ticks = round(when * scale)
            seconds, fraction = divmod(ticks, scale)
            out.write(record.pack(seconds, fraction, len(frame), len(frame)))
            out.write(frame)
            count += 1
    return count
