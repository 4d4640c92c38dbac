"""A frame's headers as a details tree: link, IP and transport layers, every field and option.

scapy dissects the frame (the same dissection ``decode.py`` uses, down to the transport
header) and lists each layer's fields as its ``show()`` does, so what a field is called and
how its value is written is scapy's, not a second dissector of ours. Each layer carries the
byte range it covers, so the bytes pane can mark it. What the payload holds (TLS records,
HTTP lines, DNS sections) is read by ``analysis.packet_details`` from the same bytes.

scapy can fail on a frame crafted to make it fail: the tree then says so in one line.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

from wiresleuth.capture.decode import DECODED_LINKTYPES, dissect
from wiresleuth.capture.frame_bytes import RawFrame
from wiresleuth.model.detail_tree import DetailNode

log = logging.getLogger(__name__)

_LOOPBACK = {0, 108}
_MAX_LAYERS = 16
_MAX_VALUE = 200
_OPTION_NOTES = {
    "MSS": "maximum segment size",
    "WScale": "window scale",
    "SAckOK": "SACK permitted",
    "SAck": "SACK blocks (absolute sequence numbers)",
    "Timestamp": "timestamps (TSval, TSecr)",
    "NOP": "no-operation",
    "EOL": "end of options",
}


@dataclass(frozen=True, kw_only=True)
class FrameDissection:
    """The header layers of one frame, and where its transport payload starts."""

    layers: tuple[DetailNode, ...]
    """One node per layer (link, IP, TCP/UDP/ICMP), fields as children."""
    payload_offset: int | None
    """Offset of the transport payload in the frame (None when there is none)."""


def _short(text: str) -> str:
    return text if len(text) <= _MAX_VALUE else text[: _MAX_VALUE - 1] + "…"


def _fields(layer: Any, start: int, end: int) -> list[DetailNode]:
    from scapy.fields import ConditionalField

    nodes = []
    for field in layer.fields_desc:
        if isinstance(field, ConditionalField) and not field._evalcond(layer):
            continue
        value = layer.getfieldval(field.name)
        if field.name == "options" and isinstance(value, list) and value:
            nodes.append(_options(value, start, end))
            continue
        if isinstance(value, bytes) and value and not value.isascii():
            shown = value[:64].hex(":")
        else:
            try:
                shown = field.i2repr(layer, value)
            except Exception:  # scapy's own representation failed: show the raw value
                shown = repr(value)
        nodes.append(DetailNode(text=_short(f"{field.name}: {shown}"), start=start, end=end))
    return nodes


def _options(options: list[Any], start: int, end: int) -> DetailNode:
    children = []
    for option in options:
        if isinstance(option, tuple) and len(option) == 2:
            name, value = option
            note = _OPTION_NOTES.get(str(name), "")
            text = f"{name}" + ("" if value in (None, b"") else f": {value!r}")
            children.append(
                DetailNode(text=_short(text + (f"  ({note})" if note else "")), start=start, end=end)
            )
        else:
            children.append(DetailNode(text=_short(repr(option)), start=start, end=end))
    return DetailNode(
        text=f"options ({len(children)})", start=start, end=end, children=tuple(children)
    )


def _header_length(layer: Any) -> int:
    cached = getattr(layer, "raw_packet_cache", None)
    if isinstance(cached, bytes | bytearray):
        return len(cached)
    whole = len(bytes(layer))
    rest = len(bytes(layer.payload)) if layer.payload else 0
    return max(whole - rest, 0)


def frame_details(frame: RawFrame) -> FrameDissection:
    """The layers of ``frame`` as scapy dissects them, with their byte ranges."""
    size = len(frame.data)
    summary = DetailNode(
        text=(
            f"Frame {frame.number}: {frame.wire_length} bytes on the wire, {size} captured, "
            f"link type {DECODED_LINKTYPES.get(frame.linktype, 'not decoded')} "
            f"({frame.linktype})"
        ),
        start=0,
        end=size,
    )
    try:
        packet = dissect(frame.data, frame.linktype)
    except Exception as exc:  # a frame made to break scapy must not break the pane
        log.warning("scapy could not dissect frame %d: %s", frame.number, exc)
        return FrameDissection(
            layers=(summary, DetailNode(text=f"The headers could not be dissected: {exc}")),
            payload_offset=None,
        )
    if packet is None:
        return FrameDissection(layers=(summary,), payload_offset=None)
    layers = [summary]
    offset = 4 if frame.linktype in _LOOPBACK else 0
    if offset:
        layers.append(DetailNode(text="Loopback address family", start=0, end=4))
    payload_offset: int | None = None
    layer: Any = packet
    for _ in range(_MAX_LAYERS):
        if layer is None or not layer:
            break
        if type(layer).__name__ in ("Raw", "Padding"):
            payload_offset = offset if type(layer).__name__ == "Raw" else payload_offset
            break
        length = _header_length(layer)
        end = min(offset + length, size)
        try:
            title = layer.mysummary() if hasattr(layer, "mysummary") else ""
        except Exception:
            title = ""
        text = f"{layer.name}" + (f": {title}" if isinstance(title, str) and title else "")
        layers.append(
            DetailNode(
                text=_short(text),
                start=offset,
                end=end,
                children=tuple(_fields(layer, offset, end)),
            )
        )
        offset = end
        layer = layer.payload if layer.payload else None
    else:
        layers.append(DetailNode(text=f"(more than {_MAX_LAYERS} layers: not listed)"))
    if payload_offset is None and offset < size:
        payload_offset = offset
    return FrameDissection(layers=tuple(layers), payload_offset=payload_offset)
