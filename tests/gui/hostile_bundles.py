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


def _observations() -> dict[str, Any]:
    attempt = {
        "target": hostile("tls target"),
        "purpose": hostile("purpose"),
        "outcome": hostile("outcome"),
        "ended_at": T0 + 1.0,
        "connect": {"started_at": T0, "connected_at": T0 + 0.1, "error": None},
        "client_hello_at": T0 + 0.1,
        "handshake_done_at": T0 + 0.3,
        "first_data_at": T0 + 0.4,
    }
    failed = {
        **attempt,
        "purpose": "default",
        "connect": {"started_at": T0 + 2, "connected_at": None, "error": hostile("error")},
    }
    return {
        "tls": {
            "targets": [
                {
                    "target": hostile("tls target"),
                    "address": hostile("address"),
                    "path_rtt": {"method": hostile("method"), "samples": [0.1]},
                    "attempts": [attempt, failed],
                }
            ],
            "gateway": {"address": hostile("gateway"), "vendor": hostile("vendor")},
        },
        "mtu": {
            "targets": [
                {
                    "target": hostile("mtu target"),
                    "sweep": {
                        "address": hostile("mtu address"),
                        "method": hostile("mtu method"),
                        "interface_mtu": 1500,
                        "path_mtu": 1400,
                        "error": hostile("mtu error"),
                        "probes": [
                            {"size": 1500, "result": hostile("result"), "detail": hostile("d")},
                            {"size": 1400, "result": "reply", "detail": hostile("probe")},
                        ],
                    },
                },
                {"target": hostile("second mtu target"), "sweep": {"probes": []}},
            ]
        },
        "pac": {
            "pac_url": hostile("pac url"),
            "pac_source": hostile("pac source"),
            "address": hostile("pac address"),
            "address_kind": hostile("kind"),
            "fetch": {
                "outcome": hostile("fetch outcome"),
                "received": [{"data": {"text": hostile("script")}}],
            },
            "evaluation": {
                "outcome": hostile("evaluation"),
                "decisions": [
                    {"url": hostile("asked url"), "result": hostile("answer")},
                    {"url": hostile("failed url"), "error": hostile("pac error")},
                ],
                "lookups": [{"name": hostile("name"), "address": hostile("ip"), "elapsed": 0.01}],
            },
        },
    }


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
