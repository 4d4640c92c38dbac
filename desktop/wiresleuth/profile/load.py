"""Read a profile TOML file, with errors that name the file and line.

tomllib reports syntax errors with a line; for values of the wrong kind we find the key's line
in the text ourselves, since tomllib keeps no positions.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Mapping
from dataclasses import fields
from pathlib import Path
from typing import Any

from wiresleuth.errors import BadInput, ProfileError
from wiresleuth.model.target import Target
from wiresleuth.profile.model import Budgets, Helpdesk, Profile

DEFAULT_TARGETS = ("https://www.microsoft.com/", "https://www.google.com/")
"""Sites tested when neither the profile nor the command line names any."""

_TOP_KEYS = {
    "version",
    "targets",
    "pac_url",
    "proxy",
    "must_refuse",
    "path_proof",
    "helpdesk",
    "budgets",
    "upload_url",
}
_BUDGET_KEYS = {f.name for f in fields(Budgets)}
_HELPDESK_KEYS = {f.name for f in fields(Helpdesk)}


def default_profile() -> Profile:
    """The profile used when the helpdesk sent none."""
    return Profile(targets=tuple(Target.parse(t) for t in DEFAULT_TARGETS))


def load_profile(path: Path) -> Profile:
    """Load and validate a profile file."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError as exc:
        raise ProfileError(f"{path}: no such profile file") from exc
    except (OSError, UnicodeDecodeError) as exc:
        raise ProfileError(f"{path}: cannot read profile: {exc}") from exc
    return parse_profile(text, source=str(path))


def parse_profile(text: str, *, source: str = "<profile>") -> Profile:
    """Validate profile text; every error names ``source:line``."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ProfileError(f"{source}: {exc}") from exc
    return _Parser(text, source).profile(data)


class _Parser:
    """Turns the TOML dict into a Profile, locating keys in the text for error messages."""

    def __init__(self, text: str, source: str) -> None:
        self._lines = text.splitlines()
        self._source = source

    def _where(self, key: str, table: str | None = None) -> str:
        start = 0
        if table is not None:
            header = re.compile(rf"^\s*\[\s*{re.escape(table)}\s*\]")
            start = next((i for i, line in enumerate(self._lines) if header.match(line)), 0)
        pattern = re.compile(rf"^\s*(\"{re.escape(key)}\"|{re.escape(key)})\s*=")
        for number in range(start, len(self._lines)):
            if pattern.match(self._lines[number]):
                return f"{self._source}, line {number + 1}"
        if table is not None:
            dotted = re.compile(rf"^\s*{re.escape(table)}\.{re.escape(key)}\s*=")
            for number, line in enumerate(self._lines):
                if dotted.match(line):
                    return f"{self._source}, line {number + 1}"
        return self._source

    def _fail(self, key: str, message: str, table: str | None = None) -> ProfileError:
        name = f"{table}.{key}" if table else key
        return ProfileError(f"{self._where(key, table)}: {name}: {message}")

    def profile(self, data: Mapping[str, Any]) -> Profile:
        for key in data:
            if key not in _TOP_KEYS:
                known = ", ".join(sorted(_TOP_KEYS))
                raise self._fail(key, f"unknown setting (known: {known})")
        version = data.get("version", 1)
        if version != 1:
            raise self._fail("version", f"this program reads profile version 1, not {version!r}")
        return Profile(
            targets=self._targets(data, "targets"),
            must_refuse=self._targets(data, "must_refuse"),
            path_proof=self._targets(data, "path_proof"),
            pac_url=self._url(data, "pac_url", ("http", "https", "file")),
            proxy=self._proxy(data),
            upload_url=self._url(data, "upload_url", ("https",)),
            helpdesk=self._helpdesk(data.get("helpdesk", {})),
            budgets=self._budgets(data.get("budgets", {})),
            source=self._source,
        )

    def _targets(self, data: Mapping[str, Any], key: str) -> tuple[Target, ...]:
        value = data.get(key, [])
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise self._fail(
                key, 'expected a list of strings, e.g. ["https://intranet.example.com/"]'
            )
        try:
            return tuple(Target.parse(v) for v in value)
        except BadInput as exc:
            raise self._fail(key, str(exc)) from exc

    def _url(self, data: Mapping[str, Any], key: str, schemes: tuple[str, ...]) -> str | None:
        value = data.get(key)
        if value is None:
            return None
        if not isinstance(value, str) or "://" not in value:
            raise self._fail(
                key, f"expected a URL starting with {' or '.join(s + '://' for s in schemes)}"
            )
        scheme = value.split("://", 1)[0].lower()
        if scheme not in schemes:
            raise self._fail(key, f"scheme {scheme!r} not allowed here (use {', '.join(schemes)})")
        if "@" in value.split("://", 1)[1].split("/", 1)[0]:
            raise self._fail(key, "credentials must not be written in a profile")
        return value

    def _proxy(self, data: Mapping[str, Any]) -> str | None:
        value = data.get("proxy")
        if value is None:
            return None
        if not isinstance(value, str) or "@" in value:
            raise self._fail("proxy", 'expected "host:port" without credentials')
        host, sep, port = value.rpartition(":")
        if not sep or not host or not port.isdigit() or not 0 < int(port) < 65536:
            raise self._fail("proxy", f'expected "host:port", got {value!r}')
        return value

    def _helpdesk(self, value: Any) -> Helpdesk:
        if not isinstance(value, dict):
            raise self._fail("helpdesk", "expected a table [helpdesk] with name and contact")
        for key, item in value.items():
            if key not in _HELPDESK_KEYS:
                raise self._fail(key, "unknown setting (known: name, contact)", "helpdesk")
            if not isinstance(item, str):
                raise self._fail(key, "expected text in quotes", "helpdesk")
        return Helpdesk(**value)

    def _budgets(self, value: Any) -> Budgets:
        if not isinstance(value, dict):
            raise self._fail("budgets", "expected a table [budgets] of seconds")
        result: dict[str, float] = {}
        for key, item in value.items():
            if key not in _BUDGET_KEYS:
                known = ", ".join(sorted(_BUDGET_KEYS))
                raise self._fail(key, f"unknown budget (known: {known})", "budgets")
            if isinstance(item, bool) or not isinstance(item, int | float) or not 0 < item <= 3600:
                raise self._fail(key, "expected a number of seconds between 0 and 3600", "budgets")
            result[key] = float(item)
        return Budgets(**result)
