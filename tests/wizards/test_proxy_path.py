"""The proxy-path wizard end to end on loopback: quiet without a proxy, credentials that never
reach the bundle, and the PAC seam."""

from __future__ import annotations

import base64
import time
import zipfile
from pathlib import Path

import pytest

from tests.probes.loopback_servers import LoopbackServer
from tests.probes.proxy_servers import connect_proxy, keepalive_then
from wiresleuth.bundle.writer import write_bundle
from wiresleuth.engine import Engine
from wiresleuth.model.target import Target
from wiresleuth.probes.proxy_auth import ProxyCredentials
from wiresleuth.profile.model import Budgets, Profile
from wiresleuth.wizards.base import WizardInput
from wiresleuth.wizards.proxy_path import ProxyPathWizard

PLANTED = "Pl4nted-pr0xy-S3cret"


def profile(*targets: str, proxy: str | None = None, pac_url: str | None = None) -> Profile:
    return Profile(
        targets=tuple(Target.parse(t) for t in targets),
        proxy=proxy,
        pac_url=pac_url,
        budgets=Budgets(run=20, connect=1.0, tls_handshake=2.0, icmp=0.3, tunnel_hold=2.0),
    )


def test_without_a_proxy_secure_sites_are_left_to_the_tls_wizard() -> None:
    wizard = ProxyPathWizard(environment={})
    prof = profile("https://127.0.0.1:9/")
    given = WizardInput(profile=prof, targets=prof.targets, resolved={})
    assert wizard.flows(given) == []
    assert wizard.steps(given) == 1
    result = Engine(given.profile, [wizard], capture=False).run()
    observations = result.observations["proxy"]
    assert observations["targets"] == [] and observations["markers"] == []
    assert [f.id for f in result.findings] == ["capture.unavailable"]
    (status,) = [s for s in result.checks if s.check == "proxy"]
    assert status.target == "127.0.0.1:9"
    assert status.shown.startswith("not tested (no proxy is known")


class FixedPac:
    """A PAC decision source: what the PAC wizard's evaluator will provide."""

    def __init__(self, answer: str | None) -> None:
        self.answer = answer
        self.asked: list[str] = []

    async def find_proxy(self, pac_url: str, target: Target) -> str | None:
        self.asked.append(f"{pac_url} {target.url}")
        return self.answer


def test_the_pac_decision_plugs_in_and_its_failover_order_is_kept() -> None:
    with LoopbackServer(keepalive_then("hold", 0)) as site:
        target = f"127.0.0.1:{site.port}"
        pac = FixedPac("PROXY 127.0.0.1:9; DIRECT")
        wizard = ProxyPathWizard(pac=pac, environment={})
        prof = profile(target, pac_url="http://wpad.example/wpad.dat")
        result = Engine(prof, [wizard], capture=False).run()
    assert pac.asked == [f"http://wpad.example/wpad.dat https://{target}/"]
    obs = result.observations["proxy"]
    routes = obs["targets"][0]["plan"]["routes"]
    assert [r["kind"] for r in routes] == ["PROXY", "DIRECT"]
    assert obs["targets"][0]["plan"]["source"] == "pac"
    ids = [f.id for f in result.findings]
    assert "proxy.unreachable" in ids  # nothing listens on 127.0.0.1:9


def test_a_planted_password_never_reaches_the_bundle(tmp_path: Path) -> None:
    """Credentials go over the wire (Basic) and into the capture; every bundle member,
    capture.pcapng included, is searched for the password in every form it was sent."""
    with (
        LoopbackServer(keepalive_then("hold", 0)) as site,
        LoopbackServer(
            connect_proxy(site.port, user="alice", password=PLANTED, schemes=('Basic realm="t"',))
        ) as proxy,
    ):
        wizard = ProxyPathWizard(
            credentials=ProxyCredentials(user="alice", password=PLANTED), environment={}
        )
        prof = profile(f"127.0.0.1:{site.port}", proxy=f"127.0.0.1:{proxy.port}")
        result = Engine(prof, [wizard], capture=True, work_dir=tmp_path).run()
    if not result.capture.available:
        pytest.skip(f"needs capture rights: {result.capture.reason}")
    exchange = result.observations["proxy"]["targets"][0]["via_proxy"][0]
    assert (exchange["outcome"], exchange["auth_scheme"]) == ("ok", "Basic")
    bundle = write_bundle(result, tmp_path / "secret.wsbundle")
    forms = [
        PLANTED.encode(),
        base64.b64encode(f"alice:{PLANTED}".encode()),
        base64.b64encode(PLANTED.encode())[:12],
    ]
    with zipfile.ZipFile(bundle) as archive:
        members = {name: archive.read(name) for name in archive.namelist()}
    assert "capture.pcapng" in members
    for name, data in members.items():
        for form in forms:
            assert form not in data, f"{form!r} found in {name}"
    # the header was captured (so the search above is not vacuous) and masked in place
    assert b"Proxy-Authorization: Basic ****" in members["capture.pcapng"]


def test_observations_say_who_typed_but_not_what(tmp_path: Path) -> None:
    with (
        LoopbackServer(keepalive_then("hold", 0)) as site,
        LoopbackServer(
            connect_proxy(site.port, user="alice", password="right", schemes=('Basic realm="t"',))
        ) as proxy,
    ):
        wizard = ProxyPathWizard(
            credentials=ProxyCredentials(user="alice", password="wrong-" + PLANTED),
            environment={},
        )
        prof = profile(f"127.0.0.1:{site.port}", proxy=f"127.0.0.1:{proxy.port}")
        result = Engine(prof, [wizard], capture=False).run()
    assert result.observations["proxy"]["credentials"] == "alice"
    assert PLANTED not in repr(result.observations) and PLANTED not in "\n".join(result.log)
    ids = {f.id for f in result.findings}
    assert {"proxy.auth_rejected", "proxy.auth_required"} <= ids


def test_transparent_http_and_an_endpoint_that_should_refuse() -> None:
    def cache(conn):  # type: ignore[no-untyped-def]
        conn.recv(4096)
        conn.sendall(
            b"HTTP/1.1 503 Service Unavailable\r\nVia: 1.1 wccp-cache\r\n"
            b"X-Cache: MISS from wccp-cache\r\nContent-Length: 0\r\n\r\n"
        )

    with LoopbackServer(cache) as intercepted, LoopbackServer(keepalive_then("hold", 0)) as pac:
        prof = Profile(
            targets=(Target(host="127.0.0.1", port=intercepted.port, scheme="http"),),
            must_refuse=(Target.parse(f"127.0.0.1:{pac.port}"),),
            budgets=Budgets(run=20, connect=1.0, tls_handshake=1.0, icmp=0.3),
        )
        result = Engine(prof, [ProxyPathWizard(environment={})], capture=False).run()
    found = {f.id: f for f in result.findings}
    transparent = found["proxy.transparent_http"]
    assert transparent.values["headers"] == {
        "Via": "1.1 wccp-cache",
        "X-Cache": "MISS from wccp-cache",
    }
    answered = found["path.unexpected_handshake"]
    assert answered.target == f"127.0.0.1:{pac.port}"
    assert answered.values["answered"].startswith("200")


def test_a_pac_proxy_with_a_label_over_63_characters_is_an_unusable_route() -> None:
    """Issue 20, item 9: the IDNA codec's UnicodeError used to end the whole wizard."""
    name = "a" * 70 + ".example"
    with LoopbackServer(keepalive_then("hold", 0)) as site:
        target = f"127.0.0.1:{site.port}"
        wizard = ProxyPathWizard(pac=FixedPac(f"PROXY {name}:8080; DIRECT"), environment={})
        result = Engine(profile(target, pac_url="http://wpad.example/wpad.dat"), [wizard],
                        capture=False).run()  # fmt: skip
    ids = [f.id for f in result.findings]
    assert "probe.failed" not in ids
    [unreachable] = [f for f in result.findings if f.id == "proxy.unreachable"]
    assert unreachable.values["proxy"] == f"{name}:8080"
    assert "70 characters; DNS allows 63" in unreachable.values["error"]
    obs = result.observations["proxy"]
    assert [r["kind"] for r in obs["targets"][0]["plan"]["routes"]] == ["PROXY", "DIRECT"]
    assert obs["targets"][0]["direct"]["connected_at"] is not None  # the next route was tested


def test_the_profiles_names_are_asked_before_the_environment_is_read(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Capture's start waits for these answers: reading the environment's proxy settings
    first put every lookup that much later."""
    from wiresleuth.wizards import route_input

    events: list[str] = []

    def lookup(host: str) -> str | None:
        events.append(f"asked {host}")
        return "100.64.0.7"

    class SlowEnvironment(ProxyPathWizard):
        def environment(self) -> dict[str, str]:  # type: ignore[override]
            time.sleep(0.05)  # bounded: the reading of a slow settings store
            events.append("environment read")
            return {"https": "http://envproxy.test:3128"}

    monkeypatch.setattr(route_input, "lookup_now", lookup)
    profile = Profile(
        targets=(Target.parse("https://a.test/"),),
        must_refuse=(Target.parse("refuser.test:80"),),
        proxy="profproxy.test:8080",
    )
    wizard = SlowEnvironment()
    wizard.prepare(profile)
    assert events.index("asked refuser.test") < events.index("environment read")
    assert events.index("asked profproxy.test") < events.index("environment read")
    assert events.index("asked envproxy.test") > events.index("environment read")
    assert wizard._address_of("envproxy.test") == "100.64.0.7"
