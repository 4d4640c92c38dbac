"""Conclusions of the TLS wizard: its socket observations plus, when captured, the packets.

Pure: no sockets, no clocks. Each conclusion names the evidence that proves it, and falls back
to socket-level evidence when there is no capture.
"""

from __future__ import annotations

from collections.abc import Sequence

from wiresleuth.analysis.dscp import dscp_name
from wiresleuth.analysis.flows import Stream, TcpFlow
from wiresleuth.analysis.spoken_duration import spoken_duration
from wiresleuth.analysis.tls_certificates import describe_certificate
from wiresleuth.analysis.tls_records import parse_tls
from wiresleuth.model.finding import Evidence, Finding, Severity
from wiresleuth.model.observations import (
    TlsObservation,
    TlsTargetObservation,
    TlsWizardObservations,
)
from wiresleuth.model.packet import ICMP, ICMPV6, PacketRecord

WIZARD = "tls"
INTERCEPT_RATIO = 0.25
"""A handshake this much faster than the path cannot have reached the server."""
MIN_PATH_RTT = 0.020
"""Below this path RTT, timing cannot tell a nearby device from the server (a busy host's own
ICMP handling alone can add 10-15 ms)."""
MIN_GAP = 0.015
"""The handshake must also be this much faster than the path in absolute terms."""


def analyse_tls_wizard(
    obs: TlsWizardObservations,
    flows: Sequence[TcpFlow],
    packets: Sequence[PacketRecord] = (),
) -> tuple[list[Finding], dict[int, str]]:
    """Findings for every target, the gateway finding, and timeline labels by local port."""
    findings: list[Finding] = []
    labels: dict[int, str] = {}
    for target in obs.targets:
        findings += _TargetAnalysis(target, flows, packets).findings()
        for attempt in target.attempts:
            if attempt.connect.local_port is not None:
                labels[attempt.connect.local_port] = (
                    f"TLS {attempt.purpose} to {attempt.target}: {attempt.outcome}"
                )
    if obs.gateway is not None and obs.gateway.vendor:
        gw = obs.gateway
        findings.append(
            Finding(
                id="net.gateway_vendor",
                severity=Severity.INFO,
                wizard=WIZARD,
                title=f"Your gateway is made by {gw.vendor}",
                user_text=f"The device your computer sends its traffic to is made by {gw.vendor}.",
                engineer_text=(
                    f"Default gateway {gw.address} ({gw.interface}) has MAC {gw.mac}, OUI registered "
                    f"to {gw.vendor}. Load balancers or firewalls as first hop act on every connection."
                ),
                evidence=(
                    Evidence(
                        text=f"gateway {gw.address} MAC {gw.mac}",
                        addresses=(gw.address,),
                        data={"mac": gw.mac, "vendor": gw.vendor},
                    ),
                ),
                values={"gateway": gw.address, "mac": gw.mac, "vendor": gw.vendor},
            )
        )
    return findings, labels


def _ms(seconds: float) -> str:
    return f"{seconds * 1000:.1f} ms" if seconds < 1 else f"{seconds:.2f} s"


class _TargetAnalysis:
    """The findings about one target."""

    def __init__(
        self, obs: TlsTargetObservation, flows: Sequence[TcpFlow], packets: Sequence[PacketRecord]
    ) -> None:
        self.obs = obs
        self.default = obs.attempt("default")
        self.flows = flows
        self.echo_replies = [
            p
            for p in packets
            if p.src == obs.address and p.proto in (ICMP, ICMPV6) and p.icmp_type in (0, 129)
        ]

    def flow_of(self, attempt: TlsObservation | None) -> TcpFlow | None:
        if attempt is None or attempt.connect.local_port is None:
            return None
        matches = [
            f
            for f in self.flows
            if f.client_port == attempt.connect.local_port
            and f.server == attempt.connect.address
            and f.server_port == attempt.connect.port
        ]
        return matches[-1] if matches else None

    def finding(
        self,
        fid: str,
        severity: Severity,
        title: str,
        user: str,
        engineer: str,
        evidence: list[Evidence],
        **values: object,
    ) -> Finding:
        return Finding(
            id=fid,
            severity=severity,
            title=title,
            user_text=user,
            engineer_text=engineer,
            wizard=WIZARD,
            target=self.obs.target,
            evidence=tuple(evidence),
            values=values,
        )

    def findings(self) -> list[Finding]:
        if self.default is None:
            return []
        out: list[Finding] = []
        intercepted = self.intercepted()
        if intercepted:
            out.append(intercepted)
        out += self.outcome()
        lost = any(f.id == "path.large_packet_loss" for f in out)
        dscp = self.dscp(lost)
        if dscp:
            out.append(dscp)
        return out

    # -- handshake timing -----------------------------------------------------------------

    def intercepted(self) -> Finding | None:
        assert self.default is not None
        path = self.obs.path_rtt
        flow = self.flow_of(self.default)
        hs = (
            flow.handshake_rtt
            if flow and flow.handshake_rtt is not None
            else self.default.connect.handshake_rtt
        )
        if path is None or path.rtt is None or hs is None:
            return None
        if path.rtt < MIN_PATH_RTT or hs >= path.rtt * INTERCEPT_RATIO or path.rtt - hs < MIN_GAP:
            return None
        evidence = [
            Evidence(
                text=f"TCP handshake {_ms(hs)} against a path RTT of {_ms(path.rtt)} ({path.method})",
                packets=tuple(p.number for p in (flow.syn, flow.syn_ack) if p) if flow else (),
                timings={"handshake_rtt": hs, "path_rtt": path.rtt},
                addresses=(self.default.connect.address,),
            )
        ]
        if flow and flow.syn_ack is not None:
            evidence.append(self._hop_distance(flow.syn_ack))
        return self.finding(
            "path.tcp_intercepted",
            Severity.PROBLEM,
            f"A device near you answers for {self.obs.target}",
            (
                f"Your connection to {self.obs.target} is answered by a device close to you, "
                "not by the real server: the answer came back faster than any packet can travel "
                "to that server and back. Tell the helpdesk; the network team must find that device."
            ),
            (
                f"SYN-ACK after {_ms(hs)}, but the path RTT to {self.default.connect.address} is "
                f"{_ms(path.rtt)} ({path.method}, min of {len(path.samples)}). A TCP-terminating "
                "middlebox (WCCP redirect, WAN optimiser, transparent proxy) completes the "
                "handshake on the server's behalf. Check policy-based routing/WCCP on the path."
            ),
            evidence,
            handshake_rtt_ms=round(hs * 1000, 3),
            path_rtt_ms=round(path.rtt * 1000, 3),
            path_method=path.method,
        )

    def _hop_distance(self, syn_ack: PacketRecord) -> Evidence:
        """The SYN-ACK's TTL against the server's own echo replies: a nearer device shows."""
        echo = self.echo_replies[0] if self.echo_replies else None
        if echo is None or echo.ttl == syn_ack.ttl:
            return Evidence(
                text=f"SYN-ACK arrived with TTL {syn_ack.ttl}",
                packets=(syn_ack.number,),
                data={"ttl": syn_ack.ttl},
            )
        return Evidence(
            text=(
                f"SYN-ACK arrived with TTL {syn_ack.ttl}, the server's echo replies with TTL "
                f"{echo.ttl}: they come from different distances"
            ),
            packets=(syn_ack.number, echo.number),
            data={"ttl": syn_ack.ttl, "echo_reply_ttl": echo.ttl},
        )

    # -- how the default attempt ended ------------------------------------------------------

    def outcome(self) -> list[Finding]:
        d = self.default
        assert d is not None
        if d.proxy is not None and d.outcome in ("connect_failed", "tunnel_failed"):
            return []  # the route's proxy failed: the proxy-path wizard says how and why
        if d.outcome == "connect_failed":
            return [self.direct_blocked(d)]
        parsed = parse_tls(d.received_bytes)
        if d.outcome == "not_tls" or parsed.non_tls_offset is not None:
            return [self.plaintext(d, parsed.non_tls_offset or 0)]
        if d.outcome == "reset":
            return [self.reset(d)]
        alerts = [m for m in parsed.messages if m.name == "alert" and m.alert_level == 2]
        if alerts and d.outcome != "ok":
            return [self.alert(d, alerts[0].alert_description, alerts[0].offset)]
        if d.outcome in ("timeout", "eof", "tls_error") and not any(
            m.name == "server-hello" for m in parsed.messages
        ):
            small = self.obs.attempt("small-mss")
            if small is not None and small.outcome == "ok":
                return [self.large_packet_loss(d, small)]
            return [self.no_server_hello(d, small)]
        if d.outcome == "cert_error":
            return [self.cert_invalid(d)]
        if d.outcome == "ok":
            public = self.obs.attempt("public-trust")
            if public is not None and public.outcome == "cert_error":
                if d.proxy is not None:
                    return [self.inspected_by_proxy(d, public)]
                return [self.cert_intercepted(d, public)]
        return []

    def direct_blocked(self, d: TlsObservation) -> Finding:
        flow = self.flow_of(d)
        return self.finding(
            "path.direct_blocked",
            Severity.PROBLEM,
            f"{self.obs.target} cannot be reached",
            f"This computer cannot open a connection to {self.obs.target} ({d.connect.error}).",
            f"connect() to {d.connect.address}:{d.connect.port} failed: {d.connect.error} after "
            f"{_ms(d.ended_at - d.connect.started_at)}.",
            [
                Evidence(
                    text=f"connect error: {d.connect.error}",
                    packets=tuple(p.number for p in flow.packets[:5]) if flow else (),
                    addresses=(d.connect.address,),
                )
            ],
            error=d.connect.error,
        )

    def plaintext(self, d: TlsObservation, offset: int) -> Finding:
        data = d.received_bytes[offset:]
        text = data[:2048].decode("utf-8", "replace")
        flow = self.flow_of(d)
        packet = _packet_at(flow, offset + d.tunnel_bytes)
        chunk_at = _time_of_byte(d, offset)
        after = (chunk_at - d.client_hello_at) if chunk_at and d.client_hello_at else None
        first_line = text.split("\r\n", 1)[0].split("\n", 1)[0][:120]
        evidence = [
            Evidence(
                text=f"{len(data)} non-TLS bytes at offset {offset} of the server's stream: {first_line!r}",
                packets=(packet.number,) if packet else (),
                timings={"after_client_hello": after} if after is not None else {},
                addresses=(packet.src,) if packet else (d.connect.address,),
                data={"text": text},
            )
        ]
        if packet is not None and flow is not None and flow.syn_ack is not None:
            evidence.append(
                Evidence(
                    text=f"carried with TTL {packet.ttl}; the SYN-ACK had TTL {flow.syn_ack.ttl}",
                    packets=(packet.number, flow.syn_ack.number),
                    data={"ttl": packet.ttl, "syn_ack_ttl": flow.syn_ack.ttl},
                )
            )
        when = f" {_ms(after)} after the ClientHello" if after is not None else ""
        return self.finding(
            "tls.plaintext_injected",
            Severity.PROBLEM,
            f"Plain text was injected into the secure connection to {self.obs.target}",
            (
                f"When this computer started a secure connection to {self.obs.target}, something "
                "in between answered with an unencrypted web page instead. That is why the page "
                "cannot be displayed. The helpdesk needs this report."
            ),
            (
                f"Non-TLS bytes arrived on the TLS connection{when}, starting {first_line!r}. "
                "A server speaking TLS never sends this: a cache, WAN optimiser or captive portal "
                "in the path injected it. Headers such as X-Bypass-Cache or Via name the device."
            ),
            evidence,
            text=text,
            first_line=first_line,
            seconds_after_client_hello=round(after, 3) if after is not None else None,
        )

    def reset(self, d: TlsObservation) -> Finding:
        flow = self.flow_of(d)
        rst = next((p for p in flow.rsts if p.src == flow.server), None) if flow else None
        hello = _client_hello_packet(flow, d.tunnel_request_bytes)
        if rst is not None and hello is not None:
            seconds, source = rst.time - hello.time, "capture"
        elif d.reset_at is not None and d.client_hello_at is not None:
            seconds, source = d.reset_at - d.client_hello_at, "socket"
        else:
            seconds, source = d.ended_at - d.connect.started_at, "socket"
        evidence = [
            Evidence(
                text=f"RST {seconds:.2f} s after the ClientHello ({source} timing)",
                packets=tuple(p.number for p in (hello, rst) if p),
                timings={"seconds": seconds},
                addresses=(rst.src,) if rst else (d.connect.address,),
            )
        ]
        values: dict[str, object] = {"seconds": round(seconds, 3), "timing": source}
        who = ""
        if rst is not None and flow is not None:
            server_ttls = sorted(
                {
                    p.ttl
                    for p in flow.packets
                    if p.src == flow.server and p is not rst and not p.has(4)
                }
            )
            values.update(reset_by=rst.src, ttl=rst.ttl, server_ttls=server_ttls)
            same = not server_ttls or rst.ttl in server_ttls
            who = f" The RST came from {rst.src} with TTL {rst.ttl}" + (
                ", the same hop distance as the server's other packets."
                if same
                else f", unlike the server's other packets (TTL {server_ttls}): "
                "another device sent it in the server's name."
            )
            evidence.append(
                Evidence(
                    text=f"RST from {rst.src} TTL {rst.ttl}; server's other packets TTL {server_ttls}",
                    packets=(rst.number,),
                    addresses=(rst.src,),
                    data={"ttl": rst.ttl},
                )
            )
        small = self.obs.attempt("small-mss")
        if small is not None:
            evidence.append(
                Evidence(
                    text=f"retry with MSS 536: {small.outcome}", addresses=(d.connect.address,)
                )
            )
        return self.finding(
            "tls.reset_after_client_hello",
            Severity.PROBLEM,
            f"The secure connection to {self.obs.target} is reset after {spoken_duration(seconds)}",
            (
                f"The server {self.obs.target} accepts the connection but cuts it "
                f"{spoken_duration(seconds)} after this computer starts the secure greeting. "
                "Browsers show this as "
                "'connection reset'. The server's team (or its load balancer's) must look at it."
            ),
            (
                f"TCP to {d.connect.address}:{d.connect.port} established, ClientHello (SNI "
                f"{d.sni}) sent, RST {seconds:.2f} s later, no ServerHello.{who} Typical of a load "
                "balancer or firewall TLS profile rejecting the ClientHello (SNI, ciphers, "
                "client-certificate requirement); openssl shows errno=104, curl error 35."
            ),
            evidence,
            **values,
        )

    def alert(self, d: TlsObservation, description: str | None, offset: int) -> Finding:
        flow = self.flow_of(d)
        packet = _packet_at(flow, offset + d.tunnel_bytes)
        name = description or "unknown"
        ev = [
            Evidence(
                text=f"fatal alert {name} received",
                packets=(packet.number,) if packet else (),
                addresses=(packet.src,) if packet else (d.connect.address,),
                data={"alert": name, "ttl": packet.ttl if packet else None},
            )
        ]
        return self.finding(
            "tls.fatal_alert",
            Severity.PROBLEM,
            f"The secure connection to {self.obs.target} was refused ({name})",
            f"The secure connection to {self.obs.target} was refused with the error '{name}'.",
            f"TLS fatal alert {name} during the handshake with {d.connect.address} (SNI {d.sni}). "
            "Compare its TTL with the server's packets to know whether the server sent it.",
            ev,
            alert=name,
        )

    def no_server_hello(self, d: TlsObservation, small: TlsObservation | None) -> Finding:
        flow = self.flow_of(d)
        waited = d.ended_at - (d.client_hello_at or d.connect.started_at)
        how = (
            "the connection was closed without an answer"
            if d.outcome == "eof"
            else (f"nothing came back in {waited:.1f} s")
        )
        ev = [
            Evidence(
                text=f"ClientHello sent; {how}",
                timings={"waited": waited},
                packets=_hello_and_ack(flow, d.tunnel_request_bytes),
                addresses=(d.connect.address,),
            )
        ]
        if small is not None:
            ev.append(Evidence(text=f"retry with MSS 536: {small.outcome}"))
        return self.finding(
            "tls.no_server_hello",
            Severity.PROBLEM,
            f"{self.obs.target} never answered the secure greeting",
            f"This computer reached {self.obs.target}, but the secure greeting got no answer.",
            f"ClientHello (SNI {d.sni}) to {d.connect.address}:{d.connect.port}: {how}; "
            f"the small-MSS retry {'also failed' if small else 'was not made'}.",
            ev,
            waited=round(waited, 3),
            outcome=d.outcome,
        )

    def large_packet_loss(self, d: TlsObservation, small: TlsObservation) -> Finding:
        flow = self.flow_of(d)
        small_flow = self.flow_of(small)
        waited = d.ended_at - (d.client_hello_at or d.connect.started_at)
        evidence = [
            Evidence(
                text=f"default handshake: ClientHello sent, no ServerHello in {waited:.1f} s",
                packets=_hello_and_ack(flow, d.tunnel_request_bytes),
                timings={"waited": waited},
                addresses=(d.connect.address,),
            )
        ]
        values: dict[str, object] = {
            "small_mss_ok": True,
            "small_mss": 536,
            "waited": round(waited, 3),
        }
        if flow is not None:
            stream = flow.server_stream
            after_gaps = [
                q.number for q in (_packet_after(stream, end) for _, end in stream.gaps) if q
            ]
            lost = list(dict.fromkeys((*after_gaps, *stream.out_of_order, *stream.retransmissions)))
            if stream.gaps:
                missing = sum(end - start for start, end in stream.gaps)
                values["missing_bytes"] = missing
                evidence.append(
                    Evidence(
                        text=f"{missing} bytes of the server's answer never arrived, although later "
                        f"segments did (bytes {_gaps_text(stream.gaps)})",
                        packets=tuple(lost[:10]),
                        data={"gaps": [list(g) for g in stream.gaps]},
                    )
                )
            elif lost:
                evidence.append(
                    Evidence(
                        text="server segments retransmitted or out of order",
                        packets=tuple(lost[:10]),
                    )
                )
            if flow.server_mss:
                values["server_mss"] = flow.server_mss
            dup = flow.client_dup_acks
            if dup:
                evidence.append(
                    Evidence(
                        text=f"{len(dup)} duplicate ACK{'s' if len(dup) != 1 else ''} (SACK: "
                        "the data after the hole arrived, the hole did not)",
                        packets=tuple(dup[:10]),
                    )
                )
            values["largest_segment_received"] = stream.max_payload
        small_ms = (small.handshake_done_at or small.ended_at) - small.connect.started_at
        evidence.append(
            Evidence(
                text=f"the same handshake with MSS 536 completed in {_ms(small_ms)}"
                + (
                    f"; largest segment received {small_flow.server_stream.max_payload} bytes"
                    if small_flow
                    else ""
                ),
                packets=_server_hello_packet(small_flow, small.tunnel_bytes),
                timings={"small_mss_handshake": small_ms},
            )
        )
        return self.finding(
            "path.large_packet_loss",
            Severity.PROBLEM,
            f"Large packets from {self.obs.target} are lost on the way to you",
            (
                f"Large packets from {self.obs.target} are lost on the way to you; small ones "
                "pass. The same connection works when it asks for small packets. This is a "
                "network problem between you and that server (often a QoS or MTU setting on "
                "the WAN), not a problem of this computer."
            ),
            (
                f"Default handshake to {d.connect.address}:{d.connect.port} stalled after the "
                f"ClientHello (no ServerHello in {waited:.1f} s) while a retry with TCP_MAXSEG "
                "536 completed. Segments above a size are dropped on the path: check QoS "
                "policers (DSCP), MTU/PMTUD (ICMP frag-needed) and firewalls towards the client."
            ),
            evidence,
            **values,
        )

    def cert_invalid(self, d: TlsObservation) -> Finding:
        inspect = self.obs.attempt("inspect")
        der = d.peer_certificate or (inspect.peer_certificate if inspect else None)
        cert = describe_certificate(der) if der else None
        issuer = cert.issuer if cert else "unknown"
        return self.finding(
            "tls.certificate_invalid",
            Severity.PROBLEM,
            f"The certificate of {self.obs.target} is not trusted here",
            f"{self.obs.target} presents a certificate this computer does not trust.",
            f"Verification failed: {d.verify_error or d.error}. Subject {cert.subject if cert else '?'}, "
            f"issuer {issuer}.",
            [
                Evidence(
                    text=f"verify error: {d.verify_error or d.error}; issuer {issuer}",
                    data={"issuer": issuer},
                )
            ],
            verify_error=d.verify_error or d.error,
            issuer=issuer,
        )

    def cert_intercepted(self, d: TlsObservation, public: TlsObservation) -> Finding:
        cert = describe_certificate(d.peer_certificate) if d.peer_certificate else None
        issuer = cert.issuer if cert else "unknown"
        return self.finding(
            "tls.certificate_intercepted",
            Severity.WARNING,
            f"Secure connections to {self.obs.target} are inspected ({issuer})",
            (
                f"Your secure connection to {self.obs.target} is opened and re-signed by "
                f"“{issuer}”, which this computer trusts but the public Internet does not. "
                "Usually that is your organisation's security proxy or antivirus."
            ),
            (
                f"Chain verifies against the OS store but not against the public bundle "
                f"({public.verify_error or public.error}). Leaf subject "
                f"{cert.subject if cert else '?'}, issuer {issuer}. Apps with their own trust "
                "store (Java, Electron, chat clients) will reject it."
            ),
            [
                Evidence(
                    text=f"OS store: ok; public bundle: {public.verify_error or public.error}",
                    data={"issuer": issuer},
                )
            ],
            issuer=issuer,
        )

    def inspected_by_proxy(self, d: TlsObservation, public: TlsObservation) -> Finding:
        """The route's proxy re-signs TLS: browsers (OS trust) work, certifi-based apps fail."""
        cert = describe_certificate(d.peer_certificate) if d.peer_certificate else None
        seen = cert.issuer if cert else "unknown"
        direct = self.obs.attempt("direct-inspect")
        real_cert = (
            describe_certificate(direct.peer_certificate)
            if direct is not None and direct.peer_certificate
            else None
        )
        real = real_cert.issuer if real_cert else None
        real_text = (
            f"the real server's certificate, read directly, is issued by “{real}”"
            if real
            else "the real server's certificate could not be read directly"
            + (f" ({direct.outcome}: {direct.error})" if direct is not None else "")
        )
        proxy = d.proxy
        return self.finding(
            "tls.inspected_by_proxy",
            Severity.WARNING,
            f"The proxy {proxy} inspects secure connections to {self.obs.target}",
            (
                f"Your applications reach {self.obs.target} through the proxy {proxy}, which "
                f"opens the secure connection and re-signs it as “{seen}”. This computer trusts "
                "that signer, so browsers work; programs that carry their own list of trusted "
                "authorities do not: Python programs (requests, pip: certifi), Java, Node.js and "
                "many Electron or vendor clients will reject the connection with a certificate "
                "error. The helpdesk can exempt the site from inspection or add the "
                "organisation's certificate to those programs."
            ),
            (
                f"CONNECT {self.obs.target} via {proxy} ({d.tunnel_status}); the leaf presented "
                f"through the tunnel (subject {cert.subject if cert else '?'}) is issued by "
                f"“{seen}”; it verifies against the OS trust store (truststore) but not against "
                f"the public bundle (certifi): {public.verify_error or public.error}. By "
                f"comparison, {real_text}. An SSL-inspecting (ssl-bump) proxy; applications "
                "using certifi, a JRE cacerts or Node's bundled CAs fail unless the inspection "
                "CA is added or the destination is spliced (not bumped)."
            ),
            [
                Evidence(
                    text=(
                        f"through {proxy}: issuer “{seen}”; OS store: ok; public bundle: "
                        f"{public.verify_error or public.error}"
                    ),
                    packets=_server_hello_packet(self.flow_of(d), d.tunnel_bytes),
                    addresses=(d.connect.address,),
                    data={"issuer": seen},
                ),
                Evidence(
                    text=f"direct: {real_text}",
                    packets=_server_hello_packet(self.flow_of(direct)),
                    addresses=(direct.connect.address,) if direct is not None else (),
                    data={"issuer": real} if real else {},
                ),
            ],
            proxy=proxy,
            issuer=seen,
            real_issuer=real,
            failing_apps=["Python (certifi)", "Java", "Node.js", "Electron clients"],
        )

    # -- DSCP -----------------------------------------------------------------------------

    def dscp(self, lost: bool) -> Finding | None:
        address = self.obs.address
        marked = [
            p
            for f in self.flows
            if f.server == address
            for p in f.packets
            if p.src == address and p.dscp
        ]
        if not marked:
            return None
        counts: dict[int, int] = {}
        for p in marked:
            counts[p.dscp] = counts.get(p.dscp, 0) + 1
        value = max(counts, key=lambda k: counts[k])
        name = dscp_name(value)
        total = sum(
            1 for f in self.flows if f.server == address for p in f.packets if p.src == address
        )
        severity = Severity.PROBLEM if lost else Severity.WARNING
        because = (
            " The lost packets are the large ones of this marked server: WAN QoS policers drop "
            "traffic above the rate or size allowed for this class."
            if lost
            else ""
        )
        return self.finding(
            "path.dscp_marked",
            severity,
            f"{self.obs.target} marks its packets {name} (DSCP {value})",
            (
                f"The server {self.obs.target} labels its packets as {name}"
                + (" (voice priority)" if value == 46 else "")
                + ". Networks treat such packets specially and may drop large ones."
                + (" That matches the lost packets found for this server." if lost else "")
            ),
            (
                f"{len(marked)} of {total} packets from {address} carry DSCP {value} ({name})."
                + because
                + " Re-mark at the WAN edge or ask the server owner to stop marking."
            ),
            [
                Evidence(
                    text=f"{len(marked)} packets from {address} with DSCP {value} ({name})",
                    packets=tuple(p.number for p in marked[:10]),
                    addresses=(address,) if address else (),
                    data={"dscp": value, "counts": {str(k): v for k, v in counts.items()}},
                )
            ],
            dscp=value,
            name=name,
            marked_packets=len(marked),
            lost=lost,
        )


def _packet_at(flow: TcpFlow | None, offset: int) -> PacketRecord | None:
    if flow is None:
        return None
    try:
        return flow.server_stream.packet_at(offset)
    except (IndexError, KeyError, ValueError):
        return None


def _packet_after(stream: Stream, offset: int) -> PacketRecord | None:
    """The segment that arrived just after a hole: proof that later bytes got through."""
    try:
        return stream.packet_at(offset)
    except (IndexError, KeyError, ValueError):
        return None


def _time_of_byte(d: TlsObservation, offset: int) -> float | None:
    seen = 0
    for chunk in d.received:
        if seen + len(chunk.data) > offset:
            return chunk.at
        seen += len(chunk.data)
    return None


def _client_hello_packet(flow: TcpFlow | None, offset: int = 0) -> PacketRecord | None:
    """The packet carrying the ClientHello: the first client bytes, or the first after the
    ``offset`` bytes of a CONNECT request when the handshake went through a tunnel."""
    if flow is None or len(flow.client_stream.data) <= offset:
        return None
    try:
        return flow.client_stream.packet_at(offset)
    except (IndexError, KeyError, ValueError):
        return None


def _hello_and_ack(flow: TcpFlow | None, offset: int = 0) -> tuple[int, ...]:
    """The ClientHello and the server's ACK of it: proof that small packets do get through."""
    hello = _client_hello_packet(flow, offset)
    if flow is None or hello is None:
        return ()
    end = hello.seq + hello.payload_len
    ack = next(
        (
            p
            for p in flow.packets
            if p.src == flow.server and p.has(16) and p.ack == end and p.time >= hello.time
        ),
        None,
    )
    return tuple(p.number for p in (hello, ack) if p)


def _server_hello_packet(flow: TcpFlow | None, offset: int = 0) -> tuple[int, ...]:
    """The packet carrying the server's first TLS bytes (after a proxy's CONNECT answer)."""
    if flow is None or len(flow.server_stream.data) <= offset:
        return ()
    try:
        return (flow.server_stream.packet_at(offset).number,)
    except (IndexError, KeyError, ValueError):
        return ()


def _gaps_text(gaps: Sequence[tuple[int, int]]) -> str:
    """``0–4096, 8192–12288`` (the first four holes, then how many more)."""
    shown = ", ".join(f"{start}–{end}" for start, end in gaps[:4])
    return shown + (f" and {len(gaps) - 4} more" if len(gaps) > 4 else "")
