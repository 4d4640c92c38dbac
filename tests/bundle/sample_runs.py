"""Realistic RunResults for the bundle tests, modelled on field cases C8, C6 and C1.

``captured_run`` has a real pcapng capture (written with scapy) whose frame numbers match
the evidence; ``uncaptured_run`` ran without capture rights and was cancelled.

``python -m tests.bundle.sample_runs OUT.wsbundle`` (from the repository root) writes the
sample bundle of the current format; samples of older formats are never regenerated.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path

from wiresleuth.model.finding import Evidence, Finding, Severity
from wiresleuth.model.run import CaptureInfo, RunResult
from wiresleuth.model.timeline import Connection, TimelineEvent

T0 = 1714555800.0
"""2024-05-01 09:30:00 UTC: fixed so that a sample bundle is reproducible."""

CLIENT = "198.18.0.2"
GATEWAY = "198.18.0.1"
GATEWAY_MAC = "00:01:d7:12:34:56"
CLIENT_MAC = "52:54:00:12:34:56"
LB = "198.19.1.10"
LEGACY = "198.19.2.20"
VOICE = "198.19.3.30"

INJECTED = (
    "HTTP/1.0 200 OK\r\n"
    "X-Bypass-Cache: Application and Content Networking System Software\r\n"
    "Content-Type: text/html\r\n"
    "Connection: close\r\n\r\n"
    '<html><head><meta http-equiv="refresh" content="0;url=https://legacy.lab.test/">'
    "</head></html>"
)


@dataclass(frozen=True, kw_only=True)
class Frame:
    """One packet of the sample capture, with the fields the timelines quote."""

    number: int
    time: float
    src: str
    dst: str
    sport: int | None
    dport: int | None
    flags: str = ""
    payload: bytes = b""
    ttl: int = 64
    dscp: int = 0
    icmp: int | None = None
    kind: str = ""
    detail: str = ""
    comment: str = ""

    @property
    def direction(self) -> str:
        return "out" if self.src == CLIENT else "in"

    @property
    def length(self) -> int:
        header = 28 if self.icmp is not None else 40
        return header + len(self.payload)


def _tls_record(content_type: int, size: int) -> bytes:
    body = bytes([content_type, 0x03, 0x03]) + (size - 5).to_bytes(2, "big")
    return body + b"\x00" * (size - 5)


def frames() -> tuple[Frame, ...]:
    """The 26 packets of the sample capture: C8 reset, C6 interception, a DSCP-EF server."""
    c8, c6, c1 = 50112, 50114, 50116
    t6 = T0 + 4.0
    t1 = T0 + 8.0
    hello = _tls_record(0x16, 517)
    return (
        Frame(number=1, time=T0, src=CLIENT, dst=LB, sport=c8, dport=443, flags="S", kind="syn"),
        Frame(
            number=2,
            time=T0 + 0.1012,
            src=LB,
            dst=CLIENT,
            sport=443,
            dport=c8,
            flags="SA",
            ttl=62,
            kind="syn-ack",
            detail="MSS 1460",
        ),
        Frame(
            number=3,
            time=T0 + 0.1013,
            src=CLIENT,
            dst=LB,
            sport=c8,
            dport=443,
            flags="A",
            kind="ack",
        ),
        Frame(
            number=4,
            time=T0 + 0.1020,
            src=CLIENT,
            dst=LB,
            sport=c8,
            dport=443,
            flags="PA",
            payload=hello,
            kind="client-hello",
            detail="SNI lb.lab.test",
            comment="WireSleuth: ClientHello (tls.reset_after_client_hello)",
        ),
        Frame(
            number=5,
            time=T0 + 0.2031,
            src=LB,
            dst=CLIENT,
            sport=443,
            dport=c8,
            flags="A",
            ttl=62,
            kind="ack",
            detail="ACK of ClientHello",
        ),
        Frame(
            number=6,
            time=T0 + 3.1043,
            src=LB,
            dst=CLIENT,
            sport=443,
            dport=c8,
            flags="R",
            ttl=62,
            kind="rst",
            detail="RST 3.00 s after ClientHello",
            comment="WireSleuth: reset 3.00 s after the ClientHello",
        ),
        Frame(
            number=7, time=t6, src=CLIENT, dst=LEGACY, sport=c6, dport=443, flags="S", kind="syn"
        ),
        Frame(
            number=8,
            time=t6 + 0.0003,
            src=LEGACY,
            dst=CLIENT,
            sport=443,
            dport=c6,
            flags="SA",
            kind="syn-ack",
            detail="0.30 ms after SYN",
            comment="WireSleuth: SYN-ACK faster than the path allows",
        ),
        Frame(
            number=9,
            time=t6 + 0.0004,
            src=CLIENT,
            dst=LEGACY,
            sport=c6,
            dport=443,
            flags="A",
            kind="ack",
        ),
        Frame(
            number=10,
            time=t6 + 0.0010,
            src=CLIENT,
            dst=LEGACY,
            sport=c6,
            dport=443,
            flags="PA",
            payload=hello,
            kind="client-hello",
            detail="SNI legacy.lab.test",
        ),
        Frame(
            number=11,
            time=t6 + 0.0018,
            src=LEGACY,
            dst=CLIENT,
            sport=443,
            dport=c6,
            flags="A",
            kind="ack",
            detail="ACK of ClientHello after 0.8 ms",
        ),
        Frame(
            number=12,
            time=t6 + 3.2010,
            src=LEGACY,
            dst=CLIENT,
            sport=443,
            dport=c6,
            flags="PA",
            payload=INJECTED.encode(),
            kind="data",
            detail="plaintext HTTP/1.0 200 OK on port 443",
            comment="WireSleuth: plaintext HTTP injected into the TLS connection",
        ),
        Frame(
            number=13,
            time=t6 + 3.2012,
            src=LEGACY,
            dst=CLIENT,
            sport=443,
            dport=c6,
            flags="FA",
            kind="fin",
        ),
        Frame(
            number=14,
            time=t6 + 3.2020,
            src=CLIENT,
            dst=LEGACY,
            sport=c6,
            dport=443,
            flags="FA",
            kind="fin",
        ),
        Frame(
            number=15,
            time=t6 + 3.5,
            src=CLIENT,
            dst=LEGACY,
            sport=None,
            dport=None,
            icmp=8,
            payload=b"\x00" * 56,
            kind="icmp",
            detail="echo request",
        ),
        Frame(
            number=16,
            time=t6 + 3.6012,
            src=LEGACY,
            dst=CLIENT,
            sport=None,
            dport=None,
            icmp=0,
            payload=b"\x00" * 56,
            ttl=61,
            kind="icmp",
            detail="echo reply 101.2 ms",
            comment="WireSleuth: path RTT 101.2 ms",
        ),
        Frame(
            number=17, time=t1, src=CLIENT, dst=VOICE, sport=c1, dport=443, flags="S", kind="syn"
        ),
        Frame(
            number=18,
            time=t1 + 0.1009,
            src=VOICE,
            dst=CLIENT,
            sport=443,
            dport=c1,
            flags="SA",
            ttl=61,
            dscp=46,
            kind="syn-ack",
        ),
        Frame(
            number=19,
            time=t1 + 0.1010,
            src=CLIENT,
            dst=VOICE,
            sport=c1,
            dport=443,
            flags="A",
            kind="ack",
        ),
        Frame(
            number=20,
            time=t1 + 0.1016,
            src=CLIENT,
            dst=VOICE,
            sport=c1,
            dport=443,
            flags="PA",
            payload=hello,
            kind="client-hello",
            detail="SNI voice.lab.test",
        ),
        Frame(
            number=21,
            time=t1 + 0.2030,
            src=VOICE,
            dst=CLIENT,
            sport=443,
            dport=c1,
            flags="A",
            payload=_tls_record(0x16, 1400),
            ttl=61,
            dscp=46,
            kind="server-hello",
            detail="ServerHello, 1440 bytes",
            comment="WireSleuth: DSCP 46 (EF) from a web server",
        ),
        Frame(
            number=22,
            time=t1 + 0.2041,
            src=VOICE,
            dst=CLIENT,
            sport=443,
            dport=c1,
            flags="PA",
            payload=_tls_record(0x16, 1200),
            ttl=61,
            dscp=46,
            kind="certificate",
            detail="Certificate",
        ),
        Frame(
            number=23,
            time=t1 + 0.2050,
            src=CLIENT,
            dst=VOICE,
            sport=c1,
            dport=443,
            flags="PA",
            payload=_tls_record(0x14, 6),
            kind="change-cipher-spec",
        ),
        Frame(
            number=24,
            time=t1 + 0.3071,
            src=VOICE,
            dst=CLIENT,
            sport=443,
            dport=c1,
            flags="PA",
            payload=_tls_record(0x17, 300),
            ttl=61,
            dscp=46,
            kind="first-data",
        ),
        Frame(
            number=25,
            time=t1 + 0.3100,
            src=CLIENT,
            dst=VOICE,
            sport=c1,
            dport=443,
            flags="FA",
            kind="fin",
        ),
        Frame(
            number=26,
            time=t1 + 0.4112,
            src=VOICE,
            dst=CLIENT,
            sport=443,
            dport=c1,
            flags="FA",
            ttl=61,
            dscp=46,
            kind="fin",
        ),
    )


def write_pcapng(
    path: Path, items: tuple[Frame, ...], extra_payloads: tuple[bytes, ...] = ()
) -> Path:
    """A real pcapng of ``items`` (and TCP packets carrying ``extra_payloads``), via scapy."""
    from scapy.all import ICMP, IP, TCP, Ether, Raw, wrpcapng

    packets = []
    for frame in items:
        src_mac, dst_mac = (
            (CLIENT_MAC, GATEWAY_MAC) if frame.direction == "out" else (GATEWAY_MAC, CLIENT_MAC)
        )
        ip = IP(src=frame.src, dst=frame.dst, ttl=frame.ttl, tos=frame.dscp << 2)
        if frame.icmp is not None:
            layer = ICMP(type=frame.icmp, id=7, seq=1)
        else:
            layer = TCP(sport=frame.sport, dport=frame.dport, flags=frame.flags, seq=1000, ack=1)
        packet = Ether(src=src_mac, dst=dst_mac) / ip / layer
        if frame.payload:
            packet = packet / Raw(frame.payload)
        packet.time = frame.time
        if frame.comment:
            packet.comment = frame.comment.encode()
        packets.append(packet)
    last = items[-1].time if items else T0
    for index, payload in enumerate(extra_payloads, 1):
        packet = (
            Ether(src=CLIENT_MAC, dst=GATEWAY_MAC)
            / IP(src=CLIENT, dst="198.18.5.1")
            / TCP(sport=50200 + index, dport=3128, flags="PA")
            / Raw(payload)
        )
        packet.time = last + index
        packets.append(packet)
    wrpcapng(str(path), packets)
    return path


def _connection(items: tuple[Frame, ...], label: str) -> Connection:
    tcp = [f for f in items if f.sport is not None]
    first = tcp[0]
    events = tuple(
        TimelineEvent(
            time=f.time,
            kind=f.kind,
            direction=f.direction,
            packet=f.number,
            length=f.length,
            dscp=f.dscp,
            ttl=f.ttl,
            detail=f.detail,
        )
        for f in items
    )
    return Connection(
        id=f"{CLIENT}:{first.sport}->{first.dst}:{first.dport}",
        client=CLIENT,
        client_port=int(first.sport or 0),
        server=first.dst,
        server_port=int(first.dport or 0),
        start=items[0].time,
        end=items[-1].time,
        events=events,
        packets=tuple(f.number for f in items),
        label=label,
    )


def captured_findings() -> tuple[Finding, ...]:
    """Findings of the captured run, most severe first (C8, C6, DSCP EF, gateway vendor)."""
    return (
        Finding(
            id="path.tcp_intercepted",
            severity=Severity.PROBLEM,
            title="A device near you answers for legacy.lab.test",
            user_text=(
                "Something between your computer and legacy.lab.test answers in the server's "
                "place. Tell your helpdesk: 'a device intercepts HTTPS to legacy.lab.test'."
            ),
            engineer_text=(
                "SYN-ACK arrived 0.30 ms after the SYN while ICMP echo to the same address takes "
                "101.2 ms: the handshake is terminated by a device on the local segment (WCCP "
                "redirection, TCP optimiser or transparent proxy)."
            ),
            wizard="tls_handshake",
            target="legacy.lab.test:443",
            evidence=(
                Evidence(
                    text="SYN-ACK 0.30 ms after SYN",
                    packets=(7, 8),
                    timings={"handshake_rtt": 0.0003, "syn": T0 + 4.0},
                    addresses=(f"{LEGACY}:443",),
                ),
                Evidence(
                    text="ICMP echo RTT to the same address 101.2 ms",
                    packets=(15, 16),
                    timings={"path_rtt": 0.1012},
                    addresses=(LEGACY,),
                    data={"reply_ttl": 61, "syn_ack_ttl": 64},
                ),
            ),
            values={"handshake_rtt_ms": 0.3, "path_rtt_ms": 101.2},
        ),
        Finding(
            id="tls.plaintext_injected",
            severity=Severity.PROBLEM,
            title="Plain text arrived inside the encrypted connection to legacy.lab.test",
            user_text=(
                "A device on the way inserted its own web page into the secure connection, so "
                "the page sometimes cannot be displayed."
            ),
            engineer_text=(
                "3.20 s after the ClientHello, a plaintext 'HTTP/1.0 200 OK' with "
                "X-Bypass-Cache: Application and Content Networking System Software arrived on "
                "port 443, followed by FIN. A Cisco ACNS / WAAS device is in the path."
            ),
            wizard="tls_handshake",
            target="legacy.lab.test:443",
            evidence=(
                Evidence(
                    text="Plain HTTP on the TLS connection, 3.20 s after the ClientHello",
                    packets=(10, 12, 13),
                    timings={"client_hello_to_injection": 3.2, "injected_at": T0 + 7.201},
                    addresses=(f"{LEGACY}:443",),
                    data={"injected_text": INJECTED},
                ),
            ),
            values={"seconds": 3.2, "bytes": len(INJECTED)},
        ),
        Finding(
            id="tls.reset_after_client_hello",
            severity=Severity.PROBLEM,
            title="The secure connection to lb.lab.test is reset after the greeting",
            user_text=(
                "The secure connection to lb.lab.test is cut off 3 seconds after it starts. "
                "Tell your helpdesk: 'TLS reset by 198.19.1.10 after 3.0 s'."
            ),
            engineer_text=(
                "TCP handshake completed (RTT 101.2 ms); the ClientHello (SNI lb.lab.test) was "
                "sent in frame 4 and ACKed in frame 5; frame 6 is a RST from 198.19.1.10 3.00 s "
                "later, TTL 62 like the server's SYN-ACK: it comes from the server side (a load "
                "balancer), not from a device near you. The gateway is an F5 device."
            ),
            wizard="tls_handshake",
            target="lb.lab.test:443",
            evidence=(
                Evidence(
                    text="ClientHello sent and acknowledged by the server",
                    packets=(4, 5),
                    timings={"client_hello": T0 + 0.102, "ack_rtt": 0.1011},
                    addresses=(f"{LB}:443",),
                    data={"sni": "lb.lab.test"},
                ),
                Evidence(
                    text="RST 3.00 s after the ClientHello, TTL 62 like the server's SYN-ACK",
                    packets=(2, 6),
                    timings={"seconds_to_reset": 3.0023},
                    addresses=(LB,),
                    data={"rst_ttl": 62, "server_ttl": 62},
                ),
            ),
            values={"seconds": 3.0023, "rst_from": LB},
        ),
        Finding(
            id="path.dscp_marked",
            severity=Severity.WARNING,
            title="voice.lab.test marks its packets EF (voice priority)",
            user_text=(
                "The server voice.lab.test labels its traffic as voice. Some networks drop "
                "large packets with that label, which breaks logins."
            ),
            engineer_text=(
                "Every packet from 198.19.3.30:443 carries DSCP 46 (EF), including the 1440-byte "
                "ServerHello. None were lost on this run."
            ),
            wizard="mtu_dscp",
            target="voice.lab.test:443",
            evidence=(
                Evidence(
                    text="DSCP 46 (EF) on the SYN-ACK, ServerHello and data",
                    packets=(18, 21, 22, 24),
                    addresses=(VOICE,),
                    data={"dscp": 46, "name": "EF", "lost": []},
                ),
            ),
            values={"dscp": 46},
        ),
        Finding(
            id="net.gateway_vendor",
            severity=Severity.INFO,
            title="Your default gateway is made by F5 Networks",
            user_text="Your network's gateway is an F5 device (often a load balancer).",
            engineer_text=(
                "Gateway 198.18.0.1 has MAC 00:01:d7:12:34:56; OUI 00:01:D7 is F5 Networks, Inc."
            ),
            wizard="gateway",
            evidence=(
                Evidence(
                    text="Gateway MAC address and its registered vendor",
                    packets=(2,),
                    addresses=(GATEWAY,),
                    data={"mac": GATEWAY_MAC, "vendor": "F5 Networks, Inc."},
                ),
            ),
            values={"vendor": "F5 Networks, Inc."},
        ),
    )


def _system() -> dict[str, object]:
    return {
        "hostname": "laptop-042",
        "interfaces": [
            {
                "name": "eth0",
                "mac": CLIENT_MAC,
                "addresses": ["198.18.0.2/24"],
                "mtu": 1500,
                "up": True,
            },
            {
                "name": "lo",
                "mac": None,
                "addresses": ["127.0.0.1/8", "::1/128"],
                "mtu": 65536,
                "up": True,
            },
        ],
        "routes": [
            {"destination": "default", "gateway": GATEWAY, "interface": "eth0", "metric": 100},
            {"destination": "198.18.0.0/24", "gateway": None, "interface": "eth0", "metric": 100},
        ],
        "dns": {"servers": ["198.18.0.53"], "search": ["lab.test"]},
        "proxy": {"mode": "pac", "pac_url": "http://wpad.lab.test/wpad.dat", "http": None},
    }


def _profile() -> dict[str, object]:
    return {
        "name": "Contoso branch offices",
        "helpdesk": {
            "name": "Contoso IT Service Desk",
            "email": "servicedesk@contoso.example",
            "phone": "+44 20 7946 0000",
            "url": "https://help.contoso.example/network",
        },
        "targets": ["https://lb.lab.test/", "https://legacy.lab.test/", "voice.lab.test:443"],
    }


def _log(prefix: str) -> tuple[str, ...]:
    return (
        f"{prefix} 09:30:00.000 INFO run started: 3 targets, wizards tls_handshake, mtu_dscp, "
        "gateway",
        f"{prefix} 09:30:00.001 INFO capture filter: host {LB} or host {LEGACY} or host {VOICE}",
        f"{prefix} 09:30:03.105 INFO lb.lab.test:443: connection reset after ClientHello (3.00 s)",
        f"{prefix} 09:30:07.202 WARNING legacy.lab.test:443: non-TLS bytes on a TLS connection",
        f"{prefix} 09:30:08.412 INFO voice.lab.test:443: handshake complete, DSCP 46 seen",
        f"{prefix} 09:30:09.000 INFO run finished: 3 problems, 1 warning, 1 note",
    )


def captured_run(folder: Path, extra_payloads: tuple[bytes, ...] = ()) -> RunResult:
    """The C8 + C6 + DSCP run, with its capture written into ``folder``."""
    items = frames()
    capture_file = write_pcapng(folder / "run.pcapng", items, extra_payloads)
    by_port: dict[int, list[Frame]] = {}
    for frame in items:
        port = frame.sport if frame.direction == "out" else frame.dport
        if port is not None:
            by_port.setdefault(port, []).append(frame)
    connections = (
        _connection(tuple(by_port[50112]), "TLS handshake to lb.lab.test:443"),
        _connection(tuple(by_port[50114]), "TLS handshake to legacy.lab.test:443"),
        _connection(tuple(by_port[50116]), "TLS handshake to voice.lab.test:443"),
    )
    return RunResult(
        started_at=T0 - 0.05,
        finished_at=T0 + 9.0,
        targets=("lb.lab.test:443", "legacy.lab.test:443", "voice.lab.test:443"),
        findings=captured_findings(),
        connections=connections,
        capture=CaptureInfo(
            available=True,
            filter=f"host {LB} or host {LEGACY} or host {VOICE}",
            interface="eth0",
            packets=len(items) + len(extra_payloads),
        ),
        capture_file=capture_file,
        observations={
            "tls_handshake": {
                "lb.lab.test:443": {
                    "tcp_rtt_ms": 101.2,
                    "client_hello_bytes": 517,
                    "reset_after_s": 3.0023,
                },
                "legacy.lab.test:443": {
                    "tcp_rtt_ms": 0.3,
                    "icmp_rtt_ms": 101.2,
                    "injected": INJECTED,
                },
                "voice.lab.test:443": {"tcp_rtt_ms": 100.9, "dscp_in": [46]},
            },
            "gateway": {"ip": GATEWAY, "mac": GATEWAY_MAC, "vendor": "F5 Networks, Inc."},
        },
        wizards=("tls_handshake", "mtu_dscp", "gateway"),
        profile=_profile(),
        system=_system(),
        log=_log("2024-05-01"),
    )


def uncaptured_run() -> RunResult:
    """A cancelled run without capture rights: socket-level events only, no capture file."""
    t0 = T0 + 3600
    events = (
        TimelineEvent(time=t0, kind="syn", direction="out", detail="connect()"),
        TimelineEvent(time=t0 + 0.1011, kind="syn-ack", direction="in", detail="connected"),
        TimelineEvent(
            time=t0 + 0.1020,
            kind="app-send",
            direction="out",
            detail="ClientHello handed to the socket",
        ),
        TimelineEvent(
            time=t0 + 3.1040, kind="rst", direction="in", detail="ECONNRESET (errno 104)"
        ),
    )
    return RunResult(
        started_at=t0 - 0.02,
        finished_at=t0 + 5.5,
        targets=("lb.lab.test:443", "portal.lab.test:443"),
        findings=(
            Finding(
                id="tls.reset_after_client_hello",
                severity=Severity.PROBLEM,
                title="The secure connection to lb.lab.test is reset after the greeting",
                user_text=(
                    "The secure connection to lb.lab.test is cut off 3 seconds after it starts."
                ),
                engineer_text=(
                    "connect() succeeded in 101.1 ms; recv() failed with ECONNRESET 3.00 s after "
                    "the ClientHello was handed to the socket. Without capture the sender of the "
                    "RST is unknown."
                ),
                wizard="tls_handshake",
                target="lb.lab.test:443",
                evidence=(
                    Evidence(
                        text="ECONNRESET 3.00 s after the ClientHello (socket level)",
                        timings={"seconds_to_reset": 3.002},
                        addresses=(f"{LB}:443",),
                    ),
                ),
                values={"seconds": 3.002},
            ),
            Finding(
                id="capture.unavailable",
                severity=Severity.WARNING,
                title="Packets could not be captured",
                user_text="WireSleuth could not record packets, so some evidence is missing.",
                engineer_text="Opening a raw socket failed: EPERM (CAP_NET_RAW missing).",
                wizard="engine",
                evidence=(Evidence(text="socket(AF_PACKET) failed: Operation not permitted"),),
            ),
        ),
        connections=(
            Connection(
                id=f"{CLIENT}:50300->{LB}:443",
                client=CLIENT,
                client_port=50300,
                server=LB,
                server_port=443,
                start=t0,
                end=t0 + 3.104,
                events=events,
                label="TLS handshake to lb.lab.test:443 (socket view)",
            ),
        ),
        capture=CaptureInfo(
            available=False,
            reason="no permission to capture packets (CAP_NET_RAW missing)",
            how_to_enable=(
                "run 'sudo setcap cap_net_raw,cap_net_admin=eip' on the WireSleuth program, "
                "or start it as administrator"
            ),
        ),
        wizards=("tls_handshake", "proxy_path"),
        cancelled=True,
        profile=_profile(),
        system=_system(),
        log=(*_log("2024-05-01")[:3], "2024-05-01 10:30:05.480 INFO run cancelled by the user"),
    )


def _main(argv: list[str]) -> int:
    import tempfile

    from wiresleuth.bundle.writer import write_bundle

    if len(argv) != 2:
        sys.stderr.write("usage: python -m tests.bundle.sample_runs OUT.wsbundle\n")
        return 2
    with tempfile.TemporaryDirectory() as folder:
        write_bundle(captured_run(Path(folder)), Path(argv[1]))
    return 0


if __name__ == "__main__":
    raise SystemExit(_main(sys.argv))
