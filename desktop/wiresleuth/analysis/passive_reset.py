"""tls.reset_after_client_hello and tls.no_server_hello from a capture.

After a ClientHello a server answers with a ServerHello. When, instead, a reset comes from
the server's address, something refused the TLS handshake (a load balancer's TLS profile,
a firewall inspecting SNI); its TTL against the server's other packets says whether the
server sent it, and the vendor of the Ethernet address it came from names the box when it
is the first hop. When nothing comes back at all, although the ClientHello was
acknowledged, the server's answer is lost on the way (see also large-packet loss).
"""

from __future__ import annotations

from collections import defaultdict

from wiresleuth.analysis.passive_common import (
    client_hello,
    mac_text,
    make_finding,
    plural,
    server_hello,
)
from wiresleuth.analysis.passive_model import PassiveCapture
from wiresleuth.analysis.passive_tcp import Mark, TcpConversation
from wiresleuth.analysis.spoken_duration import spoken_duration
from wiresleuth.model.finding import Evidence, Finding, Severity
from wiresleuth.platform.oui import mac_vendor

NO_ANSWER_WAIT = 2.0
"""Seconds without an answer after an acknowledged ClientHello before we call it lost."""


def _reset_of(conv: TcpConversation) -> Mark | None:
    hello = client_hello(conv)
    if hello is None or server_hello(conv) is not None or conv.server.tls.records:
        return None
    return next((r for r in conv.server.resets if r.time >= hello.time), None)


def resets_after_client_hello(capture: PassiveCapture) -> list[Finding]:
    """One finding per server:port whose TLS handshakes were reset after the ClientHello."""
    caught: dict[str, list[tuple[TcpConversation, Mark]]] = defaultdict(list)
    for conv in capture.conversations:
        reset = _reset_of(conv)
        if reset is not None:
            caught[conv.target].append((conv, reset))
    return [_reset_finding(target, found) for target, found in caught.items()]


def _reset_finding(target: str, found: list[tuple[TcpConversation, Mark]]) -> Finding:
    conv, rst = found[0]
    hello = client_hello(conv)
    assert hello is not None
    seconds = rst.time - hello.time
    other_ttls = sorted(
        ttl
        for ttl, frame in conv.server.ttls.items()
        if frame not in {r.frame for r in conv.server.resets}
    )
    same = not other_ttls or rst.ttl in other_ttls
    evidence = [
        Evidence(
            text=f"RST {seconds:.2f} s after the ClientHello, no ServerHello",
            packets=(hello.frame, rst.frame),
            timings={"seconds": seconds},
            addresses=(conv.server.address,),
        ),
        Evidence(
            text=f"RST from {conv.server.address} with TTL {rst.ttl}; the server's other packets: "
            f"TTL {other_ttls or 'none'}",
            packets=(rst.frame,),
            addresses=(conv.server.address,),
            data={"ttl": rst.ttl, "server_ttls": other_ttls},
        ),
    ]
    values: dict[str, object] = {
        "seconds": round(seconds, 3),
        "timing": "capture",
        "reset_by": conv.server.address,
        "ttl": rst.ttl,
        "server_ttls": other_ttls,
        "connections": len(found),
    }
    mac = mac_text(rst.src_mac)
    vendor = mac_vendor(mac) if mac else None
    if mac:
        evidence.append(
            Evidence(
                text=f"the RST arrived from Ethernet address {mac}"
                + (f" ({vendor})" if vendor else ""),
                packets=(rst.frame,),
                data={"mac": mac, "vendor": vendor},
            )
        )
        values.update(mac=mac, vendor=vendor)
    if len(found) > 1:
        evidence.append(
            Evidence(
                text=f"{plural(len(found), 'connection')} to {target} were reset this way",
                packets=tuple(r.frame for _, r in found[:10]),
            )
        )
    who = (
        "with the same hop distance as the server's other packets"
        if same
        else f"unlike the server's other packets (TTL {other_ttls}): another device sent it"
    )
    box = f" The last hop it came through is made by {vendor.rstrip('.')}." if vendor else ""
    return make_finding(
        "tls.reset_after_client_hello",
        Severity.PROBLEM,
        f"The secure connection to {target} is reset after {spoken_duration(seconds)}",
        (
            f"The server {target} accepts the connection but cuts it {spoken_duration(seconds)} "
            "after the secure greeting starts. Browsers show this as 'connection reset'. The server's "
            "team (or its load balancer's) must look at it."
        ),
        (
            f"TCP established, ClientHello sent (frame {hello.frame}), RST {seconds:.2f} s later "
            f"from {conv.server.address}, TTL {rst.ttl}, {who}.{box} Typical of a load balancer "
            "or firewall TLS profile rejecting the ClientHello (SNI, ciphers, client "
            "certificate); openssl shows errno=104, curl error 35."
        ),
        evidence,
        target=target,
        **values,
    )


def _unanswered(conv: TcpConversation) -> tuple[float, Mark | None] | None:
    """(seconds waited, how it ended) when an acknowledged ClientHello got nothing back."""
    hello = client_hello(conv)
    if hello is None or conv.server.payload_bytes or conv.server.resets:
        return None
    acked = conv.client.acked_offset
    if acked is None or acked <= hello.offset:
        return None  # the server never acknowledged it: not even small packets came back
    if conv.server.holes:
        return None  # parts of an answer did arrive: large-packet loss says more
    ending = next(
        (m for m in (*conv.client.resets, *conv.client.fins) if m.time > hello.time), None
    )
    waited = (ending.time if ending else conv.end) - hello.time
    return (waited, ending) if waited >= NO_ANSWER_WAIT else None


def unanswered_client_hellos(capture: PassiveCapture) -> list[Finding]:
    """tls.no_server_hello: ClientHellos acknowledged but never answered."""
    caught: dict[str, list[tuple[TcpConversation, float, Mark | None]]] = defaultdict(list)
    for conv in capture.conversations:
        result = _unanswered(conv)
        if result is not None:
            caught[conv.target].append((conv, *result))
    findings = []
    for target, found in caught.items():
        conv, waited, ending = found[0]
        hello = client_hello(conv)
        assert hello is not None
        how = (
            "then this computer gave up" + (" (RST)" if ending in conv.client.resets else " (FIN)")
            if ending
            else "until the capture ended"
        )
        evidence = [
            Evidence(
                text=f"ClientHello acknowledged by the server, then nothing for {waited:.1f} s; {how}",
                packets=tuple(m for m in (hello.frame, ending.frame if ending else None) if m),
                timings={"waited": waited},
                addresses=(conv.server.address,),
            )
        ]
        if len(found) > 1:
            evidence.append(
                Evidence(text=f"{plural(len(found), 'connection')} to {target} waited this way")
            )
        findings.append(
            make_finding(
                "tls.no_server_hello",
                Severity.PROBLEM,
                f"{target} never answered the secure greeting",
                f"This computer reached {target}, but the secure greeting got no answer.",
                (
                    f"ClientHello (frame {hello.frame}) acknowledged by {conv.server.address}, "
                    f"no data back in {waited:.1f} s. The answer is lost on the way back (large "
                    "packets dropped, see any large-packet or DSCP finding) or the server hangs."
                ),
                evidence,
                target=target,
                waited=round(waited, 3),
                connections=len(found),
            )
        )
    return findings
