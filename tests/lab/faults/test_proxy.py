"""proxy, drop_port and path_listener: their parameters, and their behaviour in a real lab
(Squid with NTLM and Basic, an exemption, the tunnel reaper, a dropped port, the listener)."""

from __future__ import annotations

import asyncio
import ctypes
import ctypes.util
import os
import threading
from collections.abc import Awaitable, Callable, Iterator
from pathlib import Path
from typing import TypeVar

import pytest

from tests.lab.conftest import fresh_names
from tests.lab.helpers import connect
from wiresleuth.errors import LabError
from wiresleuth.lab.faults.drop_port import DropPort
from wiresleuth.lab.faults.path_listener import PathListener
from wiresleuth.lab.faults.proxy import ProxySettings
from wiresleuth.lab.lab import Lab, build_lab
from wiresleuth.lab.params import from_table
from wiresleuth.lab.scenario import load_scenario
from wiresleuth.lab.squid import SquidOptions, squid_conf
from wiresleuth.model.proxy_observations import HoldObservation, MarkerObservation, ProxyExchange
from wiresleuth.model.target import Target
from wiresleuth.probes.marker_send import send_marker
from wiresleuth.probes.proxy_auth import ProxyCredentials
from wiresleuth.probes.proxy_exchange import through_proxy
from wiresleuth.probes.tunnel_hold import hold_connection

LAB_FILE = Path(__file__).parent.parent / "proxy_primitives.toml"
PROXY = "198.18.2.10:3128"
T = TypeVar("T")


# -- parameters (pure) ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("table", "problem"),
    [
        ({"auth": ["digest"]}, "auth[0]"),
        ({"users": ["alice"]}, "users[0]"),
        ({"users": ["alice:x"]}, 'users need auth = ["basic"]'),
        ({"exempt": ["tax.lab.test"]}, "exempt[0]"),
        ({"connect_ports": [0]}, "connect_ports[0]"),
        ({"lifetime": 0.5}, "lifetime"),
    ],
)
def test_proxy_parameters_are_checked(table: dict[str, object], problem: str) -> None:
    with pytest.raises(LabError, match=problem.replace("[", r"\[").replace("]", r"\]")):
        from_table(ProxySettings, table, where="t.toml: [[fault]] #1")


def test_other_primitives_parameters() -> None:
    with pytest.raises(LabError, match="port"):
        from_table(DropPort, {"port": 70000}, where="t")
    with pytest.raises(LabError, match="lab addresses"):
        from_table(DropPort, {"port": 1, "address": "8.8.8.8"}, where="t")
    with pytest.raises(LabError, match="name"):
        from_table(PathListener, {"address": "100.64.1.70", "port": 1, "name": "x.com"}, where="t")


def test_squid_rules_exempt_first_then_ports_then_auth() -> None:
    conf = squid_conf(
        Path("/s"),
        options=SquidOptions(
            auth=("ntlm", "basic"),
            users=(("alice", "$apr1$x"),),
            connect_ports=(443, 9400),
            exempt=(("tax.lab.test", 2429),),
        ),
    )
    lines = conf.splitlines()
    order = [
        "auth_param ntlm program /usr/lib/squid/ntlm_fake_auth",
        "auth_param basic program /usr/lib/squid/basic_ncsa_auth /s/passwd",
        "acl SSL_ports port 443 9400",
        "http_access allow CONNECT exempt1_host exempt1_port labnet",
        "http_access deny CONNECT !SSL_ports",
        "http_access deny !authenticated",
        "http_access allow labnet",
    ]
    assert [lines.index(line) for line in order] == sorted(lines.index(line) for line in order)
    plain = squid_conf(Path("/s"))
    assert "auth_param" not in plain and "acl SSL_ports port 443\n" in plain


def test_inspection_bumps_with_the_lab_ca_and_only_when_asked() -> None:
    conf = squid_conf(Path("/s"), options=SquidOptions(inspect=True))
    assert "http_port 198.18.2.10:3128 ssl-bump tls-cert=/s/inspection-ca.pem" in conf
    assert "generate-host-certificates=on" in conf
    assert "sslcrtd_program /usr/lib/squid/security_file_certgen -s /s/ssl_db -M 4MB" in conf
    lines = conf.splitlines()
    assert lines.index("ssl_bump peek step1") < lines.index("ssl_bump bump all")
    assert "tls_outgoing_options cafile=/s/upstream-ca.pem" in lines
    assert "ssl_bump" not in squid_conf(Path("/s"), options=SquidOptions())


# -- in a real lab ----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def proxy_lab() -> Iterator[Lab]:
    names = fresh_names("proxy-faults")
    lab = build_lab(load_scenario(LAB_FILE), names)
    try:
        yield lab
    finally:
        assert lab.teardown() == []


def in_namespace(ns: str, work: Callable[[], Awaitable[T]], timeout: float = 30.0) -> T:
    """Run a probe coroutine on a thread that joined namespace ``ns``: its sockets live there."""
    box: list[T] = []
    errors: list[BaseException] = []

    def thread() -> None:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
        fd = os.open(f"/run/netns/{ns}", os.O_RDONLY)
        try:
            assert libc.setns(fd, 0x40000000) == 0
        finally:
            os.close(fd)
        try:
            box.append(asyncio.run(work()))  # type: ignore[arg-type]
        except BaseException as exc:
            errors.append(exc)

    worker = threading.Thread(target=thread, daemon=True)
    worker.start()
    worker.join(timeout)
    if errors:
        raise errors[0]
    assert box, "the probe did not finish"
    return box[0]


def connect_via(
    lab: Lab, target: str, credentials: ProxyCredentials | None = None
) -> ProxyExchange:
    async def go() -> ProxyExchange:
        sock, obs = await through_proxy(
            PROXY, "198.18.2.10", Target.parse(target), method="CONNECT",
            credentials=credentials, connect_timeout=3, answer_timeout=5,
        )  # fmt: skip
        if sock is not None:
            sock.close()
        return obs

    return in_namespace(lab.names.ns("client"), go)


pytestmark_lab = pytest.mark.lab


@pytestmark_lab
def test_squid_offers_ntlm_and_basic_and_checks_what_is_typed(proxy_lab: Lab) -> None:
    none = connect_via(proxy_lab, "www.lab.test:443")
    assert none.outcome == "auth_required" and none.answer is not None
    assert none.answer.values("Proxy-Authenticate")[0] == "NTLM"
    assert none.answer.values("Proxy-Authenticate")[1].startswith("Basic realm=")
    # ntlm_fake_auth accepts any NTLM login: this proves pyspnego's rounds against real Squid
    ntlm = connect_via(
        proxy_lab, "www.lab.test:443", ProxyCredentials(user="LAB\\bob", password="x")
    )
    assert (ntlm.outcome, ntlm.auth_scheme) == ("ok", "NTLM")


@pytestmark_lab
def test_squid_gets_hashes_not_passwords(proxy_lab: Lab) -> None:
    # Basic logins through the real Squid are proved by the C2 scenario (login accepted)
    passwd = (proxy_lab.state_dir / "squid" / "passwd").read_text()
    assert passwd.startswith("alice:$apr1$") and "t3st-Lab-pass" not in passwd


@pytestmark_lab
def test_exempt_host_without_auth_other_host_refused(proxy_lab: Lab) -> None:
    exempt = connect_via(proxy_lab, "tax.lab.test:2429")
    assert exempt.outcome == "ok" and exempt.first_answer is None
    other = connect_via(proxy_lab, "other.lab.test:2429")
    assert other.outcome == "denied" and other.answer is not None and other.answer.status == 403


@pytestmark_lab
def test_direct_port_dropped_from_the_client_only(proxy_lab: Lab) -> None:
    with pytest.raises(TimeoutError):
        connect(proxy_lab.names.ns("client"), "100.64.1.50", 2429, timeout=1.0)
    sock, _ = connect(proxy_lab.names.ns("proxy"), "100.64.1.50", 2429, timeout=3.0)
    sock.close()


@pytestmark_lab
def test_the_reaper_closes_a_busy_tunnel_with_a_fin_from_the_proxy(proxy_lab: Lab) -> None:
    target = Target.parse("tax.lab.test:2429")

    async def go() -> HoldObservation:
        sock, obs = await through_proxy(
            PROXY, "198.18.2.10", target, method="CONNECT", credentials=None,
            connect_timeout=3, answer_timeout=5,
        )  # fmt: skip
        assert sock is not None, obs
        return await hold_connection(
            sock, obs.connect, target, route=f"PROXY {PROXY}", wanted=8, answer_timeout=5
        )

    held = in_namespace(proxy_lab.names.ns("client"), go)
    assert held.outcome == "fin" and held.closed_by == "198.18.2.10", held
    assert 2.5 <= held.seconds <= 4.5 and held.requests >= 2


@pytestmark_lab
def test_the_listener_acknowledges_through_the_proxy_with_the_proxy_address(proxy_lab: Lab) -> None:
    app = Target.parse("app.lab.test:9400")

    async def go() -> MarkerObservation:
        return await send_marker(
            app, "100.64.1.70", proxy=(PROXY, "198.18.2.10"),
            credentials=ProxyCredentials(user="LAB\\bob", password="x"),
            connect_timeout=3, answer_timeout=5,
        )  # fmt: skip

    marker = in_namespace(proxy_lab.names.ns("client"), go)
    assert marker.outcome == "delivered" and marker.seen_from == "198.18.2.10"
    log = next((proxy_lab.state_dir / "logs").glob("path-listener-*.log")).read_text()
    assert "198.18.2.10:" in log and marker.marker in log
