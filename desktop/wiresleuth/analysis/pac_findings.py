"""Conclusions of the PAC wizard: configuration, PAC host DNS, the fetch, the script.

Pure: observations and (when captured) packets in, findings out. Who answered a connection
is told by timing (handshake against the path RTT measured by ICMP) and, with packets, by
TTL (the SYN-ACK's against the server's own echo replies).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from wiresleuth.analysis.answer_on_wire import LateRead
from wiresleuth.analysis.flows import TcpFlow
from wiresleuth.analysis.handshake_timing import faster_than_path
from wiresleuth.analysis.http_response import parse_head
from wiresleuth.analysis.name_lookups import LookupFailed, resolution_failed
from wiresleuth.analysis.pac_classify import (
    BROWSER_PAC_MAX_BYTES,
    BROWSER_PAC_WAIT,
    LONG_TTL,
    SLOW_FETCH,
    FetchClass,
    classify_fetch,
    parse_pac_result,
)
from wiresleuth.analysis.passive_dns import Rewriting, nxdomain_rewritten
from wiresleuth.analysis.stopped_waits import NO_STOPS, Stops
from wiresleuth.model.finding import Evidence, Finding, Severity, conclude
from wiresleuth.model.pac_observations import (
    HttpExchangeObservation,
    ListenerObservation,
    PacWizardObservations,
)
from wiresleuth.model.packet import ICMP, ICMPV6, UDP, PacketRecord

if TYPE_CHECKING:
    from wiresleuth.model.proxy_config import ProxyConfiguration

WIZARD = "pac"


def _ms(seconds: float | None) -> str:
    return "?" if seconds is None else f"{seconds * 1000:.1f} ms"


def _decisions_text(obs: PacWizardObservations) -> list[Evidence]:
    if obs.evaluation is None:
        return []
    return [
        Evidence(
            text=f"FindProxyForURL({d.url!r}) = {d.result!r}"
            if d.result is not None
            else f"FindProxyForURL({d.url!r}) failed: {d.error}",
            data={"url": d.url, "result": d.result},
        )
        for d in obs.evaluation.decisions
    ]


def _dns_packets(packets: Sequence[PacketRecord], name: str) -> tuple[int, ...]:
    """Frame numbers of captured DNS answers (UDP from port 53) for ``name``."""
    import dns.exception
    import dns.message

    wanted = name.rstrip(".").lower()
    numbers = []
    for packet in packets:
        if packet.proto != UDP or packet.sport != 53 or not packet.payload:
            continue
        try:
            message = dns.message.from_wire(packet.payload)
        except (dns.exception.DNSException, ValueError):
            continue
        if any(str(q.name).rstrip(".").lower() == wanted for q in message.question):
            numbers.append(packet.number)
    return tuple(numbers)


def _handshake_packets(flow: TcpFlow | None) -> tuple[int, ...]:
    if flow is None:
        return ()
    return tuple(p.number for p in (flow.syn, flow.syn_ack) if p is not None)


class _PacAnalysis:
    def __init__(
        self,
        obs: PacWizardObservations,
        flows: Sequence[TcpFlow],
        packets: Sequence[PacketRecord],
        stops: Stops = NO_STOPS,
    ) -> None:
        self.obs = obs
        self.stops = stops
        self.flows = flows
        self.packets = packets
        self.target = pac_target(obs)

    def finding(
        self,
        fid: str,
        severity: Severity,
        title: str,
        user: str,
        engineer: str,
        evidence: Sequence[Evidence],
        *,
        target: str | None = None,
        **values: Any,
    ) -> Finding:
        return conclude(
            WIZARD, fid, severity, title, user, engineer, evidence,
            target=target or self.target, **values,
        )  # fmt: skip

    # -- capture helpers ----------------------------------------------------------------

    def flow_of(self, fetch: HttpExchangeObservation) -> TcpFlow | None:
        candidates = [
            f
            for f in self.flows
            if f.server == fetch.address and f.server_port == fetch.connect.port
        ]
        if fetch.connect.local_port is not None:
            candidates = [f for f in candidates if f.client_port == fetch.connect.local_port]
        if not candidates:
            return None
        return min(candidates, key=lambda f: abs(f.start - fetch.connect.started_at))

    def echo_reply(self, address: str) -> PacketRecord | None:
        return next(
            (
                p
                for p in self.packets
                if p.src == address and p.proto in (ICMP, ICMPV6) and p.icmp_type in (0, 129)
            ),
            None,
        )

    def connect_evidence(self, fetch: HttpExchangeObservation, cls: FetchClass) -> Evidence:
        flow = self.flow_of(fetch)
        numbers: list[int] = []
        if flow is not None:
            numbers += [p.number for p in (flow.syn, flow.syn_ack) if p is not None]
            numbers += [p.number for p in flow.rsts[:1]]
        c = fetch.connect
        if cls.kind == "refused":
            text = f"connection to {c.address}:{c.port} refused after {_ms(cls.seconds)}"
        elif cls.kind == "timeout":
            text = f"no answer to the SYNs to {c.address}:{c.port} within {cls.seconds:.1f} s"
        else:
            text = f"TCP handshake with {c.address}:{c.port} completed in {_ms(cls.handshake)}"
        return Evidence(
            text=text,
            packets=tuple(numbers),
            timings={"connect_started": c.started_at, "seconds": cls.seconds},
            addresses=(c.address,),
        )

    def who_answered(
        self, fetch: HttpExchangeObservation, cls: FetchClass
    ) -> tuple[list[Evidence], dict[str, Any]]:
        """Timing and TTL evidence of who completed the handshake."""
        evidence: list[Evidence] = []
        values: dict[str, Any] = {"handshake_ms": None, "path_rtt_ms": None}
        path = self.obs.path_rtt
        hs = cls.handshake
        flow = self.flow_of(fetch)
        if flow is not None and flow.handshake_rtt is not None:
            hs = flow.handshake_rtt
        answered_by = "unknown"
        if hs is not None:
            values["handshake_ms"] = round(hs * 1000, 3)
        if path is not None and path.rtt is not None and hs is not None:
            values["path_rtt_ms"] = round(path.rtt * 1000, 3)
            near = faster_than_path(hs, path.rtt)
            answered_by = "a device nearer than the server" if near else "the server's address"
            evidence.append(
                Evidence(
                    text=(
                        f"handshake {_ms(hs)} against a path RTT of {_ms(path.rtt)} "
                        f"({path.method}): answered by {answered_by}"
                    ),
                    packets=_handshake_packets(flow),
                    timings={"handshake_rtt": hs, "path_rtt": path.rtt},
                    addresses=(fetch.address,),
                )
            )
        elif path is not None:
            evidence.append(
                Evidence(text=f"path RTT to {fetch.address} unknown: {path.error or path.method}")
            )
        if flow is not None and flow.syn_ack is not None:
            echo = self.echo_reply(fetch.address)
            values["syn_ack_ttl"] = flow.syn_ack.ttl
            if echo is not None:
                values["echo_ttl"] = echo.ttl
                same = echo.ttl == flow.syn_ack.ttl
                if not same:
                    answered_by = "a device nearer than the server"
                evidence.append(
                    Evidence(
                        text=(
                            f"SYN-ACK TTL {flow.syn_ack.ttl}, the address's echo replies TTL "
                            f"{echo.ttl}: "
                            + ("same distance" if same else "they come from different distances")
                        ),
                        packets=(flow.syn_ack.number, echo.number),
                        data={"syn_ack_ttl": flow.syn_ack.ttl, "echo_ttl": echo.ttl},
                    )
                )
            else:
                evidence.append(
                    Evidence(
                        text=f"SYN-ACK arrived with TTL {flow.syn_ack.ttl}",
                        packets=(flow.syn_ack.number,),
                        data={"syn_ack_ttl": flow.syn_ack.ttl},
                    )
                )
        values["answered_by"] = answered_by
        return evidence, values

    def answer_evidence(self, fetch: HttpExchangeObservation, cls: FetchClass) -> Evidence:
        flow = self.flow_of(fetch)
        first = None
        if flow is not None:
            first = next((p for p in flow.server_stream.packets if p.payload_len > 0), None)
        head = cls.head
        delay = (
            fetch.first_byte_at - fetch.request_sent_at
            if fetch.first_byte_at is not None and fetch.request_sent_at is not None
            else None
        )
        if head is not None:
            text = f"answer {head.status_line!r}, Server: {head.header('server') or '(none)'}"
        else:
            shown = fetch.data[:60].decode("latin-1")
            text = (
                f"{len(fetch.data)} bytes that are not HTTP: {shown!r}"
                if fetch.data
                else (f"no bytes back ({fetch.outcome})")
            )
        if delay is not None:
            text += f", {_ms(delay)} after the request"
        if first is not None:
            text += f" (TTL {first.ttl})"
        return Evidence(
            text=text,
            packets=(first.number,) if first is not None else (),
            timings={"answer_delay": delay} if delay is not None else {},
            data={"status_line": head.status_line if head else None},
        )

    # -- findings -----------------------------------------------------------------------

    def findings(self) -> list[Finding]:
        obs = self.obs
        if obs.pac_url is None:
            return [self.not_configured()]
        out: list[Finding] = []
        out += self.dns_findings()
        if obs.fetch is not None:
            out += self.fetch_findings(obs.fetch)
        elif obs.file_error is not None:
            out.append(self.invalid_script(f"the PAC file cannot be read: {obs.file_error}"))
        out += self.script_findings()
        return out

    def not_configured(self) -> Finding:
        obs = self.obs
        config = obs.configuration
        evidence = []
        if config is not None:
            for source in config.sources:
                state = (
                    f"unreadable ({source.error})"
                    if not source.available
                    else source.mode
                    + (f" {source.pac_url}" if source.pac_url else "")
                    + (f" {dict(source.proxies)}" if source.proxies else "")
                )
                evidence.append(Evidence(text=f"{source.name} ({source.origin}): {state}"))
            evidence.append(Evidence(text=f"in force: {config.winner or 'none'}: {config.reason}"))
        elif obs.configuration_error:
            evidence.append(Evidence(text=f"configuration unreadable: {obs.configuration_error}"))
        for candidate in obs.wpad:
            evidence.append(Evidence(text=f"WPAD {candidate.url}: {candidate.outcome}"))
        mode = config.mode if config else "unknown"
        extra = ""
        if config is not None and config.mode == "manual" and config.winning is not None:
            extra = f" A fixed proxy is set instead: {dict(config.winning.proxies)}."
        elif obs.wpad:
            extra = f" Automatic detection is on, but none of {len(obs.wpad)} WPAD addresses served a PAC."
        return self.finding(
            "pac.not_configured",
            Severity.INFO,
            "No proxy auto-configuration (PAC) is in use",
            "Neither your helpdesk's profile nor this computer names a proxy auto-configuration "
            "file, so there was no PAC to check." + extra,
            f"Profile pac_url unset; system proxy mode: {mode} "
            f"(source: {_source_words(config)})." + extra,
            evidence,
            target=None,
            mode=mode,
            winner=config.winner if config else None,
            wpad_candidates=len(obs.wpad),
        )

    def dns_findings(self) -> list[Finding]:
        obs = self.obs
        out: list[Finding] = []
        dns = obs.dns
        if dns is not None and dns.ttl is not None and dns.ttl > LONG_TTL and dns.addresses:
            out.append(
                self.finding(
                    "dns.long_ttl",
                    Severity.INFO,
                    f"The PAC server's address is cached for {dns.ttl // 60} minutes",
                    f"{dns.name} resolves to {', '.join(dns.addresses)}, and computers keep that "
                    f"answer for {dns.ttl} s. After moving between networks (VPN on or off) the "
                    "old address stays in use until it expires.",
                    f"TTL {dns.ttl} s (> {LONG_TTL} s) for {dns.name} from {dns.server}. In C4 a "
                    "30-minute TTL kept the off-network address after VPN connected; 5 minutes "
                    "or less is advisable for a PAC name that differs inside and outside.",
                    [
                        Evidence(
                            text=f"{dns.name} {dns.qtype} {', '.join(dns.addresses)} TTL {dns.ttl}",
                            packets=_dns_packets(self.packets, dns.name),
                            addresses=dns.addresses,
                            data={"ttl": dns.ttl, "server": dns.server},
                        )
                    ],
                    target=dns.name,
                    ttl=dns.ttl,
                    host=dns.name,
                    address=dns.addresses[0],
                )
            )
        rewritten = [t for t in obs.rewrite_tests if t.rcode == "NOERROR" and t.addresses]
        if rewritten:
            out.append(self.rewritten(rewritten))
        return out

    def rewritten(self, rewritten: Sequence[Any]) -> Finding:
        obs = self.obs
        addresses = tuple(dict.fromkeys(a for t in rewritten for a in t.addresses))
        evidence = [
            Evidence(
                text=f"{t.name} (a random name) answered {', '.join(t.addresses)} "
                f"TTL {t.ttl} by {t.server}",
                packets=_dns_packets(self.packets, t.name),
                addresses=t.addresses,
                data={"name": t.name, "ttl": t.ttl},
            )
            for t in rewritten
        ]
        server_header = None
        for exchange in obs.rewrite_http:
            head = parse_head(exchange.data)
            if head is not None:
                server_header = server_header or head.header("server")
                evidence.append(
                    Evidence(
                        text=f"GET / at {exchange.address}: {head.status_line!r}, "
                        f"Server: {head.header('server') or '(none)'}",
                        addresses=(exchange.address,),
                    )
                )
            else:
                evidence.append(Evidence(text=f"GET / at {exchange.address}: {exchange.outcome}"))
        pac_is_fake = bool(obs.address and obs.address in addresses)
        servers = {t.server for t in rewritten if t.server}
        return nxdomain_rewritten(
            Rewriting(
                resolver=None,
                why=(
                    f"{len(rewritten)} of {len(obs.rewrite_tests)} random, certainly "
                    "non-existent names got NOERROR with an address instead of NXDOMAIN"
                    + (f" from {', '.join(sorted(servers))}" if servers else "")
                ),
                example=f"{rewritten[0].name} -> {', '.join(rewritten[0].addresses)}",
                names=tuple(t.name for t in rewritten),
                addresses=addresses,
                evidence=tuple(evidence),
                server_header=server_header,
                pac_host=obs.host if pac_is_fake else None,
                target=self.target,
            ),
            wizard=WIZARD,
        )

    def local_listener(self) -> ListenerObservation | None:
        obs = self.obs
        for listener in obs.local_listeners:
            if listener.port == obs.port:
                return listener
        return None

    def fetch_findings(self, fetch: HttpExchangeObservation) -> list[Finding]:
        obs = self.obs
        cls = classify_fetch(fetch)
        out: list[Finding] = []
        base = self.connect_evidence(fetch, cls)
        local = obs.address_kind in ("loopback", "this_machine")
        if cls.kind == "refused":
            out.append(self.refused(fetch, cls, base))
            return out
        stopped = stopped_fetch(obs, self.stops) is not None  # its silence proves nothing
        if cls.kind == "timeout":
            if not stopped:
                out.append(self.hangs(fetch, cls, base))
            return out
        who, who_values = self.who_answered(fetch, cls)
        answer = self.answer_evidence(fetch, cls)
        near = who_values.get("answered_by") == "a device nearer than the server"
        if obs.must_refuse:
            out.append(self.unexpected(fetch, cls, [base, *who, answer], who_values))
        if local and cls.kind != "served":  # a local agent serving a real PAC is fine
            out.append(self.points_local(fetch, cls, [base, answer]))
        http_answer = cls.kind in ("http_error", "served") and cls.head is not None
        forged = http_answer and not local and (obs.must_refuse or near)
        if forged:
            out.append(self.forged(fetch, cls, [base, *who, answer], who_values))
        if cls.kind == "hangs":
            if not stopped:
                out.append(self.hangs(fetch, cls, base))
        elif cls.kind in ("http_error", "no_http") and not local and not forged:
            out.append(self.http_error(fetch, cls, [base, answer]))
        elif cls.kind == "too_large":
            out.append(
                self.invalid_script(
                    f"the PAC is larger than {BROWSER_PAC_MAX_BYTES} bytes: browsers refuse it"
                )
            )
        elif cls.kind == "served" and cls.slow and not forged:
            out.append(self.slow(fetch, cls, [base, answer]))
        return out

    def refused(self, fetch: HttpExchangeObservation, cls: FetchClass, base: Evidence) -> Finding:
        expected = self.obs.must_refuse
        return self.finding(
            "pac.fetch_refused",
            Severity.INFO if expected else Severity.PROBLEM,
            "The PAC server refuses connections" + (" (as expected)" if expected else ""),
            (
                "The proxy configuration server refused the connection at once, which your "
                "helpdesk's profile expects here: browsers then give up on it immediately and "
                "connect directly."
                if expected
                else "The proxy configuration server refused the connection. Browsers give up on "
                "it at once and connect directly; where the network only lets traffic out "
                "through the proxy, web pages then fail. Tell the helpdesk."
            ),
            f"{fetch.url}: connection refused (RST) after {_ms(cls.seconds)}. "
            + (
                "Profile lists this endpoint under must_refuse: the fast fallback works."
                if expected
                else "Nothing listens on the PAC port, or a firewall rejects it."
            ),
            [base],
            expected=expected,
            seconds=round(cls.seconds, 4),
        )

    def hangs(self, fetch: HttpExchangeObservation, cls: FetchClass, base: Evidence) -> Finding:
        handshake = cls.kind != "timeout"
        what = (
            f"connected, sent the request, and got no complete answer in {fetch.waited:g} s"
            if handshake
            else f"sent SYNs and got no answer in {cls.seconds:.1f} s"
        )
        return self.finding(
            "pac.fetch_hangs",
            Severity.PROBLEM,
            "Loading the proxy configuration hangs",
            f"The proxy configuration server does not answer: browsers wait up to "
            f"{BROWSER_PAC_WAIT:g} s for it before loading pages directly, so every start and "
            "every network change means a long wait or pages that time out.",
            f"{fetch.url}: {what}. Chrome and Edge give up after {BROWSER_PAC_WAIT:g} s "
            "(Chromium PAC fetch limit); "
            + (
                "a handshake with no data means something accepts the connection but never "
                "answers (a proxy or optimiser in the path, or a hung server)."
                if handshake
                else "unanswered SYNs mean a firewall silently drops them; a refusal would be "
                "instant."
            ),
            [base],
            kind="no_data" if handshake else "connect_timeout",
            waited=round(fetch.waited if handshake else cls.seconds, 3),
            browser_wait=BROWSER_PAC_WAIT,
            received_bytes=len(fetch.data),
        )

    def unexpected(
        self,
        fetch: HttpExchangeObservation,
        cls: FetchClass,
        evidence: list[Evidence],
        who: dict[str, Any],
    ) -> Finding:
        got = {
            "hangs": "a completed handshake and then silence",
            "http_error": f"an HTTP {cls.status} answer",
            "served": "a served file",
            "no_http": "a completed handshake",
            "too_large": "a large answer",
        }.get(cls.kind, cls.kind)
        return self.finding(
            "pac.unexpected_answer",
            Severity.PROBLEM,
            "Something answers for the PAC server, which should refuse",
            "Your helpdesk set this proxy configuration address up to refuse every connection, "
            "so that off the company network browsers give up at once and go direct. Here "
            f"something answered instead ({got}), so browsers wait or behave differently. "
            "Something between you and the server (often a mobile carrier's 'optimiser') "
            "answers on its behalf.",
            f"{fetch.url}: expected connection refused (profile must_refuse), got {got}. "
            f"Handshake {who.get('handshake_ms')} ms vs path RTT {who.get('path_rtt_ms')} ms; "
            f"answered by {who.get('answered_by')}"
            + (
                f"; SYN-ACK TTL {who['syn_ack_ttl']} vs echo TTL {who.get('echo_ttl', '?')}"
                if "syn_ack_ttl" in who
                else ""
            )
            + ". Ask the access provider to stop terminating TCP for this address.",
            evidence,
            expected="refused",
            got=cls.kind,
            status=cls.status,
            server=cls.server,
            **who,
        )

    def forged(
        self,
        fetch: HttpExchangeObservation,
        cls: FetchClass,
        evidence: list[Evidence],
        who: dict[str, Any],
    ) -> Finding:
        assert cls.head is not None
        reason = (
            "the real server refuses every connection (profile must_refuse)"
            if self.obs.must_refuse
            else "the handshake was faster than the path to the server allows"
        )
        return self.finding(
            "path.forged_http_response",
            Severity.PROBLEM,
            f"A fake '{cls.head.status} {cls.head.reason}' answer came from the path, not the server",
            f"The answer '{cls.head.status_line}' did not come from the proxy configuration "
            "server: a device between you and it made it up. Browsers treat it as a failed "
            "download; how they then behave depends on that device, not on your company.",
            f"{fetch.url}: {cls.head.status_line!r} (Server: {cls.server or 'none'}) cannot be "
            f"the server's because {reason}. Answered by {who.get('answered_by')}.",
            evidence,
            status=cls.head.status,
            status_line=cls.head.status_line,
            server=cls.server,
            **who,
        )

    def points_local(
        self, fetch: HttpExchangeObservation, cls: FetchClass, evidence: list[Evidence]
    ) -> Finding:
        obs = self.obs
        listener = self.local_listener()
        owner = "an unknown program"
        if listener is not None and listener.process:
            owner = f"{listener.process} (pid {listener.pid})"
        elif listener is not None and listener.owner_error:
            owner = f"a program the OS does not name here ({listener.owner_error})"
        if listener is not None:
            evidence = [
                *evidence,
                Evidence(
                    text=f"listener {listener.address}:{listener.port} owned by {owner}"
                    + (f": {listener.exe}" if listener.exe else ""),
                    data={"pid": listener.pid, "cmdline": listener.cmdline},
                ),
            ]
        answer = (
            f"answers '{cls.head.status_line}' (Server: {cls.server or 'none'})"
            if cls.head is not None
            else f"accepts the connection ({cls.kind})"
        )
        return self.finding(
            "pac.points_to_local_listener",
            Severity.PROBLEM,
            "The proxy configuration address points at this computer, where a program answers",
            f"The proxy configuration address {obs.host} leads to this computer "
            f"({obs.address}), where {owner} listens on port {obs.port} and {answer}. A refusal "
            "would make browsers go direct at once; an answer makes them wait or retry, so "
            "pages time out (in the field case, every page after ~15 s).",
            f"{obs.host} -> {obs.address} ({obs.address_kind}); GET {fetch.url} {answer}. "
            "Either stop that service from listening on the PAC port, or point the PAC name "
            "off-network at an address that refuses (RST), with a short TTL.",
            evidence,
            address=obs.address,
            address_kind=obs.address_kind,
            process=listener.process if listener else None,
            pid=listener.pid if listener else None,
            status=cls.status,
            server=cls.server,
        )

    def http_error(
        self, fetch: HttpExchangeObservation, cls: FetchClass, evidence: list[Evidence]
    ) -> Finding:
        obs = self.obs
        rewritten = any(
            obs.address in t.addresses for t in obs.rewrite_tests if t.rcode == "NOERROR"
        )
        what = (
            f"'{cls.head.status_line}' (Server: {cls.server or 'none'})"
            if cls.head is not None
            else f"no HTTP answer ({fetch.outcome})"
        )
        extra = (
            f" {obs.address} is where the name server sends every unknown name: this is not the "
            "PAC server at all."
            if rewritten
            else ""
        )
        return self.finding(
            "pac.fetch_http_error",
            Severity.PROBLEM,
            "The proxy configuration file could not be downloaded",
            f"Asking for the proxy configuration file got {what} instead of the file. Browsers "
            "treat that as a failure and connect directly." + extra,
            f"{fetch.url} from {fetch.address}: {what}; browsers need status 200." + extra,
            evidence,
            status=cls.status,
            server=cls.server,
            kind=cls.kind,
            rewritten_address=rewritten,
        )

    def slow(
        self, fetch: HttpExchangeObservation, cls: FetchClass, evidence: list[Evidence]
    ) -> Finding:
        return self.finding(
            "pac.fetch_slow",
            Severity.WARNING,
            "The proxy configuration file loads slowly",
            f"The proxy configuration file took {cls.seconds:.1f} s to load. Browsers wait for "
            "it before loading the first page after a start or a network change.",
            f"{fetch.url}: complete after {cls.seconds:.2f} s (> {SLOW_FETCH:g} s); handshake "
            f"{_ms(cls.handshake)}.",
            evidence,
            seconds=round(cls.seconds, 3),
        )

    def invalid_script(self, reason: str, evidence: Sequence[Evidence] = ()) -> Finding:
        return self.finding(
            "pac.invalid_script",
            Severity.PROBLEM,
            "The proxy configuration file is not usable",
            "The proxy configuration file could not be used as a script: browsers ignore it "
            f"and connect directly. Tell the helpdesk: {reason}.",
            f"{self.obs.pac_url}: {reason}.",
            evidence,
            reason=reason,
        )

    def script_findings(self) -> list[Finding]:
        obs = self.obs
        ev = obs.evaluation
        if ev is None:
            return []
        decisions = _decisions_text(obs)
        if ev.outcome == "timeout" and stopped_evaluation(obs, self.stops) is not None:
            return []  # its time ran out with this program stopped: it proves nothing
        if ev.outcome == "timeout":
            return [
                self.finding(
                    "pac.evaluation_timeout",
                    Severity.PROBLEM,
                    "The proxy configuration script never finishes",
                    "The proxy configuration script runs forever (or far too long). Browsers "
                    "stall on it; some give up and connect directly, others hang. Tell the "
                    "helpdesk.",
                    f"{obs.pac_url}: FindProxyForURL did not return within {ev.time_limit:g} s "
                    f"({ev.script_bytes} bytes of script); the evaluator was stopped.",
                    [Evidence(text=ev.error or "timeout", timings={"elapsed": ev.elapsed})],
                    time_limit=ev.time_limit,
                    elapsed=round(ev.elapsed, 3),
                )
            ]
        if ev.outcome in ("invalid", "memory", "too_large"):
            reason = {
                "invalid": f"JavaScript error: {(ev.error or '').strip().splitlines()[0] if ev.error else 'unknown'}",
                "memory": f"it exhausted the {ev.memory_limit_mb} MiB memory limit",
                "too_large": ev.error or "too large",
            }[ev.outcome]
            return [self.invalid_script(reason, [Evidence(text=ev.error or reason)])]
        if ev.outcome in ("crashed", "unavailable"):
            return []  # the check did not finish: ``evaluator_failure`` says why
        failed = [d for d in ev.decisions if d.result is None]
        bad = [
            (d, parse_pac_result(d.result)[1])
            for d in ev.decisions
            if d.result is not None and (parse_pac_result(d.result)[1] or not d.result.strip())
        ]
        if failed:
            d = failed[0]
            return [
                self.invalid_script(
                    f"FindProxyForURL fails for {d.url}: {(d.error or '').splitlines()[0]}",
                    decisions,
                )
            ]
        if bad:
            d, invalid = bad[0]
            shown = ", ".join(invalid) or "an empty string"
            return [
                self.invalid_script(
                    f"FindProxyForURL returns {shown!r} for {d.url}, which browsers do not understand",
                    decisions,
                )
            ]
        return []


def analyse_pac(
    obs: PacWizardObservations,
    flows: Sequence[TcpFlow],
    packets: Sequence[PacketRecord],
    stops: Stops = NO_STOPS,
) -> list[Finding]:
    """Every finding of the PAC wizard; no ``pac.fetch_hangs`` from a fetch whose deadline
    fell in one of the run's ``stops`` (``stopped_waits``); what answered it still counts."""
    return _PacAnalysis(obs, flows, packets, stops).findings()


def stopped_waits(obs: PacWizardObservations, stops: Stops) -> list[LateRead]:
    """The PAC check's waits that timed out with their deadline in a stop of this program
    (``analysis.stopped_waits``): the lookup of the PAC server's name, the fetch (its connect,
    or its wait for the answer); and its script's evaluation, its limit run out so. They
    prove nothing: the check could not run (``TOO_BUSY``)."""
    waits = (stopped_lookup(obs, stops), stopped_fetch(obs, stops), stopped_evaluation(obs, stops))
    return [x for x in waits if x is not None]


def stopped_evaluation(obs: PacWizardObservations, stops: Stops) -> LateRead | None:
    """The PAC script's evaluation, its time limit run out with the deadline in a stop of
    this program (``Stops.cut_short``): the child may have been stopped with it, and then had
    less than its limit; no ``pac.evaluation_timeout``, unless the child's CPU seconds show it
    ran through the stop (a spinning script that starved this program, a stop of this program
    alone)."""
    ev = obs.evaluation
    if ev is None or ev.outcome != "timeout":
        return None
    return stops.cut_short(
        target=pac_target(obs) or obs.pac_url or "the PAC script",
        work=f"The PAC script's evaluation (limit {ev.time_limit:g} s)",
        started=ev.started_at,
        ended=ev.ended_at,
        worked=ev.cpu_seconds,
    )


def stopped_lookup(obs: PacWizardObservations, stops: Stops) -> LateRead | None:
    """The PAC server's name lookup, timed out in a stop."""
    dns = obs.dns
    if dns is None or dns.rcode != "timeout":
        return None
    return stops.late(
        target=pac_target(obs) or dns.name,
        exchange=f"The PAC check's lookup of {dns.name} ({dns.qtype})",
        started=dns.started_at,
        ended=dns.started_at + dns.elapsed,
    )


def stopped_fetch(obs: PacWizardObservations, stops: Stops) -> LateRead | None:
    """The PAC fetch, its connect or its wait for the answer timed out in a stop (an
    ``unreachable`` or a refusal is an answer; bytes that came are judged as they are)."""
    fetch = obs.fetch
    if fetch is None:
        return None
    if fetch.outcome == "connect_timeout":
        started, what = fetch.connect.started_at, "connect"
    elif classify_fetch(fetch).kind == "hangs":
        started = fetch.request_sent_at or fetch.connect.connected_at or fetch.connect.started_at
        what = "wait for the answer"
    else:
        return None
    return stops.late(
        target=pac_target(obs) or fetch.url,
        exchange=f"The PAC fetch's {what} ({fetch.url})",
        started=started,
        ended=fetch.ended_at,
    )


def pac_host_not_resolved(obs: PacWizardObservations, stops: Stops = NO_STOPS) -> Finding | None:
    """``dns.resolution_failed`` when the PAC server's name does not resolve (the engine's
    interpretation concludes it, with the targets' own lookups); not when its lookup timed
    out in one of the run's ``stops`` (``stopped_waits``)."""
    dns = obs.dns
    if dns is None or (dns.rcode == "NOERROR" and dns.addresses):
        return None
    if stopped_lookup(obs, stops) is not None:
        return None
    return resolution_failed(
        LookupFailed(
            name=dns.name,
            headline=f"The PAC server's name {dns.name} could not be looked up",
            consequence=(
                f"The proxy configuration file is at {dns.name}, which this computer's name "
                "servers do not know. Browsers cannot load it and connect directly."
            ),
            detail=(
                f"{dns.qtype} {dns.name}: {dns.rcode} after {_ms(dns.elapsed)} "
                f"({dns.error or 'no address'}); server {dns.server or 'unknown'}."
            ),
            error=dns.rcode,
            elapsed=dns.elapsed,
            evidence=f"{dns.name} {dns.qtype}: {dns.rcode}",
            expected=obs.must_refuse,
        ),
        wizard=WIZARD,
    )


def pac_target(obs: PacWizardObservations) -> str | None:
    """What the PAC findings are about: the PAC server's ``host:port``, else its URL."""
    return f"{obs.host}:{obs.port}" if obs.host and obs.port else obs.pac_url


def evaluator_failure(obs: PacWizardObservations) -> str | None:
    """What went wrong when the PAC evaluator itself failed (crashed, or could not start):
    the script was not judged, the check did not finish; None otherwise."""
    ev = obs.evaluation
    if ev is None or ev.outcome not in ("crashed", "unavailable"):
        return None
    return f"PAC evaluator {ev.outcome}: {ev.error}"


def decisions_by_target(obs: PacWizardObservations) -> dict[str, tuple[str, ...]]:
    """URL -> the PAC's entries for it (``("PROXY p:8080", "DIRECT")``), for other wizards."""
    if obs.evaluation is None or obs.evaluation.outcome != "ok":
        return {}
    return {d.url: parse_pac_result(d.result)[0] for d in obs.evaluation.decisions if d.result}


def _source_words(config: ProxyConfiguration | None) -> str:
    """Which setting decided the mode, in words (never Python's None)."""
    if config is None:
        return "the settings could not be read"
    return config.winner or "no source asks for a proxy"
