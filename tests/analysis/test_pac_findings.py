"""The PAC wizard's conclusions on scripted observations (and packets where TTLs matter)."""

from dataclasses import replace

import pytest

from tests.analysis.pac_obs import (
    T0,
    dns,
    evaluation,
    exchange,
    listener,
    pac_obs,
)
from tests.analysis.scripted import Wire
from tests.probes.pac_servers import http_reply
from wiresleuth.analysis.flows import assemble_flows
from wiresleuth.analysis.pac_findings import (
    analyse_pac,
    decisions_by_target,
    evaluator_failure,
    pac_host_not_resolved,
    stopped_waits,
)
from wiresleuth.analysis.stopped_waits import Stops
from wiresleuth.model.engine_observations import Stall
from wiresleuth.model.finding import Severity
from wiresleuth.model.packet import ICMP, UDP, PacketRecord
from wiresleuth.model.proxy_config import ProxyConfiguration, ProxySource

PAC = b"function FindProxyForURL(u, h) { return 'DIRECT'; }"


def ids(findings):  # type: ignore[no-untyped-def]
    return [(f.id, f.severity) for f in findings]


def test_nothing_configured_is_one_info_listing_the_sources() -> None:
    config = ProxyConfiguration(
        sources=(ProxySource(name="gnome", origin="gsettings"),),
        winner="gnome",
        mode="direct",
        reason="the desktop is gnome",
    )
    [finding] = analyse_pac(pac_obs(pac_url=None, configuration=config), [], [])
    assert (finding.id, finding.severity) == ("pac.not_configured", Severity.INFO)
    assert finding.values["winner"] == "gnome"
    assert any("gnome (gsettings): direct" in e.text for e in finding.evidence)
    assert "(source: gnome)" in finding.engineer_text


def test_no_winning_source_is_said_in_words() -> None:
    config = ProxyConfiguration(sources=(), winner=None, mode="direct", reason="nothing set")
    [finding] = analyse_pac(pac_obs(pac_url=None, configuration=config), [], [])
    assert "(source: no source asks for a proxy)" in finding.engineer_text
    assert "None" not in finding.engineer_text
    [unread] = analyse_pac(pac_obs(pac_url=None, configuration=None), [], [])
    assert "(source: the settings could not be read)" in unread.engineer_text


def test_a_healthy_served_pac_gives_nothing_and_its_decisions() -> None:
    obs = pac_obs(
        fetch=exchange("answered", data=http_reply("200 OK", PAC)),
        evaluation=evaluation("ok", "PROXY p:8080; DIRECT"),
    )
    assert analyse_pac(obs, [], []) == []
    assert decisions_by_target(obs) == {"https://www.lab.test/": ("PROXY p:8080", "DIRECT")}


@pytest.mark.parametrize(
    ("must_refuse", "severity"), [(True, Severity.INFO), (False, Severity.PROBLEM)]
)
def test_refused_depends_on_the_profile(must_refuse: bool, severity: Severity) -> None:
    obs = pac_obs(fetch=exchange("refused", rtt=None, took=0.1), must_refuse=must_refuse)
    [finding] = analyse_pac(obs, [], [])
    assert (finding.id, finding.severity) == ("pac.fetch_refused", severity)
    assert finding.values["expected"] is must_refuse


def test_c3_synack_a_nearby_handshake_then_silence() -> None:
    obs = pac_obs(fetch=exchange("no_data", rtt=0.0004, took=3.0004), must_refuse=True)
    found = {f.id: f for f in analyse_pac(obs, [], [])}
    assert set(found) == {"pac.unexpected_answer", "pac.fetch_hangs"}
    assert found["pac.unexpected_answer"].values["answered_by"] == "a device nearer than the server"
    assert found["pac.fetch_hangs"].values["waited"] == 3.0
    assert found["pac.fetch_hangs"].values["browser_wait"] == 30.0


def test_c3_the_ttl_of_the_syn_ack_tells_a_nearer_device() -> None:
    wire = Wire(client=("198.18.0.2", 50123), server=("100.64.1.50", 80))
    wire.sides["server"].ttl = 64  # the router's relay, one hop nearer than the server
    wire.handshake(rtt=0.0004)
    wire.send("client", b"GET /proxy.pac HTTP/1.1\r\n\r\n")
    echo = PacketRecord(
        number=99,
        time=wire.time,
        src="100.64.1.50",
        dst="198.18.0.2",
        proto=ICMP,
        ttl=63,
        icmp_type=0,
    )
    packets = [*wire.packets, echo]
    obs = pac_obs(fetch=exchange("no_data", rtt=0.0004, took=3.0), must_refuse=True)
    found = {f.id: f for f in analyse_pac(obs, assemble_flows(packets), packets)}
    unexpected = found["pac.unexpected_answer"]
    assert (unexpected.values["syn_ack_ttl"], unexpected.values["echo_ttl"]) == (64, 63)
    assert 2 in unexpected.packets and 99 in unexpected.packets  # SYN-ACK and the echo reply


def test_c3_503_is_forged_not_an_http_error_of_the_server() -> None:
    obs = pac_obs(
        fetch=exchange("answered", rtt=0.0004, data=http_reply("503 Service Unavailable")),
        must_refuse=True,
    )
    found = {f.id for f in analyse_pac(obs, [], [])}
    assert found == {"pac.unexpected_answer", "path.forged_http_response"}


def test_an_answer_faster_than_the_path_is_forged_even_without_must_refuse() -> None:
    obs = pac_obs(
        fetch=exchange("answered", rtt=0.0004, data=http_reply("503 Service Unavailable"))
    )
    assert {f.id for f in analyse_pac(obs, [], [])} == {"path.forged_http_response"}


def test_a_real_server_error_is_an_http_error() -> None:
    obs = pac_obs(
        fetch=exchange(
            "answered", rtt=0.1, data=http_reply("500 Internal Server Error", server="nginx")
        )
    )
    [finding] = analyse_pac(obs, [], [])
    assert (finding.id, finding.values["status"], finding.values["server"]) == (
        "pac.fetch_http_error",
        500,
        "nginx",
    )


def test_c4_loopback_listener_answering_404() -> None:
    fetch = exchange(
        "answered",
        address="127.0.0.1",
        rtt=0.0001,
        data=http_reply("404 Not Found", server="Microsoft-HTTPAPI/2.0"),
    )
    obs = pac_obs(
        dns=dns("pac.lab.test", "127.0.0.1", ttl=1800),
        address="127.0.0.1",
        address_kind="loopback",
        path_rtt=None,
        fetch=fetch,
        local_listeners=(listener(),),
    )
    found = {f.id: f for f in analyse_pac(obs, [], [])}
    assert set(found) == {"pac.points_to_local_listener", "dns.long_ttl"}
    local = found["pac.points_to_local_listener"]
    assert (local.values["process"], local.values["status"], local.values["server"]) == (
        "MsDepSvc.exe",
        404,
        "Microsoft-HTTPAPI/2.0",
    )
    assert (
        found["dns.long_ttl"].values["ttl"] == 1800
        and found["dns.long_ttl"].severity is Severity.INFO
    )


def test_a_local_agent_serving_a_real_pac_is_fine() -> None:
    fetch = exchange("answered", address="127.0.0.1", rtt=0.0001, data=http_reply("200 OK", PAC))
    obs = pac_obs(
        address="127.0.0.1",
        address_kind="loopback",
        path_rtt=None,
        fetch=fetch,
        evaluation=evaluation("ok", "DIRECT"),
    )
    assert analyse_pac(obs, [], []) == []


def test_c4_nxdomain_rewriting_and_the_404_of_the_search_server() -> None:
    fake = dns("ws-a.lab.test", "100.64.1.80")
    rewrite_http = exchange(
        "answered", address="100.64.1.80", data=http_reply("200 OK", server="isp-search")
    )
    obs = pac_obs(
        dns=dns("wpad-pac.lab.test", "100.64.1.80"),
        rewrite_tests=(fake, replace(fake, name="ws-b.lab.test")),
        rewrite_http=(rewrite_http,),
        address="100.64.1.80",
        fetch=exchange(
            "answered", address="100.64.1.80", data=http_reply("404 Not Found", server="isp-search")
        ),
    )
    found = {f.id: f for f in analyse_pac(obs, [], [])}
    assert set(found) == {"dns.nxdomain_rewritten", "pac.fetch_http_error"}
    assert found["dns.nxdomain_rewritten"].values["server"] == "isp-search"
    assert found["dns.nxdomain_rewritten"].values["pac_host_affected"] is True
    assert found["pac.fetch_http_error"].values["rewritten_address"] is True


@pytest.mark.parametrize(
    ("must_refuse", "severity"), [(False, Severity.PROBLEM), (True, Severity.INFO)]
)
def test_a_pac_name_that_does_not_resolve(must_refuse: bool, severity: Severity) -> None:
    obs = pac_obs(dns=dns("pac.lab.test", rcode="NXDOMAIN"), address=None, must_refuse=must_refuse)
    assert analyse_pac(obs, [], []) == []  # the lookups are the engine's to conclude
    finding = pac_host_not_resolved(obs)
    assert finding is not None and finding.wizard == "pac"
    assert (finding.id, finding.severity, finding.target) == (
        "dns.resolution_failed",
        severity,
        "pac.lab.test",
    )


def test_slow_but_served() -> None:
    obs = pac_obs(
        fetch=exchange("answered", data=http_reply("200 OK", PAC), took=2.6),
        evaluation=evaluation("ok", "DIRECT"),
    )
    [finding] = analyse_pac(obs, [], [])
    assert (finding.id, finding.severity) == ("pac.fetch_slow", Severity.WARNING)


def test_connect_timeout_hangs() -> None:
    obs = pac_obs(fetch=exchange("connect_timeout", rtt=None, took=3.0))
    [finding] = analyse_pac(obs, [], [])
    assert (finding.id, finding.values["kind"]) == ("pac.fetch_hangs", "connect_timeout")


@pytest.mark.parametrize(
    ("ev", "fid"),
    [
        (evaluation("timeout", error="still running"), "pac.evaluation_timeout"),
        (evaluation("invalid", error="SyntaxError: expecting ';'"), "pac.invalid_script"),
        (evaluation("memory", error="InternalError: out of memory"), "pac.invalid_script"),
        (evaluation("ok", None), "pac.invalid_script"),
        (evaluation("ok", "PRXY p:8080"), "pac.invalid_script"),
    ],
)
def test_script_outcomes(ev, fid) -> None:  # type: ignore[no-untyped-def]
    obs = pac_obs(fetch=exchange("answered", data=http_reply("200 OK", PAC)), evaluation=ev)
    assert [f.id for f in analyse_pac(obs, [], [])] == [fid]


def test_a_crashed_evaluator_is_no_finding_about_the_script() -> None:
    ev = evaluation("crashed", error="exit 1")
    obs = pac_obs(fetch=exchange("answered", data=http_reply("200 OK", PAC)), evaluation=ev)
    assert analyse_pac(obs, [], []) == []
    assert evaluator_failure(obs) == "PAC evaluator crashed: exit 1"


def test_too_large_is_an_invalid_script() -> None:
    obs = pac_obs(fetch=exchange("too_large", data=b"HTTP/1.1 200 OK\r\n\r\n" + b"x" * 100))
    [finding] = analyse_pac(obs, [], [])
    assert finding.id == "pac.invalid_script" and "1048576" in finding.values["reason"]


def test_every_emitted_id_is_in_the_catalogue() -> None:
    from wiresleuth.model.catalogue import CATALOGUE

    for fid in (
        "pac.not_configured", "pac.fetch_refused", "pac.fetch_hangs", "pac.fetch_http_error",
        "pac.fetch_slow", "pac.invalid_script", "pac.evaluation_timeout",
        "pac.points_to_local_listener", "pac.unexpected_answer", "dns.nxdomain_rewritten",
        "dns.resolution_failed", "dns.long_ttl", "local.port80_listener", "path.forged_http_response",
    ):  # fmt: skip
        assert fid in CATALOGUE


def test_dns_answers_on_the_wire_are_cited() -> None:
    from dns import message as dns_message
    from dns import rrset as dns_rrset

    query = dns_message.make_query("pac.lab.test.", "A")
    response = dns_message.make_response(query)
    response.answer.append(dns_rrset.from_text("pac.lab.test.", 1800, "IN", "A", "127.0.0.1"))
    wire = response.to_wire()
    answer = PacketRecord(
        number=7, time=0.0, src="100.64.0.53", dst="198.18.0.2", proto=UDP, sport=53, dport=40000,
        payload=wire, payload_len=len(wire),
    )  # fmt: skip
    other = PacketRecord(
        number=8,
        time=0.0,
        src="100.64.0.53",
        dst="198.18.0.2",
        proto=UDP,
        sport=53,
        dport=40001,
        payload=b"junk",
    )
    obs = pac_obs(dns=dns("pac.lab.test", "127.0.0.1", ttl=1800), fetch=None)
    [finding] = [f for f in analyse_pac(obs, [], [answer, other]) if f.id == "dns.long_ttl"]
    assert finding.packets == (7,)


def stopped(start: float, end: float) -> Stops:
    stall = Stall(started_at=start, ended_at=end, monotonic_start=start, monotonic_end=end)
    return Stops((stall,), 0.05)


@pytest.mark.parametrize("outcome", ["connect_timeout", "no_data"])
def test_a_fetch_whose_deadline_fell_while_the_program_was_stopped_is_no_hang(
    outcome: str,
) -> None:
    """pac.fetch_hangs rests on the deadline: not concluded when it fell in a stop of this
    program (a late read: the check could not run); awake long before, it stands."""
    fetch = exchange(outcome, rtt=None if outcome == "connect_timeout" else 0.001, took=3.0)
    obs = pac_obs(fetch=fetch)
    start = fetch.connect.started_at
    assert [f.id for f in analyse_pac(obs, [], [])] == ["pac.fetch_hangs"]
    stop = stopped(start + 0.5, fetch.ended_at)
    assert analyse_pac(obs, [], [], stop) == []
    [late] = stopped_waits(obs, stop)
    assert late.target == "pac.lab.test:80" and "PAC fetch" in late.detail
    early = stopped(start + 0.5, start + 1.0)
    assert [f.id for f in analyse_pac(obs, [], [], early)] == ["pac.fetch_hangs"]
    assert stopped_waits(obs, early) == []


def test_what_answered_a_stopped_fetch_still_counts() -> None:
    """C3: a nearby device answered the SYN, then silence: the silence is withheld, the
    handshake that should not have happened is not."""
    fetch = exchange("no_data", rtt=0.0004, took=3.0004)
    obs = pac_obs(fetch=fetch, must_refuse=True)
    stop = stopped(fetch.connect.started_at + 0.5, fetch.ended_at)
    assert [f.id for f in analyse_pac(obs, [], [], stop)] == ["pac.unexpected_answer"]


def test_a_pac_name_lookup_that_timed_out_in_a_stop_is_not_unresolved() -> None:
    lookup = replace(dns("pac.lab.test", rcode="timeout"), elapsed=2.0)
    obs = pac_obs(dns=lookup, address=None)
    assert pac_host_not_resolved(obs) is not None
    stop = stopped(lookup.started_at + 0.1, lookup.started_at + lookup.elapsed)
    assert pac_host_not_resolved(obs, stop) is None
    [late] = stopped_waits(obs, stop)
    assert "lookup of pac.lab.test" in late.detail
    nxdomain = pac_obs(dns=replace(lookup, rcode="NXDOMAIN"), address=None)
    assert pac_host_not_resolved(nxdomain, stop) is not None
    assert stopped_waits(nxdomain, stop) == []


def test_a_script_timed_out_with_the_program_stopped_at_its_deadline_is_not_hostile() -> None:
    """pac.evaluation_timeout rests on the script having had its limit: not concluded when
    the limit's deadline fell in a stop of this program (the child may have been stopped
    with it), unless the child's CPU seconds show it ran through the stop; a stop over long
    before the deadline leaves it standing, as for every wait."""
    start = T0 + 1.0
    ev = replace(
        evaluation("timeout", error="still running after 3 s: stopped"),
        started_at=start, ended_at=start + 3.0, cpu_seconds=0.01,
    )  # fmt: skip
    obs = pac_obs(fetch=exchange("answered", data=http_reply("200 OK", PAC)), evaluation=ev)
    assert [f.id for f in analyse_pac(obs, [], [])] == ["pac.evaluation_timeout"]
    stop = stopped(start + 0.5, start + 3.0)
    assert analyse_pac(obs, [], [], stop) == []
    [late] = stopped_waits(obs, stop)
    assert late.target == "pac.lab.test:80" and "PAC script's evaluation" in late.detail
    early = stopped(start + 0.5, start + 1.5)
    assert [f.id for f in analyse_pac(obs, [], [], early)] == ["pac.evaluation_timeout"]
    assert stopped_waits(obs, early) == []
    spinning = replace(obs, evaluation=replace(ev, cpu_seconds=2.9))  # it ran through the stop
    assert [f.id for f in analyse_pac(spinning, [], [], stop)] == ["pac.evaluation_timeout"]
    unkept = replace(obs, evaluation=replace(ev, started_at=None, ended_at=None))  # older bundle
    assert [f.id for f in analyse_pac(unkept, [], [], stop)] == ["pac.evaluation_timeout"]


def test_a_script_error_in_a_stop_is_still_an_error() -> None:
    ev = replace(
        evaluation("invalid", error="SyntaxError: expecting ';'"),
        started_at=T0, ended_at=T0 + 0.2,
    )  # fmt: skip
    obs = pac_obs(fetch=exchange("answered", data=http_reply("200 OK", PAC)), evaluation=ev)
    stop = stopped(T0, T0 + 0.2)
    assert [f.id for f in analyse_pac(obs, [], [], stop)] == ["pac.invalid_script"]
    assert stopped_waits(obs, stop) == []
