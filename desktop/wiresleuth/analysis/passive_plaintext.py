"""tls.plaintext_injected from a capture: bytes in a TLS server stream that are not TLS.

The client spoke TLS (its stream starts with a ClientHello), so a real server answers with
TLS records from the first byte to the last. The record walk of the server's stream
(``passive_tls_walk``) stops at the first byte that is not a record header; what follows,
usually an HTTP answer with a Via or X-Bypass-Cache header, was written by something in
between. The handshake timing and the TTL of the packet that carried it are kept beside
it: a cache that injects is usually also the device that answered the handshake.
"""

from __future__ import annotations

from collections import defaultdict

from wiresleuth.analysis.passive_common import (
    client_hello,
    first_line,
    make_finding,
    ms,
    plural,
)
from wiresleuth.analysis.passive_model import PassiveCapture
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


def _finding(target: str, convs: list[TcpConversation]) -> Finding:
    conv = convs[0]
    walk = conv.server.tls
    hello = client_hello(conv)
    assert walk.non_tls_offset is not None and walk.non_tls_frame is not None and hello
    text = walk.text.decode("utf-8", "replace")
    line = first_line(walk.text)
    after = (walk.non_tls_time or hello.time) - hello.time
    headers = _naming_headers(walk.text)
    evidence = [
        Evidence(
            text=f"{len(walk.text)} bytes that are not TLS at byte {walk.non_tls_offset} of the "
            f"server's stream, {ms(after)} after the ClientHello: {line!r}",
            packets=(hello.frame, walk.non_tls_frame),
            timings={"after_client_hello": after},
            addresses=(conv.server.address,),
            data={"text": text, "offset": walk.non_tls_offset},
        )
    ]
    if headers:
        evidence.append(
            Evidence(
                text="headers that name the device: " + "; ".join(headers),
                packets=(walk.non_tls_frame,),
                data={"headers": headers},
            )
        )
    if conv.handshake_rtt is not None and conv.syn_ack is not None:
        ttls = ", ".join(str(ttl) for ttl in conv.server.ttls)
        evidence.append(
            Evidence(
                text=f"the handshake took {ms(conv.handshake_rtt)}; the server side's packets "
                f"carried TTL {ttls}",
                packets=tuple(p.frame for p in (*conv.syns[-1:], conv.syn_ack)),
                timings={"handshake_rtt": conv.handshake_rtt},
                data={"ttls": list(conv.server.ttls)},
            )
        )
    if len(convs) > 1:
        evidence.append(
            Evidence(
                text=f"{plural(len(convs), 'connection')} to {target} carried such bytes",
                packets=tuple(c.server.tls.non_tls_frame or 0 for c in convs[:10]),
            )
        )
    where = f" ({headers[0]})" if headers else ""
    return make_finding(
        "tls.plaintext_injected",
        Severity.PROBLEM,
        f"Plain text was injected into the secure connection to {target}",
        (
            f"A secure connection to {target} received an unencrypted answer that the real "
            "server would never send: a device in between wrote it. That is why the page "
            "cannot be displayed. The helpdesk needs this report."
        ),
        (
            f"Non-TLS bytes on the TLS connection {ms(after)} after the ClientHello, starting "
            f"{line!r}{where}. A cache, WAN optimiser or captive portal in the path injected "
            "them; headers such as X-Bypass-Cache or Via name the device."
        ),
        evidence,
        target=target,
        text=text,
        first_line=line,
        seconds_after_client_hello=round(after, 3),
        connections=len(convs),
    )
