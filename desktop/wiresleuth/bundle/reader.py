"""Open a ``.wsbundle``: check it, upgrade an older format, and give back model objects.

A bundle arrives from someone else's computer, so it is untrusted input, read in this order:
the file must be a regular file (a FIFO or a device is refused, never waited on); the zip's
directory must list only members the manifest lists, each once, and each member's size as
the zip states it (uncompressed) must be within its limit, before a byte of any member is
decompressed; then each member is decompressed in chunks, counted (the zip's sizes are only
claims) and hashed as it streams, and compared with the manifest's SHA-256. JSON members are
measured before they are decoded (``input_files.json_limits``). The capture, the one large
member, is checked the same way when it is read or extracted, into a per-process folder
that is removed even when the process is killed (``input_files.extract_folders``).

Every way a bundle can be wrong gets a BadBundle (a BundleError and a BadInput) that says
what is wrong in words a helpdesk can pass on (a file cut short says how much of it arrived:
``truncated``); no other exception leaves this module for a bad file. (Failing to write an
extracted capture is a plain BundleError: not the file's fault.) With ``lenient`` a member
whose checksum does not match is still read, and ``Bundle.damage`` says which: the window
opens what is readable with a warning, rather than nothing; every other check still holds.
"""

from __future__ import annotations

import contextlib
import hashlib
import re
import struct
import zipfile
import zlib
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from wiresleuth.bundle.compat import check_version, upgrade
from wiresleuth.bundle.manifest import (
    CAPTURE_MEMBER,
    FORMAT,
    HTML_MEMBER,
    LOG_MEMBER,
    MANIFEST_MEMBER,
    REPORT_MEMBER,
    SYSTEM_MEMBER,
)
from wiresleuth.bundle.serialize import (
    capture_from_report,
    connections_from_report,
    findings_from_report,
)
from wiresleuth.bundle.truncated import incomplete_message
from wiresleuth.capture.first_damage import Damage, DamageFinder
from wiresleuth.errors import BadBundle, BadInput, BundleError
from wiresleuth.input_files.extract_folders import extraction_folder
from wiresleuth.input_files.json_limits import loads_bounded
from wiresleuth.input_files.regular import open_regular
from wiresleuth.model.finding import Finding
from wiresleuth.model.run import CaptureInfo
from wiresleuth.model.timeline import Connection

MiB = 1024 * 1024

MEMBER_LIMITS: Mapping[str, int] = {
    MANIFEST_MEMBER: 1 * MiB,
    REPORT_MEMBER: 32 * MiB,
    SYSTEM_MEMBER: 16 * MiB,
    LOG_MEMBER: 16 * MiB,
    HTML_MEMBER: 256 * MiB,
    CAPTURE_MEMBER: 1024 * MiB,
}
"""Largest uncompressed size accepted per member. The writer's largest outputs are far below
(report.json of a million-packet analysis: 2.4 MB; a capture copied from an input of at most
256 MiB: under 600 MiB); only the JSON and log members are held in memory."""
OTHER_MEMBER_LIMIT = 256 * MiB
"""Limit for members a newer writer may add (listed in the manifest, checked, not read)."""
MAX_MEMBERS = 64
"""Members a zip may hold to be a bundle (ours hold six)."""

_CHUNK = 1024 * 1024
_REQUIRED = (REPORT_MEMBER, SYSTEM_MEMBER, LOG_MEMBER, HTML_MEMBER)
_SHA256 = re.compile(r"[0-9a-f]{64}")
_READ_ERRORS = (
    zipfile.BadZipFile,
    zipfile.LargeZipFile,
    zlib.error,
    struct.error,
    EOFError,
    OSError,
    RuntimeError,  # an encrypted member
    NotImplementedError,  # a compression method zipfile does not know
    ValueError,
    KeyError,
    OverflowError,
)
"""What ``zipfile`` raises on a damaged or hostile archive (converted to BadBundle)."""


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
    """The report's findings as model objects (evidence capped per finding, see serialize)."""
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
        data = bytearray()
        with _open_zip(self.path) as archive:
            _stream(self.path, archive, CAPTURE_MEMBER, self._capture_hash, data.extend,
                    self._known_damage)  # fmt: skip
        return bytes(data)

    def extract_capture(self, dest: Path) -> Path:
        """Write the capture to ``dest`` (a file, or a folder to put capture.pcapng in).

        The size is checked before, the checksum while it streams; on any failure (an
        interrupt included) the partial file is removed. Prefer ``extracted_capture``,
        whose folder is also removed after a crash.
        """
        self._require_capture()
        dest = Path(dest)
        if dest.is_dir():
            dest = dest / CAPTURE_MEMBER
        with _open_zip(self.path) as archive:
            _claimed_size(self.path, archive.getinfo(CAPTURE_MEMBER))
            try:
                target = dest.open("wb")
            except OSError as exc:
                raise BundleError(
                    f"cannot extract the capture to {dest}: {exc.strerror or exc}"
                ) from exc
            try:
                with target:
                    _stream(self.path, archive, CAPTURE_MEMBER, self._capture_hash,
                            target.write, self._known_damage)  # fmt: skip
            except OSError as exc:  # writing: the disk is full, the folder went away
                dest.unlink(missing_ok=True)
                raise BundleError(
                    f"cannot extract the capture to {dest}: {exc.strerror or exc}"
                ) from exc
            except BaseException:
                dest.unlink(missing_ok=True)
                raise
        return dest

    @contextlib.contextmanager
    def extracted_capture(self) -> Iterator[Path]:
        """The capture extracted (and checked) into a private folder removed afterwards,
        or at the next start of the program if this process is killed meanwhile."""
        with extraction_folder() as folder:
            yield self.extract_capture(folder)

    def capture_damage(self) -> Damage | None:
        """The first damaged record of the capture (None: intact, or no capture), found as
        the member decompresses: never extracted, never held whole."""
        if not self.has_capture:
            return None
        finder = DamageFinder()
        with _open_zip(self.path) as archive:
            _stream(self.path, archive, CAPTURE_MEMBER, self._capture_hash, finder.feed,
                    self._known_damage)  # fmt: skip
        return finder.damage

    @property
    def _known_damage(self) -> list[str] | None:
        """Read leniently with the capture's mismatch already reported: it is given as it
        is (a list that takes the repeated note); otherwise None (a mismatch is an error)."""
        known = any(item.startswith(f"{CAPTURE_MEMBER}:") for item in self.damage)
        return [] if known else None

    @property
    def _capture_hash(self) -> str:
        return str(self.manifest["files"][CAPTURE_MEMBER])

    def _require_capture(self) -> None:
        if not self.has_capture:
            reason = self.capture.reason or "it was not included"
            raise BadBundle(f"bundle {self.path} holds no capture ({reason})")


def _damaged(path: Path, member: str, what: str) -> str:
    return f"bundle {path} is damaged: {member}: {what}"


@contextlib.contextmanager
def _open_zip(path: Path) -> Iterator[zipfile.ZipFile]:
    """The bundle's zip, opened from a regular file only (a FIFO is refused, not waited on)."""
    try:
        path.stat()
    except FileNotFoundError as exc:
        raise BadBundle(f"no such bundle: {path}") from exc
    except OSError:
        pass  # open_regular names the problem
    handle = open_regular(path, what="a WireSleuth bundle", error=BadBundle)
    with handle:
        try:
            archive = zipfile.ZipFile(handle)
        except zipfile.BadZipFile as exc:
            cut = incomplete_message(path)  # a download cut short, rather than no zip at all
            raise BadBundle(cut or f"{path} is not a WireSleuth bundle (not a zip file)") from exc
        except _READ_ERRORS as exc:
            raise BadBundle(f"cannot open bundle {path}: {exc}") from exc
        with archive:
            yield archive


def _limit(name: str) -> int:
    return MEMBER_LIMITS.get(name, OTHER_MEMBER_LIMIT)


def _claimed_size(path: Path, info: zipfile.ZipInfo) -> None:
    """BadBundle when the zip says the member is larger than its limit (nothing is read)."""
    limit = _limit(info.filename)
    if info.file_size > limit:
        raise BadBundle(
            _damaged(
                path,
                info.filename,
                f"member is too large ({info.file_size} bytes; a bundle's {info.filename} "
                f"holds at most {limit})",
            )
        )


def _stream(
    path: Path,
    archive: zipfile.ZipFile,
    name: str,
    expected: str | None,
    sink: Callable[[bytes], object] | None,
    damage: list[str] | None = None,
) -> int:
    """Decompress member ``name`` in chunks into ``sink``, counting and hashing as it goes;
    BadBundle when it is missing, larger than its limit, unreadable or its SHA-256 is not
    ``expected`` (with a ``damage`` list, a mismatch is noted there instead). The number of
    bytes."""
    try:
        info = archive.getinfo(name)
    except KeyError as exc:
        raise BadBundle(_damaged(path, name, "member is missing")) from exc
    _claimed_size(path, info)
    limit = _limit(name)
    digest = hashlib.sha256()
    total = 0
    with _unreadable(path, name):
        source = archive.open(info)
    try:
        while True:
            with _unreadable(path, name):
                chunk = source.read(_CHUNK)
            if not chunk:
                break
            total += len(chunk)
            if total > limit:  # the zip's size was a lie
                raise BadBundle(
                    _damaged(path, name, f"member is larger than its limit ({limit} bytes)")
                )
            digest.update(chunk)
            if sink is not None:
                sink(chunk)  # its own errors (a full disk) are the caller's to name
    finally:
        with contextlib.suppress(*_READ_ERRORS):
            source.close()
    if expected is not None and digest.hexdigest() != expected:
        if damage is None:
            raise BadBundle(_damaged(path, name, "checksum mismatch"))
        damage.append(f"{name}: {MISMATCH}")
    return total


@contextlib.contextmanager
def _unreadable(path: Path, name: str) -> Iterator[None]:
    """Turn what zipfile raises on a damaged member into a BadBundle naming it."""
    try:
        yield
    except _READ_ERRORS as exc:
        raise BadBundle(_damaged(path, name, f"cannot be read ({exc})")) from exc


def _read_member(
    path: Path,
    archive: zipfile.ZipFile,
    name: str,
    expected: str | None,
    damage: list[str] | None = None,
) -> bytes:
    data = bytearray()
    _stream(path, archive, name, expected, data.extend, damage)
    return bytes(data)


def _json_member(path: Path, name: str, data: bytes) -> dict[str, Any]:
    try:
        value = loads_bounded(data)
    except BadInput as exc:
        raise BadBundle(_damaged(path, name, str(exc))) from exc
    if not isinstance(value, dict):
        raise BadBundle(_damaged(path, name, "not a JSON object"))
    return value


def _check_directory(path: Path, archive: zipfile.ZipFile, files: Mapping[str, str]) -> None:
    """The zip holds exactly the members the manifest lists (once each), none too large."""
    infos = archive.infolist()
    if len(infos) > MAX_MEMBERS:
        raise BadBundle(
            f"{path} is not a WireSleuth bundle: it holds {len(infos)} members "
            f"(a bundle holds a handful)"
        )
    seen: set[str] = set()
    for info in infos:
        name = info.filename
        if name in seen:
            raise BadBundle(_damaged(path, name, "the zip holds this member twice"))
        seen.add(name)
        if name != MANIFEST_MEMBER and name not in files:
            raise BadBundle(_damaged(path, name, "member is not listed in the manifest"))
        _claimed_size(path, info)
    for name in files:
        if name not in seen:
            raise BadBundle(_damaged(path, name, "member is missing"))


def _manifest(path: Path, archive: zipfile.ZipFile) -> dict[str, Any]:
    if MANIFEST_MEMBER not in archive.namelist():
        raise BadBundle(f"{path} is not a WireSleuth bundle: it has no {MANIFEST_MEMBER}")
    raw = _read_member(path, archive, MANIFEST_MEMBER, None)
    manifest = _json_member(path, MANIFEST_MEMBER, raw)
    if manifest.get("format") != FORMAT:
        shown = str(manifest.get("format"))[:60]
        raise BadBundle(f"{path} is not a WireSleuth bundle (manifest format {shown!r})")
    check_version(manifest)
    files = manifest.get("files")
    if not isinstance(files, dict) or not all(
        isinstance(v, str) and _SHA256.fullmatch(v) for v in files.values()
    ):
        raise BadBundle(_damaged(path, MANIFEST_MEMBER, "'files' is not a name -> sha256 map"))
    for name in _REQUIRED:
        if name not in files:
            raise BadBundle(_damaged(path, MANIFEST_MEMBER, f"{name} is not listed"))
    return manifest


MISMATCH = "its contents do not match the checksum the program wrote (changed or damaged since)"
"""How a member read leniently despite its checksum is described in ``Bundle.damage``."""


def read_bundle(path: Path, *, lenient: bool = False) -> Bundle:
    """Read and check the bundle at ``path``; BadBundle says what is wrong with it.

    Every member but the capture is decompressed and checked against the manifest here
    (report.html and any member a newer writer added are hashed, not kept); the capture's
    size is checked here and its checksum whenever it is read. ``lenient``: a member that
    does not match its checksum is read anyway and named in ``Bundle.damage`` (the
    capture's checksum is then checked here too); anything else wrong is still an error.
    """
    path = Path(path)
    damage: list[str] | None = [] if lenient else None
    with _open_zip(path) as archive:
        manifest = _manifest(path, archive)
        files: dict[str, str] = manifest["files"]
        _check_directory(path, archive, files)

        def member(name: str) -> bytes:
            return _read_member(path, archive, name, files[name], damage)

        report = _json_member(path, REPORT_MEMBER, member(REPORT_MEMBER))
        system = _json_member(path, SYSTEM_MEMBER, member(SYSTEM_MEMBER))
        try:
            log = member(LOG_MEMBER).decode("utf-8")
        except UnicodeDecodeError as exc:
            raise BadBundle(_damaged(path, LOG_MEMBER, f"not UTF-8 text ({exc})")) from exc
        for name in files:
            if name not in (REPORT_MEMBER, SYSTEM_MEMBER, LOG_MEMBER, CAPTURE_MEMBER):
                _stream(path, archive, name, files[name], None, damage)  # report.html, newer
        has_capture = CAPTURE_MEMBER in files
        if damage is not None and has_capture:
            with contextlib.suppress(BadBundle):  # unreadable: the reading of it will say so
                _stream(path, archive, CAPTURE_MEMBER, files[CAPTURE_MEMBER], None, damage)
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
