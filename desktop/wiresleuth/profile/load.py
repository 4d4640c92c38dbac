"""Read a profile TOML file, with errors that name the file and line.

tomllib reports syntax errors with a line; for values of the wrong kind we find the key's line
in the text ourselves, since tomllib keeps no positions. A profile may come from anyone (a
mail attachment, a folder beside the program), so every way it can be wrong ends in a
ProfileError, never another exception: a byte-order mark is accepted (Windows editors write
one), a file that is no regular file or too large is refused before it is read, nesting too
deep for the parser and numbers too long to convert are "not valid", types are strict (``true``
is not a number) and budgets too short to test anything are refused.
"""

from __future__ import annotations

import os
import re
import stat
import tomllib
from collections.abc import Mapping
from dataclasses import fields
from pathlib import Path
from typing import Any

from wiresleuth.errors import BadInput, ProfileError
from wiresleuth.model.target import Target
from wiresleuth.model.upload_token import BEARER_TOKEN
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
    "upload_token",
}
_BUDGET_KEYS = {f.name for f in fields(Budgets)}
MAX_PROFILE_BYTES = 1024 * 1024
"""Largest profile file read (a real one is a few hundred bytes)."""
MAX_BUDGET = 3600.0
"""Longest budget, in seconds."""
MIN_BUDGETS = {"run": 5.0}
"""Shortest budget per key, in seconds: a run needs some seconds to look names up and start
capture before any check can begin; below that it would end having tested nothing."""
MIN_PROBE_BUDGET = 0.1
"""Shortest budget of one probe (connect, handshake, echo, tunnel hold), in seconds."""
_HELPDESK_KEYS = {f.name for f in fields(Helpdesk)}


def default_profile() -> Profile:
    """The profile used when the helpdesk sent none."""
    return Profile(targets=tuple(Target.parse(t) for t in DEFAULT_TARGETS))


def _read_regular(path: Path) -> bytes:
    """The file's bytes; ProfileError for a folder, pipe, device, or a file too large.

    Opened without blocking and checked on the open descriptor: a FIFO named as a profile
    must not hang the program, and a file swapped after a check cannot slip through.
    """
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0)
    try:
        fd = os.open(path, flags)
    except FileNotFoundError as exc:
        raise ProfileError(f"{path}: no such profile file") from exc
    except IsADirectoryError as exc:
        raise ProfileError(f"{path} is a folder, not a profile file") from exc
    except OSError as exc:
        raise ProfileError(f"{path}: cannot read profile: {exc.strerror or exc}") from exc
    try:
        info = os.fstat(fd)
    except OSError as exc:
        os.close(fd)
        raise ProfileError(f"{path}: cannot read profile: {exc.strerror or exc}") from exc
    if not stat.S_ISREG(info.st_mode):
        os.close(fd)
        if stat.S_ISDIR(info.st_mode):
            raise ProfileError(f"{path} is a folder, not a profile file")
        raise ProfileError(
            f"{path} is not a regular file (a pipe or a device?); give the profile file itself"
        )
    with os.fdopen(fd, "rb") as stream:
        if info.st_size > MAX_PROFILE_BYTES:
            raise ProfileError(
                f"{path} is too large for a profile ({info.st_size} bytes; at most "
                f"{MAX_PROFILE_BYTES // 1024} KiB)"
            )
        try:
            data = stream.read(MAX_PROFILE_BYTES + 1)
        except OSError as exc:
            raise ProfileError(f"{path}: cannot read profile: {exc.strerror or exc}") from exc
    if len(data) > MAX_PROFILE_BYTES:
        raise ProfileError(
            f"{path} is too large for a profile (more than {MAX_PROFILE_BYTES // 1024} KiB)"
        )
    return data


def load_profile(path: Path) -> Profile:
    """Load and validate a profile file."""
    data = _read_regular(Path(path))
    try:
        text = data.decode("utf-8-sig")  # a byte-order mark is not part of the profile
    except UnicodeDecodeError as exc:
        raise ProfileError(
            f"{path}: profile is not valid: not UTF-8 text (byte {exc.start}); "
            "save it as UTF-8 from a text editor"
        ) from exc
    return parse_profile(text, source=str(path))


def parse_profile(text: str, *, source: str = "<profile>") -> Profile:
    """Validate profile text; every error names ``source:line``."""
    text = text.removeprefix("\ufeff")
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ProfileError(f"{source}: profile is not valid TOML: {exc}") from exc
    except RecursionError as exc:
        raise ProfileError(f"{source}: profile is not valid: values are nested too deeply") from exc
    except ValueError as exc:  # Python refuses to convert an integer of thousands of digits
        raise ProfileError(f"{source}: profile is not valid: a number in it is too long") from exc
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
        if type(version) is not int or version != 1:  # bool is an int to Python, not to us
            raise self._fail("version", f"this program reads profile version 1, not {version!r}")
        return Profile(
            targets=self._targets(data, "targets"),
            must_refuse=self._targets(data, "must_refuse"),
            path_proof=self._targets(data, "path_proof"),
            pac_url=self._url(data, "pac_url", ("http", "https", "file")),
            proxy=self._proxy(data),
            upload_url=self._url(data, "upload_url", ("https",)),
            upload_token=self._upload_token(data),
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

    def _upload_token(self, data: Mapping[str, Any]) -> str | None:
        """The token, checked without ever quoting it (an error message is shown and logged)."""
        value = data.get("upload_token")
        if value is None:
            return None
        if not isinstance(value, str) or not BEARER_TOKEN.fullmatch(value):
            raise self._fail(
                "upload_token",
                "expected the token in quotes as `wiresleuth inbox token create` printed it "
                "(letters, digits and - . _ ~ + /, at most 512)",
            )
        if data.get("upload_url") is None:
            raise self._fail("upload_token", "needs upload_url: the address the token is sent to")
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
            if (
                isinstance(item, bool)
                or not isinstance(item, int | float)
                or not 0 < item <= MAX_BUDGET
            ):
                raise self._fail(
                    key, f"expected a number of seconds between 0 and {MAX_BUDGET:g}", "budgets"
                )
            least = MIN_BUDGETS.get(key, MIN_PROBE_BUDGET)
            if item < least:
                raise self._fail(
                    key,
                    f"{item:g} s is too short to test anything; give at least {least:g} seconds",
                    "budgets",
                )
            result[key] = float(item)
        return Budgets(**result)
