"""A watch's failure evidence: bounded per group and in bytes, joined into one capture with
frame numbers shifted; the joined file is read back by our own reader."""

import struct
from pathlib import Path

from wiresleuth.capture.packet_reading import read_packets
from wiresleuth.engine.watch_evidence import EvidencePart, EvidenceStore
from wiresleuth.model.finding import Evidence, Finding, Severity

GROUP = ("tls.no_server_hello", "a:443", "198.18.5.7")


def pcapng(frames: int, size: int, seed: int) -> bytes:
    """A small pcapng: section header, one raw-IPv4 interface, ``frames`` UDP packets."""
    shb = struct.pack("<IHHq", 0x1A2B3C4D, 1, 0, -1)
    out = struct.pack("<II", 0x0A0D0D0A, 12 + len(shb)) + shb + struct.pack("<I", 12 + len(shb))
    idb = struct.pack("<HHI", 228, 0, 262144)  # LINKTYPE_IPV4
    out += struct.pack("<II", 1, 12 + len(idb)) + idb + struct.pack("<I", 12 + len(idb))
    for n in range(frames):
        udp = struct.pack("!HHHH", 40000 + seed, 443, 8 + size, 0) + bytes(size)
        ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(udp), n, 0, 64, 17, 0,
                         bytes([198, 18, 0, 2]), bytes([198, 18, 5, 7])) + udp  # fmt: skip
        body = struct.pack("<IIIII", 0, seed * 1000 + n, 0, len(ip), len(ip)) + ip
        out += struct.pack("<II", 6, 12 + len(body)) + body + struct.pack("<I", 12 + len(body))
    return out


def finding(*frames: int) -> Finding:
    return Finding(id="tls.no_server_hello", severity=Severity.PROBLEM, title="t", user_text="u",
                   engineer_text="e", wizard="tls", target="a:443",
                   evidence=(Evidence(text="x", packets=frames),))  # fmt: skip


def parts(frames: int) -> list[EvidencePart]:
    return [
        EvidencePart(label="before", attempt=1, data=pcapng(3, 100, 1), packets=3),
        EvidencePart(label="failing", attempt=2, data=pcapng(frames, 100, 2), packets=frames,
                     findings=(finding(1, frames),)),
    ]  # fmt: skip


def test_frames_are_numbered_across_the_joined_capture(tmp_path: Path) -> None:
    store = EvidenceStore(tmp_path)
    assert store.keep(attempt=2, at=1.0, group=GROUP, signatures=("s",), parts=parts(4),
                      diagnosis_ran=True)  # fmt: skip
    store.add_after(2, EvidencePart(label="after", attempt=3, data=pcapng(2, 100, 3), packets=2))
    assert store.keep(attempt=7, at=2.0, group=GROUP, signatures=("s",), parts=parts(5),
                      diagnosis_ran=True)  # fmt: skip
    joined = store.assemble(tmp_path / "capture.pcapng")
    first, second = joined.failures
    assert [(s.label, s.first_frame, s.packets) for s in first.sections] == [
        ("before", 1, 3), ("failing", 4, 4), ("after", 8, 2)]  # fmt: skip
    assert [(s.label, s.first_frame) for s in second.sections] == [("before", 10), ("failing", 13)]
    assert first.findings[0].packets == (4, 7) and second.findings[0].packets == (13, 17)
    assert joined.packets == 17
    assert joined.capture is not None
    reading = read_packets(joined.capture)  # one file, five sections
    assert reading.frames == 17 and reading.warnings == ()
    assert [r.number for r in reading.records] == list(range(1, 18))


def test_a_group_keeps_its_first_failures_then_only_the_latest(tmp_path: Path) -> None:
    store = EvidenceStore(tmp_path, keep_first=2)
    for attempt in range(1, 7):
        store.keep(attempt=attempt, at=float(attempt), group=GROUP, signatures=("s",),
                   parts=parts(2), diagnosis_ran=True)  # fmt: skip
    kept = [f.attempt for f in store.assemble(tmp_path / "c.pcapng").failures]
    assert kept == [1, 2, 6] and store.dropped == 3
    assert sorted(p.name for p in tmp_path.glob("failure-*")) == [
        "failure-1.pcapng", "failure-2.pcapng", "failure-6.pcapng"]  # fmt: skip


def test_past_the_byte_bound_a_failure_is_counted_not_kept(tmp_path: Path) -> None:
    size = sum(len(p.data) for p in parts(2))
    store = EvidenceStore(tmp_path, max_bytes=size * 2)
    groups = [("a", "t", "1"), ("b", "t", "1"), ("c", "t", "1")]
    kept = [store.keep(attempt=n, at=0.0, group=g, signatures=(), parts=parts(2),
                       diagnosis_ran=False) for n, g in enumerate(groups, 1)]  # fmt: skip
    assert kept == [True, True, False] and store.dropped == 1 and store.bytes == size * 2
