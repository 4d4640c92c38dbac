"""Read the findings out of a bundle the program wrote (a zip holding report.json)."""

from __future__ import annotations

import json
import zipfile
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from wiresleuth.errors import LabError

REPORT = "report.json"


def read_findings(bundle: Path) -> list[Mapping[str, Any]]:
    """The report's findings, most severe first as the program wrote them."""
    try:
        with zipfile.ZipFile(bundle) as archive:
            report = json.loads(archive.read(REPORT).decode("utf-8"))
    except FileNotFoundError as exc:
        raise LabError(f"{bundle}: the program wrote no bundle") from exc
    except KeyError as exc:
        raise LabError(f"{bundle}: no {REPORT} inside") from exc
    except (OSError, zipfile.BadZipFile, ValueError) as exc:
        raise LabError(f"{bundle}: unreadable bundle: {exc}") from exc
    findings = report.get("findings") if isinstance(report, dict) else None
    if not isinstance(findings, list) or not all(isinstance(f, dict) for f in findings):
        raise LabError(f"{bundle}: {REPORT} has no list of findings")
    return findings
