"""Open a ``.wsbundle``: check it, upgrade an older format, and give back model objects.

A bundle arrives from someone else's computer, so it is untrusted input: every member is
checked against the manifest's SHA-256, sizes are bounded, and each way it can be wrong
gets a BundleError that says what is wrong in words a helpdesk can pass on: a file cut short
says how much of it arrived (``truncated``). With ``lenient`` a member whose checksum does
not match is still read, and ``Bundle.damage`` says which: the window opens what is readable
with a warning, rather than nothing.
"""

from __future__ import annotations

import hashlib
import json
import zipfile
import zlib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from wiresleuth.bundle.compat import check_version, upgrade
from wiresleuth.bundle.manifest import (
    CAPTURE_MEMBER,
    FORMAT,
    LOG_MEMBER,
    MANIFEST_MEMBER,
    REPORT_MEMBER,
    SYSTEM_MEMBER,
    sha256_hex,
)
from wiresleuth.bundle.serialize import (
    capture_from_report,
    connections_from_report,
    findings_from_report,
)
from wiresleuth.bundle.truncated import incomplete_message
from wiresleuth.errors import BundleError
from wiresleuth.model.finding import Finding
from wiresleuth.model.run import CaptureInfo
from wiresleuth.model.timeline import Connection

MAX_TEXT_MEMBER = 256 * 1024 * 1024
"""Largest JSON or log member read into memory (a zip bomb stops here)."""

_CHUNK = 1024 * 1024
_REQUIRED = (REPORT_MEMBER, SYSTEM_MEMBER, LOG_MEMBER)
_READ_ERRORS = (
    zipfile.BadZipFile,
    zlib.error,
    EOFError,
    OSError,
    RuntimeError,
    ValueError,
    KeyError,
)


@dataclass(frozen=True, kw_only=True)
class Bundle:
    """A bundle read from disk, upgraded to the current format."""

    path: Path
    """Where it was read from (the capture is read from there on demand)."""
    manifest: Mapping[str, Any]
    """manifest.json."""
    report: Mapping[str, Any]
    """report.json as a dict (the public JSON form)."""
    findings: tuple[Finding, ...]
    """The report's findings as model objects."""
    connections: tuple[Connection, ...]
    """The report's connections as model objects."""
    capture: CaptureInfo
    """Capture status as recorded by the run."""
    system: Mapping[str, Any]
    """system.json."""
    log: str
    """log.txt."""
    has_capture: bool
    """True when the bundle holds capture.pcapng."""
    damage: tuple[str, ...] = ()
    """Read leniently: one sentence per member that does not match its checksum."""

    def capture_bytes(self) -> bytes:
        """The capture file's bytes, checked against the manifest; BundleError without one."""
        self._require_capture()
        with _open_zip(self.path) as archive:
            return _read_member(self.path, archive, CAPTURE_MEMBER, self._capture_hash, None)

    def extract_capture(self, dest: Path) -> Path:
        """Write the capture to ``dest`` (a file, or a folder to put capture.pcapng in)."""
        self._require_capture()
        dest = Path(dest)
        if dest.is_dir():
            dest = dest / CAPTURE_MEMBER
        digest = hashlib.sha256()
        try:
            with (
                _open_zip(self.path) as archive,
                archive.open(CAPTURE_MEMBER) as source,
                dest.open("wb") as target,
            ):
                while chunk := source.read(_CHUNK):
                    digest.update(chunk)
                    target.write(chunk)
        except BundleError:
            raise
        except _READ_ERRORS as exc:
            dest.unlink(missing_ok=True)
            raise BundleError(f"cannot extract the capture to {dest}: {exc}") from exc
        if digest.hexdigest() != self._capture_hash and not self._capture_damage_known:
            dest.unlink(missing_ok=True)
            raise BundleError(_damaged(self.path, CAPTURE_MEMBER, "checksum mismatch"))
        return dest

    @property
    def _capture_damage_known(self) -> bool:
        """Read leniently and already reported: the capture is given as it is."""
        return any(item.startswith(f"{CAPTURE_MEMBER}:") for item in self.damage)

    @property
    def _capture_hash(self) -> str:
        return str(self.manifest["files"][CAPTURE_MEMBER])

    def _require_capture(self) -> None:
        if not self.has_capture:
            reason = self.capture.reason or "it was not included"
            raise BundleError(f"bundle {self.path} holds no capture ({reason})")


def _damaged(path: Path, member: str, what: str) -> str:
    return f"bundle {path} is damaged: {member}: {what}"


def _open_zip(path: Path) -> zipfile.ZipFile:
    if not path.exists():
        raise BundleError(f"no such bundle: {path}")
    if path.is_dir():
        raise BundleError(f"{path} is a folder, not a WireSleuth bundle")
    try:
        return zipfile.ZipFile(path)
    except zipfile.BadZipFile as exc:
        cut = incomplete_message(path)
        raise BundleError(cut or f"{path} is not a WireSleuth bundle (not a zip file)") from exc
    except OSError as exc:
        raise BundleError(f"cannot open bundle {path}: {exc.strerror or exc}") from exc


def _read_member(
    path: Path,
    archive: zipfile.ZipFile,
    name: str,
    expected: str | None,
    limit: int | None,
    damage: list[str] | None = None,
) -> bytes:
    try:
        info = archive.getinfo(name)
    except KeyError as exc:
        raise BundleError(_damaged(path, name, "member is missing")) from exc
    if limit is not None and info.file_size > limit:
        raise BundleError(_damaged(path, name, f"member is too large ({info.file_size} bytes)"))
    try:
        data = archive.read(info)
    except _READ_ERRORS as exc:
        raise BundleError(_damaged(path, name, f"cannot be read ({exc})")) from exc
    if expected is not None and sha256_hex(data) != expected:
        if damage is None:
            raise BundleError(_damaged(path, name, "checksum mismatch"))
        damage.append(f"{name}: {MISMATCH}")
    return data


def _json_member(path: Path, name: str, data: bytes) -> dict[str, Any]:
    try:
        value = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise BundleError(_damaged(path, name, f"not valid JSON ({exc})")) from exc
    if not isinstance(value, dict):
        raise BundleError(_damaged(path, name, "not a JSON object"))
    return value


def _manifest(path: Path, archive: zipfile.ZipFile) -> dict[str, Any]:
    if MANIFEST_MEMBER not in archive.namelist():
        raise BundleError(f"{path} is not a WireSleuth bundle: it has no {MANIFEST_MEMBER}")
    raw = _read_member(path, archive, MANIFEST_MEMBER, None, MAX_TEXT_MEMBER)
    manifest = _json_member(path, MANIFEST_MEMBER, raw)
    if manifest.get("format") != FORMAT:
        raise BundleError(
            f"{path} is not a WireSleuth bundle (manifest format {manifest.get('format')!r})"
        )
    check_version(manifest)
    files = manifest.get("files")
    if not isinstance(files, dict) or not all(isinstance(v, str) for v in files.values()):
        raise BundleError(_damaged(path, MANIFEST_MEMBER, "'files' is not a name -> sha256 map"))
    for name in _REQUIRED:
        if name not in files:
            raise BundleError(_damaged(path, MANIFEST_MEMBER, f"{name} is not listed"))
    return manifest


MISMATCH = "its contents do not match the checksum the program wrote (changed or damaged since)"
"""How a member read leniently despite its checksum is described in ``Bundle.damage``."""


def read_bundle(path: Path, *, lenient: bool = False) -> Bundle:
    """Read and check the bundle at ``path``; BundleError says what is wrong with it.

    ``lenient``: a member that does not match its checksum is read anyway and named in
    ``Bundle.damage`` (the capture's checksum is then checked here too); anything else
    wrong is still an error.
    """
    path = Path(path)
    damage: list[str] | None = [] if lenient else None
    with _open_zip(path) as archive:
        manifest = _manifest(path, archive)
        files: dict[str, str] = manifest["files"]

        def member(name: str) -> bytes:
            return _read_member(path, archive, name, files[name], MAX_TEXT_MEMBER, damage)

        report = _json_member(path, REPORT_MEMBER, member(REPORT_MEMBER))
        system = _json_member(path, SYSTEM_MEMBER, member(SYSTEM_MEMBER))
        try:
            log = member(LOG_MEMBER).decode("utf-8")
        except UnicodeDecodeError as exc:
            raise BundleError(_damaged(path, LOG_MEMBER, f"not UTF-8 text ({exc})")) from exc
        has_capture = CAPTURE_MEMBER in files and CAPTURE_MEMBER in archive.namelist()
        if damage is not None and has_capture and not _capture_matches(archive, files):
            damage.append(f"{CAPTURE_MEMBER}: {MISMATCH}")
    contents = upgrade({"manifest": manifest, "report": report, "system": system, "log": log})
    report = contents["report"]
    return Bundle(
        path=path,
        manifest=contents["manifest"],
        report=report,
        findings=findings_from_report(report),
        connections=connections_from_report(report),
        capture=capture_from_report(report),
        system=contents["system"],
        log=contents["log"],
        has_capture=has_capture,
        damage=tuple(damage or ()),
    )


def _capture_matches(archive: zipfile.ZipFile, files: dict[str, str]) -> bool:
    """Whether the capture hashes to the manifest's checksum (streamed; a read error is
    left to the reading of the capture, which names it)."""
    digest = hashlib.sha256()
    try:
        with archive.open(CAPTURE_MEMBER) as source:
            while chunk := source.read(_CHUNK):
                digest.update(chunk)
    except _READ_ERRORS:
        return True
    return digest.hexdigest() == files[CAPTURE_MEMBER]
