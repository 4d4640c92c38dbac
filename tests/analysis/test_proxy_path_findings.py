"""The proxy-path wizard's conclusions on scripted observations (and scripted packets)."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from tests.analysis.scripted import Wire
from wiresleuth.analysis.answer_on_wire import LateRead
from wiresleuth.analysis.flows import TcpFlow, assemble_flows
from wiresleuth.analysis.proxy_path_findings import analyse_proxy_wizard, proxy_conclusions
from wiresleuth.analysis.stopped_waits import NO_STOPS, Stops
from wiresleuth.bundle.recording import load_recorded_run
from wiresleuth.model.engine_observations import Stall
from wiresleuth.model.finding import Finding, Severity
from wiresleuth.model.observations import ConnectObservation, PathRttObservation
from wiresleuth.model.proxy_observations import (
    DirectHttpObservation,
    HoldObservation,
    HttpAnswer,
    MarkerObservation,
    ProxyExchange,
    ProxyReachObservation,
    ProxyTargetObservation,
    ProxyWizardObservations,
    Route,
    RoutePlan,
)

T0 = 1_700_000_000.0
PROXY = "198.18.2.10:3128"
PROXY_IP = "198.18.2.10"


def ok_connect(
    address: str, port: int, local_port: int = 40000, rtt: float = 0.001
) -> ConnectObservation:
    return ConnectObservation(
        address=address, port=port, started_at=T0, connected_at=T0 + rtt,
        local_address="198.18.1.10", local_port=local_port,
    )  # fmt: skip


def failed_connect(address: str, port: int, error: str = "timeout") -> ConnectObservation:
    return ConnectObservation(address=address, port=port, started_at=T0, error=error)


def answer(status: int, reason: str, *headers: tuple[str, str]) -> HttpAnswer:
    return HttpAnswer(status=status, reason=reason, headers=tuple(headers), at=T0 + 0.01)


ASK_BASIC = answer(407, "Proxy Authentication Required", ("Proxy-Authenticate", 'Basic realm="x"'))


def exchange(target: str, outcome: str, final: HttpAnswer, **kw: object) -> ProxyExchange:
    return ProxyExchange(
        proxy=PROXY, method="CONNECT", target=target, connect=ok_connect(PROXY_IP, 3128),
        outcome=outcome, ended_at=T0 + 0.02, answer=final, **kw,  # type: ignore[arg-type]
    )  # fmt: skip


def proxied(target: str, *, direct: ConnectObservation | None, via: tuple[ProxyExchange, ...] = (),
            holds: tuple[HoldObservation, ...] = (), first: Route | None = None) -> ProxyTargetObservation:  # fmt: skip
    route = first or Route(kind="PROXY", proxy=PROXY)
    return ProxyTargetObservation(
        target=target, scheme="https", address="100.64.1.60",
        plan=RoutePlan(target=target, routes=(route,), source="profile"),
        direct=direct, via_proxy=via, holds=holds,
    )  # fmt: skip


def hold(route: str, outcome: str, seconds: float, conn: ConnectObservation, requests: int = 5) -> HoldObservation:  # fmt: skip
    return HoldObservation(
        target="meet.example:443", route=route, wanted=14.0, connect=conn, outcome=outcome,
        started_at=T0, ended_at=T0 + seconds, requests=requests,
        closed_by=conn.address if outcome in ("fin", "reset") else None,
    )  # fmt: skip


def meet_held(direct: HoldObservation, via_proxy: HoldObservation) -> ProxyTargetObservation:
    """meet.example:443, reachable both ways (the tunnel set up), held once each way."""
    return proxied(
        "meet.example:443",
        direct=ok_connect("100.64.1.60", 443),
        via=(exchange("meet.example:443", "ok", answer(200, "OK")),),
        holds=(direct, via_proxy),
    )


def app_only_via_proxy(first: Route) -> ProxyTargetObservation:
    """app.example:443 refused direct, tunnelled by the proxy; the client's route ``first``."""
    return proxied(
        "app.example:443",
        direct=failed_connect("100.64.1.80", 443, "refused"),
        via=(exchange("app.example:443", "ok", answer(200, "OK")),),
        first=first,
    )


def run(obs: ProxyWizardObservations, packets: list | None = None) -> list[Finding]:  # type: ignore[type-arg]
    findings, _ = analyse_proxy_wizard(obs, assemble_flows(packets or []), packets or [])
    return findings


def ids(findings: list[Finding]) -> list[str]:
    return [f.id for f in findings]


def only(findings: list[Finding], fid: str) -> Finding:
    matching = [f for f in findings if f.id == fid]
    assert len(matching) == 1, ids(findings)
    return matching[0]


def test_healthy_proxy_and_direct_say_nothing() -> None:
    target = proxied(
        "www.example:443",
        direct=ok_connect("100.64.1.10", 443),
        via=(exchange("www.example:443", "ok", answer(200, "Connection established")),),
        holds=(
            hold("DIRECT", "held", 14, ok_connect("100.64.1.10", 443)),
            hold(f"PROXY {PROXY}", "held", 14, ok_connect(PROXY_IP, 3128)),
        ),
    )
    assert run(ProxyWizardObservations(targets=(target,))) == []


def test_c2_tunnel_closed_by_the_proxy_with_fin_seen_in_the_capture() -> None:
    proxy_conn = ok_connect(PROXY_IP, 3128, local_port=50123)
    wire = Wire(client=("198.18.1.10", 50123), server=(PROXY_IP, 3128), start=T0)
    wire.handshake(rtt=0.001)
    wire.send("client", b"CONNECT meet.example:443 HTTP/1.1\r\n\r\n")
    wire.wait(8.2)
    fin = wire.fin("server")
    assert fin is not None
    target = proxied(
        "meet.example:443",
        direct=ok_connect("100.64.1.60", 443),
        via=(
            exchange(
                "meet.example:443",
                "ok",
                answer(200, "OK"),
                first_answer=ASK_BASIC,
                auth_scheme="Basic",
                auth_user="alice",
            ),
        ),
        holds=(
            hold("DIRECT", "held", 14, ok_connect("100.64.1.60", 443, local_port=50100)),
            hold(f"PROXY {PROXY}", "fin", 8.2, proxy_conn),
        ),
    )
    findings = run(ProxyWizardObservations(targets=(target,), credentials="alice"), wire.packets)
    assert set(ids(findings)) == {"proxy.tunnel_closed", "proxy.auth_required"}
    closed = only(findings, "proxy.tunnel_closed")
    assert closed.severity is Severity.PROBLEM
    assert closed.values["seconds"] == 8.2 and closed.values["how"] == "FIN"
    assert closed.values["closed_by"] == PROXY_IP and closed.values["direct"] == "held"
    assert closed.values["auth_required"] is True
    assert fin.number in closed.packets
    assert "exempt" in closed.user_text.lower()
    auth = only(findings, "proxy.auth_required")
    assert auth.values["schemes"] == ["Basic"] and auth.values["login"] == "accepted"


def test_both_holds_closed_together_is_the_servers_doing() -> None:
    target = meet_held(
        hold("DIRECT", "fin", 10.0, ok_connect("100.64.1.60", 443)),
        hold(f"PROXY {PROXY}", "fin", 10.4, ok_connect(PROXY_IP, 3128)),
    )
    assert run(ProxyWizardObservations(targets=(target,))) == []


def test_a_reset_without_capture_names_the_socket_peer() -> None:
    target = meet_held(
        hold("DIRECT", "held", 14, ok_connect("100.64.1.60", 443)),
        hold(f"PROXY {PROXY}", "reset", 5.0, ok_connect(PROXY_IP, 3128)),
    )
    closed = only(run(ProxyWizardObservations(targets=(target,))), "proxy.tunnel_closed")
    assert (closed.values["how"], closed.values["closed_by"]) == ("RST", PROXY_IP)
    assert closed.packets == ()


def test_c5_direct_blocked_works_via_proxy_and_other_host_denied() -> None:
    tax = proxied(
        "tax.example:2429",
        direct=failed_connect("100.64.1.50", 2429),
        via=(exchange("tax.example:2429", "ok", answer(200, "Connection established")),),
    )
    other = proxied(
        "other.example:2429",
        direct=failed_connect("100.64.1.51", 2429),
        via=(
            exchange(
                "other.example:2429",
                "denied",
                answer(403, "Forbidden", ("X-Squid-Error", "ERR_ACCESS_DENIED 0")),
            ),
        ),
    )
    web = proxied(
        "www.example:443",
        direct=ok_connect("100.64.1.10", 443),
        via=(
            exchange(
                "www.example:443",
                "auth_required",
                ASK_BASIC,
                auth_note="no credentials typed in this run",
            ),
        ),
    )
    findings = run(ProxyWizardObservations(targets=(tax, other, web)))
    assert sorted(ids(findings)) == sorted(
        [
            "path.works_only_via_proxy",
            "proxy.connect_port_denied",
            "path.direct_blocked",
            "proxy.auth_required",
        ]
    )
    works = only(findings, "path.works_only_via_proxy")
    # judged against the route: the applications use the proxy, which works; direct being
    # closed is policy (info), and the C5 diagnosis (a vendor demanding direct) is still said
    assert works.target == "tax.example:2429" and works.severity is Severity.INFO
    assert "insists on a direct connection" in works.user_text
    assert works.values["route"] == f"PROXY {PROXY}" and works.values["direct_error"] == "timeout"
    denied = only(findings, "proxy.connect_port_denied")
    assert denied.target == "other.example:2429" and denied.severity is Severity.PROBLEM
    assert (denied.values["port"], denied.values["status"]) == (2429, 403)
    assert denied.values["allowed_ports"] == [2429]
    assert only(findings, "path.direct_blocked").target == "other.example:2429"
    auth = only(findings, "proxy.auth_required")
    assert auth.values["exempt"] == ["tax.example:2429"] and auth.values["login"] == "not typed"


def test_works_only_via_proxy_is_a_problem_when_the_client_goes_direct() -> None:
    target = app_only_via_proxy(Route(kind="DIRECT"))
    works = only(run(ProxyWizardObservations(targets=(target,))), "path.works_only_via_proxy")
    assert works.severity is Severity.PROBLEM and works.values["route"] == "DIRECT"


def test_rejected_credentials() -> None:
    target = proxied(
        "www.example:443",
        direct=ok_connect("100.64.1.10", 443),
        via=(
            exchange(
                "www.example:443",
                "auth_required",
                ASK_BASIC,
                first_answer=ASK_BASIC,
                auth_scheme="Basic",
                auth_user="alice",
            ),
        ),
    )
    findings = run(ProxyWizardObservations(targets=(target,), credentials="alice"))
    rejected = only(findings, "proxy.auth_rejected")
    assert rejected.values == {
        "proxy": PROXY, "scheme": "Basic", "user": "alice", "targets": ["www.example:443"],
    }  # fmt: skip
    assert only(findings, "proxy.auth_required").values["login"] == "rejected"


def test_unreachable_proxy() -> None:
    reach = ProxyReachObservation(
        proxy=PROXY, address=PROXY_IP, connect=failed_connect(PROXY_IP, 3128, "refused")
    )
    target = proxied("www.example:443", direct=ok_connect("100.64.1.10", 443))
    down = only(
        run(ProxyWizardObservations(proxies=(reach,), targets=(target,))), "proxy.unreachable"
    )
    assert down.values["error"] == "refused" and down.values["targets"] == ["www.example:443"]


def direct_http(
    answer_: HttpAnswer | None, handshake: float, path: float
) -> ProxyTargetObservation:
    observation = DirectHttpObservation(
        target="www.example:80", address="100.64.1.10", host_header="wiresleuth-abc.invalid",
        connect=ok_connect("100.64.1.10", 80, rtt=handshake), answer=answer_,
        path_rtt=PathRttObservation(address="100.64.1.10", method="icmp", samples=(path,)),
    )  # fmt: skip
    return ProxyTargetObservation(
        target="www.example:80", scheme="http", address="100.64.1.10",
        plan=RoutePlan(target="www.example:80", routes=(Route(kind="DIRECT"),), source="none"),
        direct=ok_connect("100.64.1.10", 80), direct_http=observation,
    )  # fmt: skip


def test_transparent_proxy_by_its_headers_or_its_speed() -> None:
    by_headers = direct_http(
        answer(503, "Service Unavailable", ("Via", "1.1 wccp-cache"), ("X-Cache", "MISS")),
        handshake=0.1, path=0.1,
    )  # fmt: skip
    found = only(run(ProxyWizardObservations(targets=(by_headers,))), "proxy.transparent_http")
    assert found.values["headers"] == {"Via": "1.1 wccp-cache", "X-Cache": "MISS"}
    by_speed = direct_http(answer(400, "Bad Request"), handshake=0.0004, path=0.1)
    fast = only(run(ProxyWizardObservations(targets=(by_speed,))), "proxy.transparent_http")
    assert fast.values["handshake_rtt_ms"] == 0.4 and fast.values["headers"] == {}
    honest = direct_http(answer(400, "Bad Request", ("Server", "nginx")), handshake=0.1, path=0.1)
    assert run(ProxyWizardObservations(targets=(honest,))) == []


def marker(route: str, outcome: str, seen: str | None = None) -> MarkerObservation:
    return MarkerObservation(
        target="app.example:9400", route=route, marker=f"ws-{route[:3].lower()}",
        outcome=outcome, sent_at=T0, acked_at=T0 + 0.2 if seen else None, seen_from=seen,
        connect=ok_connect(PROXY_IP if route != "DIRECT" else "100.64.1.70", 3128),
        error=None if seen else "timeout",
    )  # fmt: skip


def test_c9_path_proof_direct_dropped_proxy_delivered() -> None:
    obs = ProxyWizardObservations(
        markers=(
            marker("DIRECT", "connect_failed"),
            marker(f"PROXY {PROXY}", "delivered", PROXY_IP),
        )
    )
    findings = run(obs)
    assert ids(findings) == ["pathproof.not_delivered", "pathproof.delivered"]
    missing, arrived = findings
    assert missing.severity is Severity.WARNING and missing.values["direct"] is True
    assert missing.values["delivered_by"] == [f"PROXY {PROXY}"]
    assert arrived.severity is Severity.INFO
    assert arrived.values["proxy_seen_from"] == PROXY_IP and arrived.values["direct"] is False


def test_path_proof_nothing_delivered_is_a_problem() -> None:
    findings = run(ProxyWizardObservations(markers=(marker("DIRECT", "no_ack"),)))
    assert ids(findings) == ["pathproof.not_delivered"]
    assert findings[0].severity is Severity.PROBLEM


def test_an_endpoint_that_must_refuse_but_answers() -> None:
    refused = DirectHttpObservation(
        target="pac.example:80", address="100.64.1.90", host_header="pac.example",
        connect=failed_connect("100.64.1.90", 80, "refused"),
    )  # fmt: skip
    answered = DirectHttpObservation(
        target="pac2.example:80", address="100.64.1.91", host_header="pac2.example",
        connect=ok_connect("100.64.1.91", 80, rtt=0.0005), error="no answer within 3 s",
        path_rtt=PathRttObservation(address="100.64.1.91", method="icmp", samples=(0.1,)),
    )  # fmt: skip
    findings = run(ProxyWizardObservations(refusals=(refused, answered)))
    found = only(findings, "path.unexpected_handshake")
    assert found.target == "pac2.example:80"
    assert found.values["answered"] == "no answer within 3 s"
    assert "close to you" in found.user_text


def test_works_only_via_proxy_is_a_warning_when_the_routes_proxy_is_not_the_one_that_works() -> None:
    target = app_only_via_proxy(Route(kind="PROXY", proxy="other.proxy:3128"))
    works = only(run(ProxyWizardObservations(targets=(target,))), "path.works_only_via_proxy")
    assert works.severity is Severity.WARNING


SAMPLES = Path(__file__).parent / "samples"


def stalled(path: Path) -> tuple[ProxyWizardObservations, list[TcpFlow]]:
    run = load_recorded_run(path, {"proxy": ProxyWizardObservations})
    obs = run.observations["proxy"]
    assert isinstance(obs, ProxyWizardObservations)
    return obs, assemble_flows(run.packets)


def test_a_stalled_program_that_read_the_proxys_answer_late_blocks_nothing() -> None:
    """corp-proxy-os (direct 80/443 closed by design) recorded while the program was stopped
    for 7 s: each exchange through the proxy reported no answer, yet the capture shows the
    proxy's answer arriving within the first second. Not a blocked site: unknown."""
    for path, targets in (
        (SAMPLES / "mtu" / "corp-proxy-http-stalled.wsbundle", ["www.lab.test:80"]),
        (SAMPLES / "stall" / "corp-proxy-os-stalled.wsbundle", ["www.lab.test:80"]),
    ):
        obs, flows = stalled(path)
        findings, _, late = proxy_conclusions(obs, flows)
        assert "path.direct_blocked" not in ids(findings), path
        assert [x.target for x in late] == targets
        for x in late:
            assert x.arrived_after is not None and x.arrived_after < x.waited - 5
            assert x.packets and "through the proxy 198.18.2.10:3128" in x.exchange
        without_capture, _, unknown = proxy_conclusions(obs, [])
        assert "path.direct_blocked" in ids(without_capture) and unknown == []


def test_an_answer_left_unread_in_the_socket_blocks_nothing_without_capture() -> None:
    waited = exchange("app.example:443", "no_answer", None, unread_bytes=39)  # type: ignore[arg-type]
    target = proxied("app.example:443", direct=failed_connect("100.64.1.80", 443), via=(waited,))
    findings, _, late = proxy_conclusions(ProxyWizardObservations(targets=(target,)), [])
    assert findings == [] and [x.unread_bytes for x in late] == [39]
    silent = replace(waited, unread_bytes=0)
    alone = replace(target, via_proxy=(silent,))
    findings, _, late = proxy_conclusions(ProxyWizardObservations(targets=(alone,)), [])
    assert ids(findings) == ["path.direct_blocked"] and late == []
    # an exchange that had an answer (a 407) and then heard nothing: not judged here
    asked = replace(waited, answer=ASK_BASIC)
    again = replace(target, via_proxy=(asked,))
    assert proxy_conclusions(ProxyWizardObservations(targets=(again,)), [])[2] == []


def test_a_stalled_run_without_capture_blocks_nothing_by_its_sockets() -> None:
    """corp-proxy-os stopped 7 s without capture rights: the GET through the proxy reported
    no answer with the proxy's 330 bytes waiting in its socket."""
    obs, flows = stalled(SAMPLES / "stall" / "corp-proxy-os-stalled-nocapture.wsbundle")
    assert flows == []
    findings, _, late = proxy_conclusions(obs, flows)
    assert "path.direct_blocked" not in ids(findings)
    assert [(x.target, x.unread_bytes) for x in late] == [("www.lab.test:80", 330)]


def stopped(start: float, end: float) -> Stops:
    stall = Stall(started_at=start, ended_at=end, monotonic_start=start, monotonic_end=end)
    return Stops((stall,), 0.05)


def timed_out(address: str, port: int, after: float) -> ConnectObservation:
    return replace(failed_connect(address, port), ended_at=T0 + after)


def conclude(obs: ProxyWizardObservations, stops: Stops) -> tuple[list[str], list[LateRead]]:
    findings, _, late = proxy_conclusions(obs, [], [], stops)
    return ids(findings), late


def test_a_direct_connect_whose_deadline_fell_in_a_stop_is_not_blocked() -> None:
    """No proxy answered either: path.direct_blocked, unless the program was stopped when the
    direct connect's deadline came (it listened only until the stop)."""
    target = proxied(
        "www.example:443",
        direct=timed_out("100.64.1.10", 443, 5.0),
        via=(exchange("www.example:443", "denied", answer(403, "Forbidden")),),
    )
    obs = ProxyWizardObservations(targets=(target,))
    assert "path.direct_blocked" in conclude(obs, NO_STOPS)[0]
    found, late = conclude(obs, stopped(T0 + 0.5, T0 + 5.0))
    assert "path.direct_blocked" not in found
    [spoiled] = late
    assert spoiled.target == "www.example:443" and "listened only 0.50 s" in spoiled.detail
    # awake again long before the deadline: the timeout stands
    assert "path.direct_blocked" in conclude(obs, stopped(T0 + 0.5, T0 + 1.0))[0]


def test_a_direct_connect_stopped_with_the_program_is_no_works_only_via_proxy() -> None:
    target = proxied(
        "app.example:443",
        direct=timed_out("100.64.1.80", 443, 5.0),
        via=(exchange("app.example:443", "ok", answer(200, "OK")),),
    )
    obs = ProxyWizardObservations(targets=(target,))
    assert conclude(obs, NO_STOPS)[0] == ["path.works_only_via_proxy"]
    found, late = conclude(obs, stopped(T0 + 1.0, T0 + 5.01))
    assert found == [] and [x.target for x in late] == ["app.example:443"]


def test_a_refused_direct_connect_in_a_stop_is_still_an_answer() -> None:
    target = proxied(
        "www.example:443",
        direct=replace(failed_connect("100.64.1.10", 443, "refused"), ended_at=T0 + 5.0),
    )
    found, late = conclude(ProxyWizardObservations(targets=(target,)), stopped(T0, T0 + 5.0))
    assert found == ["path.direct_blocked"] and late == []


def test_a_proxy_connect_whose_deadline_fell_in_a_stop_is_not_unreachable() -> None:
    reach = ProxyReachObservation(
        proxy=PROXY, address=PROXY_IP, connect=timed_out(PROXY_IP, 3128, 5.0)
    )
    obs = ProxyWizardObservations(proxies=(reach,))
    assert conclude(obs, NO_STOPS)[0] == ["proxy.unreachable"]
    found, late = conclude(obs, stopped(T0 + 2.0, T0 + 5.0))
    assert found == [] and [x.target for x in late] == [PROXY]


def test_an_exchange_through_the_proxy_stopped_with_the_program_leaves_its_target_open() -> None:
    """The direct connect was refused; the CONNECT heard nothing, its deadline in a stop:
    not concluded blocked (the proxy's answer is unknown, not absent)."""
    silent = replace(
        exchange("www.example:443", "no_answer", answer(200, "OK")), answer=None,
        ended_at=T0 + 5.0,
    )  # fmt: skip
    connect_lost = replace(
        exchange("www.example:443", "connect_failed", answer(200, "OK")), answer=None,
        connect=timed_out(PROXY_IP, 3128, 5.0),
    )  # fmt: skip
    for via in (silent, connect_lost):
        target = proxied(
            "www.example:443", direct=failed_connect("100.64.1.10", 443, "refused"), via=(via,)
        )
        obs = ProxyWizardObservations(targets=(target,))
        assert conclude(obs, NO_STOPS) == (["path.direct_blocked"], [])
        found, late = conclude(obs, stopped(T0 + 0.5, T0 + 5.0))
        assert found == [] and [x.target for x in late] == ["www.example:443"], via.outcome


def test_a_marker_whose_wait_ended_in_a_stop_is_not_called_undelivered() -> None:
    """C9 with the program stopped: the direct marker's connect, or its wait for the
    acknowledgement, ran out as the program woke: not pathproof.not_delivered (the path
    proof could not run that way); what was delivered through the proxy still is."""
    no_ack = replace(
        marker("DIRECT", "no_ack"), sent_at=T0 + 0.01, ended_at=T0 + 3.01,
        error="no acknowledgement within 3 s",
    )  # fmt: skip
    lost_connect = replace(
        marker("DIRECT", "connect_failed"), connect=timed_out("100.64.1.70", 9400, 3.0)
    )
    arrived = marker(f"PROXY {PROXY}", "delivered", PROXY_IP)
    for missing in (no_ack, lost_connect):
        obs = ProxyWizardObservations(markers=(missing, arrived))
        assert conclude(obs, NO_STOPS) == (["pathproof.not_delivered", "pathproof.delivered"], [])
        found, late = conclude(obs, stopped(T0 + 0.5, T0 + 3.0))
        assert found == ["pathproof.delivered"], missing.outcome
        [spoiled] = late
        assert spoiled.target == "app.example:9400" and "path proof" in spoiled.exchange
        # awake again long before its deadline: the silence is the path's
        early = conclude(obs, stopped(T0 + 0.5, T0 + 1.0))
        assert early == (["pathproof.not_delivered", "pathproof.delivered"], [])


def test_a_marker_the_listener_closed_on_during_a_stop_is_still_undelivered() -> None:
    """A close (or a proxy's refusal) is an answer: a stop does not withhold it."""
    closed = replace(
        marker("DIRECT", "no_ack"), sent_at=T0 + 0.01, ended_at=T0 + 3.01,
        error="closed without an acknowledgement",
    )  # fmt: skip
    found, late = conclude(ProxyWizardObservations(markers=(closed,)), stopped(T0, T0 + 3.0))
    assert found == ["pathproof.not_delivered"] and late == []


def test_a_marker_whose_connect_through_the_proxy_went_unanswered_in_a_stop() -> None:
    silent = replace(
        exchange("app.example:9400", "no_answer", answer(200, "OK")), answer=None,
        ended_at=T0 + 3.0,
    )  # fmt: skip
    sent = replace(
        marker(f"PROXY {PROXY}", "tunnel_failed"), tunnel=silent, error="proxy answered no_answer"
    )
    obs = ProxyWizardObservations(markers=(sent,))
    assert conclude(obs, NO_STOPS)[0] == ["pathproof.not_delivered"]
    found, late = conclude(obs, stopped(T0 + 0.5, T0 + 3.0))
    assert found == [] and "its CONNECT" in late[0].exchange
    denied = replace(sent, tunnel=exchange("app.example:9400", "denied", answer(403, "Forbidden")))
    found, late = conclude(ProxyWizardObservations(markers=(denied,)), stopped(T0, T0 + 3.0))
    assert found == ["pathproof.not_delivered"] and late == []


def test_a_tunnel_closed_while_the_program_was_stopped_proves_no_tunnel_lifetime() -> None:
    """The hold's traffic paused for the stop: a close then (or noticed as the program woke)
    may answer that quiet. One long after the program ran again still counts."""
    target = meet_held(
        hold("DIRECT", "held", 14, ok_connect("100.64.1.60", 443)),
        hold(f"PROXY {PROXY}", "reset", 5.0, ok_connect(PROXY_IP, 3128)),
    )
    obs = ProxyWizardObservations(targets=(target,))
    assert conclude(obs, NO_STOPS) == (["proxy.tunnel_closed"], [])
    found, late = conclude(obs, stopped(T0 + 2.0, T0 + 5.0))
    assert found == [] and [x.target for x in late] == ["meet.example:443"]
    assert "proves no tunnel lifetime" in late[0].detail
    assert conclude(obs, stopped(T0 + 2.0, T0 + 3.0)) == (["proxy.tunnel_closed"], [])
