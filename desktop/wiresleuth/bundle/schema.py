"""The JSON Schema of report.json, shipped as package data so integrators get the exact one."""

from __future__ import annotations

import json
from importlib import resources
from typing import Any

SCHEMA_RESOURCE = "report.schema.json"
"""File name of the schema inside the ``wiresleuth.bundle`` package."""


def report_schema() -> dict[str, Any]:
    """The report.json schema (JSON Schema draft 2020-12) as a dict."""
    text = resources.files("wiresleuth.bundle").joinpath(SCHEMA_RESOURCE).read_text("utf-8")
    schema: dict[str, Any] = json.loads(text)
    return schema
