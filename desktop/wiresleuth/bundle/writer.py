"""Write a RunResult as a ``.wsbundle`` zip, atomically, with every secret removed.

Atomic because a half-written bundle looks like a damaged one to the helpdesk: the zip is
written to a temporary file in the destination folder and moved into place with
``os.replace``; on any failure the temporary file is removed and a BundleError says what
failed. An existing bundle at the destination stays untouched until the new one is complete.

The capture (up to hundreds of MB) streams from its file through redaction into the zip,
hashed on the way, in chunks: it is never held whole (five copies of a 256 MiB capture once
made a 1.3 GB peak). So the members are written in the order their hashes are known:
report, system, log, capture, report page (which shows the manifest), manifest last.
"""

from __future__ import annotations

import contextlib
import errno
import hashlib
import json
import os
import tempfile
import zipfile
from collections.abc import Callable, Iterable, Iterator, Mapping
from pathlib import Path
from typing import Any

from wiresleuth.bundle.manifest import (
    CAPTURE_MEMBER,
    HTML_MEMBER,
    LOG_MEMBER,
    MANIFEST_MEMBER,
    REPORT_MEMBER,
    SYSTEM_MEMBER,
    build_manifest,
    now_utc,
    sha256_hex,
)
from wiresleuth.bundle.redact import redact, redact_text
from wiresleuth.bundle.redact_capture import redact_capture_chunks
from wiresleuth.bundle.serialize import jsonable, report_dict
from wiresleuth.errors import BundleError
from wiresleuth.model.packet import first_frame_time
from wiresleuth.model.run import RunResult
from wiresleuth.report.html import render_html

BUNDLE_SUFFIX = ".wsbundle"
"""The file name suffix bundles are saved with."""

_FILE_MODE = 0o644


def json_bytes(data: Mapping[str, Any]) -> bytes:
    """Strict JSON (no NaN), indented for people who open the member in an editor."""
    return (json.dumps(data, indent=2, ensure_ascii=False, allow_nan=False) + "\n").encode()


def _redacted_capture(capture_file: Path) -> Iterator[bytes]:
    """The capture file, redacted, in pieces (BundleError when it cannot be read)."""
    try:
        with capture_file.open("rb") as source:
            yield from redact_capture_chunks(source, os.fstat(source.fileno()).st_size)
    except OSError as exc:
        raise BundleError(
            f"cannot read capture file {capture_file}: {exc.strerror or exc}"
        ) from exc


Put = Callable[[str, Iterable[bytes]], str]
"""Stores one member from its pieces; returns its SHA-256 (hex)."""


def _write_members(
    result: RunResult, created: str, put: Put, extra_report: Mapping[str, Any] | None
) -> None:
    """Every member of the bundle of ``result``, redacted, handed to ``put`` in the order
    their hashes are known (manifest last); ``extra_report`` adds top-level keys to
    report.json (a watch's ``watch``)."""
    report = redact({**report_dict(result), **jsonable(dict(extra_report or {}))})
    system = redact(jsonable(result.system))
    log_text = redact_text("\n".join(result.log) + ("\n" if result.log else ""))
    hashes = {
        REPORT_MEMBER: put(REPORT_MEMBER, [json_bytes(report)]),
        SYSTEM_MEMBER: put(SYSTEM_MEMBER, [json_bytes(system)]),
        LOG_MEMBER: put(LOG_MEMBER, [log_text.encode("utf-8")]),
    }
    if result.capture_file is not None:
        hashes[CAPTURE_MEMBER] = put(CAPTURE_MEMBER, _redacted_capture(result.capture_file))
    capture_included = CAPTURE_MEMBER in hashes

    def manifest() -> dict[str, Any]:
        return build_manifest(dict(hashes), capture_included=capture_included, created=created)

    html = render_html(report, manifest(), system, time_zero=first_frame_time(result.packets))
    hashes[HTML_MEMBER] = put(HTML_MEMBER, [html.encode("utf-8")])
    put(MANIFEST_MEMBER, [json_bytes(manifest())])


def bundle_members(
    result: RunResult,
    *,
    created: str | None = None,
    extra_report: Mapping[str, Any] | None = None,
) -> dict[str, bytes]:
    """Every member of the bundle of ``result``, redacted, manifest included, in memory (for
    tests and small runs; ``write_bundle`` streams the capture instead); ``extra_report``
    adds top-level keys to report.json (a watch's ``watch``)."""
    members: dict[str, bytes] = {}

    def keep(name: str, pieces: Iterable[bytes]) -> str:
        members[name] = b"".join(pieces)
        return sha256_hex(members[name])

    _write_members(result, created or now_utc(), keep, extra_report)
    return {MANIFEST_MEMBER: members.pop(MANIFEST_MEMBER), **members}


def _describe(exc: OSError, path: Path) -> str:
    folder = path.parent
    code = exc.errno
    if code in (errno.ENOSPC, getattr(errno, "EDQUOT", errno.ENOSPC)):
        return f"disk full while writing bundle {path}"
    if code == errno.EROFS:
        return f"cannot write bundle {path}: folder {folder} is on a read-only file system"
    if code in (errno.EACCES, errno.EPERM):
        return f"cannot write bundle {path}: folder {folder} is not writable"
    if code == errno.ENOENT:
        return f"cannot write bundle {path}: folder {folder} does not exist"
    if code == errno.EISDIR:
        return f"cannot write bundle {path}: a folder of that name is in the way"
    return f"cannot write bundle {path}: {exc.strerror or exc}"


def _zip_into(
    fd: int, result: RunResult, created: str, extra_report: Mapping[str, Any] | None
) -> None:
    stamp = (
        int(created[0:4]),
        int(created[5:7]),
        int(created[8:10]),
        int(created[11:13]),
        int(created[14:16]),
        int(created[17:19]),
    )
    with os.fdopen(fd, "wb") as raw:
        with zipfile.ZipFile(raw, "w") as archive:

            def put(name: str, pieces: Iterable[bytes]) -> str:
                info = zipfile.ZipInfo(name, date_time=stamp)
                info.compress_type = zipfile.ZIP_DEFLATED
                info.external_attr = _FILE_MODE << 16
                digest = hashlib.sha256()
                with archive.open(info, "w") as member:
                    for piece in pieces:
                        digest.update(piece)
                        member.write(piece)
                return digest.hexdigest()

            _write_members(result, created, put, extra_report)
        raw.flush()
        os.fsync(raw.fileno())


def _sync_folder(folder: Path) -> None:
    # Makes the rename durable; not every file system lets a folder be opened or synced.
    with contextlib.suppress(OSError):
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def write_bundle(
    result: RunResult, path: Path, *, extra_report: Mapping[str, Any] | None = None
) -> Path:
    """Write ``result`` as a bundle at ``path``; return the path. BundleError on failure.
    ``extra_report``: top-level keys added to report.json (a watch's summary)."""
    path = Path(path).absolute()
    folder = path.parent
    if not folder.is_dir():
        raise BundleError(f"cannot write bundle {path}: folder {folder} does not exist")
    created = now_utc()
    try:
        fd, temp_name = tempfile.mkstemp(dir=folder, prefix=f".{path.name}.", suffix=".part")
    except OSError as exc:
        raise BundleError(_describe(exc, path)) from exc
    temp = Path(temp_name)
    try:
        _zip_into(fd, result, created, extra_report)
        os.chmod(temp, _FILE_MODE)
        os.replace(temp, path)
    except BaseException as exc:
        with contextlib.suppress(FileNotFoundError):
            temp.unlink()
        if isinstance(exc, OSError):
            raise BundleError(_describe(exc, path)) from exc
        raise
    _sync_folder(folder)
    return path
