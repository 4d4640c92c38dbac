"""Walk the TLS records of one direction of a TCP stream, without decrypting anything.

What matters for diagnosis is visible in cleartext: which handshake messages went by, where
an alert came and which one, the certificate chain before TLS 1.3, the SNI, and the first
byte that is not TLS at all (an HTTP response injected by a middlebox into a 443 stream).
"""

from __future__ import annotations

from dataclasses import dataclass

CHANGE_CIPHER_SPEC = 20
ALERT = 21
HANDSHAKE = 22
APPLICATION_DATA = 23

_RECORD_HEADER = 5
_MAX_RECORD = 2**14 + 2048
"""Largest legal TLSCiphertext fragment (RFC 5246 6.2.3); anything longer is not TLS."""

_CONTENT_NAMES = {
    CHANGE_CIPHER_SPEC: "change-cipher-spec",
    ALERT: "alert",
    HANDSHAKE: "handshake",
    APPLICATION_DATA: "application-data",
}

HANDSHAKE_NAMES: dict[int, str] = {
    0: "hello-request",
    1: "client-hello",
    2: "server-hello",
    3: "hello-verify-request",
    4: "new-session-ticket",
    5: "end-of-early-data",
    8: "encrypted-extensions",
    11: "certificate",
    12: "server-key-exchange",
    13: "certificate-request",
    14: "server-hello-done",
    15: "certificate-verify",
    16: "client-key-exchange",
    20: "finished",
    21: "certificate-url",
    22: "certificate-status",
    24: "key-update",
    254: "message-hash",
}
"""Handshake message types (RFC 8446 4, RFC 5246 7.4)."""

ALERT_DESCRIPTIONS: dict[int, str] = {
    0: "close_notify",
    10: "unexpected_message",
    20: "bad_record_mac",
    21: "decryption_failed",
    22: "record_overflow",
    30: "decompression_failure",
    40: "handshake_failure",
    41: "no_certificate",
    42: "bad_certificate",
    43: "unsupported_certificate",
    44: "certificate_revoked",
    45: "certificate_expired",
    46: "certificate_unknown",
    47: "illegal_parameter",
    48: "unknown_ca",
    49: "access_denied",
    50: "decode_error",
    51: "decrypt_error",
    60: "export_restriction",
    70: "protocol_version",
    71: "insufficient_security",
    80: "internal_error",
    86: "inappropriate_fallback",
    90: "user_canceled",
    100: "no_renegotiation",
    109: "missing_extension",
    110: "unsupported_extension",
    111: "certificate_unobtainable",
    112: "unrecognized_name",
    113: "bad_certificate_status_response",
    114: "bad_certificate_hash_value",
    115: "unknown_psk_identity",
    116: "certificate_required",
    120: "no_application_protocol",
}
"""Alert descriptions (RFC 8446 6, with the values it marks reserved from earlier versions)."""

ALERT_LEVELS = {1: "warning", 2: "fatal"}


@dataclass(frozen=True, slots=True, kw_only=True)
class TlsMessage:
    """One TLS message (handshake message, alert, CCS or application-data record)."""

    offset: int
    """Stream offset of the message's first byte (handshake header, or record header)."""
    content_type: int
    """Record content type: 20 CCS, 21 alert, 22 handshake, 23 application data."""
    name: str
    """client-hello, server-hello, certificate, alert, change-cipher-spec, application-data,
    encrypted-handshake (after ChangeCipherSpec), ..."""
    version: int
    """The record layer's version field (0x0301 for most hellos, 0x0303 after)."""
    length: int = 0
    """Length of the message body (handshake) or record fragment (others)."""
    handshake_type: int | None = None
    """Handshake message type, None for other content types."""
    alert_level: int | None = None
    """1 warning, 2 fatal; None for other content, or for an encrypted alert."""
    alert_description: str | None = None
    """Alert description name (``handshake_failure``), None when not an alert or encrypted."""

    @property
    def is_fatal_alert(self) -> bool:
        """Whether this is a cleartext fatal alert."""
        return self.content_type == ALERT and self.alert_level == 2


@dataclass(frozen=True, kw_only=True)
class TlsParse:
    """The TLS structure of one direction of a stream, as far as it is TLS."""

    messages: tuple[TlsMessage, ...]
    """Messages in stream order."""
    non_tls_offset: int | None
    """First offset whose bytes are not a TLS record header (injected plaintext), else None."""
    incomplete: bool
    """The data ends inside a record (more was expected)."""
    sni: str | None = None
    """Server name from the ClientHello."""
    alpn: tuple[str, ...] = ()
    """Protocols offered (ClientHello) or chosen (ServerHello) by ALPN."""
    version: int | None = None
    """Version chosen in the ServerHello (supported_versions first: 0x0304 is TLS 1.3)."""
    cipher_suite: int | None = None
    """Cipher suite chosen in the ServerHello."""
    certificates: tuple[bytes, ...] = ()
    """DER certificates of a cleartext Certificate message (TLS 1.2 and earlier)."""

    def first(self, name: str) -> TlsMessage | None:
        """The first message of that name, if any."""
        return next((m for m in self.messages if m.name == name), None)


def _is_record_header(data: bytes, pos: int) -> bool:
    content_type, major, minor = data[pos], data[pos + 1], data[pos + 2]
    length = int.from_bytes(data[pos + 3 : pos + 5], "big")
    return 20 <= content_type <= 23 and major == 3 and minor <= 4 and 0 < length <= _MAX_RECORD


@dataclass
class _Hello:
    sni: str | None = None
    alpn: tuple[str, ...] = ()
    version: int | None = None
    cipher_suite: int | None = None


def _extensions(body: bytes, pos: int) -> dict[int, bytes]:
    found: dict[int, bytes] = {}
    if pos + 2 > len(body):
        return found
    end = min(pos + 2 + int.from_bytes(body[pos : pos + 2], "big"), len(body))
    pos += 2
    while pos + 4 <= end:
        ext_type = int.from_bytes(body[pos : pos + 2], "big")
        size = int.from_bytes(body[pos + 2 : pos + 4], "big")
        found.setdefault(ext_type, body[pos + 4 : pos + 4 + size])
        pos += 4 + size
    return found


def _alpn(ext: bytes | None) -> tuple[str, ...]:
    if not ext or len(ext) < 2:
        return ()
    names, pos = [], 2
    while pos < len(ext):
        size = ext[pos]
        names.append(ext[pos + 1 : pos + 1 + size].decode("ascii", "replace"))
        pos += 1 + size
    return tuple(names)


def _client_hello(body: bytes, hello: _Hello) -> None:
    pos = 2 + 32  # legacy_version, random
    if pos >= len(body):
        return
    pos += 1 + body[pos]  # session id
    if pos + 2 > len(body):
        return
    pos += 2 + int.from_bytes(body[pos : pos + 2], "big")  # cipher suites
    if pos >= len(body):
        return
    pos += 1 + body[pos]  # compression methods
    ext = _extensions(body, pos)
    server_name = ext.get(0)
    # server_name_list: length(2), name_type(1) = host_name, length(2), name
    if server_name and len(server_name) >= 5 and server_name[2] == 0:
        size = int.from_bytes(server_name[3:5], "big")
        hello.sni = server_name[5 : 5 + size].decode("ascii", "replace")
    hello.alpn = _alpn(ext.get(16))


def _server_hello(body: bytes, hello: _Hello) -> None:
    if len(body) < 2 + 32 + 1:
        return
    hello.version = int.from_bytes(body[0:2], "big")
    pos = 2 + 32
    pos += 1 + body[pos]  # session id
    if pos + 3 > len(body):
        return
    hello.cipher_suite = int.from_bytes(body[pos : pos + 2], "big")
    ext = _extensions(body, pos + 3)  # cipher suite, compression method
    chosen = ext.get(43)  # supported_versions: the real version in TLS 1.3
    if chosen is not None and len(chosen) == 2:
        hello.version = int.from_bytes(chosen, "big")
    hello.alpn = _alpn(ext.get(16)) or hello.alpn


def _certificates(body: bytes) -> tuple[bytes, ...]:
    if len(body) < 3:
        return ()
    end = min(3 + int.from_bytes(body[0:3], "big"), len(body))
    pos, found = 3, []
    while pos + 3 <= end:
        size = int.from_bytes(body[pos : pos + 3], "big")
        if pos + 3 + size > end:
            break
        found.append(bytes(body[pos + 3 : pos + 3 + size]))
        pos += 3 + size
    return tuple(found)


def parse_tls(data: bytes) -> TlsParse:
    """Walk the records of ``data`` (one direction, from its first byte)."""
    messages: list[TlsMessage] = []
    hello = _Hello()
    certificates: tuple[bytes, ...] = ()
    pending = bytearray()  # handshake bytes not yet forming a whole message
    spans = _Spans()  # where each pending byte sits in the stream
    encrypted = False  # after our ChangeCipherSpec, handshake records are opaque
    pos = 0
    non_tls: int | None = None
    incomplete = False
    while pos < len(data):
        if len(data) - pos < _RECORD_HEADER:
            if _is_prefix_of_header(data[pos:]):
                incomplete = True
            else:
                non_tls = pos
            break
        if not _is_record_header(data, pos):
            non_tls = pos
            break
        content_type = data[pos]
        version = int.from_bytes(data[pos + 1 : pos + 3], "big")
        length = int.from_bytes(data[pos + 3 : pos + 5], "big")
        body_at = pos + _RECORD_HEADER
        if body_at + length > len(data):
            incomplete = True
            break
        body = data[body_at : body_at + length]
        if content_type == HANDSHAKE and not encrypted:
            spans.add(body_at, length)
            pending += body
            consumed = 0
            while len(pending) - consumed >= 4:
                size = int.from_bytes(pending[consumed + 1 : consumed + 4], "big")
                if len(pending) - consumed - 4 < size:
                    break
                hs_type = pending[consumed]
                msg_body = bytes(pending[consumed + 4 : consumed + 4 + size])
                offset = spans.offset_of(consumed)
                messages.append(
                    TlsMessage(
                        offset=offset,
                        content_type=HANDSHAKE,
                        name=HANDSHAKE_NAMES.get(hs_type, f"handshake-{hs_type}"),
                        version=version,
                        length=size,
                        handshake_type=hs_type,
                    )
                )
                if hs_type == 1:
                    _client_hello(msg_body, hello)
                elif hs_type == 2:
                    _server_hello(msg_body, hello)
                elif hs_type == 11 and not certificates:
                    certificates = _certificates(msg_body)
                consumed += 4 + size
            del pending[:consumed]
            spans.consume(consumed)
        else:
            messages.append(_record_message(content_type, version, pos, body, encrypted))
            if content_type == CHANGE_CIPHER_SPEC:
                encrypted = True
        pos = body_at + length
    if pending and non_tls is None:
        incomplete = True
    return TlsParse(
        messages=tuple(messages),
        non_tls_offset=non_tls,
        incomplete=incomplete,
        sni=hello.sni,
        alpn=hello.alpn,
        version=hello.version,
        cipher_suite=hello.cipher_suite,
        certificates=certificates,
    )


def _is_prefix_of_header(tail: bytes) -> bool:
    """Whether a short tail could be the start of a record header (cut off, not foreign)."""
    checks = [20 <= tail[0] <= 23]
    if len(tail) > 1:
        checks.append(tail[1] == 3)
    if len(tail) > 2:
        checks.append(tail[2] <= 4)
    return all(checks)


class _Spans:
    """Maps positions in the pending handshake buffer back to stream offsets."""

    def __init__(self) -> None:
        self._spans: list[list[int]] = []  # [stream offset, length] per record body, in order

    def add(self, offset: int, length: int) -> None:
        self._spans.append([offset, length])

    def offset_of(self, index: int) -> int:
        for offset, length in self._spans:
            if index < length:
                return offset + index
            index -= length
        raise IndexError(index)

    def consume(self, count: int) -> None:
        while count and self._spans:
            span = self._spans[0]
            if count >= span[1]:
                count -= span[1]
                self._spans.pop(0)
            else:
                span[0] += count
                span[1] -= count
                count = 0


def _record_message(
    content_type: int, version: int, pos: int, body: bytes, encrypted: bool
) -> TlsMessage:
    if content_type == ALERT:
        if len(body) == 2 and not encrypted:
            return TlsMessage(
                offset=pos,
                content_type=ALERT,
                name="alert",
                version=version,
                length=2,
                alert_level=body[0],
                alert_description=ALERT_DESCRIPTIONS.get(body[1], f"alert-{body[1]}"),
            )
        return TlsMessage(
            offset=pos,
            content_type=ALERT,
            name="encrypted-alert",
            version=version,
            length=len(body),
        )
    # A handshake record after ChangeCipherSpec: an encrypted Finished and beyond.
    name = "encrypted-handshake" if content_type == HANDSHAKE else _CONTENT_NAMES[content_type]
    return TlsMessage(
        offset=pos, content_type=content_type, name=name, version=version, length=len(body)
    )
