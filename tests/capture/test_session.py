"""CaptureSession on this machine's loopback: real packets, real pcapng, real refusals.

On Linux the session captures through the capture helper (compiled from this checkout for
the tests); the in-process libpcap backend of Windows and macOS runs here too, as root, on
the same exchanges. Capturing needs root here; without it these tests skip and say so.
Only 127.0.0.1 and ::1 are ever contacted.
"""

from __future__ import annotations

import os
import socket
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from tests.capture.corpora import packets, tshark
from wiresleuth.analysis.flows import assemble_flows
from wiresleuth.capture.backend import CaptureBackend
from wiresleuth.capture.bpf import build_filter
from wiresleuth.capture.frame import Frame
from wiresleuth.capture.helper_path import HelperFacts
from wiresleuth.capture.inprocess import InProcessCapture
from wiresleuth.capture.pcap_file import read_capture
from wiresleuth.capture.session import CaptureSession, linux_advice
from wiresleuth.errors import CaptureUnavailable
from wiresleuth.model.packet import ACK, SYN
from wiresleuth.model.plan import FlowSpec

needs_root = pytest.mark.skipif(os.geteuid() != 0, reason="live capture needs root here")
pytestmark = pytest.mark.usefixtures("use_helper")
BACKENDS = ["helper", "in-process"]


def backend(kind: str, bpf: str, iface: str | None = None) -> CaptureBackend | None:
    """None: the platform's own choice (the helper on Linux); else libpcap in this process."""
    return None if kind == "helper" else InProcessCapture(bpf, iface)

EF_TOS = 0xB8  # DSCP 46 (EF), ECN 0


class Echo:
    """A loopback TCP server that answers each request with a fixed reply, then closes."""

    def __init__(self, host: str = "127.0.0.1", reply: bytes = b"pong" * 100) -> None:
        family = socket.AF_INET6 if ":" in host else socket.AF_INET
        self.sock = socket.socket(family, socket.SOCK_STREAM)
        self.sock.bind((host, 0))
        self.sock.listen()
        self.sock.settimeout(5)
        self.host, self.port = host, self.sock.getsockname()[1]
        self.reply = reply
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _serve(self) -> None:
        try:
            conn, _ = self.sock.accept()
        except OSError:
            return
        with conn:
            conn.settimeout(5)
            conn.recv(65536)
            conn.sendall(self.reply)

    def talk(self, request: bytes, tos: int = 0) -> bytes:
        family = socket.AF_INET6 if ":" in self.host else socket.AF_INET
        with socket.socket(family, socket.SOCK_STREAM) as client:
            if tos and family == socket.AF_INET:
                client.setsockopt(socket.IPPROTO_IP, socket.IP_TOS, tos)
            elif tos:
                client.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_TCLASS, tos)
            client.settimeout(5)
            client.connect((self.host, self.port))
            client.sendall(request)
            received = b""
            while len(received) < len(self.reply):
                chunk = client.recv(65536)
                if not chunk:
                    break
                received += chunk
        self.thread.join(5)
        self.sock.close()
        return received


@pytest.fixture
def session_for() -> Iterator[list[CaptureSession]]:
    sessions: list[CaptureSession] = []
    yield sessions
    for session in sessions:
        session.stop()


def capture_exchange(
    sessions: list[CaptureSession], host: str, tos: int, iface: str | None = None,
    kind: str = "helper",
) -> tuple[CaptureSession, Echo]:
    server = Echo(host)
    bystander = Echo(host)  # same host, another port: must not be captured
    bpf = build_filter([FlowSpec(address=host, proto="tcp", port=server.port)])
    session = CaptureSession(bpf, iface, backend=backend(kind, bpf, iface))
    sessions.append(session)
    session.start(timeout=2.0)
    assert server.talk(b"ping" * 50, tos=tos) == server.reply
    assert bystander.talk(b"not ours") == bystander.reply
    session.stop()
    return session, server


@needs_root
@pytest.mark.parametrize("kind", BACKENDS)
@pytest.mark.parametrize("host", ["127.0.0.1", "::1"])
def test_loopback_exchange_on_all_interfaces(
    session_for: list[CaptureSession], host: str, kind: str
) -> None:
    session, server = capture_exchange(session_for, host, EF_TOS, kind=kind)
    assert session.interfaces == ("any",)
    assert session.problem is None
    records = session.records()
    assert [r.number for r in records] == list(range(1, session.packet_count + 1))
    assert {r.sport for r in records} | {r.dport for r in records} >= {server.port}
    assert all(server.port in (r.sport, r.dport) for r in records), "bystander leaked in"
    syn, syn_ack = records[0], records[1]
    assert syn.tcp_flags == SYN and syn.dport == server.port
    assert syn_ack.tcp_flags == SYN | ACK and syn_ack.sport == server.port
    assert syn.dscp == 46 and syn_ack.dscp == 0  # only the client socket set IP_TOS
    assert syn.mss is not None and syn.wscale is not None
    assert all(r.dscp == 46 for r in records if r.dport == server.port)
    (flow,) = assemble_flows(records)
    assert flow.client_stream.data == b"ping" * 50
    assert flow.server_stream.data == server.reply
    assert flow.handshake_rtt is not None and 0 <= flow.handshake_rtt < 0.5
    assert flow.client_stream.retransmissions == () and flow.server_stream.gaps == ()


@needs_root
@pytest.mark.parametrize("kind", BACKENDS)
def test_pcapng_with_comments(
    session_for: list[CaptureSession], tmp_path: Path, kind: str
) -> None:
    session, _ = capture_exchange(session_for, "127.0.0.1", EF_TOS, iface="lo", kind=kind)
    assert session.interfaces == ("lo",)
    path = tmp_path / "capture.pcapng"
    comments = {1: "SYN with DSCP EF", 2: "SYN-ACK, unmarked"}
    session.write_pcapng(path, comments)
    shown = tshark(
        "-r",
        str(path),
        "-Y",
        "frame.comment",
        "-T",
        "fields",
        "-e",
        "frame.number",
        "-e",
        "frame.comment",
    )
    assert [line.split("\t") for line in shown.splitlines()] == [
        ["1", "SYN with DSCP EF"],
        ["2", "SYN-ACK, unmarked"],
    ]
    count = tshark("-r", str(path), "-T", "fields", "-e", "frame.number").split()
    assert len(count) == session.packet_count
    reread = read_capture(path)
    assert reread.records == tuple(session.records())  # byte for byte, same numbers and times
    assert reread.records[0].src_mac == "00:00:00:00:00:00"  # lo is Ethernet-framed
    with pytest.raises(ValueError, match="no packet numbered"):
        session.write_pcapng(tmp_path / "x.pcapng", {session.packet_count + 1: "nope"})


@needs_root
@pytest.mark.parametrize("kind", BACKENDS)
def test_bad_filter_fails_at_start(session_for: list[CaptureSession], kind: str) -> None:
    session = CaptureSession("tcp port and", backend=backend(kind, "tcp port and"))
    session_for.append(session)
    began = time.monotonic()
    with pytest.raises(CaptureUnavailable, match="capture filter is not valid"):
        session.start(timeout=2.0)
    assert time.monotonic() - began < 2.0


@needs_root
@pytest.mark.parametrize("kind", BACKENDS)
def test_unknown_interface(session_for: list[CaptureSession], kind: str) -> None:
    session = CaptureSession("tcp", iface="nosuch0", backend=backend(kind, "tcp", "nosuch0"))
    session_for.append(session)
    with pytest.raises(CaptureUnavailable, match="no network device named nosuch0"):
        session.start()


@needs_root
def test_stop_is_idempotent_and_bounded() -> None:
    CaptureSession("tcp").stop()  # never started: nothing to do
    session = CaptureSession(build_filter([]))
    session.start()
    with pytest.raises(CaptureUnavailable, match="already started"):
        session.start()
    began = time.monotonic()
    session.stop()
    session.stop()
    assert time.monotonic() - began < 2.0
    assert session.packet_count == 0 and session.records() == []


@needs_root
def test_packet_limit_is_reported(session_for: list[CaptureSession]) -> None:
    server = Echo()
    session = CaptureSession(
        build_filter([FlowSpec(address="127.0.0.1", proto="tcp", port=server.port)]),
        max_packets=3,
    )
    session_for.append(session)
    session.start()
    server.talk(b"x" * 10)
    session.stop()
    assert session.packet_count == 3
    assert session.problem is not None and "beyond the limit of 3" in session.problem


def facts(**given: object) -> HelperFacts:
    values: dict[str, object] = {"path": Path("/usr/lib/wiresleuth/wiresleuth-capture"),
                                 "packaged": True, "user": "alice"}  # fmt: skip
    values.update(given)
    return HelperFacts(**values)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("given", "opted_out", "said"),
    [
        ({}, False, "Ask your administrator to add you (sudo gpasswd -a alice wiresleuth)"),
        ({"packaged": False, "path": Path("/src/.venv/libexec/wiresleuth-capture")}, False,
         "run sudo scripts/grant-capture in the WireSleuth folder"),
        ({"executable": True}, False, "sudo dpkg-reconfigure wiresleuth"),
        ({"path": None}, False, "The capture helper (wiresleuth-capture) is not installed"),
        ({"listed_in_group": True}, False, "log out and in again"),
        ({}, True, "switched packet capture off on this computer"),
    ],
    ids=["package", "source", "lost-right", "missing", "relogin", "opted-out"],
)  # fmt: skip
def test_the_advice_names_the_group_route_and_never_root(
    given: dict[str, object], opted_out: bool, said: str
) -> None:
    text = linux_advice(facts(**given), opted_out=opted_out)
    assert said in text
    assert "never needs to run as root" in text
    assert "setcap" not in text and "sudo wiresleuth" not in text
    assert "run WireSleuth as" not in text and "with sudo" not in text


class _RecordedBackend:
    """Hands over a real capture's frames, and the drop count its capture reported."""

    def __init__(self, frames: list[Frame], drops: int) -> None:
        self._frames = frames
        self._drops = drops

    devices = ("any",)
    linktype = 1
    error = None

    @property
    def kernel_drops(self) -> int:
        return self._drops

    def start(self, deliver: Callable[[list[Frame]], None], timeout: float) -> None:
        deliver(self._frames)

    def stop(self) -> None:
        pass


def test_the_captures_own_drops_are_told_apart_from_the_packets() -> None:
    from tests.capture.test_frame_batch import _frames

    frames = _frames(packets("tcp_handshake.pcapng"))
    session = CaptureSession("tcp", backend=_RecordedBackend(frames, drops=5))
    session.start()
    session.stop()
    assert session.kernel_drops == 5
    assert session.problem is not None and "missed 5 packets" in session.problem
    assert [r.number for r in session.records()] == list(range(1, len(frames) + 1))


def test_packets_past_the_limit_are_counted_not_kept() -> None:
    from tests.capture.test_frame_batch import _frames

    frames = _frames(packets("tcp_handshake.pcapng"))
    session = CaptureSession("tcp", max_packets=2, backend=_RecordedBackend(frames, drops=0))
    session.start()
    session.stop()
    assert session.packet_count == 2 and session.over_limit == len(frames) - 2
    assert session.problem is not None and "beyond the limit of 2" in session.problem
