"""Check an upload that has arrived: the hardened bundle reader, then its capture's checksum.

The same reader the viewer uses (``bundle.reader.read_bundle``) decides: an upload it
refuses is refused here with its words (the server's temporary file name replaced by the
sender's), and nothing of it is kept as a bundle. ``read_bundle`` leaves the capture's
checksum to whoever reads the capture (the viewer, later); the inbox reads it once here,
into a scratch file beside the upload, so that a bundle kept is whole.
"""

from __future__ import annotations

import errno
import shutil
from pathlib import Path

from wiresleuth.bundle.reader import Bundle, read_bundle
from wiresleuth.errors import BadBundle, BundleError
from wiresleuth.inbox.errors import InboxError, UploadRefused
from wiresleuth.inbox.facts import BundleFacts, bundle_facts

_SERVER_FAULTS = frozenset(
    {errno.ENOSPC, errno.EDQUOT, errno.EROFS, errno.EACCES, errno.EPERM, errno.EIO, errno.EMFILE}
)
"""OS errors that are this server's trouble (a full disk), not the bundle's."""


def _servers_fault(exc: BundleError) -> bool:
    """The reader says BadBundle for what is wrong with the file; any other BundleError (a
    capture that could not be written out), or a full or failing disk under either, is
    this server's."""
    return not isinstance(exc, BadBundle) or _os_trouble(exc)


def _os_trouble(exc: BaseException) -> bool:
    seen = 0
    cause: BaseException | None = exc
    while cause is not None and seen < 10:
        if isinstance(cause, OSError) and cause.errno in _SERVER_FAULTS:
            return True
        cause = cause.__cause__ or cause.__context__
        seen += 1
    return False


def _refusal(exc: BundleError, path: Path, file_name: str) -> UploadRefused:
    text = str(exc).replace(str(path), file_name).replace(path.name, file_name)
    return UploadRefused(422, f"not a valid WireSleuth bundle: {text}")


def _check_capture(bundle: Bundle, scratch: Path, file_name: str) -> None:
    if not bundle.has_capture:
        return
    try:
        bundle.extract_capture(scratch)
    except BundleError as exc:
        if _servers_fault(exc):
            raise InboxError(f"cannot check the capture of {file_name}: {exc}") from exc
        raise _refusal(exc, bundle.path, file_name) from exc
    finally:
        scratch.unlink(missing_ok=True)


def check_upload(path: Path, file_name: str) -> BundleFacts:
    """The index's facts of the bundle at ``path``; UploadRefused (422) with the reader's
    reason when it is not a whole, valid bundle; InboxError when this server failed."""
    try:
        bundle = read_bundle(path)
    except BundleError as exc:
        if _servers_fault(exc):
            raise InboxError(f"cannot read the upload {file_name}: {exc}") from exc
        raise _refusal(exc, path, file_name) from exc
    _check_capture(bundle, path.with_name(path.name + ".capture"), file_name)
    return bundle_facts(bundle)


def free_bytes(folder: Path) -> int:
    """Free space where uploads are written."""
    return shutil.disk_usage(folder).free
