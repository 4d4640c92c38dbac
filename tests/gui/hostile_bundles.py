"""Bundles made to attack the viewer: HTML in every text, and numbers of every wrong kind.

``hostile_run`` puts ``HTML`` at the start of every text a bundle carries (finding titles and
texts, evidence, connection labels, event details, PAC, MTU and TLS measurements, system
information, profile, log, capture status), so a viewer that lets Qt guess "rich text" shows a
heading, loads ``file:///etc/passwd`` as an image or makes a link. Whatever shows the text
literally shows ``<h1>WSX1``: the tests look for exactly that.

``edited_bundle`` rewrites a saved bundle's report.json (checksums fixed), for the numbers a
writer never produces: 1e308, NaN, strings where numbers go, lists where objects go.
"""

from __future__ import annotations

import hashlib
import json
import zipfile
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

from wiresleuth.model.check_status import CheckStatus, Status
from wiresleuth.model.finding import Evidence, Finding, Severity
from wiresleuth.model.jsonable import to_jsonable
from wiresleuth.model.mtu_observations import (
    MtuTargetObservation,
    MtuWizardObservations,
    PathMtuSweep,
    SweepProbe,
)
from wiresleuth.model.observations import (
    Chunk,
    ConnectObservation,
    GatewayObservation,
    PathRttObservation,
    TlsObservation,
    TlsTargetObservation,
    TlsWizardObservations,
)
from wiresleuth.model.pac_observations import (
    HttpExchangeObservation,
    PacDecisionObservation,
    PacEvaluationObservation,
    PacLookupObservation,
    PacWizardObservations,
)
from wiresleuth.model.run import CaptureInfo, RunResult
from wiresleuth.model.timeline import Connection, TimelineEvent

MARK = "WSX1"
"""In every hostile text, right after ``<h1>``."""
HTML = f'<h1>{MARK}</h1><img src="file:///etc/passwd"><a href="https://x.test/">link</a><b>bold</b>'
"""What each hostile text starts with."""
SHOWN = f"<h1>{MARK}"
"""What a widget that shows the text as text shows (a heading tag, written out)."""
FILE_NAME = f"<h1>{MARK}<img src=x.png><b>bold.wsbundle"
"""A bundle file name with HTML in it (no slash: file names cannot hold one)."""

T0 = 1_714_555_800.0


def hostile(what: str) -> str:
    """A hostile text for the field ``what`` (two lines, HTML on the first)."""
    return f"{HTML} {what}\nsecond line of {what}"


def _events(t0: float) -> tuple[TimelineEvent, ...]:
    return (
        TimelineEvent(time=t0, kind="syn", direction="out", packet=1, detail=hostile("detail")),
        TimelineEvent(time=t0 + 0.1, kind=hostile("kind"), direction="in", packet=2),
        TimelineEvent(time=t0 + 0.2, kind="rst", direction="in", packet=3, detail="reset"),
    )


def _finding(index: int, severity: Severity) -> Finding:
    return Finding(
        id=hostile(f"id {index}"),
        severity=severity,
        title=hostile(f"title {index}"),
        user_text=hostile(f"user text {index}"),
        engineer_text=hostile(f"engineer text {index}"),
        wizard=hostile("wizard"),
        target=hostile(f"target {index}"),
        evidence=(
            Evidence(text=hostile(f"evidence {index}"), packets=(1, 2), addresses=(hostile("a"),)),
            Evidence(text=hostile(f"socket evidence {index}")),
        ),
        values={"what": hostile("value")},
    )


def _cause_and_symptom() -> tuple[Finding, Finding]:
    """Two findings of catalogued IDs, one explaining the other: a cause group, every text
    hostile (the group's "It explains" row names the symptom)."""
    cause, symptom = (
        replace(_finding(index, Severity.PROBLEM), id=fid, target=hostile("cause target"))
        for index, fid in ((4, "path.qos_policing"), (5, "path.large_packet_loss"))
    )
    return cause, symptom


def _checks() -> tuple[CheckStatus, ...]:
    """A status of every kind, every text hostile."""
    return tuple(
        CheckStatus(
            check=hostile("check"),
            title=hostile(f"check title {status.value}"),
            target=hostile("check target") if status is not Status.PASSED else None,
            status=status,
            reason=hostile(f"reason {status.value}"),
            findings=(hostile("finding id"),),
        )
        for status in Status
    )


def _hops() -> dict[str, Any]:
    """The hop locator's measurements (JSON form), every text hostile; one probe claims a
    TTL of a billion (the hop list stays a path's length)."""

    def probe(ttl: int, fate: str, **more: Any) -> dict[str, Any]:
        return {"ttl": ttl, "sent_at": T0 + ttl, "fate": fate, **more}

    return {
        "error_queue": True,
        "note": hostile("hops note"),
        "locations": [
            {
                "request": {
                    "target": hostile("hops target"),
                    "address": hostile("hops address"),
                    "port": 443,
                    "kind": hostile("kind"),
                    "findings": [{"id": hostile("finding id"), "target": hostile("target")}],
                    "host": hostile("host"),
                },
                "reference": {
                    "kind": "echo",
                    "address": hostile("hops address"),
                    "probes": [
                        probe(1, "expired", reported_by=hostile("router"), rtt=0.001),
                        probe(2, "answered", answer=hostile("answer"), rtt=0.1),
                    ],
                },
                "syn": {
                    "kind": "syn",
                    "address": hostile("hops address"),
                    "probes": [
                        probe(1, "failed", error=hostile("probe error")),
                        probe(1_000_000_000, "answered", answer="syn-ack", rtt=0.002),
                    ],
                },
                "names": [{"address": hostile("router"), "name": hostile("reverse name")}],
            },
            {
                "request": {
                    "target": hostile("skipped target"), "address": "198.18.9.9", "port": 80,
                    "kind": "http", "findings": [], "skipped": hostile("skipped because"),
                },
            },
        ],
    }


def _observations() -> dict[str, Any]:
    """Every check's measurements, of the right types, with hostile texts (to_jsonable: what
    a run writes, so the viewer reads them back typed and shows every text)."""
    connect = ConnectObservation(
        address=hostile("address"), port=443, started_at=T0, connected_at=T0 + 0.1
    )
    attempt = TlsObservation(
        target=hostile("tls target"), sni=hostile("sni"), purpose=hostile("purpose"),
        connect=connect, outcome=hostile("outcome"), ended_at=T0 + 1.0,
        client_hello_at=T0 + 0.1, handshake_done_at=T0 + 0.3, first_data_at=T0 + 0.4,
    )  # fmt: skip
    failed = replace(
        attempt,
        purpose="default",
        connect=replace(connect, started_at=T0 + 2, connected_at=None, error=hostile("error")),
    )
    tls = TlsWizardObservations(
        targets=(
            TlsTargetObservation(
                target=hostile("tls target"), address=hostile("address"),
                path_rtt=PathRttObservation(
                    address=hostile("address"), method=hostile("method"), samples=(0.1,)
                ),
                attempts=(attempt, failed),
            ),
        ),
        gateway=GatewayObservation(address=hostile("gateway"), vendor=hostile("vendor")),
    )  # fmt: skip
    mtu = MtuWizardObservations(
        targets=(
            MtuTargetObservation(
                target=hostile("mtu target"), address=hostile("mtu address"), scheme="https",
                sweep=PathMtuSweep(
                    address=hostile("mtu address"), method=hostile("mtu method"),
                    interface_mtu=1500, path_mtu=1400, error=hostile("mtu error"),
                    probes=(
                        SweepProbe(size=1500, result=hostile("result"), at=T0, detail=hostile("d")),
                        SweepProbe(size=1400, result="reply", at=T0, detail=hostile("probe")),
                    ),
                ),
            ),
            MtuTargetObservation(
                target=hostile("second mtu target"), address=None, scheme="https",
                sweep=PathMtuSweep(address="", method="none"),
            ),
        )
    )  # fmt: skip
    pac = PacWizardObservations(
        configuration=None, pac_url=hostile("pac url"), pac_source=hostile("pac source"),
        address=hostile("pac address"), address_kind=hostile("kind"),
        fetch=HttpExchangeObservation(
            url=hostile("pac url"), address=hostile("pac address"), connect=connect,
            outcome=hostile("fetch outcome"), ended_at=T0 + 1,
            received=(Chunk(at=T0 + 0.5, data=hostile("script").encode()),),
        ),
        evaluation=PacEvaluationObservation(
            outcome=hostile("evaluation"), elapsed=0.1, time_limit=3.0, memory_limit_mb=512,
            script_bytes=100, my_ip="198.18.0.2",
            decisions=(
                PacDecisionObservation(url=hostile("asked url"), host="h", result=hostile("answer")),
                PacDecisionObservation(
                    url=hostile("failed url"), host="h", result=None, error=hostile("pac error")
                ),
            ),
            lookups=(PacLookupObservation(name=hostile("name"), address=hostile("ip"), elapsed=0.01),),
        ),
    )  # fmt: skip
    written: dict[str, Any] = to_jsonable({"tls": tls, "mtu": mtu, "pac": pac})
    return {**written, "hops": _hops()}


def hostile_run() -> RunResult:
    """A run whose every text is ``hostile``; no capture (its reason is hostile too)."""
    connection = Connection(
        id=hostile("connection id"),
        client=hostile("client"),
        client_port=50000,
        server=hostile("server"),
        server_port=443,
        start=T0,
        end=T0 + 0.2,
        events=_events(T0),
        label=hostile("connection label"),
    )
    return RunResult(
        started_at=T0 - 0.1,
        finished_at=T0 + 5,
        targets=(hostile("target"),),
        findings=(
            _finding(1, Severity.PROBLEM),
            _finding(2, Severity.WARNING),
            _finding(3, Severity.INFO),
            *_cause_and_symptom(),
        ),
        connections=(connection,),
        capture=CaptureInfo(
            available=False,
            reason=hostile("capture reason"),
            how_to_enable=hostile("how to enable"),
        ),
        observations=_observations(),
        wizards=(hostile("wizard"),),
        profile={
            "pac_url": hostile("profile pac url"),
            "name": hostile("profile"),
            "source": hostile("profile source"),
            "helpdesk": {"name": hostile("helpdesk name"), "contact": hostile("contact")},
        },
        checks=_checks(),
        system={
            "computer": {"name": hostile("computer"), "user": hostile("user")},
            "os": {"system": hostile("os"), "release": hostile("release")},
            "hostname": hostile("hostname"),
            "interfaces": [{"name": hostile("interface"), "addresses": [hostile("address")]}],
            hostile("key"): hostile("value"),
        },
        log=(hostile("log line"),),
    )


def write_hostile_bundle(folder: Path, name: str = FILE_NAME) -> Path:
    """``hostile_run`` saved as a bundle named ``name`` in ``folder``."""
    from wiresleuth.bundle.writer import write_bundle

    return write_bundle(hostile_run(), folder / name)


def edited_bundle(
    source: Path,
    target: Path,
    edit: Callable[[dict[str, Any]], None],
    *,
    without: tuple[str, ...] = (),
) -> Path:
    """A copy of ``source`` whose report.json ``edit`` changed (manifest checksums updated),
    leaving out the members named in ``without``.

    Written with ``allow_nan``: JSON's NaN and Infinity tokens are what a hand-made bundle
    can hold that a real run never writes.
    """
    with zipfile.ZipFile(source) as original:
        members = {n: original.read(n) for n in original.namelist() if n not in without}
    report = json.loads(members["report.json"])
    edit(report)
    members["report.json"] = json.dumps(report, allow_nan=True).encode()
    manifest = json.loads(members["manifest.json"])
    manifest["files"] = {k: v for k, v in manifest["files"].items() if k not in without}
    for name in manifest["files"]:
        if name in members:
            manifest["files"][name] = hashlib.sha256(members[name]).hexdigest()
    members["manifest.json"] = json.dumps(manifest).encode()
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return target


# -- a capture whose every text is hostile: HTTP lines, a server name, a DNS name ------------

CLIENT, SERVER, RESOLVER = "198.18.0.2", "100.64.0.1", "100.64.0.53"


def _ip(src: str, dst: str, proto: int, body: bytes) -> bytes:
    import socket
    import struct

    header = struct.pack(
        "!BBHHHBBH4s4s", 0x45, 0, 20 + len(body), 1, 0x4000, 64, proto, 0,
        socket.inet_aton(src), socket.inet_aton(dst),
    )  # fmt: skip
    return header + body


def _tcp(src: str, dst: str, sport: int, dport: int, seq: int, ack: int, flags: int, data: bytes = b"") -> bytes:
    import struct

    segment = struct.pack("!HHIIBBHHH", sport, dport, seq, ack, 5 << 4, flags, 64240, 0, 0)
    return _ip(src, dst, 6, segment + data)


def _udp(src: str, dst: str, sport: int, dport: int, data: bytes) -> bytes:
    import struct

    return _ip(src, dst, 17, struct.pack("!HHHH", sport, dport, 8 + len(data), 0) + data)


def _client_hello(server_name: bytes) -> bytes:
    """A TLS 1.2 ClientHello record with one cipher suite and a server_name extension."""
    name = b"\x00" + len(server_name).to_bytes(2, "big") + server_name
    sni = b"\x00\x00" + (len(name) + 2).to_bytes(2, "big") + len(name).to_bytes(2, "big") + name
    body = b"\x03\x03" + bytes(32) + b"\x00" + b"\x00\x02\x13\x01" + b"\x01\x00"
    body += len(sni).to_bytes(2, "big") + sni
    handshake = b"\x01" + len(body).to_bytes(3, "big") + body
    return b"\x16\x03\x01" + len(handshake).to_bytes(2, "big") + handshake


def _dns(name: bytes, answer: bool) -> bytes:
    labels = b"".join(len(part).to_bytes(1, "big") + part for part in name.split(b".")) + b"\x00"
    flags = b"\x81\x80" if answer else b"\x01\x00"
    counts = b"\x00\x01" + (b"\x00\x01" if answer else b"\x00\x00") + b"\x00\x00\x00\x00"
    message = b"\x12\x34" + flags + counts + labels + b"\x00\x01\x00\x01"
    if answer:
        message += b"\xc0\x0c\x00\x01\x00\x01\x00\x00\x00\x3c\x00\x04" + bytes([100, 64, 0, 1])
    return message


def write_hostile_capture(path: Path) -> Path:
    """A raw-IPv4 pcap: a plain HTTP exchange, a ClientHello and a DNS answer, each text
    starting with HTML (request line, Host, status line, body, server name, query name)."""
    import struct

    tag = HTML.encode()
    http_request = b"GET /" + tag + b" HTTP/1.1\r\nHost: " + tag + b"\r\n\r\n"
    http_answer = b"HTTP/1.1 200 " + tag + b"\r\nServer: " + tag + b"\r\n\r\n" + tag
    syn, ack, psh_ack, fin_ack = 0x02, 0x10, 0x18, 0x11
    frames = [
        _tcp(CLIENT, SERVER, 50000, 80, 1000, 0, syn),
        _tcp(SERVER, CLIENT, 80, 50000, 5000, 1001, syn | ack),
        _tcp(CLIENT, SERVER, 50000, 80, 1001, 5001, ack),
        _tcp(CLIENT, SERVER, 50000, 80, 1001, 5001, psh_ack, http_request),
        _tcp(SERVER, CLIENT, 80, 50000, 5001, 1001 + len(http_request), psh_ack, http_answer),
        _tcp(SERVER, CLIENT, 80, 50000, 5001 + len(http_answer), 1001 + len(http_request), fin_ack),
        _tcp(CLIENT, SERVER, 50001, 443, 7000, 0, syn),
        _tcp(SERVER, CLIENT, 443, 50001, 9000, 7001, syn | ack),
        _tcp(CLIENT, SERVER, 50001, 443, 7001, 9001, ack),
        _tcp(CLIENT, SERVER, 50001, 443, 7001, 9001, psh_ack, _client_hello(f"<h1>{MARK}.test".encode())),
        _udp(CLIENT, RESOLVER, 40000, 53, _dns(b"<h1>" + MARK.encode() + b".test", False)),
        _udp(RESOLVER, CLIENT, 53, 40000, _dns(b"<h1>" + MARK.encode() + b".test", True)),
    ]
    with path.open("wb") as out:
        out.write(struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 65535, 101))
        for index, frame in enumerate(frames):
            out.write(struct.pack("<IIII", int(T0) + index, 0, len(frame), len(frame)))
            out.write(frame)
    return path


def hostile_run_with_capture(folder: Path) -> RunResult:
    """``hostile_run`` with a capture: its packets, their connections (hostile labels) and
    findings whose evidence cites them."""
    from dataclasses import replace

    from wiresleuth.analysis.flows import assemble_flows
    from wiresleuth.analysis.timeline import build_timelines
    from wiresleuth.capture.packet_reading import read_packets

    capture = write_hostile_capture(folder / "hostile.pcap")
    packets = read_packets(capture).records
    connections = tuple(
        replace(c, label=hostile(f"connection label {i}"))
        for i, c in enumerate(build_timelines(assemble_flows(packets)))
    )
    run = hostile_run()
    cited = Evidence(text=hostile("cited evidence"), packets=(4, 10, 12), timings={"seconds": 1.0})
    findings = tuple(replace(f, evidence=(cited, *f.evidence)) for f in run.findings)
    return replace(
        run,
        packets=packets,
        connections=connections,
        findings=findings,
        capture=CaptureInfo(available=True, packets=len(packets), interface=hostile("interface")),
        capture_file=capture,
    )
