"""Follow the TLS record boundaries of one direction of a stream as its segments go by.

A TLS stream is a chain of records, each announcing its length in a 5-byte header, so the
whole stream can be checked for foreign bytes by reading five bytes per record: at most one
per 16 KB, whatever the size of the transfer. Segments may arrive out of order and cut a
header in two; the walker only ever needs the bytes at the next header's offset, and keeps
what it has of a header until the rest arrives. The first position that is not a record
header is where something other than the server wrote into the connection (an injected
HTTP answer, a block page); the walker keeps up to ``TEXT_LIMIT`` bytes from there. An old
client may open with an SSLv2-compatible ClientHello (seed 001's trace does); it counts as
the stream's first record.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import NamedTuple

MAX_RECORD = 2**14 + 2048
"""Largest legal TLSCiphertext fragment (RFC 5246 6.2.3); anything longer is not TLS."""
TEXT_LIMIT = 2048
"""Bytes kept from the first non-TLS byte on."""
_KEEP_TYPES = 8
_AHEAD_KEPT = 32  # segments kept from beyond a hole


def is_record_header(header: bytes) -> bool:
    """Whether 5 bytes are a TLS record header (content type, version 3.x, sane length)."""
    length = (header[3] << 8) | header[4]
    return 20 <= header[0] <= 23 and header[1] == 3 and header[2] <= 4 and 0 < length <= MAX_RECORD


class Record(NamedTuple):
    """A TLS record the walk saw start."""

    kind: int
    """Handshake message type for handshake records (-1: in a later segment), else the
    record's content type (20 ChangeCipherSpec, 21 alert, 23 application data)."""
    frame: int
    """The frame that carried its header."""
    offset: int
    """Its stream offset."""
    time: float
    """When that frame was captured."""


def is_sslv2_client_hello(header: bytes) -> bool:
    """Whether 5 bytes start an SSLv2-compatible ClientHello (RFC 5246 E.2): a 2-byte length
    with the top bit set, message type 1, then version 3.x."""
    return header[0] & 0x80 == 0x80 and header[2] == 1 and header[3] == 3 and header[4] <= 4


@dataclass(slots=True)
class TlsWalk:
    """The walk of one direction; offsets count from the stream's first byte."""

    next_header: int = 0
    """Offset of the next record header."""
    records: int = 0
    """Records seen so far."""
    handshake: list[Record] = field(default_factory=list)
    """The first handshake records (kind: the message type they start with)."""
    alerts: list[Record] = field(default_factory=list)
    """The first alert records (content type 21)."""
    change_cipher_spec: int | None = None
    """Frame of the first ChangeCipherSpec record."""
    non_tls_offset: int | None = None
    """First offset that is not a record header, when there is one."""
    non_tls_frame: int | None = None
    """The frame that carried it."""
    non_tls_time: float | None = None
    """When it was captured."""
    text: bytes = b""
    """Up to TEXT_LIMIT bytes from the non-TLS offset on (contiguous, as captured)."""
    done: bool = False
    """Walking stopped: foreign bytes found (or the stream is not TLS at all)."""
    _pending: bytes = b""
    _pending_frame: int = 0
    _pending_time: float = 0.0
    _ahead: dict[int, tuple[bytes, int, float]] = field(default_factory=dict)

    @property
    def waiting_for(self) -> int:
        """The next stream offset the walk needs to see."""
        return self.next_header + len(self._pending)

    @property
    def started_tls(self) -> bool:
        """The stream began with a TLS record."""
        return self.records > 0 and (self.non_tls_offset is None or self.non_tls_offset > 0)

    def segment(self, offset: int, data: bytes, frame: int, time: float) -> None:
        """Bytes ``data`` captured at stream ``offset`` in ``frame``."""
        if self.done:
            if self.text and offset == self._text_end() and len(self.text) < TEXT_LIMIT:
                self.text += data[: TEXT_LIMIT - len(self.text)]
            return
        if offset > self.waiting_for:
            # Beyond a hole: keep it, the walk may need it once the hole is filled.
            self._ahead[offset] = (data, frame, time)
            if len(self._ahead) > _AHEAD_KEPT:
                del self._ahead[min(self._ahead)]
            return
        self._walk(offset, data, frame, time)
        while self._ahead and not self.done:
            want = self.waiting_for
            usable = [at for at in self._ahead if at <= want < at + len(self._ahead[at][0])]
            for at in [at for at in self._ahead if at + len(self._ahead[at][0]) <= want]:
                del self._ahead[at]  # already walked past
            if not usable:
                return
            at = usable[0]
            self._walk(at, *self._ahead.pop(at))

    def _walk(self, offset: int, data: bytes, frame: int, time: float) -> None:
        end = offset + len(data)
        while not self.done:
            want = self.next_header + len(self._pending)
            if not offset <= want < end:
                return
            take = data[want - offset : want - offset + 6 - len(self._pending)]
            if not self._pending:
                self._pending_frame, self._pending_time = frame, time
            self._pending += take
            if len(self._pending) < 5:
                return  # the header goes on in a later segment
            header = self._pending
            at, head_frame, head_time = self.next_header, self._pending_frame, self._pending_time
            self._pending = b""
            if at == 0 and is_sslv2_client_hello(header[:5]):
                # an old client's first message: SSLv2 framing around a TLS ClientHello
                self.records += 1
                self.handshake.append(Record(1, head_frame, 0, head_time))
                self.next_header = 2 + (((header[0] & 0x7F) << 8) | header[1])
                continue
            if not is_record_header(header[:5]):
                self.done = True
                self.non_tls_offset = at
                self.non_tls_frame, self.non_tls_time = head_frame, head_time
                start = max(at - offset, 0)
                self.text = data[start : start + TEXT_LIMIT]
                return
            self._record(header, at, head_frame, head_time)
            self.next_header = at + 5 + ((header[3] << 8) | header[4])

    def _text_end(self) -> int:
        assert self.non_tls_offset is not None
        return self.non_tls_offset + len(self.text)

    def _record(self, header: bytes, at: int, frame: int, time: float) -> None:
        self.records += 1
        kind = header[0]
        if kind == 22 and len(self.handshake) < _KEEP_TYPES:
            # the message type is the byte after the header (-1: it came in a later segment)
            message = header[5] if len(header) > 5 else -1
            self.handshake.append(Record(message, frame, at, time))
        elif kind == 21 and len(self.alerts) < _KEEP_TYPES:
            self.alerts.append(Record(21, frame, at, time))
        elif kind == 20 and self.change_cipher_spec is None:
            self.change_cipher_spec = frame

    def first_handshake(self, handshake_type: int) -> Record | None:
        """The first record starting with that handshake message type (1 ClientHello,
        2 ServerHello)."""
        return next((r for r in self.handshake if r.kind == handshake_type), None)
