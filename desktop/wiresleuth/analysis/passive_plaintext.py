"""tls.plaintext_injected: bytes in a TLS server stream that are not TLS.

Concluded here only: the TLS check finds them in what its socket read (``Injection`` made
by ``tls_wizard_findings``), a capture taken elsewhere in the record walk of a server's
stream. The client spoke TLS (its stream starts with a ClientHello), so a real server answers with
TLS records from the first byte to the last. The record walk of the server's stream
(``passive_tls_walk``) stops at the first byte that is not a record header; what follows,
usually an HTTP answer with a Via or X-Bypass-Cache header, was written by something in
between. The handshake timing and the TTL of the packet that carried it are kept beside
it: a cache that injects is usually also the device that answered the handshake.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from wiresleuth.analysis.passive_common import (
    client_hello,
    first_line,
    ms,
    plural,
)
from wiresleuth.analysis.passive_model import WIZARD, PassiveCapture
from wiresleuth.analysis.passive_tcp import TcpConversation
from wiresleuth.model.finding import Evidence, Finding, Severity

_NAMING_HEADERS = (b"via:", b"x-bypass-cache:", b"x-cache:", b"server:", b"x-squid-error:")


def _naming_headers(text: bytes) -> list[str]:
    lines = text.split(b"\r\n\r\n", 1)[0].split(b"\n")
    found = []
    for line in lines:
        if line.lower().startswith(_NAMING_HEADERS):
            found.append(line.strip().decode("latin-1"))
    return found


def _injected(conv: TcpConversation) -> bool:
    walk = conv.server.tls
    return client_hello(conv) is not None and walk.non_tls_offset is not None


def plaintext_injections(capture: PassiveCapture) -> list[Finding]:
    """One finding per server:port into whose TLS streams plaintext was injected."""
    caught: dict[str, list[TcpConversation]] = defaultdict(list)
    for conv in capture.conversations:
        if _injected(conv):
            caught[conv.target].append(conv)
    return [_finding(target, convs) for target, convs in caught.items()]


@dataclass(frozen=True, kw_only=True)
class Injection:
    """Bytes that are not TLS in a TLS server stream."""

    target: str
    """What the finding is about."""
    data: bytes
    """The bytes, from the first that is not TLS."""
    offset: int
    """Where they start in the server's stream (after a proxy tunnel's answer, if any)."""
    after: float | None
    """Seconds after the ClientHello they arrived (None: unknown)."""
    packets: tuple[int, ...] = ()
    """The ClientHello's and the injected packet's frames, when captured."""
    sender: str = ""
    """The address they came from."""
    extra: tuple[Evidence, ...] = ()
    """Further evidence (the handshake's timing, TTLs compared)."""
    connections: tuple[int, ...] = ()
    """Frames of the injected packets of further connections to the same target."""


def plaintext_injected(found: Injection, *, wizard: str = WIZARD) -> Finding:
    """The finding of an injection."""
    text = found.data[:2048].decode("utf-8", "replace")
    line = first_line(found.data)
    headers = _naming_headers(found.data)
    when = f" {ms(found.after)} after the ClientHello" if found.after is not None else ""
    evidence = [
        Evidence(
            text=f"{len(found.data)} bytes that are not TLS at byte {found.offset} of the "
            f"server's stream{when}: {line!r}",
            packets=found.packets,
            timings={"after_client_hello": found.after} if found.after is not None else {},
            addresses=(found.sender,) if found.sender else (),
            data={"text": text, "offset": found.offset},
        )
    ]
    if headers:
        evidence.append(
            Evidence(
                text="headers that name the device: " + "; ".join(headers),
                packets=found.packets[-1:],
                data={"headers": headers},
            )
        )
    evidence += found.extra
    count = 1 + len(found.connections)
    if found.connections:
        evidence.append(
            Evidence(
                text=f"{plural(count, 'connection')} to {found.target} carried such bytes",
                packets=found.connections[:10],
            )
        )
    where = f" ({headers[0]})" if headers else ""
    target = found.target
    return Finding(
        id="tls.plaintext_injected",
        severity=Severity.PROBLEM,
        title=f"Plain text was injected into the secure connection to {target}",
        user_text=(
            f"A secure connection to {target} received an unencrypted answer that the real "
            "server would never send: a device in between wrote it. That is why the page "
            "cannot be displayed. The helpdesk needs this report."
        ),
        engineer_text=(
            f"Non-TLS bytes on the TLS connection{when}, starting {line!r}{where}. A cache, WAN "
            "optimiser or captive portal in the path injected them; headers such as "
            "X-Bypass-Cache or Via name the device."
        ),
        wizard=wizard,
        target=target,
        evidence=tuple(evidence),
        values={
            "text": text,
            "first_line": line,
            "seconds_after_client_hello": round(found.after, 3) if found.after is not None else None,
            "connections": count,
        },
    )


def _finding(target: str, convs: list[TcpConversation]) -> Finding:
    conv = convs[0]
    walk = conv.server.tls
    hello = client_hello(conv)
    assert walk.non_tls_offset is not None and walk.non_tls_frame is not None and hello
    extra: tuple[Evidence, ...] = ()
    if conv.handshake_rtt is not None and conv.syn_ack is not None:
        ttls = ", ".join(str(ttl) for ttl in conv.server.ttls)
        extra = (
            Evidence(
                text=f"the handshake took {ms(conv.handshake_rtt)}; the server side's packets "
                f"carried TTL {ttls}",
                packets=tuple(p.frame for p in (*conv.syns[-1:], conv.syn_ack)),
                timings={"handshake_rtt": conv.handshake_rtt},
                data={"ttls": list(conv.server.ttls)},
            ),
        )
    return plaintext_injected(
        Injection(
            target=target,
            data=walk.text,
            offset=walk.non_tls_offset,
            after=(walk.non_tls_time or hello.time) - hello.time,
            packets=(hello.frame, walk.non_tls_frame),
            sender=conv.server.address,
            extra=extra,
            connections=tuple(c.server.tls.non_tls_frame or 0 for c in convs[1:]),
        )
    )
