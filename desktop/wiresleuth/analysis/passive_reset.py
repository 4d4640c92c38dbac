"""tls.reset_after_client_hello and tls.no_server_hello, concluded here only.

The TLS check times them from its own handshake (socket, and capture when it ran); a
capture taken elsewhere shows them in its conversations. Both make a ``ResetSeen`` or an
``Unanswered``. After a ClientHello a server answers with a ServerHello. When, instead, a reset comes from
the server's address, something refused the TLS handshake (a load balancer's TLS profile,
a firewall inspecting SNI); its TTL against the server's other packets says whether the
server sent it, and the vendor of the Ethernet address it came from names the box when it
is the first hop. When nothing comes back at all, although the ClientHello was
acknowledged, the server's answer is lost on the way (see also large-packet loss).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from wiresleuth.analysis.capture_gaps import Unprovable, conversation_gap
from wiresleuth.analysis.passive_common import (
    client_hello,
    mac_text,
    plural,
    server_hello,
)
from wiresleuth.analysis.passive_model import WIZARD, PassiveCapture
from wiresleuth.analysis.passive_tcp import Mark, TcpConversation
from wiresleuth.analysis.spoken_duration import spoken_duration
from wiresleuth.model.finding import Evidence, Finding, Severity

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


@dataclass(frozen=True, kw_only=True)
class ResetSeen:
    """A TLS handshake reset after the ClientHello, before any ServerHello."""

    target: str
    """What the finding is about."""
    address: str
    """The server's address."""
    seconds: float
    """From the ClientHello to the reset."""
    timing: str
    """``capture`` or ``socket``: what timed it."""
    packets: tuple[int, ...] = ()
    """The ClientHello's and the reset's frames, when captured."""
    sender: str | None = None
    """Who sent the reset, when captured."""
    ttl: int | None = None
    """The reset's TTL, when captured."""
    server_ttls: tuple[int, ...] = ()
    """TTLs of the server's other packets in the same connection."""
    reset_frame: int | None = None
    """The reset's frame."""
    mac: str | None = None
    """The Ethernet address the reset came from, when captured there."""
    sni: str | None = None
    """The name the ClientHello asked for, when known."""
    extra: tuple[Evidence, ...] = ()
    """Further evidence (the small-MSS retry)."""
    connections: tuple[int, ...] = ()
    """Reset frames of further connections to the same target."""


def reset_after_client_hello(seen: ResetSeen, *, wizard: str = WIZARD) -> Finding:
    """The finding of a reset handshake."""
    target, seconds = seen.target, seen.seconds
    evidence = [
        Evidence(
            text=f"RST {seconds:.2f} s after the ClientHello, no ServerHello ({seen.timing} "
            "timing)",
            packets=seen.packets,
            timings={"seconds": seconds},
            addresses=(seen.sender or seen.address,),
        )
    ]
    values: dict[str, object] = {
        "seconds": round(seconds, 3),
        "timing": seen.timing,
        "connections": 1 + len(seen.connections),
    }
    who = ""
    if seen.sender is not None and seen.ttl is not None:
        others = list(seen.server_ttls)
        same = not others or seen.ttl in others
        evidence.append(
            Evidence(
                text=f"RST from {seen.sender} with TTL {seen.ttl}; the server's other packets: "
                f"TTL {others or 'none'}",
                packets=(seen.reset_frame,) if seen.reset_frame is not None else (),
                addresses=(seen.sender,),
                data={"ttl": seen.ttl, "server_ttls": others},
            )
        )
        values.update(reset_by=seen.sender, ttl=seen.ttl, server_ttls=others)
        who = f" The RST came from {seen.sender} with TTL {seen.ttl}, " + (
            "the same hop distance as the server's other packets."
            if same
            else f"unlike the server's other packets (TTL {others}): another device sent it in "
            "the server's name."
        )
    vendor: str | None = None
    if seen.mac:
        from wiresleuth.platform.oui import mac_vendor  # its table: only when a MAC is seen

        vendor = mac_vendor(seen.mac)
    if seen.mac:
        evidence.append(
            Evidence(
                text=f"the RST arrived from Ethernet address {seen.mac}"
                + (f" ({vendor})" if vendor else ""),
                packets=(seen.reset_frame,) if seen.reset_frame is not None else (),
                data={"mac": seen.mac, "vendor": vendor},
            )
        )
        values.update(mac=seen.mac, vendor=vendor)
    evidence += seen.extra
    if seen.connections:
        evidence.append(
            Evidence(
                text=f"{plural(1 + len(seen.connections), 'connection')} to {target} were reset "
                "this way",
                packets=((seen.reset_frame,) if seen.reset_frame else ()) + seen.connections[:9],
            )
        )
    box = f" The last hop it came through is made by {vendor.rstrip('.')}." if vendor else ""
    sni = f" (SNI {seen.sni})" if seen.sni else ""
    return Finding(
        id="tls.reset_after_client_hello",
        severity=Severity.PROBLEM,
        title=f"The secure connection to {target} is reset after {spoken_duration(seconds)}",
        user_text=(
            f"The server {target} accepts the connection but cuts it {spoken_duration(seconds)} "
            "after this computer starts the secure greeting. Browsers show this as 'connection "
            "reset'. The server's team (or its load balancer's) must look at it."
        ),
        engineer_text=(
            f"TCP to {seen.address} established, ClientHello{sni} sent, RST {seconds:.2f} s "
            f"later, no ServerHello.{who}{box} Typical of a load balancer or firewall TLS "
            "profile rejecting the ClientHello (SNI, ciphers, client-certificate requirement); "
            "openssl shows errno=104, curl error 35."
        ),
        wizard=wizard,
        target=target,
        evidence=tuple(evidence),
        values=values,
    )


def _reset_finding(target: str, found: list[tuple[TcpConversation, Mark]]) -> Finding:
    conv, rst = found[0]
    hello = client_hello(conv)
    assert hello is not None
    resets = {r.frame for r in conv.server.resets}
    return reset_after_client_hello(
        ResetSeen(
            target=target,
            address=conv.server.address,
            seconds=rst.time - hello.time,
            timing="capture",
            packets=(hello.frame, rst.frame),
            sender=conv.server.address,
            ttl=rst.ttl,
            server_ttls=tuple(sorted(t for t, f in conv.server.ttls.items() if f not in resets)),
            reset_frame=rst.frame,
            mac=mac_text(rst.src_mac),
            connections=tuple(r.frame for _, r in found[1:]),
        )
    )


@dataclass(frozen=True, kw_only=True)
class Unanswered:
    """A ClientHello that got no answer at all."""

    target: str
    """What the finding is about."""
    address: str
    """The server's address."""
    waited: float
    """Seconds waited after the ClientHello."""
    how: str
    """How the wait ended, in words."""
    packets: tuple[int, ...] = ()
    """The ClientHello and what shows it arrived (the server's ACK) or how it ended."""
    acknowledged: bool = False
    """Whether the capture shows the server acknowledged the ClientHello."""
    sni: str | None = None
    """The name asked for, when known."""
    retried: str | None = None
    """How a retry with small packets ended (None: none was made)."""
    outcome: str | None = None
    """The check's outcome word (``timeout``, ``eof``), when a check made it."""
    connections: int = 1
    """Connections to the same target that waited this way."""


def no_server_hello(found: Unanswered, *, wizard: str = WIZARD) -> Finding:
    """The finding of an unanswered ClientHello."""
    target = found.target
    acked = " acknowledged by the server, then" if found.acknowledged else ";"
    evidence = [
        Evidence(
            text=f"ClientHello sent{acked} nothing for {found.waited:.1f} s; {found.how}",
            packets=found.packets,
            timings={"waited": found.waited},
            addresses=(found.address,),
        )
    ]
    if found.retried is not None:
        evidence.append(Evidence(text=f"retry with MSS 536: {found.retried}"))
    if found.connections > 1:
        evidence.append(
            Evidence(text=f"{plural(found.connections, 'connection')} to {target} waited this way")
        )
    sni = f" (SNI {found.sni})" if found.sni else ""
    retry = (
        f" The retry with small packets ended: {found.retried}, so packet size is not the cause."
        if found.retried is not None
        else ""
    )
    values: dict[str, object] = {"waited": round(found.waited, 3), "connections": found.connections}
    if found.outcome is not None:
        values["outcome"] = found.outcome
    return Finding(
        id="tls.no_server_hello",
        severity=Severity.PROBLEM,
        title=f"{target} never answered the secure greeting",
        user_text=f"This computer reached {target}, but the secure greeting got no answer.",
        engineer_text=(
            f"ClientHello{sni} to {found.address}: {found.how} after {found.waited:.1f} s, no "
            "data back. The answer is lost on the way back (large packets dropped, see any "
            f"large-packet or DSCP finding) or the server hangs.{retry}"
        ),
        wizard=wizard,
        target=target,
        evidence=tuple(evidence),
        values=values,
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


def unprovable_silences(capture: PassiveCapture) -> list[Unprovable]:
    """ClientHellos acknowledged and never answered in conversations open while the capture
    lost frames itself: the answer may lie in them (for ``capture.frames_missing``)."""
    out = []
    for conv in capture.conversations:
        gap = conversation_gap(capture.gaps, conv)
        result = _unanswered(conv) if gap is not None else None
        hello = client_hello(conv)
        if gap is not None and result is not None and hello is not None:
            out.append(
                Unprovable(
                    target=conv.target,
                    sender=conv.server.address,
                    how=f"no answer to the ClientHello from {conv.server.address} was captured "
                    f"in {result[0]:.1f} s",
                    gap=gap,
                    frames=(hello.frame,),
                )
            )
    return out


def unanswered_client_hellos(capture: PassiveCapture) -> list[Finding]:
    """tls.no_server_hello: ClientHellos acknowledged but never answered (never where the
    capture lost frames while the conversation was open: ``unprovable_silences``)."""
    caught: dict[str, list[tuple[TcpConversation, float, Mark | None]]] = defaultdict(list)
    for conv in capture.conversations:
        if conversation_gap(capture.gaps, conv) is not None:
            continue
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
        findings.append(
            no_server_hello(
                Unanswered(
                    target=target,
                    address=conv.server.address,
                    waited=waited,
                    how=how,
                    packets=tuple(m for m in (hello.frame, ending.frame if ending else None) if m),
                    acknowledged=True,
                    connections=len(found),
                )
            )
        )
    return findings
