"""Deterministic mutations of capture files and bundles, for the fuzz harness.

Each mutation takes a seed file's bytes and a ``random.Random`` seeded from the case's name,
so a case is the same bytes on every run: a failure names the case that reproduces it. The
capture mutations know the containers well enough to hit their length fields and headers
(pcap records, pcapng blocks, interface options); the bundle mutations rewrite the zip
(members, size claims, duplicates) and, with the manifest's checksums fixed so that the
damage reaches the parsers, the JSON members and the capture inside.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import random
import struct
import warnings
import zipfile
from collections.abc import Callable
from io import BytesIO
from typing import Any

Mutation = Callable[[bytes, random.Random], bytes]

NASTY_LENGTHS = (0, 1, 7, 11, 12, 13, 16, 28, 0x7FFF_FFFF, 0xFFFF_FFFF, 0xFFFF_FFF0, 262_145,
                 1 << 20, 65_536)  # fmt: skip
MAX_GROWN = 64 << 20
"""Largest file a repeating mutation makes (the writer's redaction of a bundle's capture runs
at some 7 MB/s: a 240 MB case spent a minute there, not in a reader)."""
_SHB = 0x0A0D0D0A
_PCAP_MAGICS = {
    b"\xd4\xc3\xb2\xa1": "<", b"\x4d\x3c\xb2\xa1": "<",
    b"\xa1\xb2\xc3\xd4": ">", b"\xa1\xb2\x3c\x4d": ">",
}  # fmt: skip


# -- where the structure is ----------------------------------------------------------------


def pcapng_blocks(data: bytes) -> list[tuple[int, int, str]]:
    """(offset, length, byte order) of the blocks a pcapng file's length fields chain."""
    blocks: list[tuple[int, int, str]] = []
    pos, endian = 0, "<"
    while pos + 12 <= len(data) and len(blocks) < 100_000:
        if struct.unpack_from("<I", data, pos)[0] == _SHB:
            magic = data[pos + 8 : pos + 12]
            endian = "<" if magic == b"\x4d\x3c\x2b\x1a" else ">"
        length = struct.unpack_from(endian + "I", data, pos + 4)[0]
        if length < 12 or length % 4 or pos + length > len(data):
            break
        blocks.append((pos, length, endian))
        pos += length
    return blocks


def pcap_records(data: bytes) -> list[tuple[int, int, str]]:
    """(offset, record length, byte order) of a classic pcap file's records."""
    endian = _PCAP_MAGICS.get(data[:4])
    if endian is None:
        return []
    records: list[tuple[int, int, str]] = []
    pos = 24
    while pos + 16 <= len(data) and len(records) < 100_000:
        caplen = struct.unpack_from(endian + "I", data, pos + 8)[0]
        if pos + 16 + caplen > len(data):
            break
        records.append((pos, 16 + caplen, endian))
        pos += 16 + caplen
    return records


def units(data: bytes) -> list[tuple[int, int, str]]:
    """The file's blocks or records (whichever the format has)."""
    return pcap_records(data) if data[:4] in _PCAP_MAGICS else pcapng_blocks(data)


def length_fields(data: bytes) -> list[tuple[int, str]]:
    """(offset, byte order) of every 32-bit length field found."""
    fields: list[tuple[int, str]] = []
    if data[:4] in _PCAP_MAGICS:
        for pos, _, endian in pcap_records(data):
            fields += [(pos + 8, endian), (pos + 12, endian)]
    else:
        for pos, length, endian in pcapng_blocks(data):
            fields += [(pos + 4, endian), (pos + length - 4, endian)]
            kind = struct.unpack_from(endian + "I", data, pos)[0]
            if kind == 6 and length >= 32:  # enhanced packet block: caplen, wirelen
                fields += [(pos + 20, endian), (pos + 24, endian)]
    return fields


# -- capture mutations ---------------------------------------------------------------------


def bit_flips(data: bytes, rng: random.Random) -> bytes:
    out = bytearray(data)
    for _ in range(rng.randint(1, 24)):
        at = rng.randrange(len(out))
        out[at] ^= 1 << rng.randrange(8)
    return bytes(out)


def truncation(data: bytes, rng: random.Random) -> bytes:
    return data[: rng.randrange(1, max(len(data), 2))]


def length_inflation(data: bytes, rng: random.Random) -> bytes:
    fields = length_fields(data)
    out = bytearray(data)
    if not fields:
        return bit_flips(data, rng)
    for _ in range(rng.randint(1, 3)):
        at, endian = rng.choice(fields)
        old = struct.unpack_from(endian + "I", out, at)[0]
        new = rng.choice((*NASTY_LENGTHS, old * 2, old + 4, len(data) - at + 8, old - 4))
        struct.pack_into(endian + "I", out, at, new & 0xFFFF_FFFF)
    return bytes(out)


def duplicated_blocks(data: bytes, rng: random.Random) -> bytes:
    found = units(data)
    if not found:
        return data + data[rng.randrange(len(data)) :] * rng.randint(2, 50)
    first = rng.randrange(len(found))
    last = min(len(found) - 1, first + rng.randint(0, 4))
    start, end = found[first][0], found[last][0] + found[last][1]
    copies = rng.choice((2, 10, 200))
    return data[:end] + data[start:end] * copies + data[end:]


def block_flood(data: bytes, rng: random.Random) -> bytes:
    """A few blocks or records repeated thousands of times (tens of thousands of packets)."""
    found = units(data)
    if not found:
        return data * min(3000, MAX_GROWN // len(data))
    first = rng.randrange(len(found))
    start, end = found[first][0], found[first][0] + found[first][1]
    copies = min(rng.choice((3000, 30_000)), MAX_GROWN // (end - start))
    return data[:end] + data[start:end] * copies + data[end:]


def section_storm(data: bytes, rng: random.Random) -> bytes:
    """Thousands of sections (a pcapng file's head repeated): the 221 s quadratic case."""
    blocks = pcapng_blocks(data)
    if len(blocks) < 3:
        return duplicated_blocks(data, rng)
    head_end = next(
        (pos for pos, _, endian in blocks if struct.unpack_from(endian + "I", data, pos)[0] == 6),
        blocks[2][0],
    )
    first_packet = next((b for b in blocks if b[0] >= head_end), blocks[-1])
    section = data[:head_end] + data[first_packet[0] : first_packet[0] + first_packet[1]]
    return section * min(rng.randint(2000, 8000), MAX_GROWN // len(section))


def absurd_header(data: bytes, rng: random.Random) -> bytes:
    """Impossible values in file and interface headers (resolution, offset, link type...)."""
    out = bytearray(data)
    if data[:4] in _PCAP_MAGICS and len(out) >= 24:
        endian = _PCAP_MAGICS[data[:4]]
        field = rng.choice(((4, "H"), (6, "H"), (8, "i"), (12, "I"), (16, "I"), (20, "I")))
        value = rng.choice((0, 1, 0xFFFF, 0x7FFF_FFFF, 0xFFFF_FFFF, 147, 113, 276))
        limit = {"H": 0xFFFF, "I": 0xFFFF_FFFF, "i": 0x7FFF_FFFF}[field[1]]
        struct.pack_into(endian + field[1], out, field[0], min(value, limit))
        return bytes(out)
    idbs = [(p, n, e) for p, n, e in pcapng_blocks(data) if struct.unpack_from(e + "I", data, p)[0] == 1]
    if not idbs:
        return bit_flips(data, rng)
    pos, length, endian = rng.choice(idbs)
    choice = rng.randrange(4)
    if choice == 0:  # if_tsresol: up to 10^127 or 2^127
        option = struct.pack(endian + "HH", 9, 1) + bytes([rng.choice((19, 63, 127, 0x80 | 64, 0xFF, 0))]) + b"\0\0\0"
    elif choice == 1:  # if_tsoffset
        option = struct.pack(endian + "HHq", 14, 8, rng.choice((-(1 << 63), (1 << 63) - 1, 1 << 40)))
    elif choice == 2:  # a name option whose length claims more bytes than the block holds
        option = struct.pack(endian + "HH", 2, rng.choice((0xFFFF, 300))) + b"eth0"
    else:  # link type and snap length
        struct.pack_into(endian + "HHI", out, pos + 8, rng.randrange(0x10000), 0, rng.choice((0, 1, 0xFFFF_FFFF)))
        return bytes(out)
    body = bytes(out[pos + 8 : pos + 16]) + option + struct.pack(endian + "HH", 0, 0)
    new_length = 12 + len(body)
    block = struct.pack(endian + "II", 1, new_length) + body + struct.pack(endian + "I", new_length)
    return bytes(out[:pos]) + block + bytes(out[pos + length :])


def byte_soup(data: bytes, rng: random.Random) -> bytes:
    at = rng.randrange(len(data))
    return data[:at] + rng.randbytes(rng.choice((1, 3, 4, 64, 5000))) + data[at:]


def gzipped(data: bytes, rng: random.Random) -> bytes:
    packed = gzip.compress(rng.choice((bit_flips, truncation, length_inflation))(data, rng), mtime=0)
    if rng.random() < 0.5:
        return packed
    return bit_flips(packed, rng) if rng.random() < 0.5 else truncation(packed, rng)


CAPTURE_MUTATIONS: dict[str, Mutation] = {
    "bit-flips": bit_flips,
    "truncation": truncation,
    "length-inflation": length_inflation,
    "duplicated-blocks": duplicated_blocks,
    "absurd-header": absurd_header,
    "byte-soup": byte_soup,
    "gzip": gzipped,
    "section-storm": section_storm,
    "block-flood": block_flood,
}
HEAVY = ("section-storm", "block-flood")
"""Mutations that make files of tens of thousands of records (CI runs them on a few seeds)."""


# -- bundle mutations ----------------------------------------------------------------------


def read_zip(data: bytes) -> list[tuple[str, bytes]]:
    with zipfile.ZipFile(BytesIO(data)) as archive:
        return [(info.filename, archive.read(info)) for info in archive.infolist()]


def write_zip(members: list[tuple[str, bytes]], *, fix_hashes: bool) -> bytes:
    if fix_hashes:
        table = dict(members)
        try:
            manifest = json.loads(table["manifest.json"])
            manifest["files"] = {
                name: hashlib.sha256(body).hexdigest()
                for name, body in members
                if name != "manifest.json" and name in manifest.get("files", {})
            }
            members = [
                (n, json.dumps(manifest).encode() if n == "manifest.json" else b)
                for n, b in members
            ]
        except (KeyError, ValueError, AttributeError, TypeError, RecursionError):
            pass  # a manifest the mutation broke stays broken
    out = BytesIO()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # duplicate names are a mutation
        with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
            for name, body in members:
                info = zipfile.ZipInfo(name, date_time=(2024, 5, 1, 9, 30, 0))
                info.compress_type = zipfile.ZIP_DEFLATED
                archive.writestr(info, body)
    return out.getvalue()


def _nasty_json(rng: random.Random) -> str:
    """A raw JSON text that is valid or nearly so, and hostile."""
    depth = rng.choice((70, 3000, 200_000))
    return rng.choice(
        (
            "[" * depth + "]" * depth,
            "9" * rng.choice((41, 5000, 100_000)),
            "NaN", "-Infinity", "1e999", "-1e400", "1.5", "-7", "0", "true", "null",
            '""', '"\\ud800"', '"\\u0000\\u001b]52;c;ZXZpbA==\\u0007"',
            json.dumps("<h1>big</h1><img src='file:///etc/passwd'>" * rng.choice((1, 10_000))),
            json.dumps("x" * rng.choice((70_000, 3_000_000))),
            "[" + ",".join(["{}"] * rng.choice((10, 300_000))) + "]",
            json.dumps([{"text": "e", "packets": [1]}] * rng.choice((5, 50_000))),
            json.dumps({"text": 5, "packets": "many", "timings": {"x": "y"}}),
            json.dumps(list(range(rng.choice((3, 200_000))))),
            "{}", "[]", '{"a":', '"unterminated',
        )
    )  # fmt: skip


def _paths(value: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    found = [prefix]
    if isinstance(value, dict):
        for key, item in value.items():
            found += _paths(item, (*prefix, key))
    elif isinstance(value, list):
        for index, item in enumerate(value[:20]):
            found += _paths(item, (*prefix, index))
    return found


def mutate_json(data: bytes, rng: random.Random) -> bytes:
    """Replace (or delete) a value somewhere in a JSON document with a hostile one."""
    try:
        doc = json.loads(data)
    except (ValueError, RecursionError):
        return bit_flips(data, rng)
    marker = "\u2603NASTY\u2603"
    for _ in range(rng.randint(1, 3)):
        paths = _paths(doc)
        path = rng.choice(paths)
        if not path:
            return _nasty_json(rng).encode()
        parent = doc
        for step in path[:-1]:
            parent = parent[step]
        if isinstance(parent, dict) and rng.random() < 0.2:
            parent.pop(path[-1], None)
        else:
            parent[path[-1]] = marker
    text = json.dumps(doc)
    while json.dumps(marker) in text:
        text = text.replace(json.dumps(marker), _nasty_json(rng), 1)
    return text.encode("utf-8", "surrogatepass")


def _member(members: list[tuple[str, bytes]], rng: random.Random, *names: str) -> int:
    choices = [i for i, (name, _) in enumerate(members) if not names or name in names]
    return rng.choice(choices) if choices else rng.randrange(len(members))


def zip_bit_flips(data: bytes, rng: random.Random) -> bytes:
    return bit_flips(data, rng)


def zip_truncation(data: bytes, rng: random.Random) -> bytes:
    return truncation(data, rng)


def size_claim_lie(data: bytes, rng: random.Random) -> bytes:
    """Patch the sizes a zip states (central directory or local header) for one member."""
    out = bytearray(data)
    heads = [i for i in range(len(out) - 4) if out[i : i + 4] in (b"PK\x01\x02", b"PK\x03\x04")]
    if not heads:
        return bit_flips(data, rng)
    for _ in range(rng.randint(1, 2)):
        at = rng.choice(heads)
        central = out[at : at + 4] == b"PK\x01\x02"
        field = rng.choice((20, 24) if central else (18, 22))  # compressed, uncompressed size
        old = struct.unpack_from("<I", out, at + field)[0]
        new = rng.choice((0, 1, old // 2, old + 1, old * 1000, 0xFFFF_FFFF, 0x7FFF_FFFF))
        struct.pack_into("<I", out, at + field, min(new, 0xFFFF_FFFF))
    return bytes(out)


def member_tamper(data: bytes, rng: random.Random) -> bytes:
    members = read_zip(data)
    index = _member(members, rng)
    name, body = members[index]
    mutation = rng.choice((bit_flips, truncation, byte_soup))
    members[index] = (name, mutation(body, rng) if body else b"\xff")
    return write_zip(members, fix_hashes=rng.random() < 0.8)


def json_member(data: bytes, rng: random.Random) -> bytes:
    members = read_zip(data)
    index = _member(members, rng, "report.json", "report.json", "system.json", "manifest.json")
    name, body = members[index]
    members[index] = (name, mutate_json(body, rng))
    return write_zip(members, fix_hashes=name != "manifest.json" or rng.random() < 0.5)


def capture_member(data: bytes, rng: random.Random) -> bytes:
    members = read_zip(data)
    names = [name for name, _ in members]
    if "capture.pcapng" not in names:
        return json_member(data, rng)
    index = names.index("capture.pcapng")
    mutation = rng.choice([m for k, m in CAPTURE_MUTATIONS.items() if k != "gzip"])
    members[index] = ("capture.pcapng", mutation(members[index][1], rng))
    return write_zip(members, fix_hashes=True)


def extra_members(data: bytes, rng: random.Random) -> bytes:
    members = read_zip(data)
    choice = rng.randrange(4)
    if choice == 0:  # a member twice
        members.append(members[_member(members, rng)])
        return write_zip(members, fix_hashes=False)
    if choice == 1:  # an unlisted member, maybe with a path that climbs out
        members.append((rng.choice(("evil.exe", "../../x", "/etc/cron.d/x", "dir/")), b"MZ"))
        return write_zip(members, fix_hashes=False)
    if choice == 2:  # a thousand members
        members += [(f"m{i}", b"") for i in range(rng.choice((70, 2000)))]
        return write_zip(members, fix_hashes=False)
    members = [(n, b) for n, b in members if n != rng.choice([n for n, _ in members])]
    return write_zip(members, fix_hashes=rng.random() < 0.5)


BUNDLE_MUTATIONS: dict[str, Mutation] = {
    "zip-bit-flips": zip_bit_flips,
    "zip-truncation": zip_truncation,
    "size-claim-lie": size_claim_lie,
    "member-tamper": member_tamper,
    "json-member": json_member,
    "capture-member": capture_member,
    "extra-members": extra_members,
}
