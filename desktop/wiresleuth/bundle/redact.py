"""Remove secrets before anything is written to a bundle, which leaves the user's computer.

A bundle travels by mail and ticket systems, so proxy passwords and tokens must never be in
it, whatever a wizard or the system survey happened to record. ``redact`` is pure and
recursive: it masks

- credentials in URLs (``http://user:pass@proxy:3128`` -> ``http://***@proxy:3128``);
- ``Authorization`` / ``Proxy-Authorization`` values, also inside captured HTTP text (the
  scheme word stays: ``Basic ***`` still tells an engineer which scheme was used);
- values of keys named like password, passwd, passphrase, secret, token, credential(s),
  api_key or private_key, or ending in ``_pass``/``_pwd`` (``DB_PASS``), both as mapping
  keys and as ``key=value`` / ``key: value`` text;
- credentials before a host without a scheme, as a PAC answer or a ``*_proxy`` variable
  may carry them (``PROXY alice:pw@proxy:3128`` -> ``PROXY ***@proxy:3128``); a plain
  ``user@host`` (no password) and ``mailto:``/``sip:`` addresses are left alone, and so is
  resolver notation, where ``@`` is followed by a port, not a host (unbound's
  ``2620:fe::fe@853#dns.quad9.net``, kdig's ``From fe80::1%eth0@53``): the colons of an
  IPv6 address or of ``Server:100.64.0.53`` before it are not a user and a password;
- tokens whose shape names them whatever surrounds them, as a hostile PAC would send them
  out as DNS names (GitHub ``ghp_``/``github_pat_``, GitLab ``glpat-``, Slack ``xox?-``,
  AWS access key IDs, Google API keys, OpenAI ``sk-`` keys, JSON Web Tokens, and the
  helpdesk inbox's own upload tokens ``wsu_``, which a profile's ``upload_url`` may carry).

Text gets ``***``. Bytes are masked with ``*`` of the same length so that a binary container
(the pcapng capture) keeps its block lengths and stays readable. Bytes already made JSON by
``wiresleuth.model.jsonable`` (``{"text": ..., "hex": ...}``) are masked in both forms.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from typing import Any, AnyStr, TypeVar

from wiresleuth.model.upload_token import UPLOAD_TOKEN_SHAPE

MASK = "***"
"""What a secret in text is replaced by."""

_SECRET_NAME = (
    r"(?:[\w-]*(?:password|passwd|passphrase|secret|token|credentials?|api[_-]?key|apikey"
    r"|private[_-]?key)[\w-]*|[\w-]*[_-](?:pass|pwd))"
)
_SECRET_KEY = re.compile(
    r"password|passwd|passphrase|secret|token|credential|api[_-]?key|apikey|private[_-]?key"
    r"|authorization|[_-](?:pass|pwd)$",
    re.IGNORECASE,
)
_SEP = r"[\"']?[ \t]*[:=][ \t]*"

# Each pattern keeps everything but the named groups v1/v2, which hold the secret.
# An ``@`` that ends credentials is followed by a host; one followed by a port number alone
# (at most 5 digits, then the end of the name: not ``.``, ``:``, ``/``) is resolver notation
# (``100.64.0.53@53``, ``@853#dns.example``, ``@53(UDP)``), not a host. A host written as
# one decimal number (``@2130706433:3128``, 127.0.0.1) has more digits or a port after it.
_NOT_PORT = r"(?!\d{1,5}(?![\w.:/@-]))"
_URL_USERINFO = (
    r"\b[a-zA-Z][a-zA-Z0-9+.\-]*://(?P<v1>[^\s/?#@\"'<>]+(?:@[^\s/?#@\"'<>]+)*)@" + _NOT_PORT
)
_AUTH_HEADER = (
    r"\b(?:proxy-)?authorization" + _SEP + r"(?:(?P<q>[\"'])(?P<v1>[^\"'\r\n]+)(?P=q)"
    r"|(?P<v2>[^\s\"'][^\r\n]*))"
)
_KEY_VALUE = (
    r"(?<![\w-])" + _SECRET_NAME + _SEP + r"(?:(?P<q>[\"'])(?P<v1>[^\"'\r\n]+)(?P=q)"
    r"|(?P<v2>[^\s\"'&,;)}\]]+))"
)
_PATTERNS = (_URL_USERINFO, _AUTH_HEADER, _KEY_VALUE)
_NEEDS = (("://",), ("authorization",), ("pass", "pwd", "secret", "token", "credential", "api",
                                          "private"))  # fmt: skip
"""What each pattern cannot match without (in lower case): a text without it skips the
pattern. The search over packet data is the slow part of saving a large capture (each
pattern tries every position), and binary payloads rarely hold these words."""
_TEXT_PATTERNS = tuple(re.compile(p, re.IGNORECASE) for p in _PATTERNS)
_BYTES_PATTERNS = tuple(re.compile(p.encode("ascii"), re.IGNORECASE) for p in _PATTERNS)
_NEEDS_BYTES = tuple(tuple(need.encode("ascii") for need in needs) for needs in _NEEDS)

# Credentials without a scheme (``alice:pw@proxy``). Found from the ``@host`` that ends
# them (a literal, so the search is fast even in a large capture): the password is the run
# of password characters before the ``@``, read backwards (at most 256), from its first
# colon; the user name is read backwards from that colon. (Searched forwards from every
# colon instead, a long run of colons without an ``@`` was scanned once per colon: 200 KB
# of captured text took 26 s, a 64 MB capture hours.)
_AT_HOST = r"@(?=[\w\[])" + _NOT_PORT
_PASSWORD_RUN = r"[^\s/?#@\"'<>;,]{1,257}"
"""Matched on the reversed text before an ``@``: the colon and at most 256 password characters."""
_AT_HOST_TEXT = re.compile(_AT_HOST)
_AT_HOST_BYTES = re.compile(_AT_HOST.encode("ascii"))
_PASSWORD_RUN_TEXT = re.compile(_PASSWORD_RUN)
_PASSWORD_RUN_BYTES = re.compile(rb"[^\s/?#@\"'<>;,\x00-\x20\x7f-\xff]{1,257}")
"""In bytes a password is printable ASCII (a URL percent-encodes the rest): in binary data
(a TLS record, a compressed body) any byte run before a ``@`` and a letter would otherwise be
taken for one, and a masked record read back as plain text injected into TLS."""
_USER_TAIL = r"(?<![\w.~%+:/@-])[\w.~%+-]{1,128}\Z"
_NOT_CREDENTIALS = frozenset({"mailto", "sip", "sips", "xmpp", "tel"})
"""URI schemes whose ``scheme:user@host`` is an address, not a user and a password."""
_USER_TAIL_TEXT = re.compile(_USER_TAIL)
_USER_TAIL_BYTES = re.compile(_USER_TAIL.encode("ascii"))

# Tokens known by their shape. Case-sensitive, and without a look-behind so that the
# search skips ahead on the first letters; the left edge is checked on each match.
_KNOWN_TOKEN = (
    r"gh[pousr]_[A-Za-z0-9]{36,}|github_pat_\w{22,}|glpat-[\w-]{20,}"
    r"|xox[abposr]-[A-Za-z0-9-]{10,}|(?:AKIA|ASIA)[A-Z0-9]{16}|AIza[\w-]{35}"
    r"|sk-(?:proj-)?[\w-]{32,}|eyJ[\w-]{8,}\.eyJ[\w-]{8,}\.[\w-]{8,}"
    r"|" + UPLOAD_TOKEN_SHAPE
)
_TOKEN_TEXT = re.compile(_KNOWN_TOKEN)
_TOKEN_BYTES = re.compile(_KNOWN_TOKEN.encode("ascii"))
_WORD_TEXT = re.compile(r"[\w-]")
_WORD_BYTES = re.compile(rb"[\w-]")
_SCHEME_TEXT = re.compile(r"[A-Za-z][\w-]*[ \t]+(?=\S)")
_SCHEME_BYTES = re.compile(rb"[A-Za-z][\w-]*[ \t]+(?=\S)")

T = TypeVar("T")


def _secret_group(match: re.Match[Any]) -> str:
    return "v1" if match.group("v1") is not None else "v2"


def _mask_text(match: re.Match[str]) -> str:
    group = _secret_group(match)
    start, end = match.span(group)
    value = match.group(group)
    keep = ""
    if match.re is _TEXT_PATTERNS[1]:
        scheme = _SCHEME_TEXT.match(value)
        keep = scheme.group(0) if scheme else ""
    whole = match.group(0)
    offset = match.start()
    return whole[: start - offset] + keep + MASK + whole[end - offset :]


def _mask_bytes(match: re.Match[bytes]) -> bytes:
    group = _secret_group(match)
    start, end = match.span(group)
    value = match.group(group)
    keep = b""
    if match.re is _BYTES_PATTERNS[1]:
        scheme = _SCHEME_BYTES.match(value)
        keep = scheme.group(0) if scheme else b""
    whole = match.group(0)
    offset = match.start()
    masked = keep + b"*" * (len(value) - len(keep))
    return whole[: start - offset] + masked + whole[end - offset :]


def _bare_userinfo(
    data: AnyStr,
    at_host: re.Pattern[AnyStr],
    password_run: re.Pattern[AnyStr],
    tail: re.Pattern[AnyStr],
    colon: AnyStr,
) -> list[tuple[int, int]]:
    """Spans of ``user:password`` that stand before ``@host`` without a scheme."""
    spans = []
    for match in at_host.finditer(data):
        at = match.start()
        run = password_run.match(data[max(0, at - 257) : at][::-1])
        if run is None:
            continue
        first = data.find(colon, at - run.end(), at - 1)  # the password: at least 1 character
        if first < 0:
            continue
        user = tail.search(data, max(0, first - 129), first)
        if user is None:
            continue
        name = user.group(0)
        if (
            name.lower() if isinstance(name, str) else name.decode("ascii").lower()
        ) in _NOT_CREDENTIALS:
            continue
        spans.append((user.start(), at))
    return spans


def _tokens(
    data: AnyStr, token: re.Pattern[AnyStr], word: re.Pattern[AnyStr]
) -> list[tuple[int, int]]:
    """Spans of known tokens that do not continue a longer word on their left."""
    return [
        m.span()
        for m in token.finditer(data)
        if m.start() == 0 or word.match(data, m.start() - 1) is None
    ]


def _masked(data: AnyStr, spans: list[tuple[int, int]], mask: Callable[[int], AnyStr]) -> AnyStr:
    pieces = []
    done = 0
    for start, end in sorted(spans):
        if start < done:
            continue
        pieces += [data[done:start], mask(end - start)]
        done = end
    pieces.append(data[done:])
    return data[:0].join(pieces)


_DOTTED_I = {0x130: "i", 0x131: "i"}
"""re.IGNORECASE matches ``i`` to these two, which casefold() keeps apart from ``i``; every
other character it matches to an ASCII letter (the long s, the Kelvin sign) casefolds to it."""


def _wanted(lowered: AnyStr, needs: tuple[AnyStr, ...]) -> bool:
    return any(need in lowered for need in needs)


def redact_text(text: str) -> str:
    """The text with every secret it carries replaced by ``***``."""
    lowered = text.translate(_DOTTED_I).casefold()
    for pattern, needs in zip(_TEXT_PATTERNS, _NEEDS, strict=True):
        if _wanted(lowered, needs):
            text = pattern.sub(_mask_text, text)
    spans = _bare_userinfo(text, _AT_HOST_TEXT, _PASSWORD_RUN_TEXT, _USER_TAIL_TEXT, ":")
    spans += _tokens(text, _TOKEN_TEXT, _WORD_TEXT)
    return _masked(text, spans, lambda _n: MASK) if spans else text


def redact_bytes(data: bytes) -> bytes:
    """The bytes with every secret masked by ``*`` of the same length (offsets stay valid)."""
    lowered = data.lower()  # IGNORECASE on bytes is ASCII only, as lower() is
    for pattern, needs in zip(_BYTES_PATTERNS, _NEEDS_BYTES, strict=True):
        if _wanted(lowered, needs):
            data = pattern.sub(_mask_bytes, data)
    spans = _bare_userinfo(data, _AT_HOST_BYTES, _PASSWORD_RUN_BYTES, _USER_TAIL_BYTES, b":")
    spans += _tokens(data, _TOKEN_BYTES, _WORD_BYTES)
    return _masked(data, spans, lambda n: b"*" * n) if spans else data


def is_secret_key(key: object) -> bool:
    """Whether a mapping key names a secret (``proxy_password``, ``Authorization``, ``apiKey``)."""
    return isinstance(key, str) and _SECRET_KEY.search(key) is not None


def _redact_value(value: Any) -> Any:
    # A flag such as {"password_set": true} or an absent value reveals nothing.
    if value is None or isinstance(value, bool):
        return value
    if isinstance(value, bytes | bytearray):
        return b"*" * len(value)
    return MASK


def redact(obj: T) -> T:
    """A copy of ``obj`` (str, bytes, mapping, list, tuple, or scalar) with secrets masked."""
    return _walk(obj, redact_text, redact_bytes)  # type: ignore[no-any-return]


def _bytes_pair(obj: Mapping[Any, Any], data: Callable[[bytes], bytes]) -> dict[str, str] | None:
    """The masked form of a ``{"text", "hex"}`` pair (model/jsonable's bytes); None otherwise."""
    if set(obj) != {"text", "hex"} or not all(isinstance(v, str) for v in obj.values()):
        return None
    try:
        raw = bytes.fromhex(obj["hex"])
    except ValueError:
        return None
    masked = data(raw)
    same = raw.decode("latin-1") == obj["text"]
    text = masked.decode("latin-1") if same else redact_text(obj["text"])
    return {"text": text, "hex": masked.hex()}


def _walk(obj: Any, text: Callable[[str], str], data: Callable[[bytes], bytes]) -> Any:
    if isinstance(obj, str):
        return text(obj)
    if isinstance(obj, bytes | bytearray):
        return data(bytes(obj))
    if isinstance(obj, Mapping):
        pair = _bytes_pair(obj, data)
        if pair is not None:
            return pair
        return {
            key: _redact_value(value) if is_secret_key(key) else _walk(value, text, data)
            for key, value in obj.items()
        }
    if isinstance(obj, list):
        return [_walk(item, text, data) for item in obj]
    if isinstance(obj, tuple):
        return tuple(_walk(item, text, data) for item in obj)
    return obj
