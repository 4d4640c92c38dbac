"""manifest.json: what a bundle is, which program and OS made it, and a checksum per member.

The format version is the bundle's own, independent of the program version: it changes
only when a member's layout changes, and ``compat`` upgrades older ones on reading.
"""

from __future__ import annotations

import hashlib
import platform
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

import wiresleuth

FORMAT = "wiresleuth-bundle"
"""The value of manifest["format"]: tells a bundle from any other zip."""

FORMAT_VERSION = 1
"""The bundle format this program writes (and the newest it reads)."""

MANIFEST_MEMBER = "manifest.json"
"""Name of the manifest inside a bundle."""
REPORT_MEMBER = "report.json"
"""The findings, timelines and capture status (a public API)."""
SYSTEM_MEMBER = "system.json"
"""Interfaces, routes, DNS servers and proxy settings."""
LOG_MEMBER = "log.txt"
"""The run's log lines."""
HTML_MEMBER = "report.html"
"""The self-contained page a helpdesk opens in a browser."""
CAPTURE_MEMBER = "capture.pcapng"
"""The capture, present only when the run captured packets."""


def sha256_hex(data: bytes) -> str:
    """Hex SHA-256 of a member's bytes, as the manifest lists it."""
    return hashlib.sha256(data).hexdigest()


def os_info() -> dict[str, str]:
    """The operating system and Python that ran the program."""
    return {
        "system": platform.system(),
        "release": platform.release(),
        "version": platform.version(),
        "machine": platform.machine(),
        "python": platform.python_version(),
    }


def now_utc() -> str:
    """The current time as ISO 8601 UTC, to the second (``2024-05-01T09:30:00Z``)."""
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def build_manifest(
    files: Mapping[str, str], *, capture_included: bool, created: str | None = None
) -> dict[str, Any]:
    """The manifest of a bundle whose members (other than the manifest) hash to ``files``."""
    return {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "program": "wiresleuth",
        "program_version": wiresleuth.__version__,
        "created": created or now_utc(),
        "os": os_info(),
        "capture_included": capture_included,
        "files": dict(sorted(files.items())),
    }
