"""``wiresleuth analyze FILE``: findings from a capture taken elsewhere (pcap or pcapng).

Prints the findings (``--json``: the findings and every connection's figures as JSON);
``--out`` also writes a bundle the window opens, with the capture copied to pcapng and a
comment on every packet a finding cites. Exit codes as ``run``: 0 nothing of severity
"problem", 1 problems found, 2 the file (or the bundle) could not be read (written).
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from wiresleuth.cli import console, exit_codes
from wiresleuth.cli.out_path import check_out_path
from wiresleuth.errors import BadInput, BundleError, CaptureFileError
from wiresleuth.report.terminal_text import for_terminal


def register(commands: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Add the ``analyze`` command."""
    parser = commands.add_parser(
        "analyze",
        help="find problems in a capture file taken elsewhere (pcap, pcapng)",
        description=(
            "Reads a pcap or pcapng file (gzip too), analyses every TCP connection as "
            "Wireshark does and reports what the packets prove: intercepted handshakes, "
            "plaintext in TLS, resets after the ClientHello, large-packet loss, DSCP marks, "
            "rewritten DNS answers, held requests. Evidence cites the file's frame numbers."
        ),
    )
    parser.add_argument("file", type=Path, help="the capture file")
    parser.add_argument(
        "--json", action="store_true", help="print findings and per-connection figures as JSON"
    )
    parser.add_argument("--out", type=Path, help="also write a bundle (.wsbundle) here")
    parser.set_defaults(handler=analyze)


def _direction(d: Any) -> dict[str, Any]:
    return {
        "address": d.address,
        "port": d.port,
        "frames": d.frames,
        "bytes": d.frame_bytes,
        "payload_bytes": d.payload_bytes,
        "retransmissions": d.retransmissions,
        "analysis": dict(sorted((k, v) for k, v in d.counts.items() if v)),
        "resets": d.reset_count,
        "ttls": sorted(d.ttls),
        "dscp": sorted({tos >> 2 for tos in d.tos_counts}),
    }


def _conversation(conv: Any) -> dict[str, Any]:
    return {
        "stream": conv.index,
        "id": conv.id,
        "client": _direction(conv.client),
        "server": _direction(conv.server),
        "start": conv.start,
        "duration": conv.duration,
        "handshake_rtt": conv.handshake_rtt,
        "initial_rtt": conv.initial_rtt,
        "client_mss": conv.client_mss,
        "server_mss": conv.server_mss,
    }


def json_report(analysis: Any) -> dict[str, Any]:
    """The analysis as JSON: the file, its warnings, findings and every connection."""
    from wiresleuth.bundle.serialize import finding_dict
    from wiresleuth.report.summary import count_by_severity

    scan = analysis.scan
    return {
        "file": str(scan.path),
        "format": scan.format,
        "compressed": scan.compressed,
        "packets": scan.packets,
        "ip_packets": scan.ip_packets,
        "tcp_connections": len(scan.conversations),
        "dns_messages": len(scan.dns),
        "first_time": scan.first_time,
        "last_time": scan.last_time,
        "link_types": sorted({i.linktype for i in scan.interfaces}),
        "warnings": list(scan.warnings),
        "summary": count_by_severity(analysis.findings),
        "findings": [finding_dict(f) for f in analysis.findings],
        "conversations": [_conversation(c) for c in scan.conversations],
    }


def _header(analysis: Any) -> str:
    scan = analysis.scan
    kind = scan.format + (", gzip-compressed" if scan.compressed else "")
    name = for_terminal(scan.path.name, one_line=True)
    lines = [
        f"{name} ({kind}): {scan.packets} packets, {len(scan.conversations)} TCP "
        f"connections, {len(scan.dns)} DNS messages. Evidence cites this file's frame numbers."
    ]
    lines += [f"Note: {for_terminal(warning, one_line=True)}" for warning in scan.warnings]
    return "\n".join(lines)


def analyze(args: argparse.Namespace) -> int:
    """Analyse, print, optionally bundle; exit code per ``exit_codes``."""
    from wiresleuth.model.finding import Severity
    from wiresleuth.report.summary import summary_text
    from wiresleuth.sources.capture_file import analyze_file

    out: Path | None = args.out
    try:
        if out is not None:
            out = check_out_path(out)
        analysis = analyze_file(args.file)
    except BadInput as exc:
        console.error(str(exc))
        return exit_codes.COULD_NOT_RUN
    if args.json:
        console.show_json(json_report(analysis), allow_nan=False)
    else:
        console.show(_header(analysis))
        console.show()
        console.show(summary_text(analysis.findings), end="")
    if out is not None and not _bundle(analysis, out, quiet=args.json):
        return exit_codes.COULD_NOT_RUN
    problem = any(f.severity is Severity.PROBLEM for f in analysis.findings)
    return exit_codes.PROBLEMS_FOUND if problem else exit_codes.NO_PROBLEM


def _bundle(analysis: Any, out: Path, *, quiet: bool) -> bool:
    from wiresleuth.bundle.writer import write_bundle
    from wiresleuth.engine import scratch
    from wiresleuth.sources.capture_file import run_result

    work = scratch.new_folder(scratch.ANALYZE_PREFIX)
    try:
        written = write_bundle(run_result(analysis, work), out)
    except (BundleError, CaptureFileError) as exc:
        console.error(str(exc))
        return False
    finally:
        scratch.discard(work)
    console.show(f"\nBundle: {written}", to_stderr=quiet)
    return True
