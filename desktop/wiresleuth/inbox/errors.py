"""The inbox's errors: the database or the data folder failed, or an upload is refused."""

from __future__ import annotations

from wiresleuth.errors import WireSleuthError


class InboxError(WireSleuthError):
    """The inbox cannot do its work (the index cannot be opened, the disk failed)."""


class UploadRefused(WireSleuthError):
    """An upload is not accepted: ``status`` is the HTTP answer, the message says why in
    words the sender's window can show."""

    def __init__(self, status: int, reason: str, *, retry_after: int | None = None) -> None:
        super().__init__(reason)
        self.status = status
        self.reason = reason
        self.retry_after = retry_after
