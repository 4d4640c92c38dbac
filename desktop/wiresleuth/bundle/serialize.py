"""RunResult <-> report.json: the public, stable JSON form of a run's findings and timelines.

Field names here are a public API (docs/bundle-format.md, report.schema.json): add fields
freely, never rename or repurpose one without a new bundle format version and a converter
in ``compat``.

JSON cannot hold everything a wizard may have put into ``values``, ``Evidence.data`` or
``observations``, so ``jsonable`` converts the way the whole model does
(``wiresleuth.model.jsonable``): dataclasses become objects, bytes become
``{"text": latin-1 text, "hex": hex}``, tuples and sets become lists, other objects their
``str()``; non-finite floats become null (strict JSON). Those values come back in their JSON
form.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from typing import Any, TypeVar

from wiresleuth.analysis.causes import cause_index, group_causes
from wiresleuth.bundle.manifest import CAPTURE_MEMBER
from wiresleuth.errors import BadBundle
from wiresleuth.model.check_status import status_dict
from wiresleuth.model.finding import Evidence, Finding, Severity
from wiresleuth.model.jsonable import to_jsonable
from wiresleuth.model.run import CaptureInfo, RunResult
from wiresleuth.model.timeline import Connection, TimelineEvent
from wiresleuth.report.summary import count_by_severity

T = TypeVar("T")


def _finite(obj: Any) -> Any:
    if isinstance(obj, float):
        return obj if math.isfinite(obj) else None
    if isinstance(obj, dict):
        return {key: _finite(value) for key, value in obj.items()}
    if isinstance(obj, list):
        return [_finite(item) for item in obj]
    return obj


def jsonable(obj: Any) -> Any:
    """``obj`` as strict JSON data: the model's ``to_jsonable``, non-finite floats as null."""
    return _finite(to_jsonable(obj))


def utc_text(epoch: float) -> str:
    """Epoch seconds as ISO 8601 UTC with milliseconds (``2024-05-01T09:30:00.123Z``)."""
    stamp = datetime.fromtimestamp(epoch, UTC).isoformat(timespec="milliseconds")
    return stamp.replace("+00:00", "Z")


def evidence_dict(evidence: Evidence) -> dict[str, Any]:
    """One Evidence as JSON."""
    return {
        "text": evidence.text,
        "packets": list(evidence.packets),
        "timings": jsonable(evidence.timings),
        "addresses": list(evidence.addresses),
        "data": jsonable(evidence.data),
    }


def finding_dict(finding: Finding) -> dict[str, Any]:
    """One Finding as JSON; ``packets`` repeats every frame its evidence cites."""
    return {
        "id": finding.id,
        "severity": finding.severity.value,
        "title": finding.title,
        "user_text": finding.user_text,
        "engineer_text": finding.engineer_text,
        "wizard": finding.wizard,
        "target": finding.target,
        "evidence": [evidence_dict(ev) for ev in finding.evidence],
        "values": jsonable(finding.values),
        "packets": list(finding.packets),
    }


def event_dict(event: TimelineEvent) -> dict[str, Any]:
    """One TimelineEvent as JSON."""
    return {
        "time": event.time,
        "kind": event.kind,
        "direction": event.direction,
        "packet": event.packet,
        "length": event.length,
        "dscp": event.dscp,
        "ttl": event.ttl,
        "detail": event.detail,
    }


def connection_dict(connection: Connection) -> dict[str, Any]:
    """One Connection as JSON, events included."""
    return {
        "id": connection.id,
        "label": connection.label,
        "client": connection.client,
        "client_port": connection.client_port,
        "server": connection.server,
        "server_port": connection.server_port,
        "start": connection.start,
        "end": connection.end,
        "packets": list(connection.packets),
        "events": [event_dict(event) for event in connection.events],
    }


def capture_dict(capture: CaptureInfo, *, included: bool) -> dict[str, Any]:
    """Capture status as JSON; ``file`` names the bundle member when the capture is included."""
    out = {
        "available": capture.available,
        "reason": capture.reason,
        "how_to_enable": capture.how_to_enable,
        "filter": capture.filter,
        "interface": capture.interface,
        "packets": capture.packets,
        "file": CAPTURE_MEMBER if included else None,
    }
    if capture.dropped:
        out["dropped"] = capture.dropped
    if capture.kept_only:
        out["kept_only"] = capture.kept_only
    return out


def report_dict(result: RunResult) -> dict[str, Any]:
    """The JSON-ready report.json of a run (not yet redacted: the writer does that)."""
    return {
        "started_at": result.started_at,
        "finished_at": result.finished_at,
        "started_at_utc": utc_text(result.started_at),
        "finished_at_utc": utc_text(result.finished_at),
        "duration_s": round(result.finished_at - result.started_at, 6),
        "cancelled": result.cancelled,
        "targets": list(result.targets),
        "wizards": list(result.wizards),
        "summary": count_by_severity(result.findings),
        "findings": [finding_dict(finding) for finding in result.findings],
        "connections": [connection_dict(connection) for connection in result.connections],
        "capture": capture_dict(result.capture, included=result.capture_file is not None),
        "observations": jsonable(result.observations),
        "profile": jsonable(result.profile),
        "critical_path": [jsonable(step) for step in result.critical_path],
        "causes": cause_index(group_causes(result.findings), result.findings),
        "checks": [status_dict(status) for status in result.checks],
    }


MAX_EVIDENCE = 200
"""Evidence items per finding loaded from a report (the rest are counted in one last item:
a window listing a hostile report's million items froze for a minute)."""
MAX_EVIDENCE_PACKETS = 10_000
"""Frame numbers per evidence item loaded from a report (the rest are counted in its text)."""


def _optional_str(value: Any) -> str | None:
    return None if value is None else str(value)


def _evidence(data: Mapping[str, Any]) -> Evidence:
    packets = data.get("packets", ())
    text = str(data["text"])
    if isinstance(packets, list) and len(packets) > MAX_EVIDENCE_PACKETS:
        text += f" (the first {MAX_EVIDENCE_PACKETS} of {len(packets)} frames are listed)"
        packets = packets[:MAX_EVIDENCE_PACKETS]
    return Evidence(
        text=text,
        packets=tuple(int(n) for n in packets),
        timings={
            str(k): float(v) for k, v in dict(data.get("timings", {})).items() if v is not None
        },
        addresses=tuple(str(a) for a in data.get("addresses", ())),
        data=dict(data.get("data", {})),
    )


def _finding(data: Mapping[str, Any]) -> Finding:
    return Finding(
        id=str(data["id"]),
        severity=Severity(data["severity"]),
        title=str(data["title"]),
        user_text=str(data["user_text"]),
        engineer_text=str(data["engineer_text"]),
        wizard=str(data["wizard"]),
        target=_optional_str(data.get("target")),
        evidence=_evidence_items(data.get("evidence", ())),
        values=dict(data.get("values", {})),
    )


def _evidence_items(items: Any) -> tuple[Evidence, ...]:
    """A finding's evidence, at most MAX_EVIDENCE items and one that counts the others."""
    if not isinstance(items, list) or len(items) <= MAX_EVIDENCE:
        return tuple(_evidence(ev) for ev in items)
    more = len(items) - MAX_EVIDENCE
    return (
        *(_evidence(ev) for ev in items[:MAX_EVIDENCE]),
        Evidence(
            text=f"and {more} more evidence items (not loaded; report.json holds them all)",
            data={"evidence_not_loaded": more},
        ),
    )


def _event(data: Mapping[str, Any]) -> TimelineEvent:
    packet = data.get("packet")
    return TimelineEvent(
        time=float(data["time"]),
        kind=str(data["kind"]),
        direction=str(data["direction"]),
        packet=None if packet is None else int(packet),
        length=int(data.get("length", 0)),
        dscp=int(data.get("dscp", 0)),
        ttl=int(data.get("ttl", 0)),
        detail=str(data.get("detail", "")),
    )


def _connection(data: Mapping[str, Any]) -> Connection:
    return Connection(
        id=str(data["id"]),
        client=str(data["client"]),
        client_port=int(data["client_port"]),
        server=str(data["server"]),
        server_port=int(data["server_port"]),
        start=float(data["start"]),
        end=float(data["end"]),
        events=tuple(_event(event) for event in data.get("events", ())),
        packets=tuple(int(n) for n in data.get("packets", ())),
        label=str(data.get("label", "")),
    )


def _damaged(what: str, exc: Exception) -> BadBundle:
    detail = f"missing field {exc}" if isinstance(exc, KeyError) else str(exc)
    if len(detail) > 200:  # messages quote the bad value, which may be megabytes long
        detail = detail[:197] + "..."
    return BadBundle(f"report.json is damaged: {what}: {detail}")


def findings_from_report(report: Mapping[str, Any]) -> tuple[Finding, ...]:
    """The Findings of a report dict; BadBundle naming the finding that cannot be read."""
    return _read_list(report, "findings", "finding", _finding)


def connections_from_report(report: Mapping[str, Any]) -> tuple[Connection, ...]:
    """The Connections of a report dict; BadBundle naming the one that cannot be read."""
    return _read_list(report, "connections", "connection", _connection)


def _read_list(
    report: Mapping[str, Any], key: str, what: str, parse: Callable[[Any], T]
) -> tuple[T, ...]:
    items = report.get(key, [])
    if not isinstance(items, list):
        raise BadBundle(f"report.json is damaged: {key!r} is not a list")
    parsed: list[T] = []
    for index, item in enumerate(items, 1):
        try:
            parsed.append(parse(item))
        except (KeyError, TypeError, ValueError, AttributeError, OverflowError) as exc:
            raise _damaged(f"{what} {index}", exc) from exc
    return tuple(parsed)


def capture_from_report(report: Mapping[str, Any]) -> CaptureInfo:
    """The CaptureInfo of a report dict (capture unavailable when the section is missing)."""
    data = report.get("capture")
    if not isinstance(data, Mapping):
        return CaptureInfo(available=False, reason="the bundle does not say")
    try:
        return CaptureInfo(
            available=bool(data.get("available", False)),
            reason=_optional_str(data.get("reason")),
            how_to_enable=_optional_str(data.get("how_to_enable")),
            filter=_optional_str(data.get("filter")),
            interface=_optional_str(data.get("interface")),
            packets=int(data.get("packets", 0)),
            dropped=max(int(data.get("dropped", 0)), 0),
            kept_only=max(int(data.get("kept_only") or 0), 0) or None,
        )
    except (TypeError, ValueError, OverflowError) as exc:
        raise _damaged("capture", exc) from exc
